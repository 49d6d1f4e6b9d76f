"""Resolution across mechanisms (DESIGN.md §3): most restrictive wins; disagreeing is a conflict."""

from __future__ import annotations

import itertools
from collections.abc import Collection

import pytest

from reciprocity.obligations import Duty, Obligation
from reciprocity.resolve import Evidence, resolve
from reciprocity.signals.statement import Carrier, Mechanism, Statement
from reciprocity.uses import USES, Stance, Use


def _evidence(
    mechanism: Mechanism,
    use: Use,
    stance: Stance,
    *,
    exceptions: tuple[Obligation, ...] = (),
    obligations: tuple[Obligation, ...] = (),
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


CREDIT = Obligation(Duty.ATTRIBUTION)
OPEN = Obligation(Duty.OPEN)


def test_exceptions_lift_a_deny_only_when_all_are_accepted() -> None:
    cc = _evidence(Mechanism.CC_SIGNALS, Use.TRAIN_AI, Stance.DENY, exceptions=(CREDIT, OPEN))
    refused = resolve("u", [cc], accept={"credit"})
    assert refused.for_use("train-ai") == "deny"
    assert refused.decision("train-ai").exceptions == (CREDIT, OPEN)
    granted = resolve("u", [cc], accept={"credit", "open", "share-alike"})
    assert granted.for_use("train-ai") == "allow"
    assert granted.decision("train-ai").obligations == (CREDIT, OPEN)
    assert granted.obligations == (CREDIT, OPEN)
    assert granted.accepted == {Duty.ATTRIBUTION, Duty.OPEN, Duty.SHARE_ALIKE}


@pytest.mark.parametrize(
    "accept",
    [
        {"credit"},
        {"attribution"},
        {"BY"},
        {Duty.ATTRIBUTION},
        frozenset({Duty.ATTRIBUTION}),
        ["cc-cr"],
        "credit",
        Duty.ATTRIBUTION,
    ],
    ids=repr,
)
def test_accept_by_alias_or_by_duty(accept: str | Collection[str | Duty]) -> None:
    cc = _evidence(Mechanism.CC_SIGNALS, Use.TRAIN_AI, Stance.DENY, exceptions=(CREDIT,))
    decision = resolve("u", [cc], accept=accept)
    assert decision.for_use("train-ai") == "allow"
    assert decision.accepted == {Duty.ATTRIBUTION}
    assert decision.to_dict()["accepted"] == ["attribution"]


def test_an_unknown_duty_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown obligation 'kredit'"):
        resolve("u", [], accept={"kredit"})


def test_a_payment_is_lifted_only_by_accepting_payment() -> None:
    rsl = _evidence(
        Mechanism.RSL,
        Use.TRAIN_AI,
        Stance.DENY,
        exceptions=(Obligation(Duty.PAYMENT, detail="subscription"),),
    )
    every_other = frozenset(Duty) - {Duty.PAYMENT}
    assert resolve("u", [rsl], accept=every_other).for_use("train-ai") == "deny"
    lifted = resolve("u", [rsl], accept={"pay"})
    assert lifted.for_use("train-ai") == "allow"
    assert lifted.obligations == (Obligation(Duty.PAYMENT, detail="subscription"),)


def test_accepting_a_duty_accepts_it_whatever_its_url_or_detail() -> None:
    server = Obligation(Duty.LICENCE, url="https://licensing.example/api")
    policy = Obligation(Duty.LICENCE, url="https://example.com/tdm-policy.json")
    field = Obligation(Duty.LICENCE, detail="plus:OtherConstraints")
    evidence = [
        _evidence(Mechanism.RSL, Use.AI_USE, Stance.DENY, exceptions=(server,)),
        _evidence(Mechanism.MEDIA, Use.AI_USE, Stance.DENY, exceptions=(field, policy)),
    ]
    denied = resolve("u", evidence)
    assert denied.decision("ai-use").exceptions == (server, field, policy)
    lifted = resolve("u", evidence, accept={"licence"})
    assert lifted.for_use("ai-use") == "allow"
    assert lifted.decision("ai-use").obligations == (server, field, policy)


def test_a_plain_deny_beside_a_liftable_one_cannot_be_lifted() -> None:
    cc = _evidence(Mechanism.CC_SIGNALS, Use.AI_USE, Stance.DENY, exceptions=(CREDIT,))
    robots = _evidence(Mechanism.ROBOTS, Use.AI_USE, Stance.DENY)
    decision = resolve("u", [cc, robots])
    assert decision.for_use("ai-use") == "deny"
    assert decision.decision("ai-use").exceptions == ()
    lifted = resolve("u", [cc, robots], accept={"credit"})
    assert lifted.for_use("ai-use") == "deny"
    assert [c.allow.mechanism for c in lifted.conflicts] == [Mechanism.CC_SIGNALS]


def test_allow_obligations_are_listed_as_records() -> None:
    url = "https://creativecommons.org/licenses/by-sa/4.0/"
    by, sa = Obligation(Duty.ATTRIBUTION, url), Obligation(Duty.SHARE_ALIKE, url)
    licence = _evidence(Mechanism.LICENSE, Use.TRAIN_AI, Stance.ALLOW, obligations=(by, sa))
    decision = resolve("u", [licence])
    assert decision.obligations == (by, sa)
    record = decision.to_dict()
    expected = [
        {"kind": "attribution", "url": url, "detail": None},
        {"kind": "share-alike", "url": url, "detail": None},
    ]
    assert record["obligations"] == expected
    assert record["train_ai_detail"]["obligations"] == expected
    assert record["evidence"][0]["obligations"] == expected
    assert record["accepted"] == []


def test_exceptions_of_a_deny_are_records() -> None:
    payment = Obligation(Duty.PAYMENT, detail="crawl")
    rsl = _evidence(Mechanism.RSL, Use.SEARCH, Stance.DENY, exceptions=(payment,))
    record = resolve("u", [rsl]).to_dict()
    expected = [{"kind": "payment", "url": None, "detail": "crawl"}]
    assert record["search_detail"]["exceptions"] == expected
    assert record["evidence"][0]["exceptions"] == expected
    assert record["obligations"] == []
