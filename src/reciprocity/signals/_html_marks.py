"""Where :func:`reciprocity.signals.html.scan_html` stops on a page: the tags and words it reads.

The scan walks from one mark to the next (comments, the head's end, ``<meta>``, ``<html>``,
``<body>``, ``<base>``, raw-text elements, the word ``license``, Creative Commons badge hosts) and
parses only the tags it stops at. Two finders give it the same marks:

* ``hyperscan``: one caseless pass of a compiled multi-literal matcher (the ``hyperscan`` wheel,
  which bundles Vectorscan) over the bytes reports every mark at once, with no lower-cased copy of
  the page; the database is compiled on the first page a process scans;
* ``python``: the page lower-cased once (ASCII letters only, so offsets stay), then regex and
  ``bytes.find`` searches from where the walk stands, so the tail past the last mark it needs is
  never searched.

The finder is chosen at import: hyperscan when it imports, else Python. ``RECIPROCITY_SCAN=python``
(or ``hyperscan``) in the environment forces one, as does :func:`use` (tests, benchmarks). Both
finders report exactly the same marks: ``tests/signals/test_html_backends.py`` compares whole
scans on real pages and generated ones.
"""

from __future__ import annotations

import os
import re
import threading
from typing import Final, Protocol

try:
    import hyperscan
except ImportError:  # no wheel for this platform: the Python finder does the work
    hyperscan = None  # type: ignore[assignment]

__all__ = ["BACKENDS", "BADGE_HOSTS", "LICENCE_WORD", "RAW_TEXT", "Marks", "backend", "find", "use"]

BACKENDS: Final = ("hyperscan", "python")

# The tags the walk stops at. Each is a mark only when followed by whitespace, `/`, `>` or the end
# of the page (the regex spells it as a lookahead; the hyperscan finder checks the next byte).
_WALKED: Final = (
    b"/head", b"meta", b"html", b"body", b"base", b"script", b"style", b"textarea", b"title"
)  # fmt: skip
RAW_TEXT: Final = (b"script", b"style", b"textarea", b"title")
_MAIN_RE: Final = re.compile(rb"<(?:(!--)|(" + b"|".join(_WALKED) + rb")(?=[\s/>]|\Z))")
_RAW_END_RE: Final = {name: re.compile(rb"</" + name + rb"(?=[\s/>]|\Z)") for name in RAW_TEXT}
# The same end tags on bytes as written (the hyperscan finder has no lower-cased copy).
_RAW_END_ANY_CASE_RE: Final = {
    name: re.compile(rb"</" + name + rb"(?=[\s/>]|\Z)", re.IGNORECASE) for name in RAW_TEXT
}
# Every licence rel token holds this word (a test ties it to the licence rel table), so the licence
# links are found from it; the second badge host holds it too (the Python finder's one search).
LICENCE_WORD: Final = b"license"
BADGE_HOSTS: Final = (b"creativecommons.org/", b"licensebuttons.net/")
_META: Final = b"<meta"  # where body metas may be: the walk reads the body up to the last one
_TAG_END: Final = frozenset(b" \t\n\r\f\v/>")  # what `[\s/>]` matches in a bytes regex


class Marks(Protocol):
    """The marks of one page. ``tag`` is asked with offsets that never decrease."""

    words: list[int]
    """Offsets of every ``license`` (any case), in order."""
    hosts: list[int]
    """Offsets of every badge host (any case), in no particular order."""
    need: int
    """The last offset a later pass or a body ``<meta`` reads (``-1``: none): past the head, the
    walk stops after it."""

    def tag(self, pos: int) -> tuple[int, int, bytes | None] | None:
        """The first comment or walked tag that starts at or after ``pos``: its start, the end of
        its ``<!--`` or name, and its name lower-cased (``None`` for a comment); ``None`` when
        there is none."""
        ...

    def raw_end(self, name: bytes, pos: int) -> tuple[int, int] | None:
        """Start and end of the first end tag of raw-text element ``name`` at or after ``pos``."""
        ...


def _occurrences(buf: bytes, needle: bytes) -> list[int]:
    found: list[int] = []
    at = buf.find(needle)
    while at >= 0:
        found.append(at)
        at = buf.find(needle, at + len(needle))
    return found


class _PythonMarks:
    __slots__ = ("hosts", "low", "need", "words")

    def __init__(self, buf: bytes) -> None:
        low = buf.lower()
        self.low = low
        self.words = words = _occurrences(low, LICENCE_WORD)
        self.hosts = hosts = [at for at in words if low.startswith(BADGE_HOSTS[1], at)]
        hosts.extend(_occurrences(low, BADGE_HOSTS[0]))
        self.need = max(low.rfind(_META), words[-1] if words else -1, max(hosts, default=-1))

    def tag(self, pos: int) -> tuple[int, int, bytes | None] | None:
        found = _MAIN_RE.search(self.low, pos)
        if found is None:
            return None
        return found.start(), found.end(), found.group(2)

    def raw_end(self, name: bytes, pos: int) -> tuple[int, int] | None:
        found = _RAW_END_RE[name].search(self.low, pos)
        return None if found is None else found.span()


# Expression ids of the hyperscan database. Ids below _WORD_ID are the walk's marks (a comment,
# then the walked tags in _WALKED's order); a hit is stored as `end << _ID_BITS | id`.
_ID_BITS: Final = 4
_ID_MASK: Final = (1 << _ID_BITS) - 1
_COMMENT_ID: Final = 0
_META_ID: Final = 1 + _WALKED.index(b"meta")
_WORD_ID: Final = 1 + len(_WALKED)
_HOST_IDS: Final = (_WORD_ID + 1, _WORD_ID + 2)
_MARK_NAMES: Final[tuple[bytes | None, ...]] = (None, *_WALKED)
# Bytes from a hit's start to its end, by id.
_LENGTHS: Final = (
    4,
    *(1 + len(name) for name in _WALKED),
    len(LICENCE_WORD),
    *map(len, BADGE_HOSTS),
)
# hs_scan takes an unsigned 32-bit length; larger pages (only with a raised `limit`) use Python.
_HYPERSCAN_MAX: Final = 2**32 - 1


def _expressions() -> list[bytes]:
    literals = [b"<!--", *(b"<" + name for name in _WALKED), LICENCE_WORD, *BADGE_HOSTS]
    # Literals only: `.` is the one character among them that means more in a pattern.
    return [literal.replace(b".", rb"\.") for literal in literals]


_database: hyperscan.Database | None = None
_local = threading.local()  # a scan writes into its scratch space: one per thread


def _prepared() -> tuple[hyperscan.Database, hyperscan.Scratch] | None:
    """The database (compiled on the process's first call) and this thread's scratch space;
    ``None`` when hyperscan refuses this machine (a CPU it does not support): Python scans."""
    global _chosen, _database  # noqa: PLW0603 (built on first use, then only read)
    try:
        if _database is None:
            expressions = _expressions()
            database = hyperscan.Database()
            database.compile(
                expressions=expressions,
                ids=list(range(len(expressions))),
                flags=hyperscan.HS_FLAG_CASELESS,
            )
            _database = database
        prepared = (_database, hyperscan.Scratch(_database))
    except hyperscan.error:
        _chosen = "python"
        return None
    _local.prepared = prepared
    return prepared


class _HyperscanMarks:
    __slots__ = ("buf", "hosts", "need", "next", "tags", "words")

    def __init__(
        self, buf: bytes, database: hyperscan.Database, scratch: hyperscan.Scratch
    ) -> None:
        hits: list[int] = []
        add = hits.append

        def hit(kind: int, _start: int, end: int, _flags: int, _context: object) -> None:
            add(end << _ID_BITS | kind)  # (called once a match, from C: as little as can be)

        database.scan(buf, match_event_handler=hit, scratch=scratch)
        # Delivered in order of end offset; sorting an ordered list is one linear pass. Walked
        # tags and comments cannot overlap (each holds one `<`, at its start), so their order by
        # end is their order by start.
        hits.sort()
        self.buf = buf
        self.next = 0
        self.tags = [hit for hit in hits if hit & _ID_MASK < _WORD_ID]
        self.words = words = [
            (hit >> _ID_BITS) - len(LICENCE_WORD) for hit in hits if hit & _ID_MASK == _WORD_ID
        ]
        self.hosts = hosts = [
            (hit >> _ID_BITS) - _LENGTHS[hit & _ID_MASK]
            for hit in hits
            if hit & _ID_MASK in _HOST_IDS
        ]
        last_meta = next(
            (
                (hit >> _ID_BITS) - len(_META)
                for hit in reversed(self.tags)
                if hit & _ID_MASK == _META_ID
            ),
            -1,
        )
        self.need = max(last_meta, words[-1] if words else -1, max(hosts, default=-1))

    def tag(self, pos: int) -> tuple[int, int, bytes | None] | None:
        tags, buf, at = self.tags, self.buf, self.next
        while at < len(tags):
            hit = tags[at]
            at += 1
            kind, end = hit & _ID_MASK, hit >> _ID_BITS
            start = end - _LENGTHS[kind]
            # (a walked name must end there: `</header` and `<metadata` are other tags)
            if start >= pos and (kind == _COMMENT_ID or end == len(buf) or buf[end] in _TAG_END):
                self.next = at
                return start, end, _MARK_NAMES[kind]
        self.next = at
        return None

    def raw_end(self, name: bytes, pos: int) -> tuple[int, int] | None:
        found = _RAW_END_ANY_CASE_RE[name].search(self.buf, pos)
        return None if found is None else found.span()


_AUTOMATIC: Final = "python" if hyperscan is None else "hyperscan"


def _from_environment() -> str:
    named = os.environ.get("RECIPROCITY_SCAN", "").strip().lower()
    if not named:
        return _AUTOMATIC
    if named not in BACKENDS:
        raise ValueError(f"RECIPROCITY_SCAN={named!r}: expected one of {', '.join(BACKENDS)}")
    if named == "hyperscan" and hyperscan is None:
        raise ImportError("RECIPROCITY_SCAN=hyperscan, but the hyperscan package does not import")
    return named


def backend() -> str:
    """The finder scans use now: ``"hyperscan"`` or ``"python"``."""
    return _chosen


def use(name: str | None) -> str:
    """Make scans use finder ``name`` (``None``: the one chosen at import); returns the previous
    one. Raises ``ValueError`` for an unknown name, ``ImportError`` for hyperscan without it."""
    global _chosen  # noqa: PLW0603 (one switch for the process, as the environment variable)
    previous = _chosen
    if name is None:
        name = _IMPORTED
    if name not in BACKENDS:
        raise ValueError(f"unknown scan backend {name!r}: expected one of {', '.join(BACKENDS)}")
    if name == "hyperscan" and hyperscan is None:
        raise ImportError("the hyperscan package does not import on this platform")
    _chosen = name
    return previous


def find(buf: bytes) -> Marks:
    """The marks of ``buf``, found by the chosen finder."""
    if _chosen == "hyperscan" and len(buf) < _HYPERSCAN_MAX:
        prepared = getattr(_local, "prepared", None) or _prepared()
        if prepared is not None:
            return _HyperscanMarks(buf, *prepared)
    return _PythonMarks(buf)


_IMPORTED: Final = _from_environment()
_chosen = _IMPORTED
