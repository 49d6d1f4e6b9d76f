"""What a site's own files (robots.txt, ai.txt, an RSL licence) say about one of its URLs.

A corpus holds many pages of each site, and a site's files say the same thing about every URL
that the same rules decide. :class:`SiteEvidence` finds, for a URL, which rule of each file
decides it (a few index lookups) and builds the evidence once per combination of deciding rules,
so that evaluating the thousandth page of a site costs lookups, not parsing and wording.

robots.txt speaks per crawler, not per use (DESIGN.md §3.3–3.4):

* a URL the collecting crawler (``user_agent``) may not fetch is denied for every use: the
  content should not have been collected;
* for each use, the tokens honoured for it (default: every catalogued AI crawler whose purpose
  includes the use) are checked too, and a disallow for any of them denies that use.

A crawler given as a whole user agent (``CCBot/2.0 (…)``) is asked about as its product token,
and the evidence says so (a diagnostic); the evidence cites the group that decided: ``User-agent:
CCBot`` when a group names the crawler, ``User-agent: * (applies to CCBot)`` when the ``*`` group
applied.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Final

from reciprocity.resolve import Evidence
from reciprocity.signals import aipref, content_signals
from reciprocity.signals.agents import AGENTS
from reciprocity.signals.aitxt import AiTxt
from reciprocity.signals.diagnostics import Diagnostic
from reciprocity.signals.robots import RobotsMatch, RobotsTxt, path_or_url, query_token
from reciprocity.signals.rsl import RslDocument, license_urls_from_robots
from reciprocity.signals.statement import Carrier, Mechanism, Statement
from reciprocity.uses import USES, Stance, Use

__all__ = ["DEFAULT_HONOURED", "SiteEvidence", "default_honoured", "honoured_tokens"]


def _catalogue_tokens() -> dict[Use, dict[str, str]]:
    # use -> {token as Google's matcher reads it: catalogue name shown in evidence}
    honoured: dict[Use, dict[str, str]] = {use: {} for use in USES}
    for entry in AGENTS.values():
        if entry.google_token:
            for use in entry.uses:
                honoured[use].setdefault(entry.google_token, entry.token)
    return honoured


DEFAULT_HONOURED: Final[Mapping[Use, Mapping[str, str]]] = _catalogue_tokens()
"""Per use, ``{token as robots.txt matching reads it: catalogue name}`` of every catalogued AI
crawler whose purpose includes the use."""


def default_honoured(use: Use) -> Mapping[str, str]:
    """The robots.txt tokens honoured for ``use`` by default, ``{matched token: catalogue name}``:
    every catalogued AI crawler whose purpose includes ``use``."""
    return DEFAULT_HONOURED[use]


_CATALOGUE_NAMES: Final = frozenset(entry.token for entry in AGENTS.values())


def _shown(name: str) -> tuple[str, tuple[Diagnostic, ...]]:
    """How an honoured crawler is named in evidence: a catalogue name as the catalogue writes
    it (``Kangaroo Bot``); any other name, a caller's, as its product token, saying so."""
    if name in _CATALOGUE_NAMES:
        return name, ()
    read = query_token(name)
    return read.token or name, () if read.diagnostic is None else (read.diagnostic,)


def honoured_tokens(names: Iterable[str]) -> dict[str, str]:
    """``{token as robots.txt matching reads it: name as given}`` for a caller's honoured
    crawlers, each read as its product token (``GPTBot/1.1`` -> ``gptbot``).

    Raises ``ValueError`` for a name that carries no product token: a crawler to honour that
    cannot be told apart from any other is a mistake in the caller's configuration.
    """
    found = {}
    for name in names:
        token = query_token(name).token
        if token is None:
            raise ValueError(f"honoured crawler {name!r} names no robots.txt product token")
        found[token.lower()] = name
    return found


def _robots_statement(
    match: RobotsMatch,
    agent: str,
    uses: tuple[Use, ...],
    why: str,
    diagnostics: tuple[Diagnostic, ...] = (),
) -> Statement:
    rule = match.rule
    raw = str(rule).split(": ", 1)[1] if rule is not None else match.reason
    stance = Stance.UNKNOWN if match.allowed else Stance.DENY
    # Cite the group that decided: the '*' group is not a group for `agent`.
    if match.scope == "global":
        cited = f"* (applies to {agent})"
    elif match.agent is None and match.group is not None:
        cited = ", ".join(match.group.agents)  # no product token: the group that disallowed
    else:
        cited = agent
    return Statement(
        Mechanism.ROBOTS,
        Carrier.ROBOTS_TXT,
        tuple((use, stance) for use in uses) if not match.allowed else (),
        raw,
        line=match.line,
        rule=f"User-agent: {cited}",
        note=why,
        diagnostics=(*diagnostics, *(d for d in match.diagnostics if d not in diagnostics)),
    )


def _robots_statements(
    robots: RobotsTxt,
    url: str,
    user_agent: str,
    honour: Mapping[Use, Mapping[str, str]],
    usage_rules: tuple[aipref.UsageRule, ...],
) -> list[Statement]:
    crawl = robots.match(url, user_agent)
    crawler = crawl.agent or user_agent
    if not crawl.allowed:
        why = f"{crawler} may not fetch this URL, so it should not have been collected"
        return [_robots_statement(crawl, crawler, USES, why)]
    why = f"{crawler} may fetch this URL ({crawl.reason})"
    found = [_robots_statement(crawl, crawler, (), why)]
    named = robots.named_tokens()
    for use in USES:
        tokens = honour[use]
        # Tokens no group names all fall to the '*' group: asking once for one of them is enough.
        checks = [(token, tokens[token]) for token in sorted(named.intersection(tokens))]
        unnamed = next((t for t in tokens if t not in named), None)
        if unnamed is not None:
            checks.append((unnamed, tokens[unnamed]))
        for token, name in checks:
            if robots.allowed(url, token):
                continue
            match = robots.match(url, token)  # disallowed: now with its deciding rule
            shown, read = _shown(name)
            why = f"{shown} is honoured for {use.value} and may not fetch this URL"
            found.append(_robots_statement(match, shown, (use,), why, read))
            break
    # attach-05 §3.1: usage preferences apply only to what may be crawled.
    found.extend(aipref.rule_statements(usage_rules))
    return found


_MEMO_LIMIT: Final = 4096


class SiteEvidence:
    """The evidence of one site's files for its URLs, for one crawler and one set of honoured
    tokens, remembered per combination of deciding rules.

    ``origin`` is the site's ``scheme://authority``; ``stamps`` gives, per carrier
    (``"robots.txt"``, ``"ai.txt"``, ``"rsl"``), when the file was fetched (ISO 8601);
    ``rsl_url`` where the RSL document was fetched from (default: the first robots.txt
    ``License:`` URL).
    """

    __slots__ = (
        "_ai",
        "_ai_match",
        "_ai_source",
        "_deciders",
        "_honour",
        "_memo",
        "_robots",
        "_robots_source",
        "_rsl",
        "_rsl_source",
        "_signals",
        "_stamps",
        "_usage_rules",
        "_user_agent",
    )

    def __init__(
        self,
        origin: str,
        *,
        robots: RobotsTxt | None,
        ai_txt: AiTxt | None,
        rsl: RslDocument | None,
        user_agent: str,
        honour: Mapping[Use, Mapping[str, str]],
        stamps: Mapping[str, str],
        rsl_url: str | None = None,
    ) -> None:
        self._robots, self._ai, self._rsl = robots, ai_txt, rsl
        self._user_agent, self._honour, self._stamps = user_agent, honour, stamps
        self._robots_source = f"{origin}/robots.txt"
        self._ai_source = f"{origin}/ai.txt"
        self._rsl_source = rsl_url or "RSL licence document"
        self._ai_match = ai_txt.matcher(user_agent) if ai_txt is not None else None
        self._deciders: tuple[Callable[[str], Hashable], ...] = ()
        self._usage_rules: tuple[aipref.UsageRule, ...] = ()
        self._signals: tuple[Evidence, ...] = ()
        if robots is not None:
            agents = {user_agent, *(token for tokens in honour.values() for token in tokens)}
            self._deciders = robots.deciders(sorted(agents))
            self._usage_rules = aipref.robots_rules(robots, user_agent)
            stamp = stamps.get("robots.txt")
            self._signals = tuple(
                Evidence(statement, self._robots_source, stamp)
                for statement in content_signals.robots_statements(robots, user_agent)
            )
            if rsl is not None and rsl_url is None:
                # A relative License: URL is relative to the robots.txt that gives it.
                links = license_urls_from_robots(robots, user_agent, base_url=self._robots_source)
                if links.links:
                    self._rsl_source = links.links[0].url
        self._memo: dict[Hashable, tuple[tuple[Evidence, ...], tuple[Evidence, ...]]] = {}

    def holds(self, robots: object, ai_txt: object, rsl: object) -> bool:
        """Whether this is the evidence of these very files."""
        return robots is self._robots and ai_txt is self._ai and rsl is self._rsl

    def lookup(self, url: str, path: str) -> tuple[tuple[Evidence, ...], tuple[Evidence, ...]]:
        """The evidence for ``url`` (``path``: its path, params and query), in two parts: the
        robots.txt's (it comes before the document's own) and the ai.txt's and RSL licence's
        (after it)."""
        usage = aipref.applicable_rules(self._usage_rules, path) if self._usage_rules else ()
        ai_match = self._ai_match(path_or_url(url, path)) if self._ai_match is not None else None
        key = (
            tuple([decide(path) for decide in self._deciders]),
            usage,
            id(ai_match[1]) if ai_match is not None else None,
            tuple(map(id, self._rsl.matching(url))) if self._rsl is not None else (),
        )
        found = self._memo.get(key)
        if found is None:
            found = self._build(url, path, usage)
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = found
        return found

    def _build(
        self, url: str, path: str, usage: tuple[aipref.UsageRule, ...]
    ) -> tuple[tuple[Evidence, ...], tuple[Evidence, ...]]:
        stamps = self._stamps
        before: list[Evidence] = []
        if self._robots is not None:
            stamp = stamps.get("robots.txt")
            statements = _robots_statements(
                self._robots, url, self._user_agent, self._honour, usage
            )
            before.extend(Evidence(s, self._robots_source, stamp) for s in statements)
            before.extend(self._signals)
        after: list[Evidence] = []
        if self._ai is not None:
            stamp = stamps.get("ai.txt")
            for statement in self._ai.statements(path_or_url(url, path), self._user_agent):
                after.append(Evidence(statement, self._ai_source, stamp))
        if self._rsl is not None:
            stamp = stamps.get("rsl")
            for statement in self._rsl.statements(url):
                after.append(Evidence(statement, self._rsl_source, stamp))
        return tuple(before), tuple(after)
