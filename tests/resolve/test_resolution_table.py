"""Resolution across mechanisms (DESIGN.md §3): most restrictive wins; disagreeing is a conflict."""

from __future__ import annotations

import itertools

import pytest

from reciprocity.resolve import Evidence, resolve
from reciprocity.signals.statement import Carrier, Mechanism, Statement
from reciprocity.uses import USES, Stance, Use


def _evidence(
    mechanism: Mechanism,
    use: Use,
    stance: Stance,
    *,
    exceptions: tuple[str, ...] = (),
    obligations: tuple[str, ...] = (),
) -> Evidence:
    statement = Statement(
        mechanism,
        Carrier.HTTP_HEADER,
        ((use, stance),),
        f"{mechanism.value} says {stance}",
        exceptions=exceptions,
        obligations=obligations,
    )
    return Evidence(statement, source="https://example.com/page")


PAIRS = list(itertools.permutations(Mechanism, 2))


@pytest.mark.parametrize("use", USES, ids=str)
@pytest.mark.parametrize(("denier", "allower"), PAIRS, ids=[f"{a}-vs-{b}" for a, b in PAIRS])
def test_disagreeing_pair_is_restrictive_and_a_conflict(
    denier: Mechanism, allower: Mechanism, use: Use
) -> None:
    deny = _evidence(denier, use, Stance.DENY)
    allow = _evidence(allower, use, Stance.ALLOW)
    for order in ((deny, allow), (allow, deny)):
        decision = resolve("https://example.com/page", order)
        assert decision.for_use(use) == "deny"
        assert decision.decision(use).deciding == (deny,)
        assert len(decision.conflicts) == 1
        conflict = decision.conflicts[0]
        assert (conflict.use, conflict.deny, conflict.allow) == (use, deny, allow)
        record = decision.to_dict()["conflicts"][0]
        assert (record["deny_mechanism"], record["allow_mechanism"]) == (
            denier.value,
            allower.value,
        )
        assert (record["deny_evidence"], record["allow_evidence"]) == (
            order.index(deny),
            order.index(allow),
        )
        for other in USES:
            if other is not use:
                assert decision.for_use(other) == "unknown"


@pytest.mark.parametrize(("first", "second"), list(itertools.combinations(Mechanism, 2)))
def test_agreeing_pair_is_no_conflict(first: Mechanism, second: Mechanism) -> None:
    decision = resolve(
        "u",
        [
            _evidence(first, Use.TRAIN_AI, Stance.ALLOW),
            _evidence(second, Use.TRAIN_AI, Stance.ALLOW),
        ],
    )
    assert decision.for_use(Use.TRAIN_AI) == "allow"
    assert decision.conflicts == ()


def test_unknown_never_conflicts_and_no_evidence_is_unknown() -> None:
    decision = resolve("u", [_evidence(Mechanism.AIPREF, Use.SEARCH, Stance.UNKNOWN)])
    assert {decision.for_use(use) for use in USES} == {"unknown"}
    assert resolve("u", []).uses[0].deciding == ()


def test_same_mechanism_disagreeing_is_restrictive_without_conflict() -> None:
    decision = resolve(
        "u",
        [
            _evidence(Mechanism.AIPREF, Use.TRAIN_AI, Stance.ALLOW),
            _evidence(Mechanism.AIPREF, Use.TRAIN_AI, Stance.DENY),
        ],
    )
    assert decision.for_use("train-ai") == "deny"
    assert decision.conflicts == ()


def test_exceptions_lift_a_deny_only_when_all_are_accepted() -> None:
    cc = _evidence(Mechanism.CC_SIGNALS, Use.TRAIN_AI, Stance.DENY, exceptions=("credit", "open"))
    refused = resolve("u", [cc], accept={"credit"})
    assert refused.for_use("train-ai") == "deny"
    assert refused.decision("train-ai").exceptions == ("credit", "open")
    granted = resolve("u", [cc], accept={"credit", "open", "attribution"})
    assert granted.for_use("train-ai") == "allow"
    assert granted.decision("train-ai").obligations == ("credit", "open")
    assert granted.obligations == ("credit", "open")


def test_a_plain_deny_beside_a_liftable_one_cannot_be_lifted() -> None:
    cc = _evidence(Mechanism.CC_SIGNALS, Use.AI_USE, Stance.DENY, exceptions=("credit",))
    robots = _evidence(Mechanism.ROBOTS, Use.AI_USE, Stance.DENY)
    decision = resolve("u", [cc, robots])
    assert decision.for_use("ai-use") == "deny"
    assert decision.decision("ai-use").exceptions == ()
    lifted = resolve("u", [cc, robots], accept={"credit"})
    assert lifted.for_use("ai-use") == "deny"
    assert [c.allow.mechanism for c in lifted.conflicts] == [Mechanism.CC_SIGNALS]


def test_allow_obligations_are_listed() -> None:
    licence = _evidence(
        Mechanism.LICENSE, Use.TRAIN_AI, Stance.ALLOW, obligations=("attribution", "share-alike")
    )
    decision = resolve("u", [licence])
    assert decision.obligations == ("attribution", "share-alike")
    record = decision.to_dict()
    assert record["obligations"] == ["attribution", "share-alike"]
