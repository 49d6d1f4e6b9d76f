"""robots.txt (RFC 9309) parsed once and matched the way Google's reference library matches.

``RobotsTxt.parse(data)`` reads a robots.txt body into groups of rules and the other records it
carries (``Sitemap``, ``Crawl-delay``, ``Content-Usage``, ``Content-Signal``, ``License`` …), each
with its line number. It never raises on content: whatever it skips or repairs is recorded in
``diagnostics``. ``allowed(url, agent)`` and ``match(url, agent)`` then answer any number of
queries without parsing again.

A query names a crawler by its product token (``CCBot``). A whole ``User-Agent`` header
(``CCBot/2.0 (https://commoncrawl.org/faq/)``, ``Mozilla/5.0 (compatible; ExampleBot/0.1; …)``)
is read as the token it carries (:func:`query_token`), and the match says so in its diagnostics;
a query that carries no token gets only what every group that could apply allows. Google's
matcher compares the query as given (its callers pass a token): ``reduce=False`` asks that way.

Matching follows google/robotstxt (``robots.cc``), the reference RFC 9309 implementation,
including the behaviour Google documents beyond the RFC:

* a UTF-8 byte order mark, or a prefix of one, is skipped at the start of the file;
* lines end at CR, LF or CRLF; a line is cut after 16,663 bytes and at a NUL byte;
* a missing ``:`` is accepted when the line is exactly two words (``Disallow /x``);
* keys are matched by prefix, case-insensitively, with the typos Google accepts
  (``useragent``, ``user agent``, ``dissallow``, ``dissalow``, ``disalow``, ``diasllow``,
  ``disallaw``, ``site-map``);
* a user-agent value is cut at the first character outside ``[A-Za-z_-]``; ``*`` followed by
  whitespace still names every crawler;
* lines other than ``User-agent``/``Allow``/``Disallow`` never start or end a group of rules;
* all groups naming the crawler are merged; the ``*`` group applies only when none does;
* the longest matching pattern wins, ``Allow`` wins ties, an empty pattern never decides;
* ``*`` matches any run of characters, ``$`` anchors only at the end of a pattern;
* patterns are %-encoded (non-ASCII octets escaped, hex digits upper-cased); the URL is not
  (it is expected in escaped form already); matching covers path, params and query;
* an ``Allow`` ending in ``/index.htm…`` also allows its directory (``/dir/$``).

The file is cut at 500 KiB (RFC 9309 §2.5), as Google's crawler does.

The records that other specifications define as group rules (``Crawl-delay``, AIPREF
``Content-Usage``, ``Content-Signal``, RSL ``License``) are grouped as their own grammars group
them, which Google's parser (it knows none of them) does not: such a line belongs to the
``User-agent`` lines just before it, and a ``User-agent`` line after it starts another group
(``record_groups``). ``User-agent: Bingbot`` / ``Crawl-delay: 5`` / ``User-agent: Yandex`` /
``Crawl-delay: 10`` gives Yandex 10, where the Allow/Disallow grouping would give it 5.
"""

from __future__ import annotations

import bisect
import enum
import itertools
import math
import operator
import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal, NamedTuple

from reciprocity._memo import value_cache
from reciprocity.signals.diagnostics import Diagnostic

__all__ = [
    "MAX_LINE_BYTES",
    "ROBOTS_SIZE_LIMIT",
    "Access",
    "AgentToken",
    "Group",
    "Record",
    "RobotsMatch",
    "RobotsTxt",
    "Rule",
    "access_for_status",
    "extract_product_token",
    "normalise_pattern",
    "path_or_url",
    "path_params_query",
    "pattern_matches",
    "query_token",
]

ROBOTS_SIZE_LIMIT: Final = 500 * 1024
"""Bytes of a robots.txt that are read (RFC 9309 §2.5 minimum; Google's limit)."""

MAX_LINE_BYTES: Final = 2083 * 8 - 1
"""Bytes of one line that are read (Google: eight times the longest browser URL, minus NUL)."""

# C's isspace / absl's ascii whitespace. Python's str.strip() would also strip \x1c-\x1f, \x85
# and \xa0, which are ordinary bytes to Google's parser.
_WS: Final = " \t\n\v\f\r"
_BOM: Final = b"\xef\xbb\xbf"

# Every key Google recognises, by prefix, with the kind it maps to and whether it is a typo.
# Order matters: the first matching prefix decides (``allow`` is tested before ``disallow``).
_KEY_PREFIXES: Final[tuple[tuple[str, str, bool], ...]] = (
    ("user-agent", "user-agent", False),
    ("useragent", "user-agent", True),
    ("user agent", "user-agent", True),
    ("allow", "allow", False),
    ("disallow", "disallow", False),
    ("dissallow", "disallow", True),
    ("dissalow", "disallow", True),
    ("disalow", "disallow", True),
    ("diasllow", "disallow", True),
    ("disallaw", "disallow", True),
    ("sitemap", "sitemap", False),
    ("site-map", "sitemap", True),
)

# The common case, spelled exactly: one dict lookup instead of a scan of the prefixes.
_EXACT_KEYS: Final = {prefix: (kind, typo) for prefix, kind, typo in _KEY_PREFIXES}

# The same, in the spellings files use most, so that the hot loop need not lower-case the key.
_SPELLED_KEYS: Final = {
    spelling: found
    for key, found in _EXACT_KEYS.items()
    for spelling in (key, key.upper(), key.capitalize(), key.title())
}

# The kinds of those spellings (the typo flag matters only to the diagnostics).
_SPELLED_KINDS: Final = {spelling: found[0] for spelling, found in _SPELLED_KEYS.items()}

# Keys seen before, classified (stylesheets served as robots.txt repeat `color`, `margin` …).
_CLASSIFIED: dict[str, tuple[str, bool]] = dict(_EXACT_KEYS)

_DIAGNOSTICS_PER_CODE: Final = 100
"""Diagnostics of one kind listed per file; the rest are counted in one more diagnostic."""

# Records other mechanisms read from robots.txt. Anything else is kept too, with a diagnostic.
KNOWN_RECORDS: Final = frozenset(
    {
        "sitemap",
        "crawl-delay",
        "content-usage",  # IETF AIPREF attach draft
        "content-signal",  # Cloudflare Content Signals
        "license",  # RSL 1.0
        "host",
        "clean-param",
        "request-rate",
        "visit-time",
        "noindex",
    }
)

# A line that matters for queries (a rule, a group's start, a known record), lower-cased: its
# key, the first word, starts with a known key or with a prefix Google reads as one. The
# whitespace is taken as `(?=(...))\1`, an atomic group (3.11 has them, 3.10 not): a line of
# HTML is indented, and the regex must not try every shorter run of its indent.
_KEYS_READ: Final = sorted({prefix for prefix, _, _ in _KEY_PREFIXES} | KNOWN_RECORDS)
_KEY_LINE_RE: Final = re.compile(
    rb"\n(?=([ \t\v\f]*))\1(?=["
    + bytes(sorted({ord(key[0]) for key in _KEYS_READ}))
    + rb"])(?:"
    + b"|".join(re.escape(key.encode()) for key in _KEYS_READ)
    + b")"
)
_SKIM_FROM: Final = 4096
"""Characters from which a file mostly of other lines has its lines picked before they are read."""

# Records whose own specification makes them rules of a group (attach-05: `rule =/ content-usage`;
# Content Signals and RSL place theirs in a User-agent group; Crawl-delay has always been read
# per group). They end a run of User-agent lines for record grouping, as Allow/Disallow do.
_GROUP_RECORDS: Final = frozenset({"crawl-delay", "content-usage", "content-signal", "license"})

# The escapes that normalising changes (a lower-case hex digit), and the octets it escapes.
_LOWER_ESCAPE_RE: Final = re.compile(r"%(?:[a-f][0-9A-Fa-f]|[0-9A-F][a-f])")
_OCTET_ESCAPES: Final = {octet: f"%{octet:02X}" for octet in range(0x80, 0x100)}
_TOKEN_RE: Final = re.compile(r"[A-Za-z_-]*")
_PATH_START_RE: Final = re.compile(r"[/?;]")


class Access(str, enum.Enum):
    """How a robots.txt fetch result is to be read (RFC 9309 §2.3)."""

    RULES = "rules"
    """The body was fetched (2xx): its rules apply."""
    ALLOW_ALL = "allow-all"
    """The file is unavailable (4xx, too many redirects): the crawler may access anything."""
    DISALLOW_ALL = "disallow-all"
    """The file is unreachable (5xx, 429, network error): complete disallow."""

    def __str__(self) -> str:
        return self.value


# Looked up once: reading a member off its Enum class costs about 100 ns, a tenth of a query.
_RULES: Final = Access.RULES


def access_for_status(status: int | None, *, redirects: int = 0, max_redirects: int = 5) -> Access:
    """Map the outcome of fetching ``/robots.txt`` to the RFC 9309 §2.3 access rule.

    ``status`` is the final HTTP status after following redirects, or ``None`` when the server
    could not be reached at all. ``redirects`` is how many were followed.

    * 2xx: the rules of the body apply.
    * 3xx left over, or more than ``max_redirects`` (default 5) redirects: unavailable, allow all
      (RFC 9309 §2.3.1.2 allows it; Google treats it as a 404).
    * 4xx: unavailable, allow all — except 429 Too Many Requests, which Google (and we) treat as
      unreachable: a server asking us to slow down has not said that everything is allowed.
    * 5xx, 429, no response, any other status: unreachable, complete disallow (§2.3.1.3/4).
    """
    if status is None:
        return Access.DISALLOW_ALL
    if redirects > max_redirects:
        return Access.ALLOW_ALL
    if 200 <= status < 300:
        return Access.RULES
    if 300 <= status < 400:
        return Access.ALLOW_ALL
    if 400 <= status < 500 and status != 429:
        return Access.ALLOW_ALL
    return Access.DISALLOW_ALL


# Rule and Record are NamedTuples rather than dataclasses: a large file holds thousands of them and
# tuple construction is several times cheaper than a frozen dataclass's __init__.
class Rule(NamedTuple):
    """An ``Allow`` or ``Disallow`` line; ``pattern`` is the %-normalised form that is matched."""

    line: int
    allow: bool
    pattern: str
    raw: str
    derived: bool = False
    """True for the ``/dir/$`` allow Google derives from an ``Allow: /dir/index.htm…`` line."""

    @property
    def kind(self) -> Literal["allow", "disallow"]:
        return "allow" if self.allow else "disallow"

    def __str__(self) -> str:
        return f"line {self.line}: {'Allow' if self.allow else 'Disallow'}: {self.raw}"


@dataclass(frozen=True, slots=True)
class Group:
    """A run of ``User-agent`` lines and the rules that follow them.

    ``RobotsTxt.groups`` are the groups of ``Allow``/``Disallow`` rules, as Google forms them;
    ``RobotsTxt.record_groups`` those of the group records (``Crawl-delay``, ``Content-Usage``,
    ``Content-Signal``, ``License``), whose ``lines`` are empty.
    """

    index: int
    line: int
    agents: tuple[str, ...]
    """The user-agent values as written."""
    tokens: frozenset[str]
    """The lower-cased product tokens Google matches against (``*`` excluded)."""
    is_global: bool
    """True when one of the lines is ``User-agent: *``."""
    lines: tuple[tuple[int, bool, str], ...]
    """The group's rule lines as read: (line, is_allow, value in one-char-per-byte form)."""

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The group's rules, patterns %-normalised (built on demand: most groups are never
        queried, and a large file has thousands of rule lines)."""
        return tuple(
            Rule(entry[0], entry[1], pattern, _decode(entry[2]), len(entry) > 3)
            for pattern, entry in _patterns(self.lines)
        )


class Record(NamedTuple):
    """Any other ``key: value`` line, with the group it sits in (``None``: before any group)."""

    line: int
    key: str
    """The key, lower-cased (``crawl-delay``, ``content-usage``, ``sitemap`` …)."""
    value: str
    group: int | None
    """Index in ``RobotsTxt.record_groups`` (not ``groups``): the group of the ``User-agent``
    lines the record follows."""


@dataclass(frozen=True, slots=True)
class RobotsMatch:
    """The answer to one query, with the rule that decided it."""

    allowed: bool
    rule: Rule | None
    """The deciding rule, or ``None`` when no rule matched (or the access rule decided)."""
    scope: Literal["specific", "global", "none", "access"]
    """``specific``: a group naming the agent applied; ``global``: the ``*`` group applied;
    ``none``: no group applied; ``access``: the fetch outcome decided (see ``reason``).
    For a query that carries no product token: the scope of the group that decided."""
    reason: str
    agent: str | None = None
    """The product token the query was answered for (``*``: a crawler no group names);
    ``None`` when it carries none (then the strictest group that could apply decided)."""
    diagnostics: tuple[Diagnostic, ...] = ()
    """How the query's user agent was read, when it was not a product token as given."""
    group: Group | None = None
    """The group holding the deciding rule (``None`` when no rule decided)."""

    @property
    def line(self) -> int | None:
        return None if self.rule is None else self.rule.line


# What the index stores for a rule: its line as the group holds it, (line, allow, value as read);
# (line, True, value, True) for the directory allow derived from it. The Rule object, with its
# decoded text, is only built for a rule that is reported (see `_rule`).
_Entry = tuple[int, bool, str] | tuple[int, bool, str, bool]
_BUCKET: Final = 3
_FEW_LENGTHS: Final = 8
"""Lengths of literal pattern a query tries one by one, whatever its start."""
# A wildcard rule, ready for matching: (rank, priority, allow, text before the first `*`, its
# length, text after the last `*`, shape, all parts, anchored by `$`, entry). Ranks sort the
# rules as they are tried: longest first; at equal length Allow first; then file order (Google
# keeps the first).
_Wild = tuple[tuple[int, bool, int], int, bool, str, int, str, int, tuple[str, ...], bool, _Entry]


def _derived(pairs: Iterable[tuple[str, _Entry]]) -> list[tuple[str, _Entry]]:
    """The directory allows Google derives from ``Allow: .../index.htm...`` rules."""
    extra: list[tuple[str, _Entry]] = []
    for pattern, entry in pairs:
        if entry[1] and "/index.htm" in pattern:
            slash = pattern.rfind("/")
            if pattern.startswith("/index.htm", slash):
                extra.append((pattern[: slash + 1] + "$", (entry[0], True, entry[2], True)))
    return extra


def _patterns(lines: Sequence[tuple[int, bool, str]]) -> list[tuple[str, _Entry]]:
    """Each rule line as (normalised pattern, entry), then the derived directory allows."""
    pairs: list[tuple[str, _Entry]] = [(_escape_pattern(line[2]), line) for line in lines]
    pairs.extend(_derived(pairs))
    return pairs


def _rule(entry: _Entry) -> Rule:
    derived = len(entry) > 3
    pattern = _escape_pattern(entry[2])
    if derived:
        pattern = pattern[: pattern.rfind("/") + 1] + "$"
    return Rule(entry[0], entry[1], pattern, _decode(entry[2]), derived)


class _Matcher:
    """The rules that apply to one agent, indexed for fast longest-match lookup."""

    __slots__ = (
        "exact",
        "keys",
        "lengths",
        "lengths_for",
        "literal",
        "scope",
        "short_lengths",
        "wild",
        "wild_by_start",
        "wild_for",
    )

    def __init__(
        self,
        lines: Sequence[tuple[int, bool, str]],
        scope: Literal["specific", "global", "none"],
    ) -> None:
        self.scope = scope
        # The index is built with a Python step only for wildcard and `$` rules: the values are
        # checked all at once (most need no %-normalising), and every pattern first goes in the
        # literal table, from which those rules are then taken out.
        values = [line[2] for line in lines]
        joined = "".join(values)
        patterns = (
            values
            if joined.isascii() and "%" not in joined
            else [_escape_pattern(value) for value in values]
        )
        entries: Sequence[_Entry] = lines
        if "/index.htm" in joined:
            derived = _derived(zip(patterns, lines, strict=True))
            if derived:
                patterns = [*patterns, *(pattern for pattern, _ in derived)]
                entries = [*lines, *(entry for _, entry in derived)]
        # Same pattern twice: Allow beats Disallow; otherwise the first line decides (read
        # backwards, the first line of a pattern is kept; then the first Allow of each, if any).
        literal = dict(zip(patterns, entries, strict=True))
        if len(literal) < len(patterns):
            literal = dict(zip(reversed(patterns), reversed(entries), strict=True))
            allows = [pair for pair in zip(patterns, entries, strict=True) if pair[1][1]]
            literal.update(reversed(allows))
        literal.pop("", None)  # an empty pattern has priority 0 and never decides
        exact: dict[str, _Entry] = {}
        wild: list[_Wild] = []
        if "*" in joined or "$" in joined or len(patterns) > len(values):
            starred = map(str.__contains__, patterns, itertools.repeat("*"))
            anchored = map(str.endswith, patterns, itertools.repeat("$"))
            special = map(operator.or_, starred, anchored)
            for pattern, entry in itertools.compress(zip(patterns, entries, strict=True), special):
                literal.pop(pattern, None)
                if "*" in pattern:
                    ends = pattern.endswith("$")
                    parts = tuple((pattern[:-1] if ends else pattern).split("*"))
                    # Shapes: 0 = `A*B`, 1 = `A*B$`, 2 = more stars. The first two cover nine
                    # wildcard rules in ten and are matched inline, without a function call.
                    shape = (1 if ends else 0) if len(parts) == 2 else 2
                    first, allow = parts[0], entry[1]
                    rank = (-len(pattern), not allow, entry[0])
                    wild.append(
                        (rank, len(pattern), allow, first, len(first), parts[-1], shape, parts,
                         ends, entry)
                    )  # fmt: skip
                else:
                    old = exact.get(pattern[:-1])
                    if old is None or (entry[1] and not old[1]):
                        exact[pattern[:-1]] = entry
        self.exact = exact
        # A query tries the lengths of the literal patterns, longest first: all of them when
        # they are few; else those of the patterns that start with the path's first _BUCKET
        # characters, then the shorter patterns (`/`). Those are found for each start when a
        # query first has it, from the patterns sorted: the patterns with one start are a run
        # of them (a large file has dozens of lengths, few per start).
        self.literal = literal
        lengths = sorted(set(map(len, literal)), reverse=True)
        self.lengths: tuple[int, ...] | None = tuple(lengths)
        self.keys: list[str] = []
        self.lengths_for: dict[str, tuple[int, ...]] = {}
        self.short_lengths: tuple[int, ...] = ()
        if len(lengths) > _FEW_LENGTHS:
            self.lengths = None
            self.keys = sorted(literal)
            self.short_lengths = (2, 1) if lengths[-1] < _BUCKET else ()
        self.wild: tuple[_Wild, ...] = ()
        self.wild_by_start: dict[str, list[_Wild]] = {}
        self.wild_for: dict[str, tuple[_Wild, ...]] = {}
        if wild:
            wild.sort()
            # Wildcard rules whose text before the first `*` has _BUCKET characters or more can
            # only match paths that start the same way: a query looks at those of its own start
            # and the short ones (`/*.pdf$`), merged once per start and kept.
            self.wild = tuple(w for w in wild if w[4] < _BUCKET)
            for w in wild:
                if w[4] >= _BUCKET:
                    self.wild_by_start.setdefault(w[3][:_BUCKET], []).append(w)

    def _lengths(self, start: str) -> tuple[int, ...]:
        """The lengths of the literal patterns that start with ``start``, longest first."""
        keys = self.keys
        # Patterns are ASCII (%-normalised): those that start with `start` sort from it to
        # `start` followed by a character above ASCII.
        low = bisect.bisect_left(keys, start)
        high = bisect.bisect_left(keys, start + "\x80", low)
        found = tuple(sorted(set(map(len, keys[low:high])), reverse=True))
        if len(self.lengths_for) < 4096:
            self.lengths_for[start] = found
        return found

    def decide(self, path: str) -> _Entry | None:
        best = self.exact.get(path)
        n = len(path)
        priority = n + 1 if best is not None else 0
        if best is None and self.lengths is not None:
            literal = self.literal
            for length in self.lengths:
                if length <= n:
                    hit = literal.get(path[:length])
                    if hit is not None:
                        best, priority = hit, length
                        break
        elif best is None:
            literal = self.literal
            if n >= _BUCKET:
                start = path[:_BUCKET]
                lengths = self.lengths_for.get(start)
                if lengths is None:
                    lengths = self._lengths(start)
                for length in lengths:
                    if length <= n:
                        hit = literal.get(path[:length])
                        if hit is not None:
                            best, priority = hit, length
                            break
            if best is None:
                for length in self.short_lengths:
                    if length <= n:
                        hit = literal.get(path[:length])
                        if hit is not None:
                            best, priority = hit, length
                            break
        if self.wild_by_start:
            start = path[:_BUCKET]
            wild = self.wild_for.get(start)
            if wild is None:
                own = self.wild_by_start.get(start)
                wild = self.wild if own is None else tuple(sorted((*self.wild, *own)))
                if len(self.wild_for) < 4096:
                    self.wild_for[start] = wild
        else:
            wild = self.wild
        for _, length, allow, first, skip, last, shape, parts, anchored, entry in wild:
            if length < priority:
                break
            if length == priority and best is not None:
                if best[1] and not allow:
                    continue  # an Allow already holds this priority: it wins the tie
                if allow == best[1] and entry[0] > best[0]:
                    continue  # same verdict: Google reports the first line of that priority
            if not path.startswith(first):
                continue
            if shape == 0:
                if path.find(last, skip) >= 0:
                    return entry
            elif shape == 1:
                if n - len(last) >= skip and path.endswith(last):
                    return entry
            elif last in path and _wild_match(path, parts, anchored):
                return entry
        return best


class _Strictest:
    """The rules for a query that names no product token: any group could be its own, so a path
    is allowed only where every selection (each named crawler's groups, and ``*``) allows it."""

    __slots__ = ("matchers", "scope")

    def __init__(self, matchers: tuple[_Matcher, ...]) -> None:
        self.matchers = matchers  # the '*' selection first: it decides when no group disallows
        self.scope = matchers[0].scope

    def decide_scoped(
        self, path: str
    ) -> tuple[_Entry | None, Literal["specific", "global", "none"]]:
        found: tuple[_Entry | None, Literal["specific", "global", "none"]] = (None, self.scope)
        for matcher in self.matchers:
            entry = matcher.decide(path)
            if entry is not None:
                if not entry[1]:
                    return entry, matcher.scope
                if found[0] is None:
                    found = (entry, matcher.scope)
        return found

    def decide(self, path: str) -> _Entry | None:
        return self.decide_scoped(path)[0]


def _record_groups(
    groups: tuple[Group, ...], spans: list[tuple[int, int, int, int]]
) -> tuple[Group, ...]:
    """The record groups, from (first line, group index, first agent, end) slices of groups."""
    found = []
    for index, (line, within, start, end) in enumerate(spans):
        group = groups[within]
        if start == 0 and end == len(group.agents):
            agents, tokens, is_global = group.agents, group.tokens, group.is_global
        else:
            # Read the slice's values as the parser read them (the decoded text starts alike).
            agents = group.agents[start:end]
            every = [a[:1] == "*" and (len(a) == 1 or a[1] in _WS) for a in agents]
            tokens = frozenset(
                extract_product_token(a).lower()
                for a, all_ in zip(agents, every, strict=True)
                if not all_
            )
            is_global = any(every)
        found.append(Group(index, line, agents, tokens, is_global, ()))
    return tuple(found)


def _first_line(group: Group) -> int:
    return group.line


def _wild_match(path: str, parts: tuple[str, ...], anchored: bool) -> bool:
    """Match a pattern split at ``*`` against the start of ``path`` without backtracking.

    Placing each literal part at its leftmost possible position leaves the most room for the
    parts after it, so a greedy left-to-right scan decides the match in O(len(path) * parts).
    """
    first = parts[0]
    if not path.startswith(first):
        return False
    pos = len(first)
    if not anchored:
        for part in parts[1:]:
            found = path.find(part, pos)
            if found < 0:
                return False
            pos = found + len(part)
        return True
    last = parts[-1]
    end = len(path) - len(last)
    if end < pos or not path.endswith(last):
        return False
    for part in parts[1:-1]:
        found = path.find(part, pos, end)
        if found < 0:
            return False
        pos = found + len(part)
    return True


_PATHS: dict[str, str] = {}


def _path_of(url: str) -> str:
    # The same URL is usually asked about for several agents in a row.
    path = _PATHS.get(url)
    if path is None:
        if len(_PATHS) >= 4096:
            _PATHS.clear()
        path = _PATHS[url] = path_params_query(url)
    return path


def path_params_query(url: str) -> str:
    """The part of ``url`` that robots.txt patterns are matched against: path, params and query.

    Scheme, authority and fragment are dropped; the result always starts with ``/`` (``/`` when
    the URL has no path). The URL is not normalised: pass it %-encoded, as Google expects.
    """
    if url[:1] == "/" and url[1:2] != "/":
        # Already a path (callers pass one on to the next mechanism): only a fragment or NUL
        # can still be cut.
        path = url.partition("#")[0]
        return path.partition("\x00")[0] if "\x00" in path else path
    search = _PATH_START_RE.search
    start = 0
    # http(s) URLs, nearly every query, skip the scheme search: "://" is where Google finds it.
    if url.startswith("https://"):
        protocol_end = 8
    elif url.startswith("http://"):
        protocol_end = 7
    else:
        start = 2 if url.startswith("//") else 0
        early = search(url, start)
        protocol_end = url.find("://", start)
        if protocol_end < 0 or (early is not None and early.start() < protocol_end):
            protocol_end = start
        else:
            protocol_end += 3
    # The path starts at the first `/`, `?` or `;` after the authority (three finds cost less
    # than a regex search).
    path_start = url.find("/", protocol_end)
    end = len(url) if path_start < 0 else path_start
    for mark in "?;":
        at = url.find(mark, protocol_end, end)
        if at >= 0:
            path_start = end = at
    if path_start < 0:
        return "/"
    hash_pos = url.find("#", start)
    if 0 <= hash_pos < path_start:
        return "/"
    path = url[path_start:] if hash_pos < 0 else url[path_start:hash_pos]
    if "\x00" in path:
        path = path[: path.index("\x00")]  # Google matches a C string
    return path if path.startswith("/") else "/" + path


def path_or_url(url: str, path: str) -> str:
    """What to hand a function that takes "a path or a URL" for ``url``, whose
    :func:`path_params_query` is ``path``: the path (nothing left to find in it), or the URL when
    the path starts with ``//`` (read alone, that would be a scheme-relative URL's host)."""
    return url if path.startswith("//") else path


def extract_product_token(value: str) -> str:
    """The product token Google reads from a ``User-agent`` value: its ``[A-Za-z_-]*`` prefix."""
    match = _TOKEN_RE.match(value)
    return match.group() if match else ""


class AgentToken(NamedTuple):
    """What a query's user agent is read as (:func:`query_token`)."""

    token: str | None
    """The product token (``*`` for a crawler no group names), or ``None`` when there is none."""
    diagnostic: Diagnostic | None
    """``agent-reduced`` or ``agent-no-token`` when the value was not a token as given."""


_COMMENT_RE: Final = re.compile(r"\(([^()]*)\)")


def _named_in_comments(value: str) -> str:
    """The crawler a browser-compatible user agent names in its comments, or ``""``.

    Crawlers that send ``Mozilla/5.0 …`` name themselves after ``compatible;`` (RFC 9309 §2.2.1's
    example: ``Mozilla/5.0 (compatible; ExampleBot/0.1; https://www.example.com/bot.html)``;
    Googlebot, GPTBot, ClaudeBot, bingbot …), or as the one ``Name/version`` inside a comment
    (Applebot: ``… Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)``); the
    products outside comments are the browser's (``AppleWebKit/…``, ``Chrome/…``).
    """
    found: list[str] = _COMMENT_RE.findall(value)
    comments = [[item.strip(_WS) for item in comment.split(";")] for comment in found]
    for items in comments:
        for before, item in itertools.pairwise(items):
            if before.lower() == "compatible":
                token = extract_product_token(item)
                if token:
                    return token
    for items in comments:
        for item in items:
            name, slash, _ = item.partition("/")
            if slash and name and extract_product_token(name) == name:
                return name
    return ""


_SHARED: dict[tuple[bytes, int], RobotsTxt] = {}
_BLANKET: dict[tuple[type[RobotsTxt], Access, str], RobotsTxt] = {}
_BLANKET_LIMIT: Final = 256


def _blanket(cls: type[RobotsTxt], access: Access, reason: str) -> RobotsTxt:
    """One allow-all or disallow-all robots.txt per reason: every site that answered 404 (or
    503) gets the same object, so what is built from it once serves them all (corpus/plans.py
    shares decisions by the parsed file's identity)."""
    key = (cls, access, reason)
    found = _BLANKET.get(key)
    if found is None:
        if len(_BLANKET) >= _BLANKET_LIMIT:
            del _BLANKET[next(iter(_BLANKET))]
        found = _BLANKET[key] = cls(access=access, reason=reason)
    return found


_SHARED_LIMIT: Final = 2048
_SHARED_BODY: Final = 16 << 10
"""Bodies up to this size are parsed once while in the cache (at most 32 MiB held)."""


@value_cache(maxsize=1024, longest=1024)
def query_token(user_agent: str) -> AgentToken:
    """The product token a query for ``user_agent`` is answered for (RFC 9309 §2.2.1: crawlers
    find their group by their product token, "a substring of the User-Agent header").

    A token (letters, ``_``, ``-``) or ``*`` is itself. A whole ``User-Agent`` value is read as
    Google reads a ``User-agent`` line, up to the first character outside ``[A-Za-z_-]``
    (``CCBot/2.0 (…)`` -> ``CCBot``, ``MJ12bot/1.4`` -> ``MJ``, as ``User-agent: MJ12bot`` reads),
    except that a browser-compatible ``Mozilla/…`` value is read as the crawler its comments name.
    A value with no token in it (``""``, ``123``, a browser's user agent) gives ``None``: a query
    must then not be answered as if for a crawler no group names, which would fail open.
    """
    value = user_agent.strip(_WS)
    token = extract_product_token(value)
    if token and len(token) == len(value):
        return AgentToken(value, None)
    if value == "*":
        return AgentToken("*", None)
    if token.lower() == "mozilla" and value[len(token) : len(token) + 1] == "/":
        token = _named_in_comments(value)
    if not token:
        message = (
            f"user agent {value!r} names no robots.txt product token (letters, '_' and '-', "
            "RFC 9309 §2.2.1): only what every group that could apply allows is allowed"
        )
        return AgentToken(None, Diagnostic(0, "agent-no-token", message))
    message = f"user agent {value!r} read as its product token {token!r} (RFC 9309 §2.2.1)"
    return AgentToken(token, Diagnostic(0, "agent-reduced", message))


def normalise_pattern(pattern: str) -> str:
    """A path pattern in the form robots.txt rules are matched in: non-ASCII characters become
    %-escaped UTF-8 octets, existing escapes get upper-case hex (``/á%2f`` -> ``/%C3%A1%2F``).

    For other mechanisms that borrow RFC 9309 path matching (AIPREF ``Content-Usage`` rules,
    ai.txt), so that their patterns normalise exactly as ``Allow``/``Disallow`` do.
    """
    if pattern.isascii() and "%" not in pattern:
        return pattern
    return _escape_pattern(pattern.encode("utf-8", "surrogatepass").decode("latin-1"))


def pattern_matches(path: str, pattern: str) -> bool:
    """Whether a normalised robots.txt ``pattern`` matches ``path`` (path, params and query).

    ``*`` matches any run of characters, a final ``$`` anchors the end, matching starts at the
    first character of the path. Use :func:`path_params_query` to get ``path`` from a URL.
    """
    anchored = pattern.endswith("$")
    if "*" not in pattern:
        return path == pattern[:-1] if anchored else path.startswith(pattern)
    body = pattern[:-1] if anchored else pattern
    return _wild_match(path, tuple(body.split("*")), anchored)


def _escape_pattern(value: str) -> str:
    # `value` holds one character per byte (latin-1), so octets >= 0x80 are single characters.
    # Upper-casing escapes first and then escaping octets is one left-to-right pass: an escape
    # is ASCII, so no octet is part of one.
    if "%" in value:
        value = _LOWER_ESCAPE_RE.sub(_upper, value)
    return value if value.isascii() else value.translate(_OCTET_ESCAPES)


def _upper(match: re.Match[str]) -> str:
    return match.group().upper()


def _decode(value: str) -> str:
    # Back from one-char-per-byte to the UTF-8 text the publisher wrote.
    return value if value.isascii() else value.encode("latin-1").decode("utf-8", "replace")


def _classify(lowered: str) -> tuple[str, bool]:
    found = _CLASSIFIED.get(lowered)
    if found is not None:
        return found
    found = (lowered, False)
    for prefix, kind, typo in _KEY_PREFIXES:
        if lowered.startswith(prefix):
            found = (kind, typo or lowered != prefix)
            break
    if len(_CLASSIFIED) < 8192:
        _CLASSIFIED[lowered] = found
    return found


class RobotsTxt:
    """A parsed robots.txt. Build it with :meth:`parse` (or :meth:`from_fetch`); query it often."""

    __slots__ = (
        "_by_token",
        "_diagnostics",
        "_known",
        "_matchers",
        "_named",
        "_record_groups",
        "_record_spans",
        "_records",
        "_rules_key",
        "_selections",
        "_text",
        "access",
        "groups",
        "reason",
        "size",
    )

    groups: tuple[Group, ...]
    """The groups of ``Allow``/``Disallow`` rules, as Google forms them."""
    access: Access
    reason: str
    size: int

    def __init__(
        self,
        groups: tuple[Group, ...] = (),
        records: tuple[Record, ...] = (),
        diagnostics: tuple[Diagnostic, ...] = (),
        *,
        access: Access = Access.RULES,
        reason: str = "",
        size: int = 0,
        record_groups: tuple[Group, ...] | None = None,
    ) -> None:
        self.groups = groups
        self._records: tuple[Record, ...] | None = records
        self._record_groups = record_groups
        self._record_spans: list[tuple[int, int, int, int]] | None = None
        self._diagnostics: tuple[Diagnostic, ...] | None = diagnostics
        # A parsed file reads every line only when its records or diagnostics are asked for
        # (see _parse): until then it keeps the text, its first diagnostics and the records
        # of the keys it knows.
        self._text: tuple[str, tuple[Diagnostic, ...]] | None = None
        self._known: tuple[Record, ...] = ()
        self.access = access
        self.reason = reason
        self.size = size
        self._matchers: dict[str, _Matcher | _Strictest] = {}  # per user agent as queried
        self._selections: dict[int, _Matcher] = {}  # per selection of groups (its list's id)
        self._by_token: dict[str, list[Group]] | None = None
        self._named: frozenset[str] | None = None
        self._rules_key: Hashable = None

    @property
    def records(self) -> tuple[Record, ...]:
        """Every other ``key: value`` line (``Sitemap``, ``Crawl-delay``, unknown keys …), in
        file order."""
        found = self._records
        if found is None:
            found = self._read_all()[0]
        return found

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """What the parser skipped or repaired, line by line."""
        found = self._diagnostics
        if found is None:
            found = self._read_all()[1]
        return found

    def _read_all(self) -> tuple[tuple[Record, ...], tuple[Diagnostic, ...]]:
        # Every line, as _parse read only the lines of the keys it knows (the same groups,
        # record groups and known records come out: tests/signals/test_robots_lazy.py).
        assert self._text is not None
        text, first = self._text
        _, records, diagnostics, _ = _read_lines(text, list(first))
        self._records, self._diagnostics = records, diagnostics
        self._text = None
        return records, diagnostics

    def _records_of(self, key: str) -> tuple[Record, ...]:
        """The records that may have the lower-cased ``key`` (all of them for an unknown key)."""
        if self._records is None and key in KNOWN_RECORDS:
            return self._known
        return self.records

    @property
    def record_groups(self) -> tuple[Group, ...]:
        """The groups ``records`` belong to: a group record (``Crawl-delay``, ``Content-Usage``,
        ``Content-Signal``, ``License``) ends a run of ``User-agent`` lines, as its grammar says,
        where for ``groups`` only a rule does. Their ``lines`` are empty."""
        found = self._record_groups
        if found is None:
            spans = self._record_spans
            found = self.groups if spans is None else _record_groups(self.groups, spans)
            self._record_groups = found
        return found

    def rules_key(self) -> Hashable:
        """What a query can read of this file: its access, the groups with their rules, the
        record groups, and the records of the keys it knows but ``Sitemap``. Files with equal
        keys (most often: the same rules, each naming its own site's sitemap) answer every
        match, ``records_for`` and ``records_named`` query alike, line numbers included; they
        may differ in sitemaps, comments, unknown keys and diagnostics."""
        found = self._rules_key
        if found is None:
            if self.access is not Access.RULES:
                found = (self.access, self.reason)
            else:
                # The records of a known key: those read so far, or every record once all
                # lines have been read (then the unknown keys are left out here).
                records = tuple(
                    r
                    for r in self._records_of("sitemap")
                    if r.key in KNOWN_RECORDS and r.key != "sitemap"
                )
                found = (self.access, self.groups, self.record_groups, records)
            self._rules_key = found
        return found

    def __repr__(self) -> str:
        return (
            f"RobotsTxt(access={self.access.value!r}, groups={len(self.groups)}, "
            f"records={len(self.records)}, diagnostics={len(self.diagnostics)})"
        )

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def parse(
        cls, data: bytes | bytearray | memoryview | str, *, max_bytes: int = ROBOTS_SIZE_LIMIT
    ) -> RobotsTxt:
        """Parse a robots.txt body. Never raises on content; see ``diagnostics``.

        ``str`` input is encoded as UTF-8 first (lone surrogates are kept as their bytes).
        """
        if isinstance(data, str):
            try:
                body = data.encode("utf-8", "surrogateescape")
            except UnicodeEncodeError:
                body = data.encode("utf-8", "surrogatepass")
        elif isinstance(data, (bytes, bytearray, memoryview)):
            body = bytes(data)
        else:
            raise TypeError(f"robots.txt must be bytes or str, not {type(data).__name__}")
        if len(body) > _SHARED_BODY:
            return _parse(body, max_bytes)
        # Many sites serve the same file (a CMS's default): parsed once, its lookup indexes
        # built once. A RobotsTxt says nothing of where it was fetched, so sharing is safe.
        key = (body, max_bytes)
        found = _SHARED.get(key)
        if found is None:
            if len(_SHARED) >= _SHARED_LIMIT:
                del _SHARED[next(iter(_SHARED))]
            found = _SHARED[key] = _parse(body, max_bytes)
        return found

    @classmethod
    def allow_all(cls, reason: str = "no robots.txt") -> RobotsTxt:
        """A robots.txt that allows everything (RFC 9309: unavailable)."""
        return _blanket(cls, Access.ALLOW_ALL, reason)

    @classmethod
    def disallow_all(cls, reason: str = "robots.txt unreachable") -> RobotsTxt:
        """A robots.txt that disallows everything (RFC 9309: unreachable, complete disallow)."""
        return _blanket(cls, Access.DISALLOW_ALL, reason)

    @classmethod
    def from_fetch(
        cls,
        status: int | None,
        body: bytes | str = b"",
        *,
        redirects: int = 0,
        max_bytes: int = ROBOTS_SIZE_LIMIT,
    ) -> RobotsTxt:
        """The robots.txt in force after a fetch ending in ``status`` (``None``: unreachable)."""
        access = access_for_status(status, redirects=redirects)
        if access is Access.RULES:
            return cls.parse(body, max_bytes=max_bytes)
        what = "no response" if status is None else f"HTTP {status}"
        if redirects > 5:
            what = f"{redirects} redirects"
        if access is Access.ALLOW_ALL:
            return cls.allow_all(f"robots.txt unavailable ({what}): allow all (RFC 9309 §2.3.1.2)")
        return cls.disallow_all(
            f"robots.txt unreachable ({what}): complete disallow (RFC 9309 §2.3.1.3-4)"
        )

    # -- queries ------------------------------------------------------------------------------

    def _matcher(self, user_agent: str) -> _Matcher | _Strictest:
        matcher = self._matchers.get(user_agent)
        if matcher is None:
            token = query_token(user_agent).token
            matcher = self._strictest() if token is None else self._selected(token)
            self._matchers[user_agent] = matcher
        return matcher

    def _selected(self, agent: str) -> _Matcher:
        """The rules Google's selection gives ``agent``, compared as given."""
        groups, scope = self._groups_for(agent)
        # Agents that select the same groups (typically: every agent the file does not name)
        # share one index: they get the same list (see _groups_for).
        matcher = self._selections.get(id(groups))
        if matcher is None:
            lines = groups[0].lines if len(groups) == 1 else [r for g in groups for r in g.lines]
            matcher = self._selections[id(groups)] = _Matcher(lines, scope)
        return matcher

    def _strictest(self) -> _Strictest:
        selected = [self._selected("*"), *map(self._selected, sorted(self.named_tokens()))]
        return _Strictest(tuple({id(m): m for m in selected}.values()))

    def _groups_for(
        self, user_agent: str
    ) -> tuple[list[Group], Literal["specific", "global", "none"]]:
        by_token = self._by_token
        if by_token is None:
            by_token = {}
            for group in self.groups:
                for token in group.tokens:
                    by_token.setdefault(token, []).append(group)
            # Tokens that select the same groups get the same list (so one index, _selected).
            same: dict[tuple[int, ...], list[Group]] = {}
            for token, found in by_token.items():
                by_token[token] = same.setdefault(tuple(g.index for g in found), found)
            # "\x00" cannot be a product token: it keys the '*' groups.
            by_token["\x00"] = [g for g in self.groups if g.is_global]
            self._by_token = by_token
        # Google compares the whole agent name ASCII-case-insensitively with each line's token.
        if user_agent.isascii():
            specific = by_token.get(user_agent.lower())
            if specific:
                return specific, "specific"
        common = by_token["\x00"]
        return common, ("global" if common else "none")

    def allowed(self, url: str, user_agent: str, *, reduce: bool = True) -> bool:
        """Whether ``user_agent`` may fetch ``url`` (a full URL or a path, %-encoded).

        ``user_agent`` is read as its product token (:func:`query_token`); ``reduce=False``
        compares it as given, as Google's matcher does (for its conformance vectors)."""
        if self.access is not _RULES:
            return self.access is Access.ALLOW_ALL
        # The agent's index is looked up inline: most queries repeat an agent already asked for.
        matcher = self._matchers.get(user_agent) if reduce else self._selected(user_agent)
        if matcher is None:
            matcher = self._matcher(user_agent)
        path = _PATHS.get(url)
        entry = matcher.decide(_path_of(url) if path is None else path)
        return True if entry is None else entry[1]

    def deciders(self, user_agents: Iterable[str]) -> tuple[Callable[[str], Hashable], ...]:
        """One function per distinct set of rules that applies to some of ``user_agents``, each
        mapping a path (as :func:`path_params_query` gives it) to a key of its deciding rule
        (``None`` when no rule matches); empty when the file is not read for rules (allow all,
        disallow all).

        Two paths for which every function answers the same get the same verdict, by the same
        rule, for each of the agents: a caller can remember its answers per rule, not per URL.
        """
        if self.access is not Access.RULES:
            return ()
        found: dict[int, Callable[[str], Hashable]] = {}
        for agent in user_agents:
            matcher = self._matcher(agent)
            # The strictest selection's answer also depends on which selection gave it.
            key = matcher.decide_scoped if isinstance(matcher, _Strictest) else matcher.decide
            found.setdefault(id(matcher), key)
        return tuple(found.values())

    def match(self, url: str, user_agent: str, *, reduce: bool = True) -> RobotsMatch:
        """Like :meth:`allowed`, with the deciding rule, why, and how ``user_agent`` was read."""
        read = query_token(user_agent) if reduce else AgentToken(user_agent, None)
        agent = read.token
        notes = () if read.diagnostic is None else (read.diagnostic,)
        if self.access is not Access.RULES:
            allowed = self.access is Access.ALLOW_ALL
            return RobotsMatch(allowed, None, "access", self.reason, agent, notes)
        matcher = self._matcher(user_agent) if reduce else self._selected(user_agent)
        path = _path_of(url)
        if isinstance(matcher, _Strictest):
            entry, scope = matcher.decide_scoped(path)
            how = "; no product token: the strictest group that could apply"
        else:
            entry, scope, how = matcher.decide(path), matcher.scope, ""
        if entry is not None:
            rule = _rule(entry)
            # Groups are in file order: a rule is in the last one that starts before it.
            group = self.groups[bisect.bisect_left(self.groups, rule.line, key=_first_line) - 1]
            reason = "longest matching rule" + how
            return RobotsMatch(rule.allow, rule, scope, reason, agent, notes, group)
        if scope == "none":
            name = agent if agent is not None else user_agent
            return RobotsMatch(
                True, None, "none", f"no group for {name!r} and no '*' group", agent, notes
            )
        return RobotsMatch(True, None, scope, "no rule matches the URL" + how, agent, notes)

    def named_tokens(self) -> frozenset[str]:
        """The lower-cased product tokens that some group names (``*`` excluded)."""
        if self._named is None:
            self._groups_for("*")  # builds the token index
            assert self._by_token is not None
            self._named = frozenset(token for token in self._by_token if token != "\x00")
        return self._named

    def groups_for(self, user_agent: str) -> tuple[Group, ...]:
        """The groups whose rules apply to ``user_agent`` (merged named groups, else ``*``);
        every group when it carries no product token (any of them could apply)."""
        token = query_token(user_agent).token
        return self.groups if token is None else tuple(self._groups_for(token)[0])

    def records_for(self, user_agent: str, key: str) -> tuple[Record, ...]:
        """The ``key`` records of the record groups that apply to ``user_agent``, in file order:
        those naming its product token, else the ``*`` ones (RFC 9309 selection); those of every
        group when it carries no token (any could apply: the records combine as their own
        mechanism combines them)."""
        token = query_token(user_agent).token
        record_groups = self.record_groups
        if token is None:
            indexes = {g.index for g in record_groups}
        else:
            lowered = token.lower() if token.isascii() else None
            indexes = {g.index for g in record_groups if lowered in g.tokens} or {
                g.index for g in record_groups if g.is_global
            }
        key = key.lower()
        return tuple(r for r in self._records_of(key) if r.key == key and r.group in indexes)

    def records_named(self, key: str) -> tuple[Record, ...]:
        """Every ``key`` record of the file, whatever group it is in."""
        key = key.lower()
        return tuple(r for r in self._records_of(key) if r.key == key)

    @property
    def sitemaps(self) -> tuple[str, ...]:
        """The ``Sitemap`` URLs, in file order (sitemaps belong to no group)."""
        return tuple(r.value for r in self._records_of("sitemap") if r.key == "sitemap")

    def crawl_delay(self, user_agent: str) -> float | None:
        """The first valid ``Crawl-delay`` (seconds) of the groups that apply to ``user_agent``;
        the longest of the file when it carries no product token (the slowest is safe)."""
        delays = []
        for record in self.records_for(user_agent, "crawl-delay"):
            try:
                delay = float(record.value)
            except ValueError:
                continue
            if math.isfinite(delay) and delay >= 0:
                delays.append(delay)
        if not delays:
            return None
        return delays[0] if query_token(user_agent).token is not None else max(delays)


# One regex pass over the whole file splits every line into (key, value, rest): `key`/`value` for
# a `key: value` line (comment dropped), `rest` for any other line. findall yields exactly one tuple
# per line, so a tuple's index is its line number, and the per-line work left in Python is small.
_LINE_RE: Final = re.compile(
    # The first branch takes the usual `Key: value` line; a key with inner whitespace (or \v, \f),
    # an empty key, a missing colon, a comment or prose falls to the second, read in Python.
    r"^(?:[ \t]*([^:#\n \t\v\f]+)[ \t]*:[ \t]*([^#\n]*)[^\n]*|([^\n]*))$",
    re.MULTILINE,
)


def _split_line(line: str) -> tuple[str, str, str | None]:
    """Key and value of any line, as Google's GetKeyAndValueFrom reads it, with a diagnostic code
    when the line was repaired (``missing-colon``) or skipped (``no-separator``, ``empty-key``)."""
    hash_at = line.find("#")
    if hash_at >= 0:
        line = line[:hash_at]
    line = line.strip(_WS)
    if not line:
        return "", "", None
    colon = line.find(":")
    if colon >= 0:
        key = line[:colon].strip(_WS)
        return key, line[colon + 1 :].strip(_WS), (None if key else "empty-key")
    # Google accepts whitespace for a forgotten colon if the line is exactly two words.
    space = min((i for i in (line.find(" "), line.find("\t")) if i >= 0), default=-1)
    if space < 0:
        return "", "", "no-separator"
    value = line[space:].strip(_WS)
    if " " in value or "\t" in value:
        return "", "", "no-separator"
    return line[:space].strip(_WS), value, "missing-colon"


def _has_long_line(text: str) -> bool:
    """Whether a line of ``text`` has more than MAX_LINE_BYTES characters.

    Such a line holds a whole window of half that length, at a multiple of it: only the windows
    without a line end are looked at closely (a few dozen finds for the largest file)."""
    half = (MAX_LINE_BYTES + 1) // 2
    for start in range(0, len(text) - half + 1, half):
        if text.find("\n", start, start + half) < 0:
            end = text.find("\n", start)
            if (len(text) if end < 0 else end) - text.rfind("\n", 0, start) - 1 > MAX_LINE_BYTES:
                return True
    return False


def _clean_lines(text: str, diagnostics: list[Diagnostic]) -> str:
    """Cut lines at a NUL byte and after MAX_LINE_BYTES, as Google's C parser does."""
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        if "\x00" in line:
            line = line[: line.index("\x00")]
        if len(line) > MAX_LINE_BYTES:
            line = line[:MAX_LINE_BYTES]
            diagnostics.append(
                Diagnostic(number, "line-too-long", f"line cut after {MAX_LINE_BYTES} bytes")
            )
        lines[number - 1] = line
    return "\n".join(lines)


def _prepare(body: bytes, max_bytes: int) -> tuple[str, list[Diagnostic], int]:
    """The text the lines are read from (one character per byte, every line ended by LF, cut
    at NUL and after MAX_LINE_BYTES), the diagnostics of those repairs, and the size."""
    diagnostics: list[Diagnostic] = []
    size = len(body)
    if size > max_bytes:
        body = body[:max_bytes]
        diagnostics.append(
            Diagnostic(
                0, "size-limit", f"file is {size} bytes; only the first {max_bytes} are read"
            )
        )
    # Google skips a BOM, or any prefix of one, at the very start.
    skip = 0
    while skip < 3 and skip < len(body) and body[skip] == _BOM[skip]:
        skip += 1
    if skip:
        body = body[skip:]
        diagnostics.append(Diagnostic(1, "bom", "byte order mark skipped"))
    try:
        if not body.isascii():  # ASCII is UTF-8: most files need no decoding to check
            body.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = body.count(b"\n", 0, exc.start) + 1
        diagnostics.append(
            Diagnostic(
                bad_line, "invalid-utf8", f"not UTF-8 at byte {exc.start + skip}; read as bytes"
            )
        )

    text = body.decode("latin-1")  # one character per byte: offsets and escapes stay exact
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text or _has_long_line(text):
        text = _clean_lines(text, diagnostics)

    return text, diagnostics, size


def _parse(body: bytes, max_bytes: int) -> RobotsTxt:
    text, diagnostics, size = _prepare(body, max_bytes)
    blanked, lines = _sitemap_lines(text)
    if lines:
        held = _SITEMAPLESS.pop(blanked, None)
        if held is not None:
            _SITEMAPLESS[blanked] = held  # the most recently used last
            robots = _with_sitemaps(held, lines, text, diagnostics, size)
            if robots is not None:
                return robots
    groups, known, spans = _read_rules(text)
    robots = RobotsTxt(groups, size=size)
    robots._records = robots._diagnostics = None
    robots._text = (text, tuple(diagnostics))
    robots._known = known
    robots._record_spans = spans
    if lines:
        at = tuple(k for k, record in enumerate(known) if record.key == "sitemap")
        _SITEMAPLESS[blanked] = (robots, at)
        _sitemapless_held[0] += len(blanked)
        while len(_SITEMAPLESS) > _SITEMAPLESS_LIMIT or _sitemapless_held[0] > _SITEMAPLESS_TEXT:
            oldest = next(iter(_SITEMAPLESS))
            _sitemapless_held[0] -= len(oldest)
            del _SITEMAPLESS[oldest]
    return robots


def _sitemap_lines(text: str) -> tuple[str, list[str]]:
    """``text`` with the values of its ``Sitemap:`` lines left out (``[ \t]*sitemap[ \t]*:``,
    any case), and those lines."""
    lowered = text.lower()
    at = lowered.find("sitemap")
    if at < 0 or len(lowered) != len(text):
        return text, []
    pieces: list[str] = []
    lines: list[str] = []
    done = 0
    while at >= 0:
        start = lowered.rfind("\n", 0, at) + 1
        colon = at + 7
        while lowered[colon : colon + 1] in (" ", "\t"):
            colon += 1
        end = lowered.find("\n", colon)
        end = len(text) if end < 0 else end
        if lowered[colon : colon + 1] == ":" and not text[start:at].strip(" \t"):
            pieces.append(text[done : colon + 1])
            lines.append(text[start:end])
            done = end
        at = lowered.find("sitemap", max(end, at + 1))
    pieces.append(text[done:])
    return "".join(pieces), lines


_SITEMAPLESS: dict[str, tuple[RobotsTxt, tuple[int, ...]]] = {}
"""Parsed files (and where their sitemaps are among their known records) by their text with
the ``Sitemap`` values left out, least recently used first:
most sites' files differ from others only there (a CMS's default rules, each naming its own
site's sitemap), and an audit meets sites in no order."""
_SITEMAPLESS_LIMIT: Final = 8192
_SITEMAPLESS_TEXT: Final = 64 << 20
"""Characters of text the keys hold at most (typical files: a few thousand each)."""
_sitemapless_held = [0]


def forget_parses() -> None:
    """Forget the parsed files kept for sharing (a benchmark's pass starts with none)."""
    _SHARED.clear()
    _SITEMAPLESS.clear()
    _sitemapless_held[0] = 0


def _with_sitemaps(
    held: tuple[RobotsTxt, tuple[int, ...]],
    lines: list[str],
    text: str,
    diagnostics: list[Diagnostic],
    size: int,
) -> RobotsTxt | None:
    """The file of ``text``, which is the ``held`` one's but for the values of its ``Sitemap``
    lines (``lines``; ``held``: the parsed file and where its sitemaps are among its known
    records): its groups, record groups and lookup indexes, with its own sitemap records, text
    and diagnostics. ``None`` when those lines are not all read as sitemaps (then it is
    parsed)."""
    base, theirs = held
    _, own, _ = _read_rules("\n".join(lines), skim=False)
    if len(own) != len(lines) or len(theirs) != len(own):
        return None
    if any(record.key != "sitemap" for record in own):
        return None
    known = list(base._known)
    for k, record in zip(theirs, own, strict=True):
        line, key, _, group = known[k]
        known[k] = Record(line, key, record.value, group)
    base.named_tokens()  # builds the token index, which the shared selections are keyed by
    rules_key = base.rules_key()  # builds the record groups too
    robots = RobotsTxt(base.groups, size=size)
    robots._records = robots._diagnostics = None
    robots._text = (text, tuple(diagnostics))
    robots._known = tuple(known)
    robots._record_spans = base._record_spans
    robots._record_groups = base._record_groups
    robots._by_token, robots._named = base._by_token, base._named
    robots._matchers, robots._selections = base._matchers, base._selections
    robots._rules_key = rules_key
    return robots


def _read_rules(
    text: str, skim: bool | None = None
) -> tuple[tuple[Group, ...], tuple[Record, ...], list[tuple[int, int, int, int]]]:
    """The groups, the records of known keys and the spans of the record groups, exactly as
    _read_lines finds them, from the lines whose key is known (the others cannot change them).

    Queries need no more: unknown keys and junk are skipped, with no record or diagnostic
    built, until someone asks for those (RobotsTxt.records, RobotsTxt.diagnostics). ``skim``:
    pick those lines before reading any (chosen from the text when ``None``; either way gives
    the same result)."""
    groups: list[Group] = []
    known: list[Record] = []
    agents: list[str] = []
    tokens: set[str] = set()
    is_global = False
    rules: list[tuple[int, bool, str]] = []
    group_line = 0
    in_group = False
    spans: list[tuple[int, int, int, int]] = []
    record_start = record_line = 0
    ruled = False
    if skim is None:
        # Judged on the file's start (a page served as robots.txt is junk from its first line):
        # fewer lines with `llow` or `gent` (Allow, Disallow, User-agent) than half of them.
        sample = text[: _SKIM_FROM * 2]
        seen = sample.count("llow") + sample.count("gent")
        skim = len(text) > _SKIM_FROM and seen * 2 < sample.count("\n")
    if skim:
        # Few lines are rules (an HTML page or a stylesheet served as robots.txt has thousands
        # of other lines): the regex picks those whose key may be known, ASCII-lower-cased
        # (the key is the line's first word), and only those are read.
        lowered = b"\n" + text.encode("latin-1").lower()
        numbers: list[int] = []
        picked: list[str] = []
        number, counted = 0, 0
        for found in _KEY_LINE_RE.finditer(lowered):
            at = found.start()  # the LF before the line, which starts at `at` in `text`
            number += lowered.count(b"\n", counted, at + 1)
            counted = at + 1
            end = text.find("\n", at)
            numbers.append(number)
            picked.append(text[at:] if end < 0 else text[at:end])
        numbered: Iterable[tuple[int, str]] = zip(numbers, picked, strict=True)
    else:
        numbered = enumerate(text.split("\n"), 1)
    kinds, whitespace = _SPELLED_KINDS, _WS
    for number, line in numbered:
        # Key and value as _read_lines reads them (as Google's GetKeyAndValueFrom): the usual
        # `Key: value` line with str methods, any other with _split_line.
        colon = line.find(":")
        kind = kinds.get(line[:colon]) if colon > 0 else None
        if kind is not None:
            value = line[colon + 1 :]
            if "#" in value:
                value = value[: value.find("#")]
            value = value.strip(whitespace)
        else:
            rest = line.strip(whitespace)
            if not rest or rest[0] == "#":
                continue
            if ":" not in rest and " " not in rest and "\t" not in rest:
                continue
            key, value, _ = _split_line(rest)
            if not key:
                continue
            kind = kinds.get(key) or _classify(key.lower())[0]
        if kind in {"disallow", "allow"}:  # most lines
            if in_group:
                rules.append((number, kind == "allow", value))
                ruled = True
        elif kind == "user-agent":
            if not in_group or ruled:
                if in_group:
                    spans.append((record_line, len(groups), record_start, len(agents)))
                record_line, ruled = number, False
                record_start = 0 if rules or not in_group else len(agents)
            if not in_group or rules:
                if in_group:
                    groups.append(
                        Group(len(groups), group_line, tuple(agents), frozenset(tokens),
                              is_global, tuple(rules))
                    )  # fmt: skip
                agents, tokens, is_global, rules = [], set(), False, []
                group_line, in_group = number, True
            agents.append(_decode(value))
            if value[:1] == "*" and (len(value) == 1 or value[1] in _WS):
                is_global = True
            else:
                tokens.add(extract_product_token(value).lower())
        elif kind in KNOWN_RECORDS:
            if in_group and kind in _GROUP_RECORDS:
                ruled = True
            known.append(Record(number, kind, _decode(value), len(spans) if in_group else None))
    if in_group:
        spans.append((record_line, len(groups), record_start, len(agents)))
        groups.append(
            Group(len(groups), group_line, tuple(agents), frozenset(tokens), is_global,
                  tuple(rules))
        )  # fmt: skip
    return tuple(groups), tuple(known), spans


def _read_lines(
    text: str, diagnostics: list[Diagnostic]
) -> tuple[
    tuple[Group, ...], tuple[Record, ...], tuple[Diagnostic, ...], list[tuple[int, int, int, int]]
]:
    """Every line: the groups, the records, the diagnostics (after ``diagnostics``, those of
    the text's preparation) and the spans of the record groups (see ``_record_groups``)."""
    groups: list[Group] = []
    records: list[Record] = []
    agents: list[str] = []
    tokens: set[str] = set()
    is_global = False
    rules: list[tuple[int, bool, str]] = []
    group_line = 0
    in_group = False
    # The record groups: the same runs of User-agent lines, also ended by a group record. Each
    # is a slice of its group's agents, kept as (line, group index, start, end) and made into a
    # Group only when asked for (RobotsTxt.record_groups): most files are never asked.
    spans: list[tuple[int, int, int, int]] = []
    record_start = record_line = 0
    ruled = False  # a rule or group record has followed the current record group's agents

    def close() -> None:
        groups.append(
            Group(
                len(groups), group_line, tuple(agents), frozenset(tokens), is_global, tuple(rules)
            )
        )

    # An HTML page or a stylesheet served as robots.txt has thousands of junk lines: list the
    # first few of each kind and count the rest, rather than building thousands of diagnostics.
    counts: dict[str, int] = {}

    def wanted(code: str) -> bool:
        seen = counts.get(code, 0)
        counts[code] = seen + 1
        return seen < _DIAGNOSTICS_PER_CODE

    spelled = _SPELLED_KEYS
    for number, (key, value, rest) in enumerate(_LINE_RE.findall(text), 1):
        if key:
            value = value.strip(_WS)
        elif rest:
            rest = rest.strip(_WS)
            if not rest or rest[0] == "#":
                continue  # blank, or a comment that mentions a colon
            if ":" not in rest and " " not in rest and "\t" not in rest:
                if wanted("no-separator"):
                    diagnostics.append(
                        Diagnostic(number, "no-separator", "line has no ':'; skipped")
                    )
                continue
            key, value, code = _split_line(rest)
            if code is not None and wanted(code):
                if code == "missing-colon":
                    message = f"read as {_decode(key)}: {_decode(value)}"
                else:
                    message = (
                        "line has no key; skipped"
                        if code == "empty-key"
                        else ("line has no ':' and is not two words; skipped")
                    )
                diagnostics.append(Diagnostic(number, code, message))
            if not key:
                continue
        else:
            continue
        kind, typo = spelled.get(key) or _classify(key.lower())
        if typo and wanted("key-typo"):
            diagnostics.append(Diagnostic(number, "key-typo", f"{_decode(key)!r} read as {kind!r}"))
        if kind == "user-agent":
            # A rule ends both groups; a group record ends only the record group (Google's
            # parser does not know those records, so they leave its groups open).
            if not in_group or ruled:
                if in_group:
                    spans.append((record_line, len(groups), record_start, len(agents)))
                record_line, ruled = number, False
                record_start = 0 if rules or not in_group else len(agents)
            if not in_group or rules:
                if in_group:
                    close()
                agents, tokens, is_global, rules = [], set(), False, []
                group_line, in_group = number, True
            agents.append(_decode(value))
            if value[:1] == "*" and (len(value) == 1 or value[1] in _WS):
                is_global = True
            else:
                token = extract_product_token(value)
                if token != value and wanted("agent-token"):
                    diagnostics.append(
                        Diagnostic(
                            number,
                            "agent-token",
                            f"user-agent {_decode(value)!r} read as product token {token!r}",
                        )
                    )
                tokens.add(token.lower())
        elif kind in ("allow", "disallow"):
            if not in_group:
                if wanted("rule-outside-group"):
                    diagnostics.append(
                        Diagnostic(
                            number, "rule-outside-group", "rule before any User-agent; ignored"
                        )
                    )
                continue
            rules.append((number, kind == "allow", value))
            ruled = True
        else:
            if kind not in KNOWN_RECORDS and wanted("unknown-record"):
                diagnostics.append(
                    Diagnostic(number, "unknown-record", f"unknown key {_decode(key)!r}; kept")
                )
            if in_group and kind in _GROUP_RECORDS:
                ruled = True
            group = len(spans) if in_group else None
            records.append(Record(number, kind, _decode(value), group))
    if in_group:
        spans.append((record_line, len(groups), record_start, len(agents)))
        close()
    for code, seen in counts.items():
        if seen > _DIAGNOSTICS_PER_CODE:
            more = seen - _DIAGNOSTICS_PER_CODE
            diagnostics.append(Diagnostic(0, code, f"{more} more lines like these not listed"))
    return tuple(groups), tuple(records), tuple(diagnostics), spans
