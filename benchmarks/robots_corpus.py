"""The real robots.txt corpus, the queries asked of it, and the oracle that labels them.

Shared by ``tests/signals/test_robots_agreement.py`` and ``benchmarks/robots.py`` so that the test
and the benchmark measure agreement on exactly the same (file, agent, URL) queries.

* Corpus: the ~4,231 robots.txt files (one per domain, fetched from real sites around 2019) in
  the protego 0.7.0 sdist, ``tests/test_data/`` (``scripts/bootstrap.py --test`` unpacks it under
  ``.cache/corpora``), or the folder named by ``RECIPROCITY_ROBOTS_CORPUS``. Every file is read
  as bytes, in sorted order.
* Queries: built without randomness from each file's own ``Allow``/``Disallow`` values (wildcards
  filled in, ``$`` dropped, plus variants just inside and just outside each rule), fixed paths,
  and agents that are named in the file, named elsewhere, or named nowhere (``*`` only).
* Oracle: ``fast-robotstxt`` 1.1.0, Python bindings of a fork of google/robotstxt. The fork
  rewrites the URL before matching (it decodes %-escapes, drops an empty ``?``, resolves dot
  segments, and re-encodes through the WHATWG URL parser), so it labels only the URLs that it
  leaves alone (:func:`rewrite_reason`); on those it agrees with upstream Google.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, NamedTuple, TypeVar

import robotstxt
from robotstxt import robots as bindings

ROOT: Final = Path(__file__).resolve().parent.parent
CORPUS_ENV: Final = "RECIPROCITY_ROBOTS_CORPUS"
DEFAULT_CORPUS: Final = (
    ROOT / ".cache" / "corpora" / "protego-0.7.0" / "protego-0.7.0" / "tests" / "test_data"
)

ORACLE_BYTES: Final = 500 * 1024
"""Bytes of a file the oracle is given. Our parser reads only the first 500 KiB (RFC 9309 §2.5,
Google's crawler limit), while Google's library matches whatever it is handed: both must see the
same prefix, or the few larger files would compare different documents."""

AGENTS: Final = ("GPTBot", "CCBot", "ClaudeBot", "Google-Extended", "Googlebot", "SomeRandomBot")
"""Asked of every file. ``SomeRandomBot`` is named by no file: it gets the ``*`` group."""

FILE_AGENTS: Final = 2
"""Product tokens taken from the file's own ``User-agent`` lines (spread over the file), plus the
first of them upper-cased (agent names match case-insensitively)."""

FIXED_PATHS: Final = (
    "/",
    "/index.html",
    "/robots.txt",
    "/admin/",
    "/search?q=x",
    "/wp-admin/admin-ajax.php",
    "/blog/2024/01/post-1.html",
    "/api/v1/items?id=7&sort=asc",
    "/Index.html#top",
    # Rewritten by the oracle: answered by our engine, never labelled (see rewrite_reason).
    "/search?",
    "/static/../admin/",
)

RULE_VALUES: Final = 4
FEW_AGENTS: Final = 3
FEW_URLS: Final = 5
"""The few-queries workload (:meth:`CorpusFile.few_queries`): agents and URLs asked per file."""
"""``Allow``/``Disallow`` values taken per file, spread evenly over its distinct values."""

_RULE_RE: Final = re.compile(rb"^[ \t]*(?:dis)?allow[ \t]*:[ \t]*([^#\r\n]*)", re.I | re.M)
_AGENT_RE: Final = re.compile(rb"^[ \t]*user-?agent[ \t]*:[ \t]*([A-Za-z_-]+)", re.I | re.M)
_PLAIN: Final = frozenset(range(0x21, 0x7F)) - {ord("%")}


class Query(NamedTuple):
    agent: str
    url: str


@dataclass(frozen=True, slots=True)
class CorpusFile:
    """One robots.txt of the corpus, with the queries asked of it."""

    name: str
    """The file name: the domain the file was fetched from."""
    data: bytes
    """The whole file, as stored."""
    agents: tuple[str, ...]
    urls: tuple[str, ...]

    @property
    def head(self) -> bytes:
        """The bytes both our parser and the oracle read (the first 500 KiB)."""
        return self.data[:ORACLE_BYTES]

    @property
    def queries(self) -> Iterator[Query]:
        """Every (agent, URL) pair, agent by agent, as a crawler asks them."""
        for agent in self.agents:
            for url in self.urls:
                yield Query(agent, url)

    @property
    def query_count(self) -> int:
        return len(self.agents) * len(self.urls)

    def few_queries(self) -> list[Query]:
        """A few of those queries, as an audit asks them of a host's robots.txt: FEW_AGENTS
        agents times FEW_URLS URLs, both spread evenly over the file's (15 for most files)."""
        agents = _spread(self.agents, FEW_AGENTS)
        urls = _spread(self.urls, FEW_URLS)
        return [Query(agent, url) for agent in agents for url in urls]


def corpus_dir() -> Path:
    """Where the corpus is: ``$RECIPROCITY_ROBOTS_CORPUS``, else the bootstrap location."""
    override = os.environ.get(CORPUS_ENV)
    return Path(override) if override else DEFAULT_CORPUS


def load_corpus(path: Path | None = None, *, limit: int | None = None) -> list[CorpusFile]:
    """Every file of the corpus, sorted by name, with its queries (the first ``limit`` only)."""
    folder = corpus_dir() if path is None else path
    names = sorted(entry.name for entry in folder.iterdir() if entry.is_file())
    if limit is not None:
        names = names[:limit]
    files = []
    for name in names:
        data = (folder / name).read_bytes()
        files.append(CorpusFile(name, data, file_agents(data), file_urls(name, data)))
    return files


_T = TypeVar("_T")


def _spread(items: Sequence[_T], count: int) -> list[_T]:
    """``count`` items spread evenly over ``items`` (all of them when there are fewer)."""
    if len(items) <= count:
        return list(items)
    return [items[i * len(items) // count] for i in range(count)]


def _distinct(values: list[bytes]) -> list[bytes]:
    return list(dict.fromkeys(values))


def file_agents(data: bytes) -> tuple[str, ...]:
    """The fixed agents, then up to FILE_AGENTS tokens the file names, then one upper-cased."""
    known = {agent.lower() for agent in AGENTS}
    tokens = _distinct(
        [m for m in _AGENT_RE.findall(data[:ORACLE_BYTES]) if m.decode().lower() not in known]
    )
    chosen = [token.decode() for token in _spread(tokens, FILE_AGENTS)]
    if chosen and chosen[0].upper() != chosen[0]:
        chosen.append(chosen[0].upper())
    return (*AGENTS, *chosen)


def _as_path(raw: bytes) -> str:
    """A URL path from rule bytes: octets a browser would escape become %XX (upper-case hex)."""
    text = "".join(chr(b) if b in _PLAIN else f"%{b:02X}" for b in raw)
    return text if text.startswith("/") else "/" + text


def rule_paths(value: bytes) -> list[str]:
    """Paths derived from one ``Allow``/``Disallow`` value: the pattern with ``*`` filled by a
    literal run and a final ``$`` dropped, and variants that match more or less of it."""
    anchored = value.endswith(b"$")
    core = value[:-1] if anchored else value
    base = core.replace(b"*", b"x")
    variants = [
        base,  # matches the rule exactly
        core.replace(b"*", b"abc/") if b"*" in core else base + b"abc/",  # a longer run / suffix
        core.replace(b"*", b""),  # an empty run (same as base without a `*`)
        base + (b"&q=1" if b"?" in base else b"?q=1"),  # a query string: outside a `$` rule
        base[:-1],  # one character short of it
    ]
    return [_as_path(v) for v in _distinct(variants) if v]


def file_urls(name: str, data: bytes) -> tuple[str, ...]:
    """The URLs asked of a file: paths from its rules, then the fixed paths, as full URLs."""
    values = _distinct([v.strip(b" \t") for v in _RULE_RE.findall(data[:ORACLE_BYTES])])
    paths = [path for value in _spread([v for v in values if v], RULE_VALUES)
             for path in rule_paths(value)]  # fmt: skip
    paths.extend(FIXED_PATHS)
    return tuple(f"https://{name}{path}" for path in dict.fromkeys(paths))


_DOT_SEGMENT: Final = re.compile(r"/\.\.?(?:[/?#]|$)")
# The WHATWG URL parser the fork runs percent-encodes these in a path, or (`\`) reads them as `/`.
_URL_UNSAFE: Final = re.compile(r"[\x00-\x20\"<>\\^`{|}\x7f]")


def rewrite_reason(url: str) -> str | None:
    """Why the oracle would not match ``url`` as given (so it must not label it), or ``None``.

    fast-robotstxt parses the URL with the WHATWG parser ``ada`` and matches what comes out;
    upstream Google matches the URL as given. They differ on URLs that the parser rewrites.
    """
    if not url.isascii():
        return "non-ascii"  # percent-encoded by the fork, raw bytes to Google
    if "%" in url:
        return "percent-escape"  # decoded by the fork (even %2F), kept by Google
    cut = url.find("#")
    before_fragment = url if cut < 0 else url[:cut]
    if before_fragment.endswith("?"):
        return "empty-query"  # dropped by the fork, matched by Google
    path = before_fragment[before_fragment.find("/", len("https://")) :]
    if _DOT_SEGMENT.search(path.split("?", 1)[0]):
        return "dot-segment"  # resolved by the fork
    if _URL_UNSAFE.search(before_fragment) or "'" in before_fragment.partition("?")[2]:
        return "url-unsafe"  # percent-encoded (or `\` made `/`) by the fork
    return None


class Oracle:
    """fast-robotstxt's matcher, fed raw bytes through its C API.

    Its Python ``is_allowed`` takes ``str`` and encodes it as UTF-8, which cannot carry the bytes
    of a file that is not UTF-8. Its C entry point takes (pointer, length) for the file, so the
    oracle sees the exact bytes our parser reads, NULs and invalid UTF-8 included. If a future
    version hides that entry point, files that are not UTF-8 are refused (``accepts``).
    Like the Python API, every call parses the whole file again.
    """

    def __init__(self) -> None:
        self._matcher: Any = robotstxt.RobotsMatcher()
        self._lib: Any = getattr(bindings, "_lib", None)
        self._ptr: Any = getattr(self._matcher, "_ptr", None)
        self.raw_bytes = self._lib is not None and self._ptr is not None

    def accepts(self, data: bytes) -> bool:
        """Whether the oracle can be given this file as it is."""
        if self.raw_bytes:
            return True
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True

    def allowed(self, data: bytes, agent: str, url: str) -> bool:
        """Google's verdict (``data`` must be the head of the file, see ORACLE_BYTES)."""
        if not self.raw_bytes:
            return bool(self._matcher.is_allowed(data.decode("utf-8"), agent, url))
        ua = agent.encode()
        target = url.encode()
        return bool(
            self._lib.robots_allowed_by_robots(
                self._ptr, data, len(data), ua, len(ua), target, len(target)
            )
        )

    def matching_line(self) -> int:
        """The line that decided the last call (0: none)."""
        if self._lib is not None and self._ptr is not None:
            return int(self._lib.robots_matching_line(self._ptr))
        return int(self._matcher.matching_line)


@dataclass(frozen=True, slots=True)
class Labels:
    """The oracle's verdicts on the corpus, query by query, in the order of ``file.queries``."""

    verdicts: list[list[bool | None]]
    """Per file, per query: Google's verdict, or ``None`` where the query is not labelled."""
    lines: list[list[int]]
    """Per file, per query: the line the oracle says decided (0: none, or not labelled)."""
    refused_files: list[str]
    """Files the oracle could not be given (not UTF-8, without the raw-bytes entry point)."""
    excluded: dict[str, int]
    """Queries not labelled, by rewrite_reason (and ``oracle-refused-file``)."""

    @property
    def labelled(self) -> int:
        return sum(v is not None for per_file in self.verdicts for v in per_file)


def label(files: Sequence[CorpusFile], oracle: Oracle | None = None) -> Labels:
    """Ask the oracle about every query it answers as upstream Google would."""
    oracle = Oracle() if oracle is None else oracle
    verdicts: list[list[bool | None]] = []
    lines: list[list[int]] = []
    refused: list[str] = []
    excluded: dict[str, int] = {}
    for file in files:
        head = file.head
        if not oracle.accepts(head):
            refused.append(file.name)
            excluded["oracle-refused-file"] = (
                excluded.get("oracle-refused-file", 0) + file.query_count
            )
            verdicts.append([None] * file.query_count)
            lines.append([0] * file.query_count)
            continue
        reasons = {url: rewrite_reason(url) for url in file.urls}
        out: list[bool | None] = []
        decided: list[int] = []
        for agent, url in file.queries:
            reason = reasons[url]
            if reason is None:
                out.append(oracle.allowed(head, agent, url))
                decided.append(oracle.matching_line())
            else:
                excluded[reason] = excluded.get(reason, 0) + 1
                out.append(None)
                decided.append(0)
        verdicts.append(out)
        lines.append(decided)
    return Labels(verdicts, lines, refused, excluded)
