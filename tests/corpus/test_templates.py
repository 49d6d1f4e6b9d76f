"""The pieces URL-only rows share decisions with: blocks of Arrow rows taken by index, and the
stand-in site's values replaced by each row's own (corpus/blocks.py, corpus/templates.py)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocity.corpus.blocks import Blocks
from reciprocity.corpus.templates import SITE_HOST, SITE_SCHEMA, fill, marked, site_table

_STAND_IN_DATE = "0001-01-01T00:00:00.000001+00:00"
_SCHEMA = pa.schema(
    [
        pa.field("n", pa.int64()),
        pa.field(
            "evidence",
            pa.list_(
                pa.struct(
                    [
                        pa.field("source", pa.string()),
                        pa.field("fetched", pa.string()),
                        pa.field("notes", pa.list_(pa.string())),
                    ]
                )
            ),
        ),
        pa.field("plain", pa.string()),
    ]
)


@settings(deadline=None)  # the first example pays for Arrow's compute kernels
@given(
    rows=st.lists(st.integers(0, 1000), max_size=40),
    ids=st.lists(st.integers(0, 10_000), max_size=60),
    flushes=st.sets(st.integers(0, 40)),
)
def test_blocks_give_back_each_row_by_its_index(
    rows: list[int], ids: list[int], flushes: set[int]
) -> None:
    blocks = Blocks(pa.schema([pa.field("n", pa.int64())]))
    for position, value in enumerate(rows):
        assert blocks.add({"n": value, "other": "ignored"}) == position
        if position in flushes:
            blocks.take([])  # converts what is pending into a block of its own
    wanted = [i % len(rows) for i in ids] if rows else []
    assert blocks.take(wanted).column("n").to_pylist() == [rows[i] for i in wanted]


def _sites(*authorities: str | None) -> pa.Table:
    fetched = datetime(2026, 5, 30, tzinfo=timezone.utc)
    rows = [
        {
            "host": authority,
            "domain": authority,
            "authority": authority,
            "stamp0": None if authority is None else f"2026-05-{n + 10}T00:00:00+00:00",
            "stamp1": None,
            "snapshots": [] if authority is None else [_copy(authority, fetched)],
        }
        for n, authority in enumerate(authorities)
    ]
    return site_table(rows)


def _copy(authority: str, fetched: datetime) -> dict[str, Any]:
    return {
        "kind": "robots.txt",
        "url": f"https://{authority}/robots.txt",
        "source": "robots.warc.gz:12",
        "offset": 12,
        "date": fetched,
        "status": 200,
        "served_by": "snapshots",
        "note": None,
    }


def test_stand_ins_are_replaced_by_each_rows_site_values_where_they_sit() -> None:
    stand_in = {
        "n": 0,
        "evidence": [
            {
                "source": f"https://{SITE_HOST}/robots.txt",
                "fetched": _STAND_IN_DATE,
                "notes": [f"see https://{SITE_HOST}/a and https://{SITE_HOST}/b"],
            },
            {"source": "https://elsewhere.example/x", "fetched": None, "notes": None},
        ],
        "plain": "nothing to replace",
    }
    own = {"n": 1, "evidence": None, "plain": SITE_HOST}  # a site's own row: left as it is
    paths = marked(stand_in, _SCHEMA.names)
    assert paths == {("evidence", "source"), ("evidence", "fetched"), ("evidence", "notes")}
    table = pa.Table.from_pylist([stand_in, own, stand_in], schema=_SCHEMA)
    sites = _sites("a.example", None, "b.example:8443")
    rows = fill(table, paths, sites).to_pylist()
    assert rows[0]["evidence"] == [
        {
            "source": "https://a.example/robots.txt",
            "fetched": "2026-05-10T00:00:00+00:00",
            "notes": ["see https://a.example/a and https://a.example/b"],
        },
        {"source": "https://elsewhere.example/x", "fetched": None, "notes": None},
    ]
    assert rows[1] == own
    assert rows[2]["evidence"][0]["source"] == "https://b.example:8443/robots.txt"
    assert rows[2]["evidence"][0]["fetched"] == "2026-05-12T00:00:00+00:00"
    assert rows[2]["plain"] == "nothing to replace"


def test_site_values_table_is_arrows_own_conversion() -> None:
    fetched = datetime(2026, 5, 30, 12, 30, 1, 7, tzinfo=timezone.utc)
    naive = datetime(2026, 5, 30, 12, 30, 1, 7)
    rows: list[dict[str, Any]] = [
        {
            "host": "a.example",
            "domain": None,
            "authority": "a.example",
            "stamp0": "x",
            "stamp1": "y",
            "snapshots": [_copy("a.example", fetched), {**_copy("a.example", naive), "note": "n"}],
        },
        {
            "host": "b.example",
            "domain": "b.example",
            "authority": None,
            "stamp0": None,
            "stamp1": None,
            "snapshots": [],
        },
        {
            "host": "c.example",
            "domain": "c.example",
            "authority": "c.example",
            "stamp0": None,
            "stamp1": None,
            "snapshots": [{**_copy("c.example", fetched), "date": None, "offset": None}],
        },
    ]
    assert site_table(rows).equals(pa.Table.from_pylist(rows, schema=SITE_SCHEMA))
