"""Property tests for Structured Fields: any input parses without raising, parsing is
deterministic, a failure always says why, and what we serialise we read back unchanged."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocity.signals.structured_fields import (
    BareItem,
    Date,
    DisplayString,
    FrozenMap,
    InnerList,
    Item,
    ParseResult,
    Token,
    parse_dictionary,
    parse_item,
    parse_list,
    serialize_dictionary,
    serialize_item,
    serialize_list,
)

PARSERS: tuple[Callable[[Any], ParseResult[Any]], ...] = (parse_item, parse_list, parse_dictionary)
SERIALISERS: dict[Callable[[Any], ParseResult[Any]], Callable[[Any], str]] = {
    parse_item: serialize_item,
    parse_list: serialize_list,
    parse_dictionary: serialize_dictionary,
}

# Characters that steer the parser into every branch, so that random text gets past the first one.
SF_TEXT = st.text(alphabet=' \t,;=()"\\:?@%*-._/+!~019azAZ', max_size=60)
LINE = st.one_of(st.text(max_size=20), st.binary(max_size=20), SF_TEXT)


def _check(parse: Callable[[Any], ParseResult[Any]], data: Any) -> ParseResult[Any]:
    result = parse(data)
    assert result == parse(data)
    assert result.ok is (result.value is not None)
    if not result.ok:
        assert len(result.diagnostics) == 1
    assert all(d.line >= 0 and d.code and d.message for d in result.diagnostics)
    return result


@given(st.binary(max_size=512))
def test_arbitrary_bytes(data: bytes) -> None:
    for parse in PARSERS:
        _check(parse, data)


@given(st.text(max_size=512))
def test_arbitrary_text(text: str) -> None:
    for parse in PARSERS:
        _check(parse, text)


@given(st.lists(LINE, max_size=4))
def test_arbitrary_field_lines(lines: list[str | bytes]) -> None:
    for parse in PARSERS:
        _check(parse, lines)


@settings(max_examples=500)
@given(SF_TEXT)
def test_parsed_text_serialises_to_the_same_value(text: str) -> None:
    for parse in PARSERS:
        result = _check(parse, text)
        if result.ok:
            written = SERIALISERS[parse](result.value)
            again = parse(written)
            assert again.value == result.value, written
            assert SERIALISERS[parse](again.value) == written


# --- generated values -----------------------------------------------------------------------

KEYS = st.from_regex(r"[a-z*][a-z0-9_.*-]{0,6}", fullmatch=True)
INTEGERS = st.integers(-999_999_999_999_999, 999_999_999_999_999)
BARE: st.SearchStrategy[BareItem] = st.one_of(
    st.booleans(),
    INTEGERS,
    st.decimals(
        min_value=Decimal("-999999999999.999"),
        max_value=Decimal("999999999999.999"),
        places=3,
        allow_nan=False,
        allow_infinity=False,
    ),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12),
    st.from_regex(r"[A-Za-z*][!#$%&'*+.^_`|~0-9A-Za-z:/-]{0,8}", fullmatch=True).map(Token),
    st.binary(max_size=12),
    INTEGERS.map(Date),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8).map(DisplayString),
)
PARAMS = st.lists(st.tuples(KEYS, BARE), max_size=3).map(FrozenMap)
ITEMS = st.builds(Item, BARE, PARAMS)
MEMBERS = st.one_of(ITEMS, st.builds(InnerList, st.lists(ITEMS, max_size=3).map(tuple), PARAMS))


@given(ITEMS)
def test_item_round_trip(item: Item) -> None:
    result = parse_item(serialize_item(item))
    assert result.value == item, result.diagnostics
    assert result.diagnostics == ()


@given(st.lists(MEMBERS, max_size=4).map(tuple))
def test_list_round_trip(members: tuple[Item | InnerList, ...]) -> None:
    result = parse_list(serialize_list(members))
    assert result.value == members, result.diagnostics


@given(st.lists(st.tuples(KEYS, MEMBERS), max_size=4).map(FrozenMap))
def test_dictionary_round_trip(members: FrozenMap[Item | InnerList]) -> None:
    result = parse_dictionary(serialize_dictionary(members))
    assert result.value == members, result.diagnostics


@given(st.lists(st.tuples(KEYS, MEMBERS), min_size=1, max_size=4).map(FrozenMap))
def test_dictionary_split_over_field_lines(members: FrozenMap[Item | InnerList]) -> None:
    # One member per field line parses to what the single line does (RFC 9110 §5.3 joining).
    lines = [serialize_dictionary(FrozenMap([pair])) for pair in members.items()]
    assert parse_dictionary(lines).value == members


@st.composite
def _edited_fields(draw: st.DrawFn) -> str:
    """A valid serialised dictionary with one character inserted, deleted or replaced."""
    text = serialize_dictionary(draw(st.lists(st.tuples(KEYS, MEMBERS), max_size=4).map(FrozenMap)))
    at = draw(st.integers(0, len(text)))
    char = draw(st.sampled_from(' \t,;=()"\\:?@%*-.0aZ\x00\x7f'))
    edit = draw(st.sampled_from(["insert", "delete", "replace"]))
    if edit == "insert":
        return text[:at] + char + text[at:]
    if edit == "delete":
        return text[:at] + text[at + 1 :]
    return text[:at] + char + text[at + 1 :]


@settings(max_examples=200)
@given(_edited_fields())
def test_edited_fields_never_raise_and_stay_stable(text: str) -> None:
    for parse in PARSERS:
        result = _check(parse, text)
        if result.ok:
            written = SERIALISERS[parse](result.value)
            assert parse(written).value == result.value, written
