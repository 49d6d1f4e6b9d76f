"""``quick_init`` gives frozen slotted dataclasses the same constructor, only faster."""

from __future__ import annotations

import dataclasses

import pytest

from reciprocity._frozen import quick_init
from reciprocity.resolve import Evidence
from reciprocity.signals.statement import Carrier, Mechanism, Statement


@quick_init
@dataclasses.dataclass(frozen=True, slots=True)
class Point:
    x: int
    y: int = 2


def test_constructor_keeps_positional_keyword_and_default_arguments() -> None:
    assert Point(1) == Point(x=1, y=2) == Point(1, 2)
    assert Point(y=5, x=1).y == 5
    assert repr(Point(1)) == "Point(x=1, y=2)"
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, 2, 3)  # type: ignore[call-arg]


def test_instances_stay_frozen_and_hashable() -> None:
    point = Point(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 3  # type: ignore[misc]
    assert hash(point) == hash(Point(1, 2))
    assert dataclasses.replace(point, y=7) == Point(1, 7)


def test_statement_and_evidence_use_it() -> None:
    statement = Statement(Mechanism.NOAI, Carrier.HTML_META, (), "noai", line=3)
    assert statement.rule is None
    assert statement.line == 3
    assert Evidence(statement, "https://a.example/").fetched is None


def test_unsupported_classes_are_refused_at_import() -> None:
    with pytest.raises(TypeError, match="plain fields"):

        @quick_init
        @dataclasses.dataclass(frozen=True, slots=True)
        class WithFactory:
            items: list[int] = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError, match="slotted"):

        @quick_init
        @dataclasses.dataclass(frozen=True)
        class NotSlotted:
            x: int


def test_a_field_left_out_of_the_constructor_starts_at_its_default() -> None:
    @quick_init
    @dataclasses.dataclass(frozen=True, slots=True)
    class Cached:
        x: int
        memo: int | None = dataclasses.field(default=None, init=False, compare=False)

    assert Cached(1).memo is None
    assert Cached(1) == Cached(1)
    with pytest.raises(TypeError):
        Cached(1, 2)  # type: ignore[call-arg]
