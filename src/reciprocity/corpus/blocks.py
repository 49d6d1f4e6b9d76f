"""Rows kept as Arrow data and taken by index: the decisions (and site values) that many
URL-only rows share (:mod:`reciprocity.corpus.plans`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["Blocks"]


class Blocks:
    """Rows of one schema, appended as Python mappings and taken by their index as Arrow.

    New rows are converted once, a batch's worth at a time, into a block; blocks are merged
    like a binary counter (a block never sits beside a smaller older one for long), so there
    are few of them and each row is copied O(log n) times in all."""

    def __init__(
        self, schema: pa.Schema, convert: Callable[[list[dict[str, Any]]], pa.Table] | None = None
    ) -> None:
        self.schema = schema
        self._convert = convert
        """Rows to a block (default: Arrow's ``from_pylist``)."""
        self._names = schema.names
        self._blocks: list[pa.Table] = []
        self._starts: list[int] = []
        self._pending: list[dict[str, Any]] = []
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, row: dict[str, Any]) -> int:
        """Keep ``row`` (the schema's columns are read from it; others are ignored); its index."""
        get = row.get
        self._pending.append({name: get(name) for name in self._names})
        self._count += 1
        return self._count - 1

    def _flush(self) -> None:
        if not self._pending:
            return
        pending = self._pending
        convert = self._convert
        block = convert(pending) if convert else pa.Table.from_pylist(pending, schema=self.schema)
        self._starts.append(self._count - len(self._pending))
        self._blocks.append(block)
        self._pending = []
        blocks, starts = self._blocks, self._starts
        while len(blocks) > 1 and blocks[-2].num_rows <= 2 * blocks[-1].num_rows:
            merged = pa.concat_tables(blocks[-2:]).combine_chunks()
            del blocks[-2:]
            blocks.append(merged)
            del starts[-1]

    def take(self, ids: Sequence[int] | pa.Array) -> pa.Table:
        """The rows ``ids``, in their order."""
        self._flush()
        blocks, starts = self._blocks, self._starts
        wanted = ids if isinstance(ids, pa.Array) else pa.array(ids, pa.int64())
        if not blocks or not len(wanted):
            return self.schema.empty_table()
        if len(blocks) == 1:
            return blocks[0].take(wanted)
        # Per block the ids it holds (in Arrow, not row by row), then one reordering.
        pieces: list[pa.Table] = []
        order: list[pa.Array] = []
        everywhere = pa.array(range(len(wanted)), pa.int64())
        ends = [*starts[1:], self._count]
        for block, start, end in zip(blocks, starts, ends, strict=True):
            inside = pc.and_(pc.greater_equal(wanted, start), pc.less(wanted, end))
            local = pc.filter(wanted, inside)
            if len(local):
                pieces.append(block.take(pc.subtract(local, start)))
                order.append(pc.filter(everywhere, inside))
        joined = pa.concat_tables(pieces)
        return joined.take(pc.sort_indices(pa.concat_arrays(order)))
