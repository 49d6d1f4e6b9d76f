"""robots.txt read per use (DESIGN §3.3–3.4): the resolution rule for a file written per crawler.

robots.txt speaks per crawler, not per use:

* a URL the collecting crawler (``user_agent``) may not fetch is denied for every use: the
  content should not have been collected;
* for each use, the tokens honoured for it (default: every catalogued AI crawler whose purpose
  includes the use, :data:`DEFAULT_HONOURED`) are checked too, and a disallow for any of them
  denies that use.

A crawler given as a whole user agent (``CCBot/2.0 (…)``) is asked about as its product token,
and the evidence says so (a diagnostic); the evidence cites the group that decided: ``User-agent:
CCBot`` when a group names the crawler, ``User-agent: * (applies to CCBot)`` when the ``*`` group
applied. :mod:`reciprocity.site_evidence` remembers these statements per deciding rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from reciprocity.signals import aipref
from reciprocity.signals.agents import AGENTS
from reciprocity.signals.diagnostics import Diagnostic
from reciprocity.signals.robots import RobotsMatch, RobotsTxt, query_token
from reciprocity.signals.statement import Carrier, Mechanism, Statement
from reciprocity.uses import USES, Stance, Use

__all__ = ["DEFAULT_HONOURED", "default_honoured", "honoured_tokens", "robots_statements"]


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


def robots_statements(
    robots: RobotsTxt,
    url: str,
    user_agent: str,
    honour: Mapping[Use, Mapping[str, str]],
    usage_rules: tuple[aipref.UsageRule, ...],
) -> list[Statement]:
    """The statements robots.txt makes about ``url`` for each use: the collecting crawler's
    verdict (a disallow denies every use), then, when it may fetch, a disallow for the first
    honoured token of each use that has one, then the AIPREF ``usage_rules`` that apply (only
    to what may be crawled, attach-05 §3.1)."""
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
