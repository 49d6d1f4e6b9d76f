"""A publisher's AI-usage policy: one TOML file, read into a frozen :class:`Policy`.

The file says once what every declared carrier (robots.txt, headers, tdmrep.json, ai.txt, RSL,
``<meta>`` tags) must say::

    version = 1
    license = "CC-BY-4.0"                     # optional SPDX id
    rsl = "https://example.org/license.xml"   # optional: where the RSL document will be served
    tdm-policy = "https://example.org/tdm.json"  # optional: TDMRep policy for reserved content
    [preferences]            # per use: "allow" | "deny" | { deny = true, unless = [...] }
    train-ai = "deny"
    ai-use = { deny = true, unless = ["credit"] }
    search = "allow"
    [[paths]]                                 # optional: longest prefix wins, per use
    path = "/blog/"
    train-ai = "allow"
    [[crawlers]]                              # optional: crawl access per catalogued token
    token = "GPTBot"
    crawl = false

Uses are the project's (:mod:`reciprocity.uses`), duties its registry's
(:mod:`reciprocity.obligations`, so ``credit`` is attribution), crawler tokens the catalogue's
(:mod:`reciprocity.signals.agents`). Every mistake is an :class:`~reciprocity.errors.InputError`
naming the file, the line where it can be found, and the key.

A crawler denied crawl access is read, by every reader that follows DESIGN §3.4, as a deny of the
uses it is catalogued for, on every path: :meth:`Policy.stance` gives that effective stance and
:attr:`Policy.notes` says where it overrides what ``[preferences]`` or ``[[paths]]`` wrote.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from reciprocity.errors import InputError
from reciprocity.obligations import Duty, parse_duty
from reciprocity.signals.agents import AGENTS, Agent, agent
from reciprocity.signals.licenses import Licence, licence_from_text
from reciprocity.uses import USES, Stance, Use

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the backport, same API
    import tomli as tomllib

__all__ = [
    "ALLOW",
    "DENY",
    "EXPRESSIBLE_UNLESS",
    "POLICY_VERSIONS",
    "CrawlerRule",
    "PathRule",
    "Policy",
    "Preference",
    "load_policy",
    "parse_policy",
]

POLICY_VERSIONS: Final = (1,)
"""The policy file versions this release reads."""


@dataclass(frozen=True, slots=True)
class Preference:
    """What the policy says about one use: allow, or deny (lifted by ``unless`` duties)."""

    stance: Stance
    unless: frozenset[Duty] = frozenset()
    """For a deny: the duties whose acceptance turns it into an allow (CC signals' "credit")."""

    @property
    def plain(self) -> bool:
        """Whether this is a bare allow or deny, which every mechanism can say."""
        return not self.unless

    def __str__(self) -> str:
        if self.unless:
            return f"deny unless {', '.join(sorted(d.value for d in self.unless))}"
        return self.stance.value


ALLOW: Final = Preference(Stance.ALLOW)
DENY: Final = Preference(Stance.DENY)


@dataclass(frozen=True, slots=True)
class PathRule:
    """A ``[[paths]]`` entry: the uses it sets for URLs whose path starts with ``path``."""

    path: str
    preferences: Mapping[Use, Preference]
    line: int | None = None


@dataclass(frozen=True, slots=True)
class CrawlerRule:
    """A ``[[crawlers]]`` entry: crawl access for one catalogued token."""

    token: str
    """The token as the catalogue writes it."""
    crawl: bool
    agent: Agent
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    """A read policy file. Build it with :func:`parse_policy` or :func:`load_policy`."""

    version: int
    preferences: Mapping[Use, Preference]
    """The site-wide stance per use; a use left out is not stated anywhere."""
    paths: tuple[PathRule, ...] = ()
    crawlers: tuple[CrawlerRule, ...] = ()
    license: Licence | None = None
    rsl: str | None = None
    tdm_policy: str | None = None
    source: str | None = None

    @property
    def scopes(self) -> tuple[str, ...]:
        """``/`` and every ``[[paths]]`` prefix, shortest first (ties by text)."""
        return ("/", *sorted((p.path for p in self.paths), key=lambda p: (len(p), p)))

    def scope_of(self, path: str) -> str:
        """The longest scope that ``path`` (a URL path) starts with."""
        return max((s for s in self.scopes if path.startswith(s)), key=len)

    def written(self, use: Use, scope: str) -> Preference | None:
        """What the file says for ``use`` at ``scope``: the longest ``[[paths]]`` prefix of
        ``scope`` that sets it, else ``[preferences]``; ``None`` when nothing does."""
        best: PathRule | None = None
        for rule in self.paths:
            longer = best is None or len(rule.path) > len(best.path)
            if use in rule.preferences and scope.startswith(rule.path) and longer:
                best = rule
        return best.preferences[use] if best is not None else self.preferences.get(use)

    @property
    def blocked(self) -> tuple[CrawlerRule, ...]:
        """The crawlers denied crawl access."""
        return tuple(c for c in self.crawlers if not c.crawl)

    @property
    def blocked_tokens(self) -> frozenset[str]:
        """What robots.txt matching reads from the blocked crawlers' ``User-agent`` lines."""
        return frozenset(c.agent.google_token for c in self.blocked)

    @property
    def denied_by_crawlers(self) -> frozenset[Use]:
        """The uses a blocked crawler is honoured for (DESIGN §3.4): denied on every path. A
        blocked token stands for every catalogued crawler that robots.txt reads as the same."""
        tokens = self.blocked_tokens
        return frozenset(u for a in AGENTS.values() if a.google_token in tokens for u in a.uses)

    def stance(self, use: Use, path: str = "/") -> Preference | None:
        """The effective stance on ``use`` for URLs under ``path``: what the file says there,
        turned into a plain deny where a blocked crawler is honoured for the use."""
        if use in self.denied_by_crawlers:
            return DENY
        return self.written(use, self.scope_of(path))

    @property
    def notes(self) -> tuple[str, ...]:
        """Where a blocked crawler overrides what the file wrote for a use."""
        found = []
        denied = self.denied_by_crawlers
        for scope in self.scopes:
            for use in USES:
                said = self.written(use, scope)
                if use in denied and said is not None and said != DENY:
                    tokens = ", ".join(c.token for c in self.blocked if use in c.agent.uses)
                    found.append(
                        f"{scope}: {use.value} is written as {said!s}, but crawl = false for "
                        f"{tokens or 'a crawler of the same robots.txt token'} denies it "
                        "(readers honour a blocked crawler for the uses it is catalogued for)"
                    )
        return tuple(found)


# -- reading -------------------------------------------------------------------------------------

_TOP_KEYS: Final = frozenset({"version", "license", "rsl", "tdm-policy", "preferences", "paths",
                              "crawlers"})  # fmt: skip
_PATH_RE: Final = re.compile(r"/(?:[A-Za-z0-9._~@+-]|%[0-9A-Fa-f]{2}|/)*")
_URL_RE: Final = re.compile(r"https?://[^\s\"'<>\\{}|^`]+")

# The `unless` sets some mechanism can say exactly: CC signals' four (credit and what adds to it),
# which AIPREF Content-Usage carries in robots.txt and the headers on every path. (RSL can make a
# deny lifted by a contribution or a payment, but only where it can say every other use too: a
# stance that holds on some paths and some sites only is not offered.)
EXPRESSIBLE_UNLESS: Final[tuple[frozenset[Duty], ...]] = (
    frozenset({Duty.ATTRIBUTION}),
    frozenset({Duty.ATTRIBUTION, Duty.DIRECT_CONTRIBUTION}),
    frozenset({Duty.ATTRIBUTION, Duty.ECOSYSTEM_CONTRIBUTION}),
    frozenset({Duty.ATTRIBUTION, Duty.OPEN}),
)


class _Lines:
    """Where a key is written: TOML readers give no positions, so the text is searched for the
    key inside the table that holds it (``None`` when it cannot be told)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def _header(self, table: str, index: int) -> int | None:
        pattern = re.compile(rf"^\s*\[\[?\s*{re.escape(table)}\s*\]\]?\s*(#.*)?$")
        seen = -1
        for number, line in enumerate(self.lines, 1):
            if pattern.match(line):
                seen += 1
                if seen == index:
                    return number
        return None

    def find(self, key: str, table: str | None = None, index: int = 0) -> int | None:
        start = 0
        if table is not None:
            header = self._header(table, index)
            if header is None:
                # An inline table (`ai-use = {deny = true}`) or a dotted key: search the file.
                return self.find(key) if key != table else None
            start = header
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for number in range(start, len(self.lines)):
            line = self.lines[number]
            if table is not None and number > start and re.match(r"^\s*\[", line):
                break
            if pattern.match(line):
                return number + 1
        return start or None


class _Reader:
    def __init__(self, text: str, source: str | None) -> None:
        self.source = source
        self.where = _Lines(text)

    def error(self, message: str, key: str, table: str | None = None, index: int = 0) -> InputError:
        line = self.where.find(key, table, index)
        return InputError(message, path=self.source, line=line)

    def preference(self, value: object, key: str, table: str, index: int = 0) -> Preference:
        name = f"{table}[{index}].{key}" if table != "preferences" else f"preferences.{key}"
        if value == "allow":
            return ALLOW
        if value == "deny":
            return DENY
        if isinstance(value, dict):
            unknown = sorted(set(value) - {"deny", "unless"})
            if unknown:
                raise self.error(
                    f"{name}: unknown key {unknown[0]!r}; a conditional stance is "
                    "{ deny = true, unless = [...] }",
                    key,
                    table,
                    index,
                )
            if value.get("deny") is not True:
                raise self.error(
                    f'{name}: a table needs deny = true (write "allow" to allow)', key, table, index
                )
            unless = value.get("unless", [])
            if not isinstance(unless, list) or not all(isinstance(u, str) for u in unless):
                raise self.error(f"{name}: unless must be a list of duty names", key, table, index)
            try:
                duties = frozenset(parse_duty(u) for u in unless)
            except ValueError as exc:
                raise self.error(f"{name}: {exc}", key, table, index) from None
            if not duties:
                return DENY
            if duties not in EXPRESSIBLE_UNLESS:
                sets = "; ".join(", ".join(sorted(d.value for d in s)) for s in EXPRESSIBLE_UNLESS)
                raise self.error(
                    f"{name}: no mechanism can say 'deny unless "
                    f"{', '.join(sorted(d.value for d in duties))}'; one of: {sets}",
                    key,
                    table,
                    index,
                )
            return Preference(Stance.DENY, duties)
        raise self.error(
            f'{name}: {value!r} is not "allow", "deny" or {{ deny = true, unless = [...] }}',
            key,
            table,
            index,
        )

    def uses(
        self, table: Mapping[str, object], name: str, index: int, extra: frozenset[str]
    ) -> dict[Use, Preference]:
        found: dict[Use, Preference] = {}
        for key, value in table.items():
            if key in extra:
                continue
            use = next((u for u in USES if u.value == key), None)
            if use is None:
                accepted = ", ".join([*sorted(extra), *(u.value for u in USES)])
                raise self.error(
                    f"{name}: unknown key {key!r}; expected one of: {accepted}", key, name, index
                )
            found[use] = self.preference(value, key, name, index)
        return found

    def url(self, data: Mapping[str, object], key: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not _URL_RE.fullmatch(value):
            raise self.error(f"{key}: {value!r} is not an http(s) URL", key)
        return value

    def policy(self, data: Mapping[str, object]) -> Policy:
        unknown = sorted(set(data) - _TOP_KEYS)
        if unknown:
            raise self.error(
                f"unknown key {unknown[0]!r}; expected one of: {', '.join(sorted(_TOP_KEYS))}",
                unknown[0],
            )
        version = data.get("version")
        read = ", ".join(map(str, POLICY_VERSIONS))
        if version is None:
            raise InputError(f"no version; this release reads version {read}", path=self.source)
        if isinstance(version, bool) or version not in POLICY_VERSIONS:
            raise self.error(
                f"version {version!r} is not one this release reads ({read})", "version"
            )
        licence = None
        if "license" in data:
            text = data["license"]
            licence = licence_from_text(text) if isinstance(text, str) else None
            if licence is None or not licence.listed:
                raise self.error(f"license: {text!r} is not an SPDX licence id", "license")
        table = data.get("preferences", {})
        if not isinstance(table, dict):
            raise self.error("preferences must be a table", "preferences")
        preferences = self.uses(table, "preferences", 0, frozenset())
        return Policy(
            version=int(version),
            preferences=preferences,
            paths=self.paths(data.get("paths", [])),
            crawlers=self.crawlers(data.get("crawlers", [])),
            license=licence,
            rsl=self.url(data, "rsl"),
            tdm_policy=self.url(data, "tdm-policy"),
            source=self.source,
        )

    def paths(self, entries: object) -> tuple[PathRule, ...]:
        if not isinstance(entries, list):
            raise self.error("paths must be an array of tables ([[paths]])", "paths")
        rules: list[PathRule] = []
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                raise self.error(f"paths[{index}] must be a table", "paths")
            path = entry.get("path")
            if not isinstance(path, str):
                raise self.error(f"paths[{index}]: no path", "path", "paths", index)
            if not _PATH_RE.fullmatch(path) or path == "/":
                raise self.error(
                    f"paths[{index}].path {path!r} is not a path prefix: it starts with '/', is "
                    "not '/' itself (that is [preferences]) and holds only letters, digits, "
                    "'._~@+-/' and %-escapes",
                    "path",
                    "paths",
                    index,
                )
            if path in seen:
                raise self.error(f"paths[{index}].path {path!r} repeated", "path", "paths", index)
            seen.add(path)
            found = self.uses(entry, "paths", index, frozenset({"path"}))
            line = self.where.find("path", "paths", index)
            rules.append(PathRule(path, found, line))
        return tuple(rules)

    def crawlers(self, entries: object) -> tuple[CrawlerRule, ...]:
        if not isinstance(entries, list):
            raise self.error("crawlers must be an array of tables ([[crawlers]])", "crawlers")
        rules: list[CrawlerRule] = []
        seen: dict[str, str] = {}
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                raise self.error(f"crawlers[{index}] must be a table", "crawlers")
            unknown = sorted(set(entry) - {"token", "crawl"})
            if unknown:
                raise self.error(
                    f"crawlers[{index}]: unknown key {unknown[0]!r}; expected token, crawl",
                    unknown[0],
                    "crawlers",
                    index,
                )
            token = entry.get("token")
            if not isinstance(token, str):
                raise self.error(f"crawlers[{index}]: no token", "token", "crawlers", index)
            found = agent(token)
            if found is None or not found.google_token:
                close = difflib.get_close_matches(token.lower(), list(AGENTS), n=1, cutoff=0.6)
                hint = f" (did you mean {AGENTS[close[0]].token}?)" if close else ""
                raise self.error(
                    f"crawlers[{index}].token {token!r} is not in the AI crawler catalogue"
                    f"{hint}; see `reciprocity.signals.agents` (docs/agents.md)",
                    "token",
                    "crawlers",
                    index,
                )
            crawl = entry.get("crawl")
            if not isinstance(crawl, bool):
                raise self.error(
                    f"crawlers[{index}].crawl must be true or false", "crawl", "crawlers", index
                )
            if found.google_token in seen:
                raise self.error(
                    f"crawlers[{index}].token {token!r}: robots.txt reads it as the same crawler "
                    f"as {seen[found.google_token]!r}",
                    "token",
                    "crawlers",
                    index,
                )
            seen[found.google_token] = token
            line = self.where.find("token", "crawlers", index)
            rules.append(CrawlerRule(found.token, crawl, found, line))
        return tuple(rules)


def parse_policy(text: str, *, source: str | None = None) -> Policy:
    """Read a policy file's text; ``source`` names it in errors. Raises
    :class:`~reciprocity.errors.InputError` for anything that is not a valid policy."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)$", message)
        line = int(found.group(1)) if found else None
        message = message[: found.start()].strip() if found else message
        raise InputError(f"not TOML: {message}", path=source, line=line) from None
    return _Reader(text, source).policy(data)


def load_policy(path: str | Path) -> Policy:
    """Read the policy file at ``path`` (UTF-8)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", path=path) from None
    return parse_policy(text, source=str(path))
