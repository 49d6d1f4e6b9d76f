"""What a site's own files (robots.txt, ai.txt, an RSL licence) say about one of its URLs.

A corpus holds many pages of each site, and a site's files say the same thing about every URL
that the same rules decide. :class:`SiteEvidence` finds, for a URL, which rule of each file
decides it (a few index lookups) and builds the evidence once per combination of deciding rules,
so that evaluating the thousandth page of a site costs lookups, not parsing and wording. It only
remembers: how robots.txt, written per crawler, is read per use is the resolution rule of
:mod:`reciprocity.robots_uses` (DESIGN §3.4).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Final

from reciprocity.resolve import Evidence
from reciprocity.robots_uses import (
    DEFAULT_HONOURED,
    default_honoured,
    honoured_tokens,
    robots_statements,
)
from reciprocity.signals import aipref, content_signals
from reciprocity.signals.aitxt import AiTxt
from reciprocity.signals.robots import RobotsTxt, path_or_url, query_token
from reciprocity.signals.rsl import RslDocument, license_urls_from_robots
from reciprocity.uses import Use

# The honoured tokens are named here too: callers met them here first.
__all__ = [
    "DEFAULT_HONOURED",
    "SiteEvidence",
    "SiteKey",
    "default_honoured",
    "honoured_tokens",
]


class _Tokens:
    """The honoured tokens of one honour mapping, as :func:`_agents` reads them."""

    __slots__ = ("honour", "odd", "plain")

    def __init__(self, honour: Mapping[Use, Mapping[str, str]]) -> None:
        self.honour = honour  # held: the cache below is keyed by its id
        tokens = {token for tokens in honour.values() for token in tokens}
        # Tokens robots.txt matching reads as themselves (ASCII product tokens), by the
        # lower-cased form a file's groups are indexed by, in order; the others are kept apart.
        plain = sorted(t for t in tokens if t.isascii() and query_token(t).token == t)
        self.plain: dict[str, list[str]] = {}
        for token in plain:
            self.plain.setdefault(token.lower(), []).append(token)
        self.odd = sorted(tokens.difference(plain))


_TOKENS: dict[int, _Tokens] = {}
_TOKENS_LIMIT: Final = 64


def _agents(
    robots: RobotsTxt, user_agent: str, honour: Mapping[Use, Mapping[str, str]]
) -> list[str]:
    """The agents whose deciding rules tell paths apart: the crawler and the honoured tokens,
    of which those the file names no group for stand for each other (they all get its ``*``
    group), so one of them is enough: a catalogue of a hundred crawlers costs a few lookups."""
    tokens = _TOKENS.get(id(honour))
    if tokens is None or tokens.honour is not honour:
        if len(_TOKENS) >= _TOKENS_LIMIT:
            _TOKENS.clear()
        tokens = _TOKENS[id(honour)] = _Tokens(honour)
    named = robots.named_tokens()
    agents = {user_agent, *tokens.odd}
    for token in named:
        agents.update(tokens.plain.get(token, ()))
    # The first honoured token no group names stands for all of them.
    agents.update(next(([t[0]] for lower, t in tokens.plain.items() if lower not in named), []))
    return sorted(agents)


_MEMO_LIMIT: Final = 4096

SiteKey = tuple[tuple[Hashable, ...], tuple[aipref.UsageRule, ...], int | None, tuple[int, ...]]
"""What decides a URL among a site's files (:meth:`SiteEvidence.key`): the robots.txt deciding
entry per distinct group, the AIPREF rules that apply, the ai.txt rule, the RSL contents."""


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
        "_key",
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
            self._deciders = robots.deciders(_agents(robots, user_agent, honour))
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
        self._memo: dict[SiteKey, tuple[tuple[Evidence, ...], tuple[Evidence, ...]]] = {}
        self._key = self.key_function()

    def holds(self, robots: object, ai_txt: object, rsl: object) -> bool:
        """Whether this is the evidence of these very files."""
        return robots is self._robots and ai_txt is self._ai and rsl is self._rsl

    @property
    def constant(self) -> bool:
        """Whether every URL of the site gets the same evidence (no rule depends on the path:
        allow all, disallow all, no files, or files without path rules)."""
        return not (self._deciders or self._usage_rules or self._ai_match or self._rsl)

    def key(self, url: str, path: str) -> SiteKey:
        """What decides ``url`` (``path``: its path, params and query) among these files: two
        URLs of the site with equal keys get the same evidence. The key holds the deciding
        rules (or ids of rules these files hold), so it is valid while the files are."""
        return self.key_function()(url, path)

    def key_function(self) -> Callable[[str, str], SiteKey]:
        """:meth:`key` as a function that holds only what it reads (the files' deciding rules),
        not this object and the evidence it remembers: for a caller that keeps many sites'."""
        deciders, rules, ai_match, rsl = (
            self._deciders,
            self._usage_rules,
            self._ai_match,
            self._rsl,
        )

        def key(url: str, path: str) -> SiteKey:
            usage = aipref.applicable_rules(rules, path) if rules else ()
            found = ai_match(path_or_url(url, path)) if ai_match is not None else None
            return (
                tuple([decide(path) for decide in deciders]),
                usage,
                id(found[1]) if found is not None else None,
                tuple(map(id, rsl.matching(url))) if rsl is not None else (),
            )

        return key

    def path_key_function(self) -> Callable[[str, str], Hashable]:
        """A function that tells URLs apart as :meth:`key` does (equal answers for equal keys),
        cheaper where the files hold robots.txt path rules alone: a corpus calls it once per
        row (:func:`~reciprocity.evaluate.bare_key`)."""
        deciders = self._deciders
        if self._usage_rules or self._ai_match or self._rsl:
            return self.key_function()
        if len(deciders) == 1:
            only = deciders[0]
            return lambda url, path: only(path)
        return lambda url, path: tuple([decide(path) for decide in deciders])

    def lookup(self, url: str, path: str) -> tuple[tuple[Evidence, ...], tuple[Evidence, ...]]:
        """The evidence for ``url`` (``path``: its path, params and query), in two parts: the
        robots.txt's (it comes before the document's own) and the ai.txt's and RSL licence's
        (after it)."""
        key = self._key(url, path)
        found = self._memo.get(key)
        if found is None:
            found = self._build(url, path, key[1])
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
            statements = robots_statements(self._robots, url, self._user_agent, self._honour, usage)
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
