"""IETF AIPREF Content-Usage and CC signals (signals.md §1, §2), spec examples kept verbatim."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reciprocity.obligations import Duty, Obligation
from reciprocity.signals.aipref import (
    CC_EXCEPTIONS,
    header_statements,
    parse_content_usage,
    robots_statements,
)
from reciprocity.signals.robots import RobotsTxt
from reciprocity.signals.statement import Carrier, Mechanism
from reciprocity.uses import Stance, Use

A, D, U = Stance.ALLOW, Stance.DENY, Stance.UNKNOWN


def _stances(value: str) -> tuple[Stance, Stance, Stance]:
    found = {use: stance for use, stance, _, _ in parse_content_usage(value).stances}
    return (
        found.get(Use.TRAIN_AI, U),
        found.get(Use.SEARCH, U),
        found.get(Use.AI_USE, U),
    )


# signals.md §1.4 edge-case table (vocab-07 §6.5 + RFC 9651), as (train-ai, search, ai-use),
# except the legacy-label row, where DESIGN.md §3 keeps the legacy meaning (see below).
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("train-ai=n, search=y", (D, A, U)),
        ("train-ai", (U, U, U)),  # Boolean, not a Token
        ('train-ai="n"', (U, U, U)),  # String, not a Token
        ("train-ai=no", (U, U, U)),  # Token other than y/n
        ("TRAIN-AI=n", (U, U, U)),  # upper-case key: parse failure
        ("train-ai=n,", (U, U, U)),  # trailing comma: parse failure
        ("train-ai=n;exceptions=cc-cr", (D, U, U)),  # parameters do not change the value
        # vocab-07 §6.5 duplicate-key example: last value wins, all unknown.
        ('train-ai=y, train-ai, search=n, search="n"', (U, U, U)),
        # vocab-07 §6.5.2 parameters example.
        ("train-ai;allow=n, train-ai=y", (A, U, U)),
        # vocab-07's own invalid example (trailing ';'): a parse failure.
        ('train-ai;has;parameters="?";', (U, U, U)),
        # vocab-08 labels (§1.8 header example).
        ("train-ai=n, ai-use=n, search=y", (D, A, D)),
    ],
)
def test_vocabulary_processing(value: str, expected: tuple[Stance, Stance, Stance]) -> None:
    assert _stances(value) == expected


def test_parse_failure_is_diagnosed_and_says_nothing() -> None:
    usage = parse_content_usage("TRAIN-AI=n")
    assert not usage.parsed
    assert usage.diagnostics
    (statement,) = usage.statements(Carrier.HTTP_HEADER, line=1)
    assert statement.stances == ()
    assert statement.note == "no usage preference could be read"


def test_legacy_labels_keep_their_meaning() -> None:
    # signals.md §1.4 lists `bots=n, train-genai=n` as unknown under vocab-07; DESIGN.md §3
    # keeps what the publisher meant and says which draft the label comes from.
    assert _stances("bots=n, train-genai=n") == (D, D, D)
    assert _stances("train-genai=n") == (D, U, U)
    assert _stances("ai=n") == (D, U, U)
    codes = [d.code for d in parse_content_usage("train-genai=n").diagnostics]
    assert codes == ["legacy-label"]
    # A current label beats a legacy one for the same use.
    assert _stances("train-ai=y, train-genai=n") == (A, U, U)
    assert _stances("bots=n, search=y") == (D, A, D)


def test_content_signals_keys_are_not_aipref_labels() -> None:
    usage = parse_content_usage("ai-train=n")
    assert usage.stances == ()
    assert "Content Signals" in usage.diagnostics[0].message


# CC signals README (signals.md §2.4), literal examples: credit is attribution; DC, EC and Op add
# their duty to it.
CREDIT = Obligation(Duty.ATTRIBUTION)


@pytest.mark.parametrize(
    ("value", "use", "exceptions"),
    [
        ("ai-use=n;exceptions=cc-cr", Use.AI_USE, (CREDIT,)),
        (
            "train-genai=n;exceptions=cc-cr-ec",
            Use.TRAIN_AI,
            (CREDIT, Obligation(Duty.ECOSYSTEM_CONTRIBUTION)),
        ),
        (
            "train-genai=n;exceptions=cc-cr-dc",
            Use.TRAIN_AI,
            (CREDIT, Obligation(Duty.DIRECT_CONTRIBUTION)),
        ),
        ("train-ai=n;exceptions=cc-cr-op", Use.TRAIN_AI, (CREDIT, Obligation(Duty.OPEN))),
        ('train-ai=n;exceptions="cc-cr"', Use.TRAIN_AI, (CREDIT,)),
    ],
)
def test_cc_signals(value: str, use: Use, exceptions: tuple[Obligation, ...]) -> None:
    (statement,) = parse_content_usage(value).statements(Carrier.HTTP_HEADER, line=3)
    assert statement.mechanism is Mechanism.CC_SIGNALS
    assert statement.stance(use) is Stance.DENY
    assert statement.exceptions == exceptions
    assert statement.obligations == ()
    assert f"denied unless you accept {', '.join(map(str, exceptions))}" in statement.note


def test_every_cc_signal_asks_for_credit() -> None:
    for signal, obligations in CC_EXCEPTIONS.items():
        assert obligations[0] == CREDIT, signal
        assert all(o.url is None and o.detail is None for o in obligations)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("train-ai=n;exceptions=cc-zz", "unknown-exception"),
        ("train-ai=y;exceptions=cc-cr", "exception-on-allow"),
    ],
)
def test_cc_signal_misuse(value: str, code: str) -> None:
    usage = parse_content_usage(value)
    assert [d.code for d in usage.diagnostics] == [code]
    assert all(not exceptions for *_, exceptions in usage.stances)


def test_header_field_lines_combine() -> None:
    headers = [("Content-Usage", "train-ai=n"), ("X", "y"), ("content-usage", "search=y")]
    statements = header_statements(headers)
    assert {s.rule for s in statements} == {"Content-Usage"}
    assert {s.line for s in statements} == {1}
    assert {(u, st) for s in statements for u, st in s.stances} == {
        (Use.TRAIN_AI, D),
        (Use.SEARCH, A),
    }


# attach-05 §3 "Example robots.txt file", verbatim.
ATTACH_EXAMPLE = """User-Agent: *
Allow: /
Disallow: /never/
Content-Usage: train-ai=n
Content-Usage: /ai-ok/ train-ai=y

User-Agent: ExampleBot
Allow: /
Content-Usage: train-ai=y
"""


@pytest.mark.parametrize(
    ("agent", "path", "stance", "line"),
    [
        ("*", "/test", D, 4),
        ("*", "/ai-ok/test", A, 5),
        ("ExampleBot", "/test", A, 9),
    ],
)
def test_robots_rule(agent: str, path: str, stance: Stance, line: int) -> None:
    robots = RobotsTxt.parse(ATTACH_EXAMPLE)
    (statement,) = robots_statements(robots, agent, f"https://example.com{path}")
    assert statement.stance(Use.TRAIN_AI) is stance
    assert statement.line == line
    assert statement.carrier is Carrier.ROBOTS_TXT


def test_robots_rules_with_the_same_path_all_apply() -> None:
    robots = RobotsTxt.parse(
        "User-agent: *\nContent-Usage: /a/ train-ai=y\nContent-Usage: /a/ train-ai=n\n"
    )
    statements = robots_statements(robots, "bot", "https://x.example/a/b")
    assert sorted(s.stance(Use.TRAIN_AI).value for s in statements) == ["allow", "deny"]
    assert robots_statements(robots, "bot", "https://x.example/b") == ()


@given(st.text(max_size=80))
def test_any_text_reads(value: str) -> None:
    assert parse_content_usage(value) == parse_content_usage(value)


@given(st.binary(max_size=80))
def test_any_bytes_read(value: bytes) -> None:
    parse_content_usage(value).statements(Carrier.HTTP_HEADER, line=1)


def test_robots_rules_belong_to_the_user_agent_lines_before_them() -> None:
    # issue 13: attach-05's grammar (`rule =/ content-usage`) makes these two groups, although
    # Google's grouping of Allow/Disallow would merge the two User-agent lines into one.
    robots = RobotsTxt.parse(
        "User-Agent: ExampleBot\nContent-Usage: train-ai=y\n"
        "User-Agent: *\nContent-Usage: train-ai=n\n"
    )
    (statement,) = robots_statements(robots, "ExampleBot", "https://example.com/a")
    assert (statement.stance(Use.TRAIN_AI), statement.line) == (A, 2)
    (statement,) = robots_statements(robots, "OtherBot", "https://example.com/a")
    assert (statement.stance(Use.TRAIN_AI), statement.line) == (D, 4)
