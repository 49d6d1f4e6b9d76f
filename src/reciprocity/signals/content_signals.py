"""Cloudflare Content Signals: ``Content-Signal: search=yes, ai-train=no, use=reference``.

Read from robots.txt groups (scoped like Allow/Disallow: the groups that apply to the crawler) and
from the HTTP header of the same name. The policy (contentsignals.org, 2025-09; ``use=`` added
2026-07) defines three signals, each ``yes`` or ``no``; an absent signal "neither grants nor
restricts" (unknown). ``use`` is not a permission but the maximum level of reuse the site allows
(``immediate`` < ``reference`` < ``full``): it is kept as an obligation of the duty ``reuse``
whose detail is the level.

The policy defines no grammar beyond ``key=value`` pairs separated by commas; where it is silent
we read leniently and say so in diagnostics: keys and values case-insensitively, spaces ignored,
the last value of a repeated key wins within one line and within one group.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from reciprocity.obligations import Duty, Obligation
from reciprocity.signals.diagnostics import Diagnostic
from reciprocity.signals.robots import RobotsTxt
from reciprocity.signals.statement import Carrier, Mechanism, Statement
from reciprocity.uses import Stance, Use

__all__ = [
    "REUSE_LEVELS",
    "SIGNALS",
    "SPEC_VERSION",
    "ContentSignal",
    "header_statements",
    "parse_content_signal",
    "robots_statements",
]

SPEC_VERSION: Final = (
    "Cloudflare Content Signals Policy (contentsignals.org, 2025-09; use= 2026-07)"
)

# signal -> the use it speaks about. ai-train is broader than AIPREF train-ai (any AI model, not
# only generative) and ai-input covers RAG and grounding, AIPREF's ai-use: the nearest uses.
SIGNALS: Final[dict[str, Use]] = {
    "search": Use.SEARCH,
    "ai-input": Use.AI_USE,
    "ai-train": Use.TRAIN_AI,
}
_VALUES: Final[dict[str, Stance]] = {"yes": Stance.ALLOW, "no": Stance.DENY}
REUSE_LEVELS: Final = ("immediate", "reference", "full")
"""``use=`` levels, from least to most reuse (``obligations.SPEC_VERSIONS["content-signals"]``);
each is an obligation of the duty ``reuse`` with the level as its detail."""


@dataclass(frozen=True, slots=True)
class ContentSignal:
    """One ``Content-Signal`` value, read."""

    raw: str
    stances: tuple[tuple[Use, Stance], ...]
    reuse: str | None
    diagnostics: tuple[Diagnostic, ...]


# A robots.txt line or header value repeats on every page of a site: read it once.
@functools.lru_cache(maxsize=4096)
def parse_content_signal(value: str, *, line: int = 0) -> ContentSignal:
    """Read one ``Content-Signal`` value (a robots.txt line's value or a header value)."""
    found: dict[Use, Stance] = {}
    reuse: str | None = None
    diagnostics: list[Diagnostic] = []
    for member in value.split(","):
        member = member.strip()
        if not member:
            continue
        key, sep, val = member.partition("=")
        key, val = key.strip().lower(), val.strip().lower()
        if not sep:
            diagnostics.append(Diagnostic(line, "no-value", f"{member!r} has no '='; ignored"))
            continue
        if key == "use":
            if val in REUSE_LEVELS:
                reuse = val
            else:
                diagnostics.append(
                    Diagnostic(line, "invalid-value", f"use={val!r} is not one of {REUSE_LEVELS}")
                )
            continue
        use = SIGNALS.get(key)
        if use is None:
            diagnostics.append(Diagnostic(line, "unknown-signal", f"{key!r} ignored"))
            continue
        stance = _VALUES.get(val)
        if stance is None:
            diagnostics.append(
                Diagnostic(line, "invalid-value", f"{key}={val!r} is neither yes nor no; unknown")
            )
            found.pop(use, None)
            continue
        if use in found and found[use] is not stance:
            diagnostics.append(Diagnostic(line, "repeated-signal", f"{key} repeated; last wins"))
        found[use] = stance
    stances = tuple((use, found[use]) for use in Use if use in found)
    return ContentSignal(value, stances, reuse, tuple(diagnostics))


def _statement(signal: ContentSignal, carrier: Carrier, line: int | None, rule: str) -> Statement:
    obligations = (Obligation(Duty.REUSE, detail=signal.reuse),) if signal.reuse else ()
    return Statement(
        Mechanism.CONTENT_SIGNALS,
        carrier,
        signal.stances,
        signal.raw,
        line=line,
        rule=rule,
        obligations=obligations,
        diagnostics=signal.diagnostics,
    )


def robots_statements(robots: RobotsTxt, user_agent: str) -> tuple[Statement, ...]:
    """The ``Content-Signal`` lines of the robots.txt groups that apply to ``user_agent``.

    A line under one crawler's group is never held against another crawler: group selection is
    the one RFC 9309 uses for rules (named groups merged, else ``*``). A line belongs to the
    ``User-agent`` lines just before it (a group rule: a ``User-agent`` line after it starts
    another group, see :attr:`RobotsTxt.record_groups`).
    """
    statements = []
    for record in robots.records_for(user_agent, "content-signal"):
        signal = parse_content_signal(record.value, line=record.line)
        group = robots.record_groups[record.group] if record.group is not None else None
        agents = ", ".join(group.agents) if group is not None else "*"
        statements.append(
            _statement(signal, Carrier.ROBOTS_TXT, record.line, f"User-agent: {agents}")
        )
    return tuple(statements)


def header_statements(headers: Iterable[tuple[str, str]]) -> tuple[Statement, ...]:
    """``Content-Signal`` HTTP header fields, one statement per field line."""
    statements = []
    for index, (name, value) in enumerate(headers, 1):
        if name.strip().lower() == "content-signal":
            signal = parse_content_signal(value, line=index)
            statements.append(_statement(signal, Carrier.HTTP_HEADER, index, "Content-Signal"))
    return tuple(statements)
