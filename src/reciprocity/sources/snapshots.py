"""Site snapshots: which robots.txt (and tdmrep.json, ai.txt, RSL licence) a host served, and
when, read from files.

An offline audit cannot fetch robots.txt as it was when a page was crawled; it reads it from
snapshots instead (issue 5, DESIGN §3 points 5-6). ``load_snapshots(paths)`` reads

* WARC files (``.warc``, ``.warc.gz``, also zstd/lz4) of robots.txt fetches, as Common Crawl
  publishes them in the ``robotstxt`` subset of each crawl: ``response`` records (2xx with the
  body; 3xx with ``Location``; 4xx; 5xx), ``revisit`` records (body found by payload digest) and
  ``resource`` records (a body without HTTP: read as 200); ``request``, ``metadata`` and
  ``warcinfo`` records carry nothing the access rule needs and are skipped;
* directories of host files (``example.com.txt``, ``example.com.404``, ``snapshots.tsv`` …;
  see ``docs/robots-snapshots.md``), and WARC files found in them.

``load_snapshots(..., site_files=paths)`` reads the files beside robots.txt too: WARC files of
their fetches, or folders laid out like the sites (``HOST/.well-known/tdmrep.json``,
``HOST/ai.txt``, ``HOST/<path of an RSL document>``; see ``docs/site-files.md``).

``SiteSnapshots.lookup(url, when=, as_of=)`` then picks the snapshot of the URL's origin that
the run's time policy names (``crawl``, ``latest`` or ``strictest``), follows redirects recorded
in the snapshots (at most five, RFC 9309 §2.3.1.2) and maps the outcome to the RFC 9309 access
rule with ``RobotsTxt.from_fetch``: 2xx rules, 4xx allow all, 5xx / no answer complete disallow;
and the copies of the origin's tdmrep.json and ai.txt, and of the RSL licence its robots.txt or
the document names, chosen by the same rule. ``None`` means the snapshots hold nothing of the
origin: the caller records ``unavailable``.

Fetches are written, as they are read, into an on-disk index
(:mod:`reciprocity.sources.snapshot_index`): memory holds neither them nor their bodies (each
cut at 500 KiB, RFC 9309 §2.5, identical ones stored once), and a worker process is handed the
index's path, not a copy. Bodies are parsed on first lookup only; parsed snapshots sit in a
bounded cache. Content never raises: a record or line that cannot be used is skipped and listed
in ``problems``. A path that cannot be read at all raises :class:`~reciprocity.errors.InputError`.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import http
import ipaddress
import re
import sqlite3
import uuid
import zlib
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Final, NamedTuple
from urllib.parse import quote, urljoin, urlsplit

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from reciprocity._codings import dechunk, inflate
from reciprocity._dates import utc
from reciprocity.errors import InputError
from reciprocity.signals.robots import ROBOTS_SIZE_LIMIT, Access, RobotsTxt
from reciprocity.sources.asof import AsOf, Span, choose, span
from reciprocity.sources.site_files import (
    FILE_KINDS,
    FILE_PATHS,
    LIMITS,
    PATHS,
    FileKind,
    ServedBy,
    SiteFile,
    kind_of_path,
    parse_file,
    rsl_candidates,
)
from reciprocity.sources.snapshot_index import Index, IndexedFetch, IndexWriter
from reciprocity.urls import normalise_host, split_url
from reciprocity.urls import origin as url_origin

__all__ = [
    "MAX_REDIRECTS",
    "Choice",
    "Fetch",
    "SiteSnapshots",
    "Snapshot",
    "SnapshotEntry",
    "index_fetches",
    "load_snapshots",
    "origin_of",
    "write_snapshot_warc",
]

MAX_REDIRECTS: Final = 5
"""Redirects followed inside the snapshots (RFC 9309 §2.3.1.2: "at least five")."""

_RAW_READ: Final = max(8 * ROBOTS_SIZE_LIMIT, LIMITS["rsl"] + 1)
"""Payload bytes read from one record: enough compressed input for 500 KiB of text (and a whole
RSL document), and a bound on what one hostile record can make us hold."""

# Bodies a --site-files WARC may hold that no site file is: a whole crawl passed by mistake
# must not be kept in memory. Redirect targets of site files are JSON, XML or text.
_NOT_SITE_FILE_TYPES: Final = ("text/html", "application/xhtml", "image/", "video/", "audio/")

_PROBLEMS_LISTED: Final = 200
"""Problems kept as messages; the rest are only counted (a large crawl may have many)."""

_OTHER_SCHEME: Final = {"http": "https", "https": "http"}

# File names of a snapshot directory that are never host files.
_TSV: Final = "snapshots.tsv"
_WARC_NAME_RE: Final = re.compile(r"\.(?:warc|arc)(?:\.(?:gz|zst|zstd|lz4))?$", re.IGNORECASE)
_STATUS_SUFFIX_RE: Final = re.compile(r"\.(\d{3}|unreachable)$", re.IGNORECASE)
# A host name as files spell it: letters, digits, '-', '_', '.'; or a bracketed IPv6 address.
_HOST_RE: Final = re.compile(r"(?:[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?|\[[0-9a-f:.]+\])", re.I)
# An optional port after the host: ':8080' (the URL spelling) or '_8080' (where ':' cannot be
# in a file name). A host's last label never ends in '_digits', so neither is ambiguous.
_PORT_SUFFIX_RE: Final = re.compile(r"[:_](\d{1,5})$")
_WARC_STAMP_RE: Final = re.compile(r"\d{14}")


# -- results -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One robots.txt fetch of an origin, with the access rule it implies."""

    origin: str
    """``scheme://host[:port]`` whose rules these are (lower-cased, default port dropped)."""
    url: str
    """The robots.txt URL that was fetched (before any redirect)."""
    fetched: datetime | None
    """When it was fetched (UTC), or ``None`` when the snapshot carries no date."""
    status: int | None
    """HTTP status of the last response of the redirect chain; ``None``: no answer."""
    robots: RobotsTxt
    """The robots.txt in force: its rules (2xx), allow all or complete disallow."""
    source: str
    """Where the deciding response was read: ``file:byte offset`` for a WARC record, the file
    path for a host file."""
    redirects: int = 0
    """Redirects followed to reach the deciding response."""
    note: str = ""
    """What was read beyond the plain case: redirects, a cut body, an unknown date …"""
    incomplete: bool = False
    """True when the redirect target is missing from the snapshots: our copy is incomplete, which
    says nothing about the site, so an audit treats the host as having no snapshot (its
    ``--unavailable`` policy decides) rather than as allow-all."""
    served_by: ServedBy = "snapshots"
    """Which source served it: ``snapshots``, or ``online`` (the live fetcher)."""
    offset: int | None = None
    """Byte offset of the deciding record in its WARC file (``source`` names both); ``None``
    for a host file or a live fetch."""

    @property
    def access(self) -> Access:
        return self.robots.access

    @property
    def stamp(self) -> str | None:
        """The date as evidence carries it (ISO 8601)."""
        return None if self.fetched is None else self.fetched.isoformat()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (for run manifests and evidence)."""
        return {
            "origin": self.origin,
            "url": self.url,
            "fetched": self.stamp,
            "status": self.status,
            "access": self.robots.access.value,
            "reason": self.robots.reason,
            "source": self.source,
            "redirects": self.redirects,
            "note": self.note,
            "served_by": self.served_by,
        }


@dataclass(frozen=True, slots=True)
class Choice:
    """What a site says to one document under the run's time policy: its robots.txt snapshot(s)
    and the copies of the files beside it.

    One robots.txt snapshot, or two for ``strictest`` when the crawl-time and the latest
    snapshots differ (crawl-time first); none when no source holds the origin's robots.txt
    (the run records ``unavailable``). ``files`` holds, per kind, the copy that applies (two
    for ``strictest``, crawl-time first), absent copies (a 404) included; the caller combines
    two most-restrictively."""

    snapshots: tuple[Snapshot, ...]
    as_of: AsOf
    note: str = ""
    files: tuple[SiteFile, ...] = ()
    span: Span | None = field(default=None, compare=False)
    """The document dates this same answer holds for, when the source knows them (robots.txt
    snapshots alone); ``None``: ask again for another date."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "note": self.note,
            "snapshots": [s.to_dict() for s in self.snapshots],
            "files": [f.to_dict() for f in self.files],
        }

    def provenance(self) -> list[dict[str, Any]]:
        """One record per copy that applied, robots.txt first (absent site files, a 404,
        included), as the ``snapshots`` column of ``decisions.parquet`` holds it: ``kind``,
        ``url``, ``source`` (file:offset, input:offset or URL), ``offset`` (of a robots.txt
        snapshot's WARC record), ``date``, ``status``, ``served_by`` and ``note``; the choice's
        own note joins the first record's."""
        found = [_copy_record("robots.txt", s, s.offset) for s in self.snapshots]
        found.extend(_copy_record(f.kind, f, None) for f in self.files)
        if found and self.note:
            first = found[0]
            first["note"] = "; ".join(n for n in (first["note"], self.note) if n)
        return found


def _copy_record(kind: str, copy: Snapshot | SiteFile, offset: int | None) -> dict[str, Any]:
    return {
        "kind": kind,
        "url": copy.url,
        "source": copy.source,
        "offset": offset,
        "date": copy.fetched,
        "status": copy.status,
        "served_by": copy.served_by,
        "note": copy.note or None,
    }


# -- URLs and origins ----------------------------------------------------------------------------


def _split(url: str) -> tuple[str, str, str] | None:
    """(origin, path, query) of an http(s) URL, or ``None`` when it is not one. The origin is
    :func:`reciprocity.urls.origin`'s, so that snapshots join the audit's hosts and evidence."""
    split = split_url(url)
    if split is None or not split[0].startswith(("http://", "https://")):
        return None
    return split


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL as snapshots are keyed, or ``None``."""
    found = url_origin(url)
    return found if found is not None and found.startswith(("http://", "https://")) else None


def _url_key(url: str) -> str | None:
    """The key a fetched URL is indexed under (origin + path + query; fragment dropped)."""
    split = _split(url)
    if split is None:
        return None
    origin, path, query = split
    return f"{origin}{path}?{query}" if query else f"{origin}{path}"


def _robots_key(origin: str) -> str:
    return f"{origin}/robots.txt"


# -- dates ---------------------------------------------------------------------------------------


def _parse_date(text: str | None) -> datetime | None:
    """A WARC-Date / ISO 8601 date or datetime, or a 14-digit WARC timestamp; ``None`` if not."""
    if text is None:
        return None
    text = text.strip()
    if not text:
        return None
    try:
        if _WARC_STAMP_RE.fullmatch(text):
            return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
        if text[-1] in "Zz":  # Python 3.10's fromisoformat does not read 'Z'
            text = text[:-1] + "+00:00"
        return utc(datetime.fromisoformat(text))
    except (ValueError, OverflowError):
        return None


# -- the index -----------------------------------------------------------------------------------


class Fetch(NamedTuple):
    """One fetch of a URL as :func:`index_fetches` takes it."""

    url: str
    fetched: datetime | None
    status: int | None
    location: str | None
    body: bytes
    source: str
    offset: int = -1
    note: str = ""


def _closest(fetches: Sequence[IndexedFetch], when: datetime | None) -> IndexedFetch:
    """The fetch nearest in time to ``when`` (a redirect's target was fetched right after it)."""
    if when is None:
        return fetches[-1]
    dated = [f for f in fetches if f.fetched is not None]
    if not dated:
        return fetches[-1]
    return min(dated, key=lambda f: abs((f.fetched or when) - when))


class SiteSnapshots:
    """Snapshots of site files (robots.txt and the files beside it) indexed by URL; build with
    :func:`load_snapshots`. ``served_by`` names the source in what it serves (the records of an
    audit's own inputs are held in one of these too, served by ``inputs``).

    The fetches stay in the on-disk ``index``; this object holds bounded caches only, and
    pickles as the index's path and its settings: a worker process opens the file itself.
    :meth:`close` (or the end of a ``with`` block) removes the file; so does collecting the
    object that built it."""

    def __init__(
        self,
        index: Index,
        *,
        scheme_fallback: bool = False,
        cache_size: int = 16384,
        served_by: ServedBy = "snapshots",
    ) -> None:
        self.index = index
        """Where the fetches are (:class:`~reciprocity.sources.snapshot_index.Index`)."""
        meta = index.meta()
        self.problems: tuple[str, ...] = tuple(meta["problems"])
        """Records and files skipped, and why (the first 200)."""
        self.problem_count: int = meta["problem_count"]
        self.counts: dict[str, int] = dict(meta["counts"])
        """What was read: files, records, fetches indexed, records skipped by kind."""
        self.scheme_fallback = scheme_fallback
        """When an origin has no snapshot, use the other scheme's (http <-> https), with a note.
        Off by default: RFC 9309 §2.3 scopes a robots.txt to its own scheme, host and port."""
        self.served_by: ServedBy = served_by
        self.has_files: bool = meta["site_files"]
        """Whether site files beside robots.txt are held (loaded as ``site_files``, or a fixed
        path such as ``/ai.txt`` indexed): when not, a lookup looks for none, so that the usual
        robots.txt-only run pays nothing for them."""
        self._origins: int = meta["origins"]
        self._kinds: dict[str, int] = meta["kinds"]
        self._cache_size = max(cache_size, 1)
        self._empty_caches()

    def _empty_caches(self) -> None:
        # Fetches by URL key (none found included), snapshots and site files by the fetch they
        # start from: each bounded, so memory does not grow with the snapshots.
        self._rows: OrderedDict[str, tuple[IndexedFetch, ...]] = OrderedDict()
        self._cache: OrderedDict[int, Snapshot] = OrderedDict()
        self._files: OrderedDict[tuple[int, str], SiteFile] = OrderedDict()
        self.parsed = 0
        """Snapshots built (each parses its body once) — for tests and statistics."""

    def __getstate__(self) -> dict[str, Any]:
        caches = ("_rows", "_cache", "_files", "parsed")
        return {name: value for name, value in self.__dict__.items() if name not in caches}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._empty_caches()

    def close(self) -> None:
        """Let go of the index (its file is removed if this object built it)."""
        self.index.close()

    def __enter__(self) -> SiteSnapshots:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SiteSnapshots(origins={len(self)}, problems={self.problem_count})"

    def __len__(self) -> int:
        return self._origins

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and self._fetches_for(url)[0] is not None

    def origins(self) -> Iterator[str]:
        """The origins that have at least one robots.txt snapshot."""
        for key in self.index.keys("/robots.txt"):
            if key.count("/") == 3:
                yield key[: -len("/robots.txt")]

    def fetches(self, url: str) -> tuple[Snapshot, ...]:
        """Every snapshot of the origin of ``url``, oldest first (undated ones before)."""
        fetches, _ = self._fetches_for(url)
        return tuple(self._snapshot(f) for f in fetches or ())

    def summary(self) -> dict[str, Any]:
        """A JSON-ready account of what was loaded (for the run manifest)."""
        return {
            "origins": len(self),
            "urls": dict(self._kinds),
            "counts": dict(self.counts),
            "problems": self.problem_count,
            "scheme_fallback": self.scheme_fallback,
        }

    # -- lookup ---------------------------------------------------------------------------------

    def _fetches_for(self, url: str) -> tuple[tuple[IndexedFetch, ...] | None, str]:
        origin = origin_of(url)
        if origin is None:
            return None, ""
        return self._held(_robots_key(origin), origin)

    def _held(self, key: str, origin: str) -> tuple[tuple[IndexedFetch, ...] | None, str]:
        """The fetches of ``key`` (a URL key on ``origin``), or of the other scheme's."""
        found = self._fetches_of(key)
        if found:
            return found, ""
        if self.scheme_fallback:
            scheme, rest = origin.split("://", 1)
            other = f"{_OTHER_SCHEME[scheme]}://{rest}"
            found = self._fetches_of(other + key[len(origin) :])
            if found:
                return found, f"no snapshot for {origin}; the one of {other} is used"
        return None, ""

    def _fetches_of(self, key: str) -> tuple[IndexedFetch, ...]:
        """The fetches of a URL key, oldest first (``()``: none), from the cache or the index."""
        found = self._rows.get(key)
        if found is not None:
            self._rows.move_to_end(key)
            return found
        found = self._rows[key] = self.index.fetches(key)
        if len(self._rows) > self._cache_size:
            self._rows.popitem(last=False)
        return found

    def _body(self, fetch: IndexedFetch) -> bytes:
        # Only a 2xx keeps its body (the loader stores b"" for any other answer).
        ok = fetch.status is not None and 200 <= fetch.status < 300
        return self.index.body(fetch) if ok else b""

    def lookup(
        self,
        url: str,
        *,
        when: datetime | None,
        as_of: AsOf = "crawl",
        agent: str = "*",
        links: Sequence[str] = (),
    ) -> Choice | None:
        """The robots.txt snapshot(s) of ``url``'s origin that apply to a document crawled at
        ``when``, and the copies of its site files (see :meth:`files`).

        ``crawl``: the latest snapshot fetched at or before ``when`` (none before: the earliest
        after, with a note; ``when`` unknown: the latest). ``latest``: the newest snapshot.
        ``strictest``: the crawl-time one and the latest one (one snapshot if they are the
        same). Undated snapshots count only when the origin has no dated one. ``None``: the
        snapshots hold nothing of the origin (or ``url`` is not an http(s) URL).
        """
        robots = self.robots(url, when=when, as_of=as_of)
        if not self.has_files:
            return robots
        if robots is not None:
            # The files' copies have dates of their own: the answer's span is not known.
            robots = replace(robots, span=None)
        origin = origin_of(url)
        if origin is None:
            return None
        chosen = robots.snapshots if robots is not None else ()
        files = self.files(origin, chosen, when=when, as_of=as_of, agent=agent, links=links)
        if robots is None:
            return Choice((), as_of, "", files) if files else None
        return Choice(robots.snapshots, as_of, robots.note, files) if files else robots

    def robots(self, url: str, *, when: datetime | None, as_of: AsOf = "crawl") -> Choice | None:
        """The robots.txt snapshot(s) of ``url``'s origin alone (see :meth:`lookup`)."""
        fetches, fallback = self._fetches_for(url)
        if not fetches:
            return None
        chosen, notes = choose(fetches, _fetched, when, as_of)
        note = "; ".join((fallback, *notes) if fallback else notes)
        held = None if when is None else span(fetches, _fetched, when)
        return Choice(tuple(self._snapshot(f) for f in chosen), as_of, note, span=held)

    def files(
        self,
        origin: str,
        robots: Sequence[Snapshot],
        *,
        when: datetime | None,
        as_of: AsOf,
        agent: str = "*",
        links: Sequence[str] = (),
        kinds: Sequence[FileKind] = FILE_KINDS,
    ) -> tuple[SiteFile, ...]:
        """The copies of ``origin``'s site files held here that apply at ``when``: its
        tdmrep.json and ai.txt, and the first RSL document held among those its robots.txt
        ``License:`` lines (of the crawl-time snapshot in ``robots``, for ``agent``) and the
        document's ``links`` name. Kinds not held are left out (another source may hold them)."""
        found: list[SiteFile] = []
        for kind in kinds:
            if kind == "rsl":
                first = robots[0].robots if robots else None
                for candidate in rsl_candidates(first, origin, agent, links):
                    copies = self.file("rsl", candidate, when=when, as_of=as_of)
                    if copies:
                        found.extend(copies)
                        if any(c.present for c in copies):
                            break
                continue
            found.extend(self._copies(kind, f"{origin}{FILE_PATHS[kind]}", origin, when, as_of))
        return tuple(found)

    def file(
        self, kind: FileKind, url: str, *, when: datetime | None, as_of: AsOf = "crawl"
    ) -> tuple[SiteFile, ...]:
        """The copies of the file at ``url`` that apply at ``when`` (two for ``strictest``), or
        ``()`` when none is held, or when the one that applies redirects out of the snapshots."""
        split = _split(url)
        if split is None:
            return ()
        origin, path, query = split
        key = f"{origin}{path}?{query}" if query else f"{origin}{path}"
        return self._copies(kind, key, origin, when, as_of)

    def _copies(
        self, kind: FileKind, key: str, origin: str, when: datetime | None, as_of: AsOf
    ) -> tuple[SiteFile, ...]:
        fetches, fallback = self._held(key, origin)
        if not fetches:
            return ()
        chosen, notes = choose(fetches, _fetched, when, as_of, noun="copy")
        copies = tuple(self._file(kind, f) for f in chosen)
        if any(copy.incomplete for copy in copies):
            return ()
        extra = "; ".join((fallback, *notes) if fallback else notes)
        if extra:
            copies = tuple(
                replace(c, note=f"{c.note}; {extra}" if c.note else extra) for c in copies
            )
        return copies

    def _snapshot(self, start: IndexedFetch) -> Snapshot:
        cached = self._cache.get(start.id)
        if cached is not None:
            self._cache.move_to_end(start.id)
            return cached
        snapshot = self._resolve(start)
        self.parsed += 1
        self._cache[start.id] = snapshot
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return snapshot

    def _file(self, kind: FileKind, start: IndexedFetch) -> SiteFile:
        key = (start.id, kind)
        cached = self._files.get(key)
        if cached is not None:
            self._files.move_to_end(key)
            return cached
        end, hops, notes, failure, incomplete = self._follow(start)
        parsed = None
        if failure is None and end.status is not None and 200 <= end.status < 300:
            parsed = parse_file(kind, self._body(end)[: LIMITS[kind]])
        elif failure is not None:
            notes.append(f"{failure}: no {kind}")
        found = SiteFile(
            kind, start.key, start.fetched, end.status, parsed, end.source, self.served_by,
            hops, "; ".join(notes), incomplete,
        )  # fmt: skip
        self._files[key] = found
        if len(self._files) > self._cache_size:
            self._files.popitem(last=False)
        return found

    def _follow(self, start: IndexedFetch) -> tuple[IndexedFetch, int, list[str], str | None, bool]:
        """Follow ``start``'s redirects inside the snapshots: (the fetch reached, redirects
        followed, notes, why the chain ended without an answer or ``None``, whether it left the
        snapshots)."""
        fetch = start
        seen = {start.key}
        notes = [start.note] if start.note else []
        hops = 0
        while fetch.status is not None and 300 <= fetch.status < 400:
            if not fetch.location:
                notes.append(f"HTTP {fetch.status} without Location")
                break  # from_fetch reads a leftover 3xx as unavailable
            target = urljoin(fetch.key, fetch.location.strip())
            key = _url_key(target)
            if key is None:
                return fetch, hops, notes, f"redirect to {target!r}, not an http(s) URL", False
            if key in seen:
                return fetch, hops, notes, f"redirect loop at {key}", False
            if hops == MAX_REDIRECTS:
                return fetch, hops, notes, f"more than {MAX_REDIRECTS} redirects", False
            candidates = self._fetches_of(key)
            if not candidates:
                why = f"redirect target {key} is not in the snapshots"
                return fetch, hops, notes, why, True
            hops += 1
            seen.add(key)
            notes.append(f"redirected (HTTP {fetch.status}) to {key}")
            fetch = _closest(candidates, fetch.fetched)
            if fetch.note:
                notes.append(fetch.note)
        return fetch, hops, notes, None, False

    def _resolve(self, start: IndexedFetch) -> Snapshot:
        """Follow ``start``'s redirects inside the snapshots; the rules apply to its origin."""
        origin = start.key[: start.key.index("/", start.key.index("//") + 2)]
        fetch, hops, notes, failure, incomplete = self._follow(start)
        if failure is not None:
            # RFC 9309 §2.3.1.2: a robots.txt that cannot be had through its redirects is
            # "unavailable", and an unavailable robots.txt allows everything.
            notes.append(failure)
            robots = RobotsTxt.allow_all(
                f"robots.txt unavailable ({failure}): allow all (RFC 9309 §2.3.1.2)"
            )
        else:
            robots = RobotsTxt.from_fetch(fetch.status, self._body(fetch), redirects=hops)
        return Snapshot(
            origin, start.key, start.fetched, fetch.status, robots, fetch.source, hops,
            "; ".join(notes), incomplete, self.served_by,
            fetch.offset if fetch.offset >= 0 else None,
        )  # fmt: skip


_FIXED_FILES: Final = tuple(FILE_PATHS.values())


def _fetched(fetch: IndexedFetch) -> datetime | None:
    return fetch.fetched


# -- loading -------------------------------------------------------------------------------------


class _Loader:
    """Reads snapshot files into an index (``writer``); lists what it skips."""

    def __init__(self, writer: IndexWriter) -> None:
        self.writer = writer
        self.site_files = False
        """Whether site-file paths were loaded (``--site-files``), not only robots.txt ones."""
        self.problems: list[str] = []
        self.problem_count = 0
        self.counts: dict[str, int] = {}

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def problem(self, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < _PROBLEMS_LISTED:
            self.problems.append(message)

    def add(
        self,
        url: str,
        *,
        fetched: datetime | None,
        status: int | None,
        location: str | None = None,
        body: bytes = b"",
        source: str,
        offset: int = -1,
        note: str = "",
    ) -> bool:
        key = _url_key(url)
        if key is None:
            where = source if offset < 0 else f"{source}:{offset}"
            self.problem(f"{where}: {url!r} is not an http(s) URL; skipped")
            return False
        if status is None or not 200 <= status < 300:
            body = b""  # only a 2xx body is ever read (RFC 9309 §2.3.1)
        cap = self.cap(key)
        if len(body) > cap:
            why = " (RFC 9309 §2.5)" if cap == ROBOTS_SIZE_LIMIT else ""
            extra = f"body cut at {cap} bytes{why}"
            note = f"{note}; {extra}" if note else extra
            body = body[:cap]
        self.writer.add(
            key, fetched=fetched, status=status, location=location, body=body, file=source,
            offset=offset, note=note,
        )  # fmt: skip
        self.count("fetches")
        return True

    def describe(self, counts: Mapping[str, int] | None = None) -> Callable[[Iterator[str]], Any]:
        """What the index keeps of the whole, beside its fetches (``counts``: instead of the
        loader's), given its URL keys."""

        def described(keys: Iterator[str]) -> dict[str, Any]:
            origins, fixed, kinds = 0, False, Counter[str]()
            for key in keys:
                if key.endswith("/robots.txt") and key.count("/") == 3:
                    origins += 1
                kinds[next((k for p, k in PATHS.items() if key.endswith(p)), "other")] += 1
                fixed = fixed or key.endswith(_FIXED_FILES)
            return {
                "problems": self.problems,
                "problem_count": self.problem_count,
                "counts": dict(self.counts if counts is None else counts),
                "site_files": self.site_files or fixed,
                "origins": origins,
                "kinds": dict(sorted(kinds.items())),
            }

        return described

    def cap(self, url_key: str) -> int:
        """Bytes of a body kept: its kind's limit; an RSL document's for other URLs of site
        files (an RSL licence can be anywhere), robots.txt's for redirect targets of robots.txt."""
        path = url_key[url_key.find("/", url_key.find("//") + 2) :].split("?", 1)[0]
        kind = kind_of_path(path)
        if kind is not None:
            return LIMITS[kind]
        return LIMITS["rsl"] if self.site_files else ROBOTS_SIZE_LIMIT

    # -- WARC --

    def load_warc(self, path: Path, *, site: bool = False) -> None:
        """Read a WARC file of fetches; ``site``: of site files (``--site-files``), whose 2xx
        bodies are kept only when they may be one (not HTML pages, images or other media)."""
        try:
            stream: BinaryIO = path.open("rb")
        except OSError as exc:
            raise InputError(exc.strerror or str(exc), path=path) from None
        self.count("warc files")
        before = self.counts.get("records", 0)
        kinds = WarcRecordType.response | WarcRecordType.revisit | WarcRecordType.resource
        with stream:
            try:
                records = iter(ArchiveIterator(stream, record_types=kinds, parse_http=True))
            except Exception as exc:  # fastwarc raises several kinds on a broken stream
                self.problem(f"{path}: not a readable WARC ({exc}); skipped")
                return
            while True:
                try:
                    record = next(records)
                except StopIteration:
                    break
                except Exception as exc:
                    self.problem(f"{path}: WARC unreadable after this point ({exc})")
                    break
                self.count("records")
                try:
                    self._record(record, path, site)
                except (OSError, ValueError, UnicodeError, zlib.error, EOFError) as exc:
                    self.problem(f"{path}:{record.stream_pos}: record unreadable ({exc}); skipped")
        if self.counts.get("records", 0) == before:
            what = "site file" if site else "robots.txt"
            self.problem(f"{path}: no {what} response records found (is it a WARC file?)")

    def _record(self, record: WarcRecord, path: Path, site: bool = False) -> None:
        file = str(path)
        offset = record.stream_pos
        source = f"{file}:{offset}"
        headers = record.headers
        uri = (headers.get("WARC-Target-URI") or "").strip().strip("<>")
        fetched = _parse_date(headers.get("WARC-Date"))
        notes = []
        if fetched is None:
            notes.append(f"WARC-Date {headers.get('WARC-Date')!r} unreadable: date unknown")
        if headers.get("WARC-Truncated"):
            notes.append(f"record truncated ({headers.get('WARC-Truncated')})")
        kind = record.record_type
        key = _url_key(uri)
        limit = self.cap(key) if key is not None else ROBOTS_SIZE_LIMIT
        if kind == WarcRecordType.resource:
            # A body without protocol headers: it was obtained, so it reads as a 200.
            body, note = _read_body(record.reader, None, None, limit)
            notes.extend(n for n in (note, "resource record read as HTTP 200") if n)
            self.add(
                uri,
                fetched=fetched,
                status=200,
                body=body,
                source=file,
                offset=offset,
                note="; ".join(notes),
            )
            return
        if not record.is_http:
            self.count("skipped: not HTTP")
            self.problem(f"{source}: {kind} record is not an HTTP response; skipped")
            return
        http_headers = record.http_headers
        status = http_headers.status_code
        if status is None:
            # The server answered with something that is not HTTP: a server error.
            notes.append("status line unreadable: read as no answer")
        location = http_headers.get("Location")
        body = b""
        if (
            site
            and status is not None
            and 200 <= status < 300
            and _not_a_site_file(key, http_headers.get("Content-Type"))
        ):
            self.count("bodies not kept: not a site file")
            notes.append("body not kept: an HTML page or media, not a site file")
        elif status is not None and 200 <= status < 300:
            if kind == WarcRecordType.revisit:
                digest = (headers.get("WARC-Payload-Digest") or "").strip()
                found = self.writer.payload(digest) if digest else None
                if found is None:
                    self.count("skipped: revisit without original")
                    self.problem(f"{source}: revisit whose original body was not loaded; skipped")
                    return
                body, note = found, ""
            else:
                body, note = _read_body(
                    record.reader,
                    http_headers.get("Content-Encoding"),
                    http_headers.get("Transfer-Encoding"),
                    limit,
                )
                if note is None:
                    self.count("skipped: undecodable body")
                    self.problem(f"{source}: body in an encoding we cannot read; skipped")
                    return
                digest = (headers.get("WARC-Payload-Digest") or "").strip()
                if digest:
                    self.writer.remember_payload(digest, body)
            if note:
                notes.append(note)
        self.add(
            uri, fetched=fetched, status=status, location=location, body=body, source=file,
            offset=offset, note="; ".join(notes),
        )  # fmt: skip

    # -- directories --

    def load_directory(self, folder: Path) -> None:
        """A folder of robots.txt host files (``example.com.txt`` …) and WARC files."""
        self.count("directories")
        referenced = self._load_tsv(folder / _TSV, folder) if (folder / _TSV).is_file() else set()
        for sub, schemes, entry in _folder_entries(folder, referenced):
            if entry.is_dir():
                continue
            if _WARC_NAME_RE.search(entry.name):
                if sub is folder:
                    self.load_warc(entry)
                continue
            self._load_host_file(entry, schemes)

    def load_site_directory(self, folder: Path) -> None:
        """A folder laid out like the sites: ``HOST[:port]/<path>`` is the body of a 200 for
        ``<path>`` on that host (both schemes; under ``http/`` or ``https/``, one), WARC files
        beside the host folders are read, and ``snapshots.tsv`` gives dated copies."""
        self.count("site folders")
        self.site_files = True
        referenced = self._load_tsv(folder / _TSV, folder) if (folder / _TSV).is_file() else set()
        for sub, schemes, entry in _folder_entries(folder, referenced):
            name = entry.name
            if sub is folder and name in ("http", "https") and entry.is_dir():
                continue
            if entry.is_file() and _WARC_NAME_RE.search(name):
                if sub is folder:
                    self.load_warc(entry, site=True)
                continue
            authority = _authority(name) if entry.is_dir() else None
            if authority is None:
                self.problem(f"{entry}: not a host folder (<host>[:port]/); skipped")
                continue
            self._load_host_folder(entry, authority, schemes, referenced)

    def _load_host_folder(
        self, folder: Path, authority: str, schemes: Sequence[str], referenced: set[Path]
    ) -> None:
        for file in sorted(folder.rglob("*")):
            relative = file.relative_to(folder)
            # Hidden files are skipped, but TDMRep's file lives in one: .well-known.
            if any(p.startswith(".") and p != ".well-known" for p in relative.parts):
                continue
            if not file.is_file() or file.resolve() in referenced:
                continue
            path = "/" + quote(relative.as_posix(), safe="/!$&'()*+,;=:@-._~%")
            key = f"https://{authority}{path}"
            limit = self.cap(key)
            try:
                with file.open("rb") as stream:
                    body = stream.read(limit + 1)
            except OSError as exc:
                self.problem(f"{file}: unreadable ({exc.strerror or exc}); skipped")
                continue
            self.count("site files")
            for scheme in schemes:
                self.add(f"{scheme}://{authority}{path}", fetched=None, status=200, body=body,
                         source=str(file))  # fmt: skip

    def _load_host_file(self, path: Path, schemes: Sequence[str]) -> None:
        parsed = _host_file_name(path.name)
        if parsed is None:
            self.problem(f"{path}: name is not <host>[:port][.txt|.<status>]; skipped")
            return
        authority, status = parsed
        body, location, note = self._read_file(path, status)
        if body is None:
            return
        self.count("host files")
        for scheme in schemes:
            url = f"{scheme}://{authority}/robots.txt"
            self.add(url, fetched=None, status=status, location=location, body=body,
                     source=str(path), note=note)  # fmt: skip

    def _read_file(self, path: Path, status: int | None) -> tuple[bytes | None, str | None, str]:
        """(body, Location, note) of a host file: a 2xx body, or a 3xx's target on line one."""
        try:
            with path.open("rb") as stream:
                data = stream.read(ROBOTS_SIZE_LIMIT + 1)
        except OSError as exc:
            self.problem(f"{path}: unreadable ({exc.strerror or exc}); skipped")
            return None, None, ""
        if status is not None and 300 <= status < 400:
            line = data.decode("utf-8", "replace").strip().split("\n", 1)[0].strip()
            return b"", line or None, ""
        return data, None, ""

    def _load_tsv(self, tsv: Path, folder: Path) -> set[Path]:
        """Dated snapshots: ``origin TAB fetched TAB status TAB file [TAB location]``."""
        referenced: set[Path] = set()
        try:
            text = tsv.read_bytes().decode("utf-8", "replace")
        except OSError as exc:
            raise InputError(exc.strerror or str(exc), path=tsv) from None
        for number, line in enumerate(text.splitlines(), 1):
            where = f"{tsv}:{number}"
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = [f.strip() for f in line.split("\t")]
            if number == 1 and fields[0].lower() == "origin":
                continue  # a header row
            if len(fields) < 3:
                self.problem(f"{where}: expected origin, fetched, status[, file[, location]]")
                continue
            fields += [""] * (5 - len(fields))
            origin, when, code, name, location = fields[:5]
            if name:
                # Claimed even when the row is bad: the file must not load as an undated host file.
                referenced.add((folder / name).resolve())
            fetched = _parse_date(when)
            if when and fetched is None:
                self.problem(f"{where}: date {when!r} unreadable; skipped")
                continue
            status = _status(code, has_file=bool(name))
            if status == -1:
                self.problem(f"{where}: status {code!r} unreadable; skipped")
                continue
            body: bytes | None = b""
            if name:
                body, from_file, _ = self._read_file(folder / name, status)
                if body is None:
                    continue
                location = location or from_file or ""
            elif status is not None and 200 <= status < 300:
                self.problem(f"{where}: HTTP {status} needs a body file; skipped")
                continue
            urls = _urls_of(origin)
            if not urls:
                self.problem(f"{where}: {origin!r} is not an origin or http(s) URL; skipped")
                continue
            self.count("tsv rows")
            for url in urls:
                self.add(url, fetched=fetched, status=status, location=location or None,
                         body=body or b"", source=where)  # fmt: skip
        return referenced


def _status(code: str, *, has_file: bool) -> int | None:
    """A TSV status: 3 digits; ``-``/``unreachable``: no answer; empty: 200 if there is a file.
    -1 when unreadable."""
    code = code.strip().lower()
    if code in ("-", "unreachable", "none"):
        return None
    if not code:
        return 200 if has_file else -1
    if len(code) == 3 and code.isdigit():
        return int(code)
    return -1


def _urls_of(origin: str) -> list[str]:
    """The robots.txt URL(s) a TSV origin names: a bare host means both schemes."""
    if "://" not in origin:
        authority = _authority(origin)
        return [f"{s}://{authority}/robots.txt" for s in ("http", "https")] if authority else []
    split = _split(origin)
    if split is None:
        return []
    base, path, query = split
    if path in ("", "/") and not query:
        return [_robots_key(base)]
    return [origin]  # a full URL: a redirect target, say


def _authority(text: str) -> str | None:
    """``host[:port]`` (or ``host_port``) as a file or TSV names it, normalised; None if not."""
    port = ""
    found = _PORT_SUFFIX_RE.search(text)
    if found and not _is_ip(text):
        port = f":{int(found.group(1))}"
        text = text[: found.start()]
    # A Unicode host name is let through: normalise_host turns it into punycode (or refuses it).
    if text.isascii() and not _HOST_RE.fullmatch(text):
        return None
    host = normalise_host(text)
    if host is None or port == ":0":
        return None
    return f"{host}{port}"


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return False
    return True


def _host_file_name(name: str) -> tuple[str, int | None] | None:
    """(authority, status) a host file's name says: ``<host>[:port]`` then ``.txt`` (a 200
    body), ``.<status>``, ``.unreachable`` (no answer) or nothing (a 200 body)."""
    status: int | None = 200
    if name.lower().endswith(".txt"):
        stem = name[:-4]
    else:
        found = _STATUS_SUFFIX_RE.search(name)
        if found is not None and not _is_ip(name):
            code = found.group(1).lower()
            status = None if code == "unreachable" else int(code)
            stem = name[: found.start()]
        else:
            stem = name
    authority = _authority(stem)
    return None if authority is None else (authority, status)


def _not_a_site_file(key: str | None, content_type: str | None) -> bool:
    """Whether a 2xx of a site-file WARC is a page or media rather than a site file."""
    if key is None or key.endswith((*_FIXED_FILES, "/robots.txt")):
        return False
    media = (content_type or "").strip().lower()
    return media.startswith(_NOT_SITE_FILE_TYPES)


def _read_body(
    reader: Any, content_encoding: str | None, transfer_encoding: str | None, limit: int
) -> tuple[bytes, str | None]:
    """(body, note) of a payload, de-chunked and decoded; note ``None``: undecodable.

    Common Crawl stores payloads decoded (renaming the headers ``X-Crawler-…``); other writers
    keep them as sent, so both are read."""
    raw = reader.read(_RAW_READ)
    rest = reader.consume()
    notes = []
    if rest:
        notes.append(f"payload over {_RAW_READ} bytes: only the first {_RAW_READ} read")
    if transfer_encoding and "chunked" in transfer_encoding.lower():
        dechunked = dechunk(raw)
        if dechunked is None:
            notes.append("Transfer-Encoding: chunked, but the payload is not: read as is")
        else:
            raw = dechunked
    if content_encoding:
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        for coding in reversed(codings):
            if coding == "identity":
                continue
            if coding not in ("gzip", "x-gzip", "deflate"):
                return b"", None
            decoded = inflate(raw, coding, limit + 1)
            if decoded is None:
                return b"", None
            raw = decoded
    return raw, "; ".join(notes)


def _writer(folder: str | Path | None) -> IndexWriter:
    try:
        return IndexWriter(folder)
    except (OSError, sqlite3.Error) as exc:
        where = Path(folder) if folder is not None else None
        raise InputError(f"cannot write the snapshot index ({exc})", path=where) from None


def _build(
    writer: IndexWriter, load: Callable[[_Loader], None], counts: Mapping[str, int] | None = None
) -> Index:
    """The index ``load`` fills through a loader (the file is removed if loading fails)."""
    loader = _Loader(writer)
    try:
        load(loader)
        return writer.finish(loader.describe(counts))
    except sqlite3.Error as exc:
        writer.abort()
        raise InputError(f"cannot write the snapshot index ({exc})", path=writer.path) from None
    except BaseException:
        writer.abort()
        raise


def index_fetches(
    fetches: Iterable[Fetch],
    *,
    served_by: ServedBy,
    counts: Mapping[str, int] | None = None,
    index_folder: str | Path | None = None,
) -> SiteSnapshots:
    """Site files known otherwise than from snapshot files (the records of an audit's inputs)
    as a source served by ``served_by``; ``index_folder`` as for :func:`load_snapshots`."""

    def load(loader: _Loader) -> None:
        loader.site_files = True
        for fetch in fetches:
            loader.add(
                fetch.url, fetched=fetch.fetched, status=fetch.status, location=fetch.location,
                body=fetch.body, source=fetch.source, offset=fetch.offset, note=fetch.note,
            )  # fmt: skip

    return SiteSnapshots(_build(_writer(index_folder), load, counts), served_by=served_by)


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), path=folder) from None


def _folder_entries(
    folder: Path, referenced: set[Path]
) -> Iterator[tuple[Path, tuple[str, ...], Path]]:
    """(sub-folder, the schemes it stands for, entry) of a snapshot folder: the folder itself
    (both schemes), then its ``http/`` and ``https/`` when present; hidden files, READMEs, the
    TSV and the files it names left out."""
    for sub, schemes in (
        (folder, ("http", "https")),
        (folder / "http", ("http",)),
        (folder / "https", ("https",)),
    ):
        if sub is not folder and not sub.is_dir():
            continue
        for entry in _entries(sub):
            name = entry.name
            if name.startswith(".") or name == _TSV or name.lower().startswith("readme"):
                continue
            if entry.resolve() not in referenced:
                yield sub, schemes, entry


def load_snapshots(
    paths: Iterable[str | Path] = (),
    *,
    site_files: Iterable[str | Path] = (),
    scheme_fallback: bool = False,
    cache_size: int = 16384,
    index_folder: str | Path | None = None,
) -> SiteSnapshots:
    """Read snapshots: ``paths`` of robots.txt (WARC files, or directories of host files and
    WARCs), ``site_files`` of the files beside it (WARC files, or folders laid out like the
    sites). One index holds both: a robots.txt in a site-files snapshot is a snapshot too.

    The index is a file in ``index_folder`` (created if missing; an audit uses its run's
    ``.snapshots/``), or in a new temporary folder; it is removed when the snapshots are closed
    or collected, or the process ends.

    Raises :class:`InputError` when a path does not exist or cannot be read, or the index
    cannot be written; a bad record or line inside a readable file is skipped and listed in
    ``problems``."""

    def load(loader: _Loader) -> None:
        for site, items in ((False, paths), (True, site_files)):
            for item in items:
                path = Path(item)
                if site:
                    loader.site_files = True
                if path.is_dir():
                    if site:
                        loader.load_site_directory(path)
                    else:
                        loader.load_directory(path)
                elif path.exists():
                    loader.load_warc(path, site=site)
                else:
                    raise InputError("no such file or directory", path=path)

    return SiteSnapshots(
        _build(_writer(index_folder), load),
        scheme_fallback=scheme_fallback,
        cache_size=cache_size,
    )


# -- writing -------------------------------------------------------------------------------------

SnapshotEntry = tuple[
    str, datetime, int, Sequence[tuple[str, str]] | Mapping[str, str], bytes | str
]
"""(robots.txt URL, fetched, HTTP status, response headers, body) for write_snapshot_warc."""

_UUID_NAMESPACE: Final = uuid.UUID("6f1c7a52-5a55-4c1e-9d0b-7265636970ef")


def _warc_record(kind: str, record_id: str, date: str, fields: Sequence[tuple[str, str]],
                 block: bytes) -> bytes:  # fmt: skip
    head = [
        "WARC/1.1",
        f"WARC-Type: {kind}",
        f"WARC-Record-ID: <urn:uuid:{record_id}>",
        f"WARC-Date: {date}",
        *(f"{key}: {value}" for key, value in fields),
        f"Content-Length: {len(block)}",
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + block + b"\r\n\r\n"


def _sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def write_snapshot_warc(
    path: str | Path,
    entries: Iterable[SnapshotEntry],
    *,
    requests: bool = False,
    seed: str = "reciprocity",
) -> int:
    """Write robots.txt fetches as a WARC/1.1 file; returns the number of records written.

    Each entry becomes a ``response`` record (and, with ``requests``, the ``request`` record
    before it), after one ``warcinfo`` record. A path ending in ``.gz`` gets one gzip member per
    record, as Common Crawl's files have. Record ids derive from ``seed`` and gzip headers carry
    no time, so the same entries always give the same bytes.
    """
    target = Path(path)
    compress = target.name.endswith(".gz")
    counter = 0

    def next_id(what: str) -> str:
        nonlocal counter
        counter += 1
        return str(uuid.uuid5(_UUID_NAMESPACE, f"{seed}/{counter}/{what}"))

    rows = list(entries)
    # The warcinfo record is dated like the earliest fetch: a fixed date keeps output repeatable.
    first = min((utc(row[1]) for row in rows), default=datetime(1970, 1, 1, tzinfo=timezone.utc))
    chunks: list[bytes] = []
    info = b"software: reciprocity\r\nformat: WARC File Format 1.1\r\n"
    chunks.append(
        _warc_record(
            "warcinfo", next_id("warcinfo"), first.strftime("%Y-%m-%dT%H:%M:%SZ"),
            [("WARC-Filename", target.name), ("Content-Type", "application/warc-fields")], info,
        )
    )  # fmt: skip
    for url, fetched, status, headers, body in rows:
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        date = utc(fetched).strftime("%Y-%m-%dT%H:%M:%SZ")
        pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
        if not any(key.lower() == "content-length" for key, _ in pairs):
            pairs.append(("Content-Length", str(len(data))))
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
        head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in pairs)
        block = head.encode("utf-8") + b"\r\n" + data
        response_id = next_id(f"response {url}")
        if requests:
            parts = urlsplit(url)
            request = (
                f"GET {parts.path or '/'}{'?' + parts.query if parts.query else ''} HTTP/1.1\r\n"
                f"Host: {parts.netloc}\r\nUser-Agent: reciprocity\r\n\r\n"
            ).encode()
            chunks.append(
                _warc_record(
                    "request", next_id(f"request {url}"), date,
                    [("WARC-Target-URI", url),
                     ("WARC-Concurrent-To", f"<urn:uuid:{response_id}>"),
                     ("Content-Type", "application/http; msgtype=request")],
                    request,
                )
            )  # fmt: skip
        chunks.append(
            _warc_record(
                "response", response_id, date,
                [("WARC-Target-URI", url),
                 ("Content-Type", "application/http; msgtype=response"),
                 ("WARC-Payload-Digest", _sha1(data)),
                 ("WARC-Block-Digest", _sha1(block))],
                block,
            )
        )  # fmt: skip
    with target.open("wb") as out:
        for chunk in chunks:
            out.write(gzip.compress(chunk, mtime=0) if compress else chunk)
    return len(chunks)
