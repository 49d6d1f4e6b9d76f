"""`evaluate`: the signals of one document, read and resolved (DESIGN.md §3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from reciprocity.evaluate import evaluate
from reciprocity.signals.robots import RobotsTxt
from reciprocity.signals.statement import Mechanism
from reciprocity.uses import Use

EXAMPLE = (ROOT / "examples" / "robots.txt").read_bytes()
URL = "https://news.example/story"


def test_a_crawl_the_collector_may_not_make_denies_every_use() -> None:
    decision = evaluate(URL, robots_txt=EXAMPLE, user_agent="CCBot")
    assert {decision.for_use(use) for use in Use} == {"deny"}
    (evidence,) = decision.evidence
    assert evidence.statement.line == 12
    assert evidence.source == "https://news.example/robots.txt"
    assert "should not have been collected" in evidence.statement.note


def test_tokens_honoured_per_use() -> None:
    decision = evaluate(URL, robots_txt=EXAMPLE, user_agent="Googlebot")
    assert decision.for_use("train-ai") == "deny"  # GPTBot, CCBot, ClaudeBot … are disallowed
    assert decision.for_use("ai-use") == "deny"  # Google-Extended controls Gemini grounding too
    assert decision.for_use("search") == "allow"  # Content-Signal search=yes, OAI-SearchBot allowed
    mechanisms = {e.mechanism for e in decision.decision("search").deciding}
    assert mechanisms == {Mechanism.CONTENT_SIGNALS}


def test_honour_overrides_the_catalogue() -> None:
    decision = evaluate(
        URL,
        robots_txt=EXAMPLE,
        user_agent="Googlebot",
        honour={Use.TRAIN_AI: ["OAI-SearchBot"], Use.AI_USE: []},
    )
    # Content-Signal ai-train=no still reserves training; nothing reserves ai-use any more.
    assert decision.for_use("train-ai") == "deny"
    assert {e.mechanism for e in decision.decision("train-ai").deciding} == {
        Mechanism.CONTENT_SIGNALS
    }
    assert decision.for_use("ai-use") == "unknown"


def test_a_star_disallow_reaches_unnamed_honoured_tokens() -> None:
    robots = b"User-agent: *\nDisallow: /\n\nUser-agent: CCBot\nAllow: /\n"
    decision = evaluate(URL, robots_txt=robots, user_agent="CCBot")
    deciding = decision.decision("train-ai").deciding
    assert decision.for_use("train-ai") == "deny"
    assert deciding[0].statement.rule is not None
    assert deciding[0].statement.rule.startswith("User-agent: * (applies to")


@pytest.mark.parametrize(("status", "expected"), [(404, "unknown"), (503, "deny")])
def test_fetch_outcomes(status: int, expected: str) -> None:
    decision = evaluate(URL, robots_txt=RobotsTxt.from_fetch(status), user_agent="CCBot")
    assert decision.for_use("train-ai") == expected


def test_headers_as_mapping_or_pairs() -> None:
    for headers in (
        {"Content-Signal": "ai-train=no"},
        [("content-type", "text/html"), ("CONTENT-SIGNAL", "ai-train=no")],
    ):
        decision = evaluate(URL, headers=headers)
        assert decision.for_use("train-ai") == "deny"
        assert decision.evidence[0].source == URL


def test_provenance_dates(tmp_path: Path) -> None:
    decision = evaluate(
        URL,
        robots_txt=EXAMPLE,
        user_agent="Googlebot",
        fetched={"robots.txt": "2026-11-01T00:00:00Z"},
    )
    assert {e.fetched for e in decision.evidence} == {"2026-11-01T00:00:00Z"}
    assert decision.to_dict()["evidence"]
