"""Cloudflare Content Signals (contentsignals.org; signals.md §3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reciprocity.obligations import Duty, Obligation
from reciprocity.signals.content_signals import (
    REUSE_LEVELS,
    header_statements,
    parse_content_signal,
    robots_statements,
)
from reciprocity.signals.robots import RobotsTxt
from reciprocity.signals.statement import Carrier, Mechanism
from reciprocity.uses import Stance, Use

# §3.5, literal examples from Cloudflare's managed robots.txt and contentsignals.org.
MANAGED = "User-Agent: *\nContent-Signal: search=yes, ai-train=no\nAllow: /\n"
WITH_USE = (
    "User-agent: *\nContent-Signal: search=yes,ai-train=no,use=reference\nAllow: /\n\n"
    "User-agent: GPTBot\nDisallow: /\n"
)
ALL_THREE = "User-Agent: *\nContent-Signal: ai-train=no, search=yes, ai-input=yes\nAllow: /\n"


def test_managed_default() -> None:
    (statement,) = robots_statements(RobotsTxt.parse(MANAGED), "ClaudeBot")
    assert statement.mechanism is Mechanism.CONTENT_SIGNALS
    assert statement.carrier is Carrier.ROBOTS_TXT
    assert statement.line == 2
    assert statement.stance(Use.SEARCH) is Stance.ALLOW
    assert statement.stance(Use.TRAIN_AI) is Stance.DENY
    assert statement.stance(Use.AI_USE) is Stance.UNKNOWN  # absent: neither grants nor restricts


def test_use_level_is_an_obligation_and_group_scoped() -> None:
    robots = RobotsTxt.parse(WITH_USE)
    (statement,) = robots_statements(robots, "CCBot")
    assert statement.obligations == (Obligation(Duty.REUSE, detail="reference"),)
    assert statement.exceptions == ()
    # GPTBot has its own group: the '*' group's signal is not held against it.
    assert robots_statements(robots, "GPTBot") == ()


@pytest.mark.parametrize("level", REUSE_LEVELS)
def test_every_reuse_level_is_the_detail_of_a_reuse_obligation(level: str) -> None:
    (statement,) = header_statements([("Content-Signal", f"search=yes, use={level.upper()}")])
    assert statement.obligations == (Obligation(Duty.REUSE, detail=level),)
    assert str(statement.obligations[0]) == f"reuse ({level})"


def test_all_three_signals() -> None:
    (statement,) = robots_statements(RobotsTxt.parse(ALL_THREE), "x")
    assert dict(statement.stances) == {
        Use.TRAIN_AI: Stance.DENY,
        Use.AI_USE: Stance.ALLOW,
        Use.SEARCH: Stance.ALLOW,
    }


@pytest.mark.parametrize(
    ("value", "stance", "codes"),
    [
        ("ai-train=no", Stance.DENY, []),
        ("AI-Train=NO", Stance.DENY, []),
        ("  ai-train =  no  ", Stance.DENY, []),
        ("ai-train=n", Stance.UNKNOWN, ["invalid-value"]),
        ("ai-train", Stance.UNKNOWN, ["no-value"]),
        ("ai-train=yes, ai-train=no", Stance.DENY, ["repeated-signal"]),
        ("ai-train=no, ai-train=maybe", Stance.UNKNOWN, ["invalid-value"]),
        ("train-ai=no", Stance.UNKNOWN, ["unknown-signal"]),
        ("ai-train=no, use=everything", Stance.DENY, ["invalid-value"]),
        ("", Stance.UNKNOWN, []),
    ],
)
def test_lenient_reading(value: str, stance: Stance, codes: list[str]) -> None:
    signal = parse_content_signal(value)
    assert dict(signal.stances).get(Use.TRAIN_AI, Stance.UNKNOWN) is stance
    assert [d.code for d in signal.diagnostics] == codes


def test_header_form() -> None:
    (statement,) = header_statements(
        [("Content-Type", "text/markdown"), ("content-signal", "ai-train=yes, search=yes")]
    )
    assert statement.carrier is Carrier.HTTP_HEADER
    assert statement.line == 2
    assert statement.stance(Use.TRAIN_AI) is Stance.ALLOW


@given(st.text(max_size=200))
def test_any_text_reads(value: str) -> None:
    assert parse_content_signal(value) == parse_content_signal(value)


def test_a_signal_belongs_to_the_user_agent_lines_before_it() -> None:
    # issue 13: Content-Signal is a group rule; the next User-agent line starts another group.
    robots = RobotsTxt.parse(
        "User-agent: GPTBot\nContent-Signal: ai-train=yes\nUser-agent: *\n"
        "Content-Signal: ai-train=no\nDisallow: /private/\n"
    )
    (statement,) = robots_statements(robots, "GPTBot")
    assert (statement.line, statement.rule) == (2, "User-agent: GPTBot")
    assert statement.stance(Use.TRAIN_AI) is Stance.ALLOW
    (statement,) = robots_statements(robots, "CCBot")
    assert (statement.line, statement.rule) == (4, "User-agent: *")
    assert statement.stance(Use.TRAIN_AI) is Stance.DENY
    # A full user agent is read as its product token.
    (statement,) = robots_statements(robots, "Mozilla/5.0 (compatible; GPTBot/1.1)")
    assert statement.line == 2
