"""TDMRep (W3C CG report): tdmrep.json, the HTTP headers and the HTML meta elements."""

from __future__ import annotations

from collections.abc import Iterator

from fuzz.seeds import constants
from reciprocity.signals import tdmrep


def seeds() -> Iterator[bytes]:
    yield from constants("signals/test_tdmrep.py", lambda b: b"{" in b or b"[" in b)
    yield from constants("signals/test_tdmrep_properties.py", lambda b: b"{" in b)


def one_input(data: bytes) -> None:
    tdmrep.parse_tdmrep_json(data)
    text = data.decode("utf-8", "surrogateescape")
    head, _, rest = text.partition("\n")
    tdmrep.parse_tdmrep_headers([("tdm-reservation", head), ("tdm-policy", rest)])
    tdmrep.parse_tdmrep_meta([("tdm-reservation", head), ("TDM-Policy", rest, 3)])
