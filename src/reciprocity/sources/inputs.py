"""Site files among the records of the audited inputs: a crawl often holds a host's ``/ai.txt``,
its ``/.well-known/tdmrep.json`` or an RSL licence document, fetched like any page.

The audit reads its inputs once. While it does, :func:`site_file_record` picks out the records
that are site files (a cheap test of the URL's path, and of the type of XML bodies), and the
audit keeps them beside its results. Only when some were found does it read the inputs again
for the documents whose decision they change (``reciprocity.corpus.audit``): a corpus without
such records costs nothing more. :func:`input_snapshots` turns the records into the source the
audit asks after the snapshots (served by ``inputs``), dated with their crawl dates.

robots.txt records are left out: robots.txt comes from snapshots, whose meaning for a missing
host (``unavailable``) a crawl's own records do not have.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Protocol

from reciprocity.errors import InputError
from reciprocity.sources.site_files import FILE_PATHS, LIMITS, FileKind
from reciprocity.sources.snapshots import Fetch, SiteSnapshots, index_fetches, origin_of

__all__ = [
    "InputFile",
    "Record",
    "digest",
    "input_snapshots",
    "read_input_files",
    "site_file_record",
    "write_input_files",
]

_SUFFIXES: Final = tuple(FILE_PATHS.values())
_RSL_NAMESPACE: Final = b"rslstandard.org/rsl"
_RSL_HEAD: Final = 4096
"""Bytes of an XML body searched for the RSL namespace."""


class Record(Protocol):
    """What a corpus reader tells of a record (``reciprocity.corpus.document.Document``)."""

    @property
    def source(self) -> str: ...
    @property
    def offset(self) -> int: ...
    @property
    def url(self) -> str: ...
    @property
    def date(self) -> datetime | None: ...
    @property
    def status(self) -> int | None: ...
    @property
    def headers(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def body(self) -> bytes | None: ...
    @property
    def content_type(self) -> str | None: ...
    @property
    def error(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class InputFile:
    """A record of an input that is a site file, as kept beside the audit's results."""

    kind: FileKind
    url: str
    fetched: str | None
    """The record's date (ISO 8601)."""
    status: int | None
    location: str | None
    body: bytes
    source: str
    offset: int

    @property
    def origin(self) -> str | None:
        return origin_of(self.url)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "url": self.url,
            "fetched": self.fetched,
            "status": self.status,
            "location": self.location,
            "body": base64.b64encode(self.body).decode("ascii"),
            "source": self.source,
            "offset": self.offset,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InputFile:
        return cls(
            data["kind"],
            data["url"],
            data["fetched"],
            data["status"],
            data["location"],
            base64.b64decode(data["body"]),
            data["source"],
            data["offset"],
        )


def _kind(record: Record) -> FileKind | None:
    url = record.url
    if "ai.txt" in url or "tdmrep.json" in url:
        path = url.split("#", 1)[0].split("?", 1)[0]
        for kind, suffix in FILE_PATHS.items():
            # The path itself, not a file of that name deeper in the site.
            if path.endswith(suffix) and path.count("/") == 2 + suffix.count("/"):
                return kind
    media = (record.content_type or "").lower()
    if "xml" in media and (
        "rsl" in media or _RSL_NAMESPACE in (record.body or b"")[:_RSL_HEAD].lower()
    ):
        return "rsl"
    return None


def site_file_record(record: Record) -> InputFile | None:
    """The record as a site file, or ``None`` when it is not one (most records: one test of
    the URL and, for XML bodies only, of the RSL namespace)."""
    if record.error is not None:
        return None
    kind = _kind(record)
    if kind is None:
        return None
    status = record.status
    body = record.body or b""
    if status is None:
        status = 200 if body else None  # a row of a dataset: its text is the file
    location = next((v for k, v in record.headers if k.lower() == "location"), None)
    return InputFile(
        kind,
        record.url,
        None if record.date is None else record.date.isoformat(),
        status,
        location,
        body[: LIMITS[kind]] if status is not None and 200 <= status < 300 else b"",
        record.source,
        record.offset,
    )


def write_input_files(path: Path, files: Sequence[InputFile]) -> None:
    """Keep ``files`` (the site files among one part's records) in ``path`` (JSON)."""
    path.write_text(json.dumps([f.to_json() for f in files]), encoding="utf-8")


def read_input_files(paths: Iterable[Path]) -> list[InputFile]:
    """The site files kept by :func:`write_input_files`, in the order of ``paths``."""
    found: list[InputFile] = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            found.extend(InputFile.from_json(item) for item in data)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(f"unreadable record of input site files ({exc})", path=path) from None
    return found


def input_snapshots(files: Sequence[InputFile]) -> SiteSnapshots:
    """The site files of the inputs as a source (served by ``inputs``), each dated by its
    record and cited as ``input:offset``."""
    return index_fetches(
        (
            Fetch(
                item.url,
                None if item.fetched is None else datetime.fromisoformat(item.fetched),
                item.status,
                item.location,
                item.body,
                item.source,
                item.offset,
                "a record of the audited inputs",
            )
            for item in files
        ),
        served_by="inputs",
        counts={"records": len(files)},
    )


def digest(files: Sequence[InputFile]) -> str:
    """What the decisions made with ``files`` depend on, as one string (parts carry it)."""
    hashed = hashlib.sha256()
    for item in sorted(files, key=lambda f: (f.source, f.offset)):
        hashed.update(json.dumps(item.to_json(), sort_keys=True).encode())
    return hashed.hexdigest()[:32]
