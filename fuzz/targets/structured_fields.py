"""Structured Field Values (RFC 9651): parse as item, list and dictionary; whatever parses must
serialise, and parse back to itself."""

from __future__ import annotations

from collections.abc import Iterator

from fuzz.seeds import sf_raw_values
from reciprocity.signals import structured_fields as sf


def seeds() -> Iterator[bytes]:
    yield from sf_raw_values()


def one_input(data: bytes) -> None:
    lines = tuple(data.decode("latin-1").split("\n"))
    item = sf.parse_item(lines)
    if item.value is not None:
        again = sf.parse_item((sf.serialize_item(item.value),))
        assert again.value == item.value, (item.value, again.value)
    members = sf.parse_list(lines)
    if members.value is not None:
        again_list = sf.parse_list((sf.serialize_list(members.value),))
        assert again_list.value == members.value
    dictionary = sf.parse_dictionary(lines)
    if dictionary.value is not None:
        again_dict = sf.parse_dictionary((sf.serialize_dictionary(dictionary.value),))
        assert again_dict.value == dictionary.value
