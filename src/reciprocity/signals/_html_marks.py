"""Where :func:`reciprocity.signals.html.scan_html` stops on a page: the tags and words it reads.

The scan walks the head from one mark to the next (comments, raw-text elements, ``<meta>``,
``<html>``, ``<body>``, ``<base>``, the head's end) and goes on into the body only as far as the
last place a later pass or a body ``<meta>`` reads; then passes 2 and 3 start from every word
``license`` and every Creative Commons badge host. Two finders give it the same marks:

* ``hyperscan``: one caseless pass of a compiled matcher (the ``hyperscan`` wheel, which bundles
  Vectorscan) over the whole page finds the page-wide marks (licence words, badge hosts, metas past
  the first ``</head`` or ``<body``, and where that is). When the walk stays in the head, as on most
  pages, it searches the bytes as written with case-insensitive regexes and no lower-cased copy of
  the page is made; when it must go on into the body, it searches a lower-cased copy, as the
  Python finder does. The database is compiled on the first page a process scans;
* ``python``: the page lower-cased once (ASCII letters only, so offsets stay), ``bytes.find`` for
  the page-wide marks, and the walk's regexes on the lower-cased copy.

Hyperscan reports each match through a Python call (about half a microsecond), so it is asked only
for the marks that are rare on a page yet would otherwise cost a search of the whole page; the
head's dozen or two tags are cheaper to step through with a regex that jumps from ``<`` to ``<``.

The finder is chosen at import: hyperscan when it imports, else Python. ``RECIPROCITY_SCAN=python``
(or ``hyperscan``) in the environment forces one, as does :func:`use` (tests, benchmarks). Both
finders lead to exactly the same scan: ``tests/signals/test_html_backends.py`` compares whole
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

# The tags the walk stops at, each followed by whitespace, `/`, `>` or the end of the page.
_WALKED: Final = (
    b"/head", b"meta", b"html", b"body", b"base", b"script", b"style", b"textarea", b"title"
)  # fmt: skip
RAW_TEXT: Final = (b"script", b"style", b"textarea", b"title")
_MAIN_RE: Final = re.compile(rb"<(?:(!--)|(" + b"|".join(_WALKED) + rb")(?=[\s/>]|\Z))")
_RAW_END_RE: Final = {name: re.compile(rb"</" + name + rb"(?=[\s/>]|\Z)") for name in RAW_TEXT}
# The same end tags on the bytes as written (the hyperscan finder's walk through a head).
_RAW_END_ANY_CASE_RE: Final = {
    name: re.compile(rb"</" + name + rb"(?=[\s/>]|\Z)", re.IGNORECASE) for name in RAW_TEXT
}
# Every licence rel token holds this word (a test ties it to the licence rel table), so the licence
# links are found from it; the second badge host holds it too (the Python finder's one search).
LICENCE_WORD: Final = b"license"
BADGE_HOSTS: Final = (b"creativecommons.org/", b"licensebuttons.net/")
_META: Final = b"<meta"  # where body metas may be: the walk reads the body up to the last one


class Marks(Protocol):
    """The marks of one page. ``tag`` is asked with offsets that never decrease."""

    words: list[int]
    """Offsets of every ``license`` (any case), in order."""
    hosts: list[int]
    """Offsets of every badge host (any case), in no particular order."""
    need: int
    """The last offset a later pass or a body ``<meta`` reads (``-1``: none): past the head, the
    walk stops after it. (Metas the walk passes before the head can end need not count.)"""

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


# The hyperscan database, by id: a <meta> after the first `</head` or `<body` (any bytes in
# between), the licence word, the two badge hosts, and the first `</head` and the first `<body`
# (one match each); a hit is stored as `end << _ID_BITS | id`.
_HEAD_ENDS: Final = (b"</head", b"<body")
_BODY_META_ID: Final = 0
_WORD_ID: Final = 1
_HEAD_END_IDS: Final = (4, 5)
_LENGTHS: Final = (len(_META), len(LICENCE_WORD), *map(len, BADGE_HOSTS), *map(len, _HEAD_ENDS))
_ID_BITS: Final = 3
_ID_MASK: Final = (1 << _ID_BITS) - 1
# hs_scan takes an unsigned 32-bit length; larger pages (only with a raised `limit`) use Python.
_HYPERSCAN_MAX: Final = 2**32 - 1
# The walk's regexes on the bytes as written (bytes patterns fold ASCII letters only, as lower()).
_MAIN_ANY_CASE_RE: Final = re.compile(_MAIN_RE.pattern, re.IGNORECASE)


def _expressions() -> tuple[list[bytes], list[int]]:
    """The patterns of the database and their flags (all caseless)."""
    caseless = hyperscan.HS_FLAG_CASELESS
    words = [w.replace(b".", rb"\.") for w in (LICENCE_WORD, *BADGE_HOSTS)]
    patterns = [b"(?:" + b"|".join(_HEAD_ENDS) + b").*" + _META, *words, *_HEAD_ENDS]
    first = caseless | hyperscan.HS_FLAG_SINGLEMATCH
    return patterns, [caseless | hyperscan.HS_FLAG_DOTALL, *[caseless] * len(words), first, first]


_database: hyperscan.Database | None = None
_local = threading.local()  # a scan writes into its scratch space: one per thread


def _prepared() -> tuple[hyperscan.Database, hyperscan.Scratch] | None:
    """The database (compiled on the process's first call) and this thread's scratch space;
    ``None`` when hyperscan refuses this machine (a CPU it does not support): Python scans."""
    global _chosen, _database  # noqa: PLW0603 (built on first use, then only read)
    try:
        if _database is None:
            patterns, flags = _expressions()
            database = hyperscan.Database()
            database.compile(expressions=patterns, ids=list(range(len(patterns))), flags=flags)
            _database = database
        database = _database  # (read once: another thread may have compiled its own meanwhile)
        prepared = (database, hyperscan.Scratch(database))
    except hyperscan.error:
        _chosen = "python"
        return None
    _local.prepared = prepared
    return prepared


class _HyperscanMarks:
    __slots__ = ("hosts", "main", "need", "raw_ends", "text", "words")

    def __init__(
        self, buf: bytes, database: hyperscan.Database, scratch: hyperscan.Scratch
    ) -> None:
        hits: list[int] = []
        add = hits.append

        def hit(kind: int, _start: int, end: int, _flags: int, _context: object) -> None:
            add(end << _ID_BITS | kind)  # (called once a match, from C: as little as can be)

        database.scan(buf, match_event_handler=hit, scratch=scratch)
        hits.sort()  # (delivered in order of end offset: sorting them is one linear pass)
        words: list[int] = []
        hosts: list[int] = []
        last_meta = first_end = -1
        for found in hits:
            kind = found & _ID_MASK
            start = (found >> _ID_BITS) - _LENGTHS[kind]
            if kind == _WORD_ID:
                words.append(start)
            elif kind == _BODY_META_ID:
                last_meta = start
            elif kind in _HEAD_END_IDS:
                if first_end < 0:
                    first_end = start
            else:
                hosts.append(start)
        self.words, self.hosts = words, hosts
        # A <meta> before the first `</head` or `<body` is left out: the head's end is at one of
        # those, so the walk has passed that meta before it can stop (and stops as it would).
        self.need = need = max(last_meta, words[-1] if words else -1, max(hosts, default=-1))
        if need > first_end or first_end < 0:
            # The walk goes on into the body (or, with no head's end, to the end of the page),
            # over many tags: searching a lower-cased copy is then faster than any case.
            self.text, self.main, self.raw_ends = buf.lower(), _MAIN_RE, _RAW_END_RE
        else:
            self.text, self.main, self.raw_ends = buf, _MAIN_ANY_CASE_RE, _RAW_END_ANY_CASE_RE

    def tag(self, pos: int) -> tuple[int, int, bytes | None] | None:
        found = self.main.search(self.text, pos)
        if found is None:
            return None
        name = found.group(2)
        return found.start(), found.end(), None if name is None else name.lower()

    def raw_end(self, name: bytes, pos: int) -> tuple[int, int] | None:
        found = self.raw_ends[name].search(self.text, pos)
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
