"""The catalogue of AI crawler tokens: who runs each one and which uses it stands for.

robots.txt speaks per crawler, not per use. To decide a use from robots.txt a run honours the
tokens whose purpose includes that use (DESIGN.md §3 point 4): a ``Disallow`` for ``GPTBot`` says
"no training", one for ``OAI-SearchBot`` says "no search". This module is that mapping, for the
tokens listed by ai-robots-txt/ai.robots.txt (``AGENTS_SOURCE`` names the commit), each classified
by hand in ``agent_purposes.csv`` with the reason for it:

* ``T`` training -> ``train-ai``;
* ``S`` search or AI-search index -> ``search`` (plus ``ai-use`` when the index feeds AI answers);
* ``U`` fetch for an AI at inference, on a user's request -> ``ai-use``;
* ``C`` control token that sends no requests (``Google-Extended``, ``Applebot-Extended``) -> the
  uses it controls;
* ``M`` mixed or unclear -> every use, so an unclear purpose fails closed.

Tokens are compared case-insensitively, as robots.txt does; upstream spellings that differ only in
case (``meta-externalagent`` / ``Meta-ExternalAgent``) are one :class:`Agent` with both spellings.
Upstream also lists names that are not RFC 9309 tokens (``ChatGPT Agent``, ``MistralAI-User/1.0``):
``rfc9309_valid`` flags them and ``google_token`` says what Google's matcher reads instead.
"""

from __future__ import annotations

import enum
import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal, cast

from reciprocity.signals import _agents_table as _table
from reciprocity.uses import USES, Use, parse_use

__all__ = [
    "AGENTS",
    "AGENTS_SOURCE",
    "Agent",
    "AgentsSource",
    "Purpose",
    "RobotsRespect",
    "agent",
    "invalid_tokens",
    "tokens_for_use",
]

RobotsRespect = Literal["yes", "no", "unclear"]
"""Whether the operator says the crawler obeys robots.txt (``respect`` in robots.json)."""


class Purpose(str, enum.Enum):
    """Why a crawler fetches pages (the purpose classes of reference/signals.md §6.6)."""

    TRAINING = "T"
    """Collects content to train models."""
    SEARCH = "S"
    """Builds a search or AI-search index."""
    USER = "U"
    """Fetches content for an AI at inference, on a user's (or customer's) request."""
    CONTROL = "C"
    """A robots.txt token only: sends no requests, controls how another crawler's data is used."""
    MIXED = "M"
    """Several purposes, or none stated: honoured for every use."""

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class AgentsSource:
    """Where the catalogue's tokens come from."""

    repo: str
    """GitHub repository of the upstream list."""
    commit: str
    """The commit that last changed ``robots.json``."""
    snapshot: str
    """The repository HEAD the copy was taken at."""
    sha256: str
    """SHA-256 of the ``robots.json`` bytes the table was generated from."""


@dataclass(frozen=True)
class Agent:
    """One crawler token of the catalogue."""

    token: str
    """The token as upstream writes it (the first spelling when several differ only in case)."""
    spellings: tuple[str, ...]
    """Every upstream spelling of the token, in upstream order (more than one: merged by case)."""
    operator: str
    """Who runs the crawler; empty when nobody is named."""
    purpose: Purpose
    uses: tuple[Use, ...]
    """The uses a ``Disallow`` for this token speaks for, in :data:`reciprocity.uses.USES` order."""
    respects_robots: RobotsRespect
    rfc9309_valid: bool
    """Whether the token is an RFC 9309 identifier (letters, ``-`` and ``_`` only)."""
    google_token: str
    """What Google's matcher reads from ``User-agent: <token>``: the ``[A-Za-z_-]`` prefix,
    lower-cased (``Kangaroo Bot`` -> ``kangaroo``, ``AI2Bot`` -> ``ai``)."""
    reason: str
    """Why the purpose and uses were chosen (from the catalogue)."""


AGENTS_SOURCE: Final = AgentsSource(
    repo=_table.UPSTREAM_REPO,
    commit=_table.UPSTREAM_COMMIT,
    snapshot=_table.UPSTREAM_SNAPSHOT,
    sha256=_table.ROBOTS_JSON_SHA256,
)

_RESPECT: Final[frozenset[str]] = frozenset({"yes", "no", "unclear"})


def _agent(row: _table.AgentRow) -> Agent:
    if row.respects_robots not in _RESPECT:
        raise ValueError(f"{row.token!r}: respects_robots {row.respects_robots!r}")
    return Agent(
        token=row.token,
        spellings=(row.token,),
        operator=row.operator,
        purpose=Purpose(row.purpose),
        uses=tuple(parse_use(u) for u in row.uses),
        respects_robots=cast("RobotsRespect", row.respects_robots),
        rfc9309_valid=row.rfc9309_valid,
        google_token=row.google_token,
        reason=row.reason,
    )


def _merge(first: Agent, other: Agent) -> Agent:
    # Spellings differing only in case are one crawler to every robots.txt matcher. Where the
    # curated rows disagree, keep the stricter reading: the union of uses, an unclear respect.
    uses = frozenset(first.uses) | frozenset(other.uses)
    return Agent(
        token=first.token,
        spellings=(*first.spellings, *other.spellings),
        operator=first.operator or other.operator,
        purpose=first.purpose if first.purpose is other.purpose else Purpose.MIXED,
        uses=tuple(u for u in USES if u in uses),
        respects_robots=(
            first.respects_robots if first.respects_robots == other.respects_robots else "unclear"
        ),
        rfc9309_valid=first.rfc9309_valid and other.rfc9309_valid,
        google_token=first.google_token,
        reason=first.reason if first.reason == other.reason else f"{first.reason}; {other.reason}",
    )


def _build() -> Mapping[str, Agent]:
    agents: dict[str, Agent] = {}
    for row in _table.ROWS:
        entry = _agent(row)
        key = row.token.lower()
        agents[key] = _merge(agents[key], entry) if key in agents else entry
    return types.MappingProxyType(agents)


AGENTS: Final[Mapping[str, Agent]] = _build()
"""Every catalogued crawler, keyed by lower-cased token, in upstream order."""


def agent(token: str) -> Agent | None:
    """The catalogued crawler named ``token`` (any case), or ``None``."""
    return AGENTS.get(token.lower())


def tokens_for_use(use: Use | str) -> frozenset[str]:
    """The tokens (every upstream spelling) whose purpose includes ``use``.

    These are the tokens whose ``Disallow`` a run honours for ``use`` besides the collecting
    crawler's own. Tokens Google's matcher cannot read at all (no leading ``[A-Za-z_-]``) are left
    out; to match the rest against a robots.txt, use each one's :attr:`Agent.google_token`,
    which is what a ``User-agent`` line naming it is read as.
    """
    wanted = use if isinstance(use, Use) else parse_use(use)
    return frozenset(
        spelling
        for entry in AGENTS.values()
        if wanted in entry.uses and entry.google_token
        for spelling in entry.spellings
    )


def invalid_tokens() -> tuple[Agent, ...]:
    """The catalogued names that are not RFC 9309 product tokens, in upstream order."""
    return tuple(entry for entry in AGENTS.values() if not entry.rfc9309_valid)
