"""The files a site keeps beside its robots.txt, as an audit finds them: what each kind is, where it
lives, how much of it is read, and one dated copy of one of them (:class:`SiteFile`).

* ``tdmrep.json`` — W3C TDMRep, at ``/.well-known/tdmrep.json`` of the origin;
* ``ai.txt`` — Spawning's file, at ``/ai.txt``;
* ``rsl`` — an RSL licence document, wherever a robots.txt ``License:`` line or a document's
  ``Link: <…>; rel="license"; type="application/rsl+xml"`` header says (RSL 1.0 §4.4-4.5).

A copy that is not a 2xx answer (a 404, a 5xx, a redirect that leads nowhere) is *absent*: the
site said nothing through that file, which is no statement, never "unavailable" (robots.txt is
the only file whose absence RFC 9309 gives a meaning).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

from reciprocity.signals.aitxt import AiTxt, parse_ai_txt
from reciprocity.signals.robots import ROBOTS_SIZE_LIMIT, RobotsTxt
from reciprocity.signals.rsl import (
    MAX_RSL_BYTES,
    RslDocument,
    license_urls_from_link_headers,
    license_urls_from_robots,
    parse_rsl,
)
from reciprocity.signals.tdmrep import TDMREP_SIZE_LIMIT, TdmRepFile, parse_tdmrep_json

__all__ = [
    "FILE_KINDS",
    "FILE_PATHS",
    "KINDS",
    "LIMITS",
    "PATHS",
    "RSL_CANDIDATES",
    "FileKind",
    "Kind",
    "ServedBy",
    "SiteFile",
    "kind_of_path",
    "parse_file",
    "rsl_candidates",
    "rsl_links",
]

Kind = Literal["robots.txt", "tdmrep.json", "ai.txt", "rsl"]
FileKind = Literal["tdmrep.json", "ai.txt", "rsl"]
"""The kinds beside robots.txt; their names are the keys ``evaluate(fetched=...)`` dates."""
KINDS: Final[tuple[Kind, ...]] = ("robots.txt", "tdmrep.json", "ai.txt", "rsl")
FILE_KINDS: Final[tuple[FileKind, ...]] = ("tdmrep.json", "ai.txt", "rsl")

ServedBy = Literal["snapshots", "inputs", "online"]
"""Which source served a copy: ``--robots``/``--site-files`` snapshots, a record of the audited
inputs, or the live fetcher (``--online``)."""

FILE_PATHS: Final[dict[FileKind, str]] = {
    "tdmrep.json": "/.well-known/tdmrep.json",
    "ai.txt": "/ai.txt",
}
"""The path of each file kind with a fixed place on its origin."""
PATHS: Final[dict[str, Kind]] = {
    "/robots.txt": "robots.txt",
    **{path: kind for kind, path in FILE_PATHS.items()},
}
"""Kind by path, robots.txt included."""

LIMITS: Final[dict[Kind, int]] = {
    "robots.txt": ROBOTS_SIZE_LIMIT,
    "tdmrep.json": TDMREP_SIZE_LIMIT,
    # ai.txt is read by the robots.txt parser, which reads no further.
    "ai.txt": ROBOTS_SIZE_LIMIT,
    "rsl": MAX_RSL_BYTES,
}
"""Decoded bytes of a body kept per kind: what its parser reads, the same caps as the fetcher's."""

RSL_CANDIDATES: Final = 4
"""RSL URLs tried for one document (robots.txt ``License:`` lines first, then ``Link``
headers): a robots.txt listing hundreds must not make a document cost hundreds of lookups."""

Parsed = TdmRepFile | AiTxt | RslDocument


def kind_of_path(path: str) -> Kind | None:
    """The kind a URL path names by itself (``/ai.txt`` …), or ``None`` (an RSL document is
    known by what names it, not by its path)."""
    return PATHS.get(path)


def parse_file(kind: FileKind, body: bytes) -> Parsed:
    """The body of a 2xx copy, read by its kind's parser (which never raises on content)."""
    if kind == "tdmrep.json":
        return parse_tdmrep_json(body)
    if kind == "ai.txt":
        return parse_ai_txt(body)
    return parse_rsl(body)


@dataclass(frozen=True, slots=True)
class SiteFile:
    """One dated copy of a site file, as a source served it."""

    kind: FileKind
    url: str
    """The URL asked for (before any redirect)."""
    fetched: datetime | None
    """When it was fetched or crawled (UTC); ``None`` when the copy carries no date."""
    status: int | None
    """HTTP status of the answer that counts (after redirects); ``None``: no answer."""
    parsed: Parsed | None
    """The file as its parser read it; ``None`` when the copy is absent (not a 2xx)."""
    source: str
    """Where the deciding answer was read: ``file:byte offset`` of a WARC record, a file path,
    ``input:offset`` of a corpus record, or the URL fetched live."""
    served_by: ServedBy
    redirects: int = 0
    note: str = ""
    incomplete: bool = False
    """True when a redirect leads out of the copies this source holds: it knows nothing of the
    file then, and the next source is asked."""

    @property
    def present(self) -> bool:
        return self.parsed is not None

    @property
    def stamp(self) -> str | None:
        """The date as evidence carries it (ISO 8601)."""
        return None if self.fetched is None else self.fetched.isoformat()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (for the run record and the decision row)."""
        return {
            "kind": self.kind,
            "url": self.url,
            "fetched": self.stamp,
            "status": self.status,
            "present": self.present,
            "source": self.source,
            "served_by": self.served_by,
            "redirects": self.redirects,
            "note": self.note,
        }


def rsl_links(headers: Sequence[tuple[str, str]], base_url: str) -> tuple[str, ...]:
    """The RSL licence URLs a document's ``Link`` headers name (``type="application/rsl+xml"``).

    Most responses carry ``Link`` fields (preload, canonical, WordPress's API): only those that
    mention ``rsl`` are parsed."""
    for name, value in headers:
        if len(name) == 4 and name.lower() == "link" and "rsl" in value.lower():
            return license_urls_from_link_headers(headers, base_url=base_url).rsl_urls
    return ()


_LICENSES: OrderedDict[tuple[int, str, str], tuple[RobotsTxt, tuple[str, ...]]] = OrderedDict()
_LICENSES_LIMIT: Final = 4096


def _license_urls(robots: RobotsTxt, robots_url: str, agent: str) -> tuple[str, ...]:
    # The URL is part of the key: one parsed file may serve several sites, and a relative
    # License: URL is relative to the robots.txt that gives it.
    key = (id(robots), robots_url, agent)
    found = _LICENSES.get(key)
    # The entry holds its robots.txt, so no other object can take its id while it is here.
    if found is not None and found[0] is robots:
        return found[1]
    urls = license_urls_from_robots(robots, agent, base_url=robots_url).rsl_urls
    if len(_LICENSES) >= _LICENSES_LIMIT:
        _LICENSES.popitem(last=False)
    _LICENSES[key] = (robots, urls)
    return urls


def rsl_candidates(
    robots: RobotsTxt | None, origin: str, agent: str, links: Sequence[str] = ()
) -> tuple[str, ...]:
    """The RSL URLs to try for a document, in order: the ``License:`` lines of the robots.txt in
    force that apply to ``agent`` (relative ones resolved against the robots.txt), then the
    document's own ``Link`` headers; http(s) URLs only, each once, at most
    :data:`RSL_CANDIDATES` (the order the fetcher's ``site()`` tries them in)."""
    named = _license_urls(robots, f"{origin}/robots.txt", agent) if robots is not None else ()
    if not named and not links:
        return ()
    found = [u for u in (*named, *links) if u[:8].lower().startswith(("http://", "https://"))]
    return tuple(dict.fromkeys(found))[:RSL_CANDIDATES]
