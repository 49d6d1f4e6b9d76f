"""The audit's run policy: accepted and refused duties, read once from the command line."""

from __future__ import annotations

import pytest

from reciprocity.corpus.policy import AuditPolicy
from reciprocity.errors import UsageError
from reciprocity.obligations import Duty


def test_accept_and_refuse_are_duties() -> None:
    policy = AuditPolicy.from_options(accept="credit, open", refuse="non-commercial,no-derivatives")
    assert policy.accept == {Duty.ATTRIBUTION, Duty.OPEN}
    assert policy.refuse == {Duty.NON_COMMERCIAL, Duty.NO_DERIVATIVES}
    record = policy.to_dict()
    assert record["accept"] == ["attribution", "open"]
    assert record["refuse"] == ["no-derivatives", "non-commercial"]


def test_the_default_accepts_and_refuses_nothing() -> None:
    policy = AuditPolicy.from_options()
    assert (policy.accept, policy.refuse) == (frozenset(), frozenset())
    assert AuditPolicy() == policy
    assert (policy.to_dict()["accept"], policy.to_dict()["refuse"]) == ([], [])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"accept": "credit,kudos"}, "--accept: unknown obligation 'kudos'"),
        ({"refuse": "nc,no-ads"}, "--refuse: unknown obligation 'no-ads'"),
        ({"accept": "by,nc", "refuse": "non-commercial"}, "both name non-commercial"),
        ({"accept": "credit", "refuse": "attribution"}, "both name attribution"),
    ],
)
def test_bad_duties_are_usage_errors(options: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        AuditPolicy.from_options(accept=options.get("accept", ""), refuse=options.get("refuse", ""))
