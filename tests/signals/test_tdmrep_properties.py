"""Property tests for TDMRep: any input parses, parsing is deterministic, the first match decides,
and the processing priority lets the last step that sets a value win."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocity.signals.statement import Carrier
from reciprocity.signals.tdmrep import (
    parse_tdmrep_headers,
    parse_tdmrep_json,
    parse_tdmrep_meta,
    resolve_tdmrep,
)

PATHS = st.text(alphabet="/ab*$?%2Fé.", max_size=12).map(lambda p: "/" + p)
LOCATIONS = st.text(alphabet="/ab*$%2Fé.", max_size=8).map(lambda p: "/" + p)
VALUES = st.one_of(
    st.sampled_from([0, 1, "1", "0", True, None, 2, "x"]), st.integers(), st.text(max_size=3)
)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=10,
)
RULES = st.lists(
    st.fixed_dictionaries(
        {"location": LOCATIONS, "tdm-reservation": st.sampled_from([0, 1])},
        optional={"tdm-policy": st.just("https://p/x.json")},
    ),
    max_size=6,
)


@given(st.binary(max_size=2048))
def test_arbitrary_bytes(data: bytes) -> None:
    tdm = parse_tdmrep_json(data)
    assert tdm == parse_tdmrep_json(data)
    tdm.statements("/a")


@given(st.text(max_size=2048))
def test_arbitrary_text(text: str) -> None:
    tdm = parse_tdmrep_json(text)
    assert tdm == parse_tdmrep_json(text)
    tdm.lookup("/")


@given(JSONISH, PATHS)
def test_arbitrary_json_values(value: object, path: str) -> None:
    text = json.dumps(value)
    parse_tdmrep_json(text).statements(path)
    parse_tdmrep_json("[" + text + "]").statements(path)


@settings(max_examples=300)
@given(st.lists(st.fixed_dictionaries({"location": LOCATIONS, "tdm-reservation": VALUES})), PATHS)
def test_lookup_never_raises(rules: list[dict[str, object]], path: str) -> None:
    tdm = parse_tdmrep_json(json.dumps(rules))
    rule = tdm.lookup(path)
    assert rule is None or rule.matches(path)


@settings(max_examples=300)
@given(RULES, PATHS)
def test_first_matching_rule_decides(rules: list[dict[str, object]], path: str) -> None:
    tdm = parse_tdmrep_json(json.dumps(rules))
    assert len(tdm.rules) == len(rules)
    found = tdm.lookup(path)
    matching = [rule for rule in tdm.rules if rule.matches(path)]
    assert found == (matching[0] if matching else None)
    # A catch-all put first shadows every other rule.
    first = parse_tdmrep_json(json.dumps([{"location": "/", "tdm-reservation": 1}, *rules]))
    rule = first.lookup(path)
    assert rule is not None
    assert rule.index == 0


@given(st.lists(st.tuples(st.text(max_size=20), st.text(max_size=20)), max_size=8))
def test_headers_and_meta_never_raise(fields: list[tuple[str, str]]) -> None:
    header = parse_tdmrep_headers(fields)
    meta = parse_tdmrep_meta(fields)
    assert header == parse_tdmrep_headers(fields)
    resolve_tdmrep(None, header, meta)


@given(
    st.sampled_from([None, 0, 1]),
    st.sampled_from([None, "0", "1", "bad"]),
    st.sampled_from([None, "0", "1", "bad"]),
)
def test_last_step_that_sets_a_value_wins(
    in_file: int | None, in_header: str | None, in_meta: str | None
) -> None:
    rules = [] if in_file is None else [{"location": "/", "tdm-reservation": in_file}]
    rule = parse_tdmrep_json(json.dumps(rules)).lookup("/x")
    header = parse_tdmrep_headers([] if in_header is None else [("tdm-reservation", in_header)])
    meta = parse_tdmrep_meta([] if in_meta is None else [("tdm-reservation", in_meta)])
    statements = resolve_tdmrep(rule, header, meta)
    text_values = {"0": 0, "1": 1}
    steps = [
        (Carrier.TDMREP_JSON, in_file),
        (Carrier.HTTP_HEADER, text_values.get(in_header or "")),
        (Carrier.HTML_META, text_values.get(in_meta or "")),
    ]
    set_steps = [(carrier, value) for carrier, value in steps if value is not None]
    if not set_steps:
        assert all(s.stances == () for s in statements)
        return
    carrier, value = set_steps[-1]
    (statement,) = statements
    assert statement.carrier is carrier
    assert {stance.value for _, stance in statement.stances} == {"deny" if value else "allow"}
