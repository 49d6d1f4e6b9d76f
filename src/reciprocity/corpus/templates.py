"""Decisions that sites serving the same robots.txt share, made once for a stand-in site.

Most sites serve one of a few robots.txt files (a CMS's default, a host's blanket rules), and
the decision of a URL-only row depends on its site only through the file's rules and a few
values of the site's own: its origin (in the robots.txt URL that evidence cites, and in the
URLs a relative ``License:`` resolves to), the date its copy was fetched, and the copies'
provenance. So a row is decided once per *shape* (what a decision can read of the parsed
files, :meth:`~reciprocity.signals.robots.RobotsTxt.rules_key`, and the URL's scheme: sites
whose files differ only in their own ``Sitemap`` lines share one) for a stand-in site,
:data:`SITE_HOST`, whose copies carry stand-in dates; each row then gets its own site's values
in Arrow (:func:`fill`), never row by row in Python.

A site whose answer holds site files beside robots.txt (tdmrep.json, ai.txt, an RSL document:
their rules may name absolute URLs of the site) is decided as its own shape, as before.
``tests/corpus/test_url_rows.py`` compares every row with the per-document path.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any, Final

import pyarrow as pa
import pyarrow.compute as pc

from reciprocity.corpus.schema import SCHEMA
from reciprocity.sources.snapshots import Choice

__all__ = [
    "SITE_HOST",
    "SITE_SCHEMA",
    "Path",
    "fill",
    "marked",
    "shape_key",
    "site_table",
    "site_values",
    "stand_in",
]

SITE_HOST: Final = "site.reciprocity-template.invalid"
"""The stand-in site's host: ``.invalid`` names no real site (RFC 6761 §6.4)."""
_STAMPS: Final = tuple(datetime(1, 1, 1, microsecond=n + 1, tzinfo=timezone.utc) for n in range(2))
"""Stand-in fetch dates of a site's robots.txt copies (two at most: ``strictest``)."""
_STAMP_TEXT: Final = tuple(stamp.isoformat() for stamp in _STAMPS)
_STAMP_MARK: Final = "0001-01-01T00:00:00.00000"
"""What every stand-in date's text starts with."""

SITE_SCHEMA: Final = pa.schema(
    [
        SCHEMA.field("host"),
        SCHEMA.field("domain"),
        pa.field("authority", pa.string()),
        pa.field("stamp0", pa.string()),
        pa.field("stamp1", pa.string()),
        SCHEMA.field("snapshots"),
    ]
)
"""A site's own values, per plan: what :func:`fill` puts in place of the stand-ins."""


def shape_key(scheme: str, choice: Choice | None) -> Hashable | None:
    """What a URL-only row's decision depends on beside the path and the site's own values;
    ``None`` when the site cannot share (site files beside robots.txt)."""
    if choice is None:
        return (scheme, None)
    if choice.files or len(choice.snapshots) > len(_STAMPS):
        return None
    return (
        scheme,
        tuple((s.robots.rules_key(), s.fetched is None, s.incomplete) for s in choice.snapshots),
    )


def stand_in(choice: Choice | None) -> Choice | None:
    """``choice`` with each copy's date replaced by its stand-in (undated copies stay so)."""
    if choice is None:
        return None
    snapshots = tuple(
        s if s.fetched is None else replace(s, fetched=stamp)
        for s, stamp in zip(choice.snapshots, _STAMPS, strict=False)
    )
    return replace(choice, snapshots=snapshots)


def site_values(
    host: str, domain: str | None, authority: str | None, choice: Choice | None
) -> dict[str, Any]:
    """The row of :data:`SITE_SCHEMA` for a site (``authority``: ``host[:port]`` as its origin
    spells it, ``None`` when it shares no decision) whose answer is ``choice``."""
    stamps = [s.stamp for s in choice.snapshots] if choice is not None else []
    stamps += [None] * (len(_STAMPS) - len(stamps))
    return {
        "host": host,
        "domain": domain,
        "authority": authority,
        "stamp0": stamps[0],
        "stamp1": stamps[1],
        "snapshots": choice.provenance() if choice is not None else [],
    }


_EPOCH: Final = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND: Final = timedelta(microseconds=1)
_SNAPSHOT: Final = SCHEMA.field("snapshots").type.value_type


def _utc(when: datetime) -> datetime:
    # A naive date is UTC, as Arrow reads it.
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def site_table(rows: Sequence[dict[str, Any]]) -> pa.Table:
    """``rows`` of :data:`SITE_SCHEMA` as a table, built a column at a time: Arrow's own
    conversion of the copies' zoned dates costs several µs each, a tenth of this."""
    copies = [copy for row in rows for copy in row["snapshots"]]
    lengths = [len(row["snapshots"]) for row in rows]
    offsets = pa.array([0, *itertools.accumulate(lengths)], pa.int32())
    dates = [c["date"] for c in copies]
    micros = [None if d is None else (_utc(d) - _EPOCH) // _MICROSECOND for d in dates]
    columns = {
        name: pa.array([c[name] for c in copies], _SNAPSHOT.field(name).type)
        for name in _SNAPSHOT.names
        if name != "date"
    }
    columns["date"] = pa.array(micros, pa.int64()).cast(_SNAPSHOT.field("date").type)
    inner = pa.StructArray.from_arrays(
        [columns[name] for name in _SNAPSHOT.names], fields=list(_SNAPSHOT)
    )
    snapshots = pa.ListArray.from_arrays(offsets, inner, type=SCHEMA.field("snapshots").type)
    flat = {
        name: pa.array([row[name] for row in rows], SITE_SCHEMA.field(name).type)
        for name in SITE_SCHEMA.names
        if name != "snapshots"
    }
    return pa.Table.from_arrays(
        [snapshots if name == "snapshots" else flat[name] for name in SITE_SCHEMA.names],
        schema=SITE_SCHEMA,
    )


Path = tuple[str, ...]
"""Where a string sits in a row: its column, then struct fields (list elements add nothing)."""


def marked(row: dict[str, Any], columns: Iterable[str]) -> set[Path]:
    """Where, among ``columns`` of the stand-in decision ``row``, a stand-in value sits."""
    found: set[Path] = set()

    def walk(value: object, path: Path) -> None:
        if isinstance(value, str):
            if SITE_HOST in value or _STAMP_MARK in value:
                found.add(path)
        elif isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, (*path, key))
        elif isinstance(value, (list, tuple)):
            for inner in value:
                walk(inner, path)

    for name in columns:
        value = row.get(name)
        if isinstance(value, (list, dict)):
            # Walked only where the text of the whole holds a stand-in (repr runs in C).
            text = repr(value)
            if SITE_HOST not in text and _STAMP_MARK not in text:
                continue
        walk(value, (name,))
    return found


_Values = list[tuple[str, pa.Array]]


def _fill(array: pa.Array, rows: pa.Array | None, values: _Values, paths: set[Path]) -> pa.Array:
    """``array`` with each stand-in at ``paths`` (below it) replaced by its row's value
    (``rows``: each element's row; ``None``: element *i* is row *i*). The same object when
    nothing was replaced."""
    kind = array.type
    if pa.types.is_string(kind):
        for mark, per_row in values:
            has = pc.match_substring(array, mark)
            if not pc.any(has).as_py():
                continue
            each = per_row if rows is None else per_row.take(rows)
            joined = pc.binary_join(pc.split_pattern(array, mark), each)
            array = pc.if_else(has, joined, array)
        return array
    mask = array.is_null() if array.null_count else None
    if pa.types.is_struct(kind):
        children = array.flatten()
        filled = []
        for field, child in zip(kind, children, strict=True):
            below = {path[1:] for path in paths if path and path[0] == field.name}
            filled.append(_fill(child, rows, values, below) if below else child)
        if all(new is old for new, old in zip(filled, children, strict=True)):
            return array
        return pa.StructArray.from_arrays(filled, fields=list(kind), mask=mask)
    if pa.types.is_list(kind):
        flat = array.flatten()
        parents = pc.list_parent_indices(array)
        new = _fill(flat, parents if rows is None else rows.take(parents), values, paths)
        if new is flat:
            return array
        lengths = pc.fill_null(pc.list_value_length(array), 0)
        offsets = pa.concat_arrays(
            [pa.array([0], pa.int32()), pc.cumulative_sum(lengths).cast(pa.int32())]
        )
        return pa.ListArray.from_arrays(offsets, new, type=kind, mask=mask)
    return array


def fill(table: pa.Table, paths: set[Path], sites: pa.Table) -> pa.Table:
    """``table`` (rows of stand-in or own decisions) with the stand-ins at ``paths`` (from
    :func:`marked`) replaced by the values of each row's site (``sites``: rows of
    :data:`SITE_SCHEMA`, one per row)."""
    values = [
        (SITE_HOST, sites.column("authority").combine_chunks()),
        (_STAMP_TEXT[0], sites.column("stamp0").combine_chunks()),
        (_STAMP_TEXT[1], sites.column("stamp1").combine_chunks()),
    ]
    for name in sorted({path[0] for path in paths}):
        at = table.schema.get_field_index(name)
        column = table.column(at).combine_chunks()
        below = {path[1:] for path in paths if path[0] == name}
        filled = _fill(column, None, values, below)
        if filled is not column:
            table = table.set_column(at, table.schema.field(at), filled)
    return table
