"""robots.txt (RFC 9309) parsed once and matched the way Google's reference library matches.

``RobotsTxt.parse(data)`` reads a robots.txt body into groups of rules and the other records it
carries (``Sitemap``, ``Crawl-delay``, ``Content-Usage``, ``Content-Signal``, ``License`` …), each
with its line number. It never raises on content: whatever it skips or repairs is recorded in
``diagnostics``. ``allowed(url, agent)`` and ``match(url, agent)`` then answer any number of
queries without parsing again.

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
* lines other than ``User-agent``/``Allow``/``Disallow`` never start or end a group;
* all groups naming the crawler are merged; the ``*`` group applies only when none does;
* the longest matching pattern wins, ``Allow`` wins ties, an empty pattern never decides;
* ``*`` matches any run of characters, ``$`` anchors only at the end of a pattern;
* patterns are %-encoded (non-ASCII octets escaped, hex digits upper-cased); the URL is not
  (it is expected in escaped form already); matching covers path, params and query;
* an ``Allow`` ending in ``/index.htm…`` also allows its directory (``/dir/$``).

The file is cut at 500 KiB (RFC 9309 §2.5), as Google's crawler does.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, Literal

from reciprocity.signals.diagnostics import Diagnostic

__all__ = [
    "MAX_LINE_BYTES",
    "ROBOTS_SIZE_LIMIT",
    "Access",
    "Group",
    "Record",
    "RobotsMatch",
    "RobotsTxt",
    "Rule",
    "access_for_status",
    "extract_product_token",
    "path_params_query",
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

_ESCAPE_RE: Final = re.compile(r"%[0-9A-Fa-f]{2}|[\x80-\xff]")
_TOKEN_RE: Final = re.compile(r"[A-Za-z_-]*")


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


@dataclass(frozen=True, slots=True)
class Rule:
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
    """A run of ``User-agent`` lines and the rules that follow them."""

    index: int
    line: int
    agents: tuple[str, ...]
    """The user-agent values as written."""
    tokens: frozenset[str]
    """The lower-cased product tokens Google matches against (``*`` excluded)."""
    is_global: bool
    """True when one of the lines is ``User-agent: *``."""
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class Record:
    """Any other ``key: value`` line, with the group it sits in (``None``: before any group)."""

    line: int
    key: str
    """The key, lower-cased (``crawl-delay``, ``content-usage``, ``sitemap`` …)."""
    value: str
    group: int | None


@dataclass(frozen=True, slots=True)
class RobotsMatch:
    """The answer to one query, with the rule that decided it."""

    allowed: bool
    rule: Rule | None
    """The deciding rule, or ``None`` when no rule matched (or the access rule decided)."""
    scope: Literal["specific", "global", "none", "access"]
    """``specific``: a group naming the agent applied; ``global``: the ``*`` group applied;
    ``none``: no group applied; ``access``: the fetch outcome decided (see ``reason``)."""
    reason: str

    @property
    def line(self) -> int | None:
        return None if self.rule is None else self.rule.line


class _Matcher:
    """The rules that apply to one agent, indexed for fast longest-match lookup."""

    __slots__ = ("exact", "lengths", "literal", "scope", "wild")

    def __init__(self, rules: Iterator[Rule], scope: Literal["specific", "global", "none"]) -> None:
        self.scope = scope
        literal: dict[int, dict[str, Rule]] = {}
        exact: dict[str, Rule] = {}
        wild: list[tuple[int, bool, tuple[str, ...], bool, Rule]] = []
        for rule in rules:
            pattern = rule.pattern
            if not pattern:
                continue  # an empty pattern has priority 0 and never decides
            if "*" in pattern:
                anchored = pattern.endswith("$")
                body = pattern[:-1] if anchored else pattern
                wild.append((len(pattern), rule.allow, tuple(body.split("*")), anchored, rule))
            elif pattern.endswith("$"):
                body = pattern[:-1]
                exact[body] = _prefer(exact.get(body), rule)
            else:
                table = literal.setdefault(len(pattern), {})
                table[pattern] = _prefer(table.get(pattern), rule)
        # Longest first; at equal length Allow first; then file order (Google keeps the first).
        wild.sort(key=lambda w: (-w[0], not w[1], w[4].line))
        self.literal = literal
        self.lengths = tuple(sorted(literal, reverse=True))
        self.exact = exact
        self.wild = tuple(wild)

    def decide(self, path: str) -> Rule | None:
        best: Rule | None = self.exact.get(path)
        n = len(path)
        priority = n + 1 if best is not None else 0
        if best is None:
            for length in self.lengths:
                if length > n:
                    continue
                hit = self.literal[length].get(path[:length])
                if hit is not None:
                    best, priority = hit, length
                    break
        for length, allow, parts, anchored, rule in self.wild:
            if length < priority:
                break
            if length == priority and (not allow or (best is not None and best.allow)):
                continue
            if _wild_match(path, parts, anchored):
                return rule
        return best


def _prefer(old: Rule | None, new: Rule) -> Rule:
    # Same pattern twice: Allow beats Disallow; otherwise the first line stays the deciding one.
    if old is None or (new.allow and not old.allow):
        return new
    return old


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


def path_params_query(url: str) -> str:
    """The part of ``url`` that robots.txt patterns are matched against: path, params and query.

    Scheme, authority and fragment are dropped; the result always starts with ``/`` (``/`` when
    the URL has no path). The URL is not normalised: pass it %-encoded, as Google expects.
    """
    start = 2 if url.startswith("//") else 0
    early_path = _find_first_of(url, "/?;", start)
    protocol_end = url.find("://", start)
    if protocol_end < 0 or (0 <= early_path < protocol_end):
        protocol_end = start
    else:
        protocol_end += 3
    path_start = _find_first_of(url, "/?;", protocol_end)
    if path_start < 0:
        return "/"
    hash_pos = url.find("#", start)
    if 0 <= hash_pos < path_start:
        return "/"
    path = url[path_start:] if hash_pos < 0 else url[path_start:hash_pos]
    if "\x00" in path:
        path = path[: path.index("\x00")]  # Google matches a C string
    return path if path.startswith("/") else "/" + path


def _find_first_of(text: str, chars: str, start: int) -> int:
    found = [i for i in (text.find(c, start) for c in chars) if i >= 0]
    return min(found) if found else -1


def extract_product_token(value: str) -> str:
    """The product token Google reads from a ``User-agent`` value: its ``[A-Za-z_-]*`` prefix."""
    match = _TOKEN_RE.match(value)
    return match.group() if match else ""


def _escape_pattern(value: str) -> str:
    # `value` holds one character per byte (latin-1), so octets >= 0x80 are single characters.
    if value.isascii() and "%" not in value:
        return value
    return _ESCAPE_RE.sub(_escape_one, value)


def _escape_one(match: re.Match[str]) -> str:
    text = match.group()
    return text.upper() if len(text) == 3 else f"%{ord(text):02X}"


def _decode(value: str) -> str:
    # Back from one-char-per-byte to the UTF-8 text the publisher wrote.
    return value if value.isascii() else value.encode("latin-1").decode("utf-8", "replace")


def _classify(key: str) -> tuple[str, bool]:
    lowered = key.lower()
    for prefix, kind, typo in _KEY_PREFIXES:
        if lowered.startswith(prefix):
            return kind, typo or lowered != prefix
    return lowered, False


class RobotsTxt:
    """A parsed robots.txt. Build it with :meth:`parse` (or :meth:`from_fetch`); query it often."""

    __slots__ = ("_matchers", "access", "diagnostics", "groups", "reason", "records", "size")

    groups: tuple[Group, ...]
    records: tuple[Record, ...]
    diagnostics: tuple[Diagnostic, ...]
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
    ) -> None:
        self.groups = groups
        self.records = records
        self.diagnostics = diagnostics
        self.access = access
        self.reason = reason
        self.size = size
        self._matchers: dict[str, _Matcher] = {}

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
        return _parse(body, max_bytes)

    @classmethod
    def allow_all(cls, reason: str = "no robots.txt") -> RobotsTxt:
        """A robots.txt that allows everything (RFC 9309: unavailable)."""
        return cls(access=Access.ALLOW_ALL, reason=reason)

    @classmethod
    def disallow_all(cls, reason: str = "robots.txt unreachable") -> RobotsTxt:
        """A robots.txt that disallows everything (RFC 9309: unreachable, complete disallow)."""
        return cls(access=Access.DISALLOW_ALL, reason=reason)

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

    def _matcher(self, user_agent: str) -> _Matcher:
        matcher = self._matchers.get(user_agent)
        if matcher is None:
            matcher = self._matchers[user_agent] = self._build_matcher(user_agent)
        return matcher

    def _groups_for(
        self, user_agent: str
    ) -> tuple[list[Group], Literal["specific", "global", "none"]]:
        # Google compares the whole agent name ASCII-case-insensitively with each line's token.
        agent = user_agent.lower() if user_agent.isascii() else None
        specific = [g for g in self.groups if agent is not None and agent in g.tokens]
        if specific:
            return specific, "specific"
        common = [g for g in self.groups if g.is_global]
        return common, ("global" if common else "none")

    def _build_matcher(self, user_agent: str) -> _Matcher:
        groups, scope = self._groups_for(user_agent)
        return _Matcher((rule for group in groups for rule in group.rules), scope)

    def allowed(self, url: str, user_agent: str) -> bool:
        """Whether ``user_agent`` may fetch ``url`` (a full URL or a path, %-encoded)."""
        if self.access is not Access.RULES:
            return self.access is Access.ALLOW_ALL
        rule = self._matcher(user_agent).decide(path_params_query(url))
        return True if rule is None else rule.allow

    def match(self, url: str, user_agent: str) -> RobotsMatch:
        """Like :meth:`allowed`, with the deciding rule and why."""
        if self.access is not Access.RULES:
            return RobotsMatch(self.access is Access.ALLOW_ALL, None, "access", self.reason)
        matcher = self._matcher(user_agent)
        rule = matcher.decide(path_params_query(url))
        if rule is not None:
            return RobotsMatch(rule.allow, rule, matcher.scope, "longest matching rule")
        if matcher.scope == "none":
            return RobotsMatch(True, None, "none", f"no group for {user_agent!r} and no '*' group")
        return RobotsMatch(True, None, matcher.scope, "no rule matches the URL")

    def groups_for(self, user_agent: str) -> tuple[Group, ...]:
        """The groups whose rules apply to ``user_agent`` (merged named groups, else ``*``)."""
        return tuple(self._groups_for(user_agent)[0])

    def records_for(self, user_agent: str, key: str) -> tuple[Record, ...]:
        """The ``key`` records inside the groups that apply to ``user_agent``, in file order."""
        indexes = {g.index for g in self._groups_for(user_agent)[0]}
        key = key.lower()
        return tuple(r for r in self.records if r.key == key and r.group in indexes)

    def records_named(self, key: str) -> tuple[Record, ...]:
        """Every ``key`` record of the file, whatever group it is in."""
        key = key.lower()
        return tuple(r for r in self.records if r.key == key)

    @property
    def sitemaps(self) -> tuple[str, ...]:
        """The ``Sitemap`` URLs, in file order (sitemaps belong to no group)."""
        return tuple(r.value for r in self.records if r.key == "sitemap")

    def crawl_delay(self, user_agent: str) -> float | None:
        """The first valid ``Crawl-delay`` (seconds) of the groups that apply to ``user_agent``."""
        for record in self.records_for(user_agent, "crawl-delay"):
            try:
                delay = float(record.value)
            except ValueError:
                continue
            if math.isfinite(delay) and delay >= 0:
                return delay
        return None


def _parse(body: bytes, max_bytes: int) -> RobotsTxt:
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
    has_nul = "\x00" in text

    groups: list[Group] = []
    records: list[Record] = []
    agents: list[str] = []
    tokens: set[str] = set()
    is_global = False
    rules: list[Rule] = []
    group_line = 0
    in_group = False

    def close() -> None:
        groups.append(
            Group(
                len(groups), group_line, tuple(agents), frozenset(tokens), is_global, tuple(rules)
            )
        )

    for number, raw_line in enumerate(text.split("\n"), 1):
        line = raw_line
        if has_nul and "\x00" in line:
            line = line[: line.index("\x00")]
        if len(line) > MAX_LINE_BYTES:
            line = line[:MAX_LINE_BYTES]
            diagnostics.append(
                Diagnostic(number, "line-too-long", f"line cut after {MAX_LINE_BYTES} bytes")
            )
        hash_at = line.find("#")
        if hash_at >= 0:
            line = line[:hash_at]
        line = line.strip(_WS)
        if not line:
            continue
        colon = line.find(":")
        if colon >= 0:
            key = line[:colon].strip(_WS)
            value = line[colon + 1 :].strip(_WS)
        else:
            # Google accepts whitespace for a forgotten colon, if the line is exactly two words.
            space = min((i for i in (line.find(" "), line.find("\t")) if i >= 0), default=-1)
            if space < 0:
                diagnostics.append(Diagnostic(number, "no-separator", "line has no ':'; skipped"))
                continue
            key = line[:space].strip(_WS)
            value = line[space:].strip(_WS)
            if " " in value or "\t" in value:
                diagnostics.append(
                    Diagnostic(number, "no-separator", "line has no ':' and more than two words")
                )
                continue
            diagnostics.append(
                Diagnostic(number, "missing-colon", f"read as {_decode(key)}: {_decode(value)}")
            )
        if not key:
            diagnostics.append(Diagnostic(number, "empty-key", "line has no key; skipped"))
            continue
        kind, typo = _classify(key)
        if typo:
            diagnostics.append(Diagnostic(number, "key-typo", f"{_decode(key)!r} read as {kind!r}"))
        if kind == "user-agent":
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
                if token != value:
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
                diagnostics.append(
                    Diagnostic(number, "rule-outside-group", "rule before any User-agent; ignored")
                )
                continue
            allow = kind == "allow"
            pattern = _escape_pattern(value)
            raw = _decode(value)
            rules.append(Rule(number, allow, pattern, raw))
            if allow:
                slash = pattern.rfind("/")
                if slash >= 0 and pattern.startswith("/index.htm", slash):
                    rules.append(Rule(number, True, pattern[: slash + 1] + "$", raw, derived=True))
        else:
            if kind not in KNOWN_RECORDS:
                diagnostics.append(
                    Diagnostic(number, "unknown-record", f"unknown key {_decode(key)!r}; kept")
                )
            records.append(Record(number, kind, _decode(value), len(groups) if in_group else None))
    if in_group:
        close()
    return RobotsTxt(tuple(groups), tuple(records), tuple(diagnostics), size=size)
