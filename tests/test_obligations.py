"""The obligation registry: one vocabulary of duties, their aliases, and the Obligation record."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from reciprocity.obligations import (
    DUTIES,
    SPEC_VERSIONS,
    Duty,
    Obligation,
    parse_duties,
    parse_duty,
)
from reciprocity.signals import aipref, content_signals, media, rsl, tdmrep

NAMES = [(name, duty) for duty, info in DUTIES.items() for name in (duty.value, *info.aliases)]


def test_every_duty_has_its_info() -> None:
    assert list(DUTIES) == list(Duty)
    for duty, info in DUTIES.items():
        assert info.meaning, duty
        assert info.sources, duty
        for source in info.sources:
            # Each source names the mechanism whose spec version SPEC_VERSIONS records.
            assert source.split()[0] in SPEC_VERSIONS, source


def test_aliases_are_unique_and_never_another_duty() -> None:
    aliases = [alias for info in DUTIES.values() for alias in info.aliases]
    assert len(aliases) == len(set(aliases))
    assert set(aliases).isdisjoint(duty.value for duty in Duty)
    for name in aliases:
        assert name == name.strip().lower().replace("_", "-"), name  # as parse_duty keys them


@pytest.mark.parametrize("duty", list(Duty), ids=str)
def test_parse_duty_round_trip(duty: Duty) -> None:
    assert parse_duty(duty.value) is duty
    assert parse_duty(str(duty)) is duty
    assert parse_duty(duty) is duty
    assert Duty(duty.value) is duty


@pytest.mark.parametrize(("name", "duty"), NAMES, ids=[name for name, _ in NAMES])
def test_every_name_parses(name: str, duty: Duty) -> None:
    assert parse_duty(name) is duty


@given(
    st.sampled_from(NAMES),
    st.lists(st.booleans(), min_size=40, max_size=40),
    st.sampled_from(["", " ", "\t", "  "]),
)
def test_parse_duty_ignores_case_spacing_and_underscores(
    named: tuple[str, Duty], upper: list[bool], pad: str
) -> None:
    name, duty = named
    cased = "".join(c.upper() if up else c for c, up in zip(name, upper, strict=False))
    assert parse_duty(f"{pad}{cased}{pad}") is duty
    assert parse_duty(cased.replace("-", "_")) is duty


def test_an_unknown_name_is_a_value_error_naming_every_duty() -> None:
    with pytest.raises(ValueError, match=r"unknown obligation 'kudos'; expected one of: ") as err:
        parse_duty("kudos")
    for duty in Duty:
        assert duty.value in str(err.value)
    assert "credit" in str(err.value)
    with pytest.raises(ValueError, match="unknown obligation ''"):
        parse_duty("")


def test_parse_duties() -> None:
    assert parse_duties("credit, open,,") == {Duty.ATTRIBUTION, Duty.OPEN}
    assert parse_duties("") == frozenset()
    assert parse_duties(["BY", " ", Duty.PAYMENT]) == {Duty.ATTRIBUTION, Duty.PAYMENT}
    assert parse_duties(Duty.REUSE) == {Duty.REUSE}  # a Duty is one name, not its letters
    read = frozenset({Duty.OPEN})
    assert parse_duties(read) is read
    with pytest.raises(ValueError, match="'nope'"):
        parse_duties("credit,nope")


def test_obligation_record_and_text() -> None:
    plain = Obligation(Duty.ATTRIBUTION)
    assert (plain.url, plain.detail) == (None, None)
    assert str(plain) == "attribution"
    assert plain.to_dict() == {"kind": "attribution", "url": None, "detail": None}
    full = Obligation(Duty.REPORTING, "https://rsl.example/profile", "telemetry")
    assert str(full) == "reporting (telemetry) <https://rsl.example/profile>"
    assert full.to_dict() == {
        "kind": "reporting",
        "url": "https://rsl.example/profile",
        "detail": "telemetry",
    }
    assert [f.name for f in dataclasses.fields(Obligation)] == ["duty", "url", "detail"]


def test_obligations_are_frozen_values() -> None:
    one = Obligation(Duty.PAYMENT, detail="crawl")
    assert one == Obligation(Duty.PAYMENT, None, "crawl")
    assert len({one, Obligation(Duty.PAYMENT, detail="crawl"), Obligation(Duty.PAYMENT)}) == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.detail = "use"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("key", "version"),
    [
        ("cc-signals", aipref.CC_SIGNALS_VERSION),
        ("rsl", rsl.SPEC_VERSION),
        ("tdmrep", tdmrep.SPEC_VERSION),
        ("iptc", media.IPTC_SPEC_VERSION),
        ("cawg", media.CAWG_SPEC_VERSION),
        ("content-signals", content_signals.SPEC_VERSION),
    ],
)
def test_spec_versions_are_the_mechanisms_own(key: str, version: str) -> None:
    # The mechanism module reads the words; the registry must cite the same version.
    assert SPEC_VERSIONS[key].startswith(f"{version}: ")


def test_the_doc_lists_every_duty_as_the_registry_has_it() -> None:
    doc = (ROOT / "docs" / "obligations.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in doc.splitlines() if line.startswith("| `")}
    for duty, info in DUTIES.items():
        row = rows.get(f"`{duty.value}`")
        assert row is not None, f"docs/obligations.md has no row for {duty.value}"
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[1] == info.meaning, duty
        assert cells[2] == ", ".join(f"`{alias}`" for alias in info.aliases), duty
