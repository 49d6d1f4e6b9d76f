"""RFC 9651 Structured Fields against the community test suite (httpwg/structured-field-tests).

Every parsing vector in ../shared/data/structured-field-tests/*.json runs, and so does every
serialisation vector in its serialisation-tests/ folder. The rules are the suite's README:

* ``must_fail``: parsing (or, for serialisation vectors, serialising) must fail;
* ``can_fail``: parsing may fail, but when it succeeds the value must be ``expected``;
* otherwise the parsed value must be ``expected``, and serialising it must give ``canonical``
  (``raw`` when there is no ``canonical``; an empty ``canonical`` means the field is not sent).

No vector is skipped: ``SKIPS`` names any that would be, with the reason.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED, require

from reciprocity.signals.structured_fields import (
    BareItem,
    Date,
    DisplayString,
    FrozenMap,
    InnerList,
    Item,
    Member,
    ParseResult,
    SerializationError,
    Token,
    parse_dictionary,
    parse_item,
    parse_list,
    serialize_dictionary,
    serialize_item,
    serialize_list,
)

VECTORS = SHARED / "data" / "structured-field-tests"
SERIALISATION = VECTORS / "serialisation-tests"

SKIPS: dict[str, str] = {}
"""``file::name`` (file relative to the vector folder) -> why that vector does not run.
Empty: every vector runs."""

# The can_fail vectors, and what we chose: RFC 9651 §4.2.7 says parsers SHOULD NOT fail on missing
# padding or non-zero pad bits; dates are plain integers to us; joined lines are what RFC 9110 says.
ACCEPTED_CAN_FAIL = {
    "binary.json::bad padding",
    "binary.json::non-zero pad bits",
    "date.json::syntactic max date - 999,999,999,999,999",
    "date.json::syntactic min date - -999,999,999,999,999",
    "display-string.json::two lines display string",
    "string.json::two lines string",
}


def _load(folder: Path) -> list[Any]:
    if not folder.is_dir():
        return []
    cases = []
    for path in sorted(folder.glob("*.json")):
        # Decimals as Decimal: the suite writes 1.1, which a float cannot hold.
        for case in json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal):
            case_id = f"{path.relative_to(VECTORS).as_posix()}::{case['name']}"
            marks = [pytest.mark.skip(reason=SKIPS[case_id])] if case_id in SKIPS else []
            cases.append(pytest.param(case, id=case_id, marks=marks))
    return cases


PARSE_CASES = _load(VECTORS)
SERIALISE_CASES = _load(SERIALISATION)


# --- the suite's JSON encoding -> our values ----------------------------------------------------


def _bare(value: Any) -> BareItem:
    if isinstance(value, dict):
        kind, inner = value["__type"], value["value"]
        if kind == "token":
            return Token(inner)
        if kind == "binary":
            return base64.b32decode(inner)
        if kind == "date":
            return Date(inner)
        if kind == "displaystring":
            return DisplayString(inner)
        raise AssertionError(f"unknown __type {kind!r}")
    assert isinstance(value, (bool, int, Decimal, str)), value
    return value


def _params(pairs: list[Any]) -> FrozenMap[BareItem]:
    # Built pair by pair so that a repeated key in a serialisation vector keeps its order.
    return FrozenMap((key, _bare(value)) for key, value in pairs)


def _member(pair: list[Any]) -> Member:
    value, params = pair
    if isinstance(value, list):
        return InnerList(tuple(Item(_bare(v), _params(p)) for v, p in value), _params(params))
    return Item(_bare(value), _params(params))


def _expected(header_type: str, data: Any) -> Any:
    if header_type == "item":
        return _member(data)
    if header_type == "list":
        return tuple(_member(member) for member in data)
    assert header_type == "dictionary"
    return FrozenMap((key, _member(member)) for key, member in data)


PARSERS: dict[str, Callable[[Any], ParseResult[Any]]] = {
    "item": parse_item,
    "list": parse_list,
    "dictionary": parse_dictionary,
}


def _parse(case: dict[str, Any]) -> ParseResult[Any]:
    return PARSERS[case["header_type"]](case["raw"])


def _serialise(header_type: str, value: Any) -> str:
    if header_type == "item":
        return serialize_item(value)
    if header_type == "list":
        return serialize_list(value)
    return serialize_dictionary(value)


# --- the vectors --------------------------------------------------------------------------------


def test_vector_folder_present() -> None:
    require(VECTORS, "Structured Field test vectors")
    require(SERIALISATION, "Structured Field serialisation vectors")
    assert len(PARSE_CASES) >= 1500
    assert len(SERIALISE_CASES) >= 500


def test_skips_name_real_vectors() -> None:
    names = {case.id for case in PARSE_CASES + SERIALISE_CASES}
    assert set(SKIPS) <= names
    can_fail = {case.id for case in PARSE_CASES if case.values[0].get("can_fail")}
    if PARSE_CASES:
        assert can_fail == ACCEPTED_CAN_FAIL


@pytest.mark.parametrize("case", PARSE_CASES)
def test_parse_vector(case: dict[str, Any]) -> None:
    result = _parse(case)
    if case.get("must_fail"):
        assert not result.ok, result
        assert result.value is None
        assert result.diagnostics, "a failure must say why"
        return
    if case.get("can_fail") and not result.ok:
        return
    assert result.ok, result.diagnostics
    assert result.value == _expected(case["header_type"], case["expected"])


@pytest.mark.parametrize("case", [c for c in PARSE_CASES if not c.values[0].get("must_fail")])
def test_canonical_serialisation(case: dict[str, Any]) -> None:
    result = _parse(case)
    if not result.ok:
        assert case.get("can_fail"), result.diagnostics
        return
    lines = case.get("canonical", case["raw"])
    assert _serialise(case["header_type"], result.value) == ", ".join(lines)
    # Serialising the suite's own expected value must agree with serialising what we parsed.
    expected = _expected(case["header_type"], case["expected"])
    assert _serialise(case["header_type"], expected) == ", ".join(lines)


@pytest.mark.parametrize("case", SERIALISE_CASES)
def test_serialisation_vector(case: dict[str, Any]) -> None:
    value = _expected(case["header_type"], case["expected"])
    if case.get("must_fail"):
        with pytest.raises(SerializationError):
            _serialise(case["header_type"], value)
        return
    text = _serialise(case["header_type"], value)
    assert text == ", ".join(case["canonical"])
    # What we write, we read back (rounded decimals compare as rounded).
    reparsed = PARSERS[case["header_type"]](text)
    assert reparsed.ok, reparsed.diagnostics
    assert _serialise(case["header_type"], reparsed.value) == text


# --- what the suite does not pin down -----------------------------------------------------------


def test_lenient_byte_sequences_are_reported() -> None:
    unpadded = parse_item(":aGVsbG8:")
    assert unpadded.value == Item(b"hello")
    assert [d.code for d in unpadded.diagnostics] == ["base64-padding"]
    pad_bits = parse_item(":iZ==:")
    assert pad_bits.value == Item(b"\x89")
    assert [d.code for d in pad_bits.diagnostics] == ["base64-pad-bits"]
    assert parse_item(":aGVsbG8=:").diagnostics == ()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (":aGVsbG8==:", "too much padding"),
        (":aGVs=:", "padding after a full quantum"),
        (":aGVsb:", "one character past a quantum"),
        (":a=GVsbG8=:", "padding in the middle"),
        (":aGVsbG8=\n:", "line feed"),
    ],
)
def test_bad_byte_sequences_fail(raw: str, reason: str) -> None:
    result = parse_item(raw)
    assert not result.ok, reason
    assert result.diagnostics[0].code == "bad-byte-sequence"


def test_aipref_examples() -> None:
    """vocab-07 §6.5 and the digest in reference/signals.md §1.4."""
    ok = parse_dictionary("train-ai=n, search=y")
    assert ok.value == FrozenMap({"train-ai": Item(Token("n")), "search": Item(Token("y"))})
    # Last value wins, with its parameters only; a bare key is Boolean true, "n" a String.
    repeated = parse_dictionary('train-ai=y, train-ai, search=n, search="n"')
    assert repeated.value is not None
    assert repeated.value["train-ai"] == Item(True)
    assert repeated.value["search"] == Item("n")
    assert list(repeated.value) == ["train-ai", "search"]
    assert [d.code for d in repeated.diagnostics] == ["duplicate-key", "duplicate-key"]
    params = parse_dictionary("train-ai;allow=n, train-ai=y")
    assert params.value == FrozenMap({"train-ai": Item(Token("y"))})
    exceptions = parse_dictionary("train-ai=n;exceptions=cc-cr")
    assert exceptions.value is not None
    assert exceptions.value["train-ai"].params == FrozenMap({"exceptions": Token("cc-cr")})
    for failing in ("TRAIN-AI=n", "train-ai=n,", 'train-ai;has;parameters="?";'):
        assert not parse_dictionary(failing).ok, failing


def test_duplicate_key_keeps_first_position() -> None:
    result = parse_dictionary("a=1, b=2, a=3")
    assert result.value is not None
    assert list(result.value.items()) == [("a", Item(3)), ("b", Item(2))]


def test_equality_is_type_strict() -> None:
    assert parse_item("?1").value != parse_item("1").value
    assert parse_item("1.0").value != parse_item("1").value
    assert parse_item("a").value != parse_item('"a"').value
    assert parse_item("1;a=?1").value != parse_item("1;a=1").value
    assert parse_item("1.50").value == parse_item("1.5").value
    assert hash(parse_item("1.50").value) == hash(parse_item("1.5").value)


def test_diagnostics_name_line_and_offset() -> None:
    result = parse_list(["a, b", "c d"])
    assert result.value is None
    (diagnostic,) = result.diagnostics
    assert (diagnostic.line, diagnostic.code) == (2, "bad-separator")
    assert diagnostic.message.endswith("(offset 2)")
    empty = parse_list(["1", "", "42"])
    assert [(d.line, d.code) for d in empty.diagnostics] == [(2, "empty-member")]  # the empty line
    shifted = parse_dictionary("a=1, B=2", first_line=17)
    assert [(d.line, d.code) for d in shifted.diagnostics] == [(17, "bad-key")]
    assert shifted.diagnostics[0].message.endswith("(offset 5)")


@pytest.mark.parametrize(
    ("lines", "code", "line"),
    [
        ("caf\u00e9=1", "not-ascii", 1),
        (b"a=\xff", "not-ascii", 1),
        (["a=1", b"b=\x80"], "not-ascii", 2),
        (None, "bad-input", 0),
        ([1], "bad-input", 1),
        (42, "bad-input", 0),
    ],
)
def test_unusable_input_fails_with_a_diagnostic(lines: Any, code: str, line: int) -> None:
    for parse in PARSERS.values():
        result = parse(lines)
        assert result.value is None
        assert [(d.code, d.line) for d in result.diagnostics] == [(code, line)]


def test_absent_field() -> None:
    """No field line at all: RFC 9651 §4.2 parses the empty value."""
    assert parse_list([]).value == ()
    assert parse_dictionary([]).value == FrozenMap()
    assert [d.code for d in parse_item([]).diagnostics] == ["empty"]


def test_bytes_and_str_agree() -> None:
    raw = 'a=(1 2);q=?0, b="x", c=:AQI=:, d=@5, e=%"%c3%a9"'
    assert parse_dictionary(raw) == parse_dictionary(raw.encode("ascii"))
    assert parse_dictionary([raw]) == parse_dictionary(raw)


def test_frozen_map_is_a_read_only_ordered_mapping() -> None:
    params = FrozenMap({"b": 1, "a": True})
    assert list(params) == ["b", "a"]
    assert params == {"a": True, "b": 1}
    assert params != FrozenMap({"a": True, "b": 1})  # order matters between FrozenMaps
    assert params.get("c") is None
    with pytest.raises(AttributeError):
        params._d = {}
    assert hash(params) == hash(FrozenMap([("b", 1), ("a", True)]))


@pytest.mark.parametrize(
    "value",
    [
        Item(Token("a b")),
        Item("caf\u00e9"),
        Item(10**15),
        Item(Decimal("1e13")),
        Item(Decimal("NaN")),
        Item(Date(True)),
        Item(1, FrozenMap({"A": 1})),
        Item(1.5),  # type: ignore[arg-type]  # a float is not a Decimal
    ],
)
def test_serialising_invalid_values_raises(value: Item) -> None:
    with pytest.raises(SerializationError):
        serialize_item(value)


def test_serialise_empty_containers() -> None:
    assert serialize_list(()) == ""
    assert serialize_dictionary(FrozenMap()) == ""
