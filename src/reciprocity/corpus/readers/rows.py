"""Rows to documents: :class:`ColumnNames` (where a row keeps what a :class:`Document` needs),
the mapping of one row (JSON object, Parquet/Arrow row) to a document, :class:`UrlRows` (a
batch of URL-only rows, read as documents without building one per row), and the shared count
of documents still to skip."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from reciprocity.corpus.document import Document
from reciprocity.corpus.readers.damage import _error
from reciprocity.corpus.readers.http import _header, _parse_header_block
from reciprocity.corpus.values import header_text, parse_date


@dataclass(frozen=True, slots=True)
class ColumnNames:
    """Where a JSONL/Parquet/dataset row keeps what a :class:`Document` needs.

    A name may be a dotted path into nested objects (``"metadata.url"``), used when no column
    of that exact name exists. An empty name turns a column off.
    """

    url: str = "url"
    html: tuple[str, ...] = ("html", "content", "text")
    """Candidate payload columns, first non-empty one wins: raw HTML first, then text."""
    headers: str = "headers"
    """HTTP response headers: a mapping, a list of (name, value) pairs, or a raw header block."""
    date: str = "date"
    """Capture date: ISO 8601 text, a 14-digit WARC/CDX stamp, an HTTP date, or POSIX time."""
    id: str = "id"

    def __post_init__(self) -> None:
        # A single name is an easy slip for the one plural field; a str would iterate by letter.
        html: object = self.html
        if isinstance(html, str):
            object.__setattr__(self, "html", (html,) if html else ())

    def names(self) -> tuple[str, ...]:
        """Every configured column name, empty ones left out."""
        return tuple(c for c in (self.url, *self.html, self.headers, self.date, self.id) if c)


class _Skip:
    """Documents still to skip, shared by a reader (which may skip cheaply) and the wrapper."""

    __slots__ = ("remaining",)

    def __init__(self, remaining: int) -> None:
        self.remaining = remaining


def _lookup(row: Mapping[str, Any], name: str) -> Any:
    """A column's value: the exact name first, then a dotted path into nested objects."""
    if not name:
        return None
    if name in row:
        return row[name]
    value: Any = row
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _as_headers(value: Any) -> tuple[int | None, tuple[tuple[str, str], ...]]:
    """(status, headers) from a mapping, a list of pairs, or a raw header block."""
    if value is None:
        return None, ()
    if isinstance(value, bytes):
        value = header_text(value)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("{"):
            try:
                return _as_headers(json.loads(text))
            except (ValueError, RecursionError):
                pass
        return _parse_header_block(_clean(text).encode("utf-8"))
    pairs: list[tuple[str, str]] = []
    items: list[Any]
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        return None, ()
    for item in items:
        if isinstance(item, Mapping):
            name = item.get("name", item.get("key"))
            item = (name, item.get("value"))
        if not isinstance(item, (list, tuple)) or len(item) != 2 or not item[0]:
            continue
        name, field_value = item
        values = field_value if isinstance(field_value, (list, tuple)) else [field_value]
        pairs.extend((_cell_text(name), _cell_text(v)) for v in values if v is not None)
    status = None
    code = _header(tuple(pairs), ":status")  # HTTP/2 dumps carry the status as a pseudo-header
    if code is not None and code.isdigit():
        status = int(code)
    return status, tuple(pairs)


def _cell_text(value: Any) -> str:
    return header_text(value) if isinstance(value, bytes) else _clean(str(value))


def _clean(text: str) -> str:
    """``text`` without lone surrogates (JSON may escape them; UTF-8 cannot hold them, so a
    Parquet writer down the line would fail on them)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def _row_document(
    row: Mapping[str, Any], source: str, offset: int, columns: ColumnNames
) -> Document:
    raw_url = _lookup(row, columns.url)
    url = header_text(raw_url) if isinstance(raw_url, bytes) else raw_url
    raw_id = _lookup(row, columns.id)
    record_id = None if raw_id is None or raw_id == "" else _cell_text(raw_id)
    when = parse_date(_lookup(row, columns.date))
    if not isinstance(url, str) or not url.strip():
        what = "no" if url is None or url == "" else f"a {type(url).__name__} as"
        return _error(
            source,
            offset,
            f"row {offset} has {what} URL in column {columns.url!r}",
            record_id=record_id,
            date=when,
        )
    body: bytes | None = None
    for name in columns.html:
        value = _lookup(row, name)
        if isinstance(value, str) and value:
            body = value.encode("utf-8", "surrogatepass")
            break
        if isinstance(value, bytes) and value:
            body = value
            break
    status, headers = _as_headers(_lookup(row, columns.headers))
    return Document(
        source=source,
        offset=offset,
        record_id=record_id,
        url=_clean(url.strip()),
        date=when,
        status=status,
        headers=headers,
        body=body,
        content_type=_header(headers, "content-type", last=True),
    )


class UrlRows:
    """Rows of a table that holds URLs and neither payloads nor headers (a URL-only dataset,
    as FineWeb or C4 are audited), as read: an audit decides them by site, not one by one.

    Each row reads as the :class:`Document` :func:`read_documents` would yield for it
    (:meth:`document`); :meth:`urls` and :meth:`dates` give its URL and date without building
    one, and the ``*_column`` methods give the columns of many rows as Arrow arrays, taken from
    the table itself where its cells need no repair.
    """

    __slots__ = ("_batch", "_dates", "_ids", "_urls", "_utc", "columns", "first", "source")

    def __init__(
        self, batch: pa.RecordBatch, source: str, first: int, columns: ColumnNames
    ) -> None:
        self.source = source
        self.first = first
        """Offset (row number in ``source``) of the first row."""
        self.columns = columns
        self._batch = batch
        self._urls: list[Any] = batch.column(columns.url).to_pylist()
        self._ids: list[Any] | None = None
        self._dates: list[Any] | None = None
        self._utc: pa.Array | None = None
        """The date column as UTC timestamps, when its cells are read through their integers."""

    def __len__(self) -> int:
        return len(self._urls)

    def slice(self, start: int, stop: int) -> UrlRows:
        """Rows ``start`` to ``stop`` (positions in this batch)."""
        return UrlRows(
            self._batch.slice(start, stop - start), self.source, self.first + start, self.columns
        )

    def _column(self, name: str) -> pa.Array | None:
        return self._batch.column(name) if name and name in self._batch.schema.names else None

    def urls(self) -> list[str | None]:
        """Per row, the URL as its document holds it; ``None``: the row has no usable URL
        (read it with :meth:`document`)."""
        if self._plain_urls():
            return [url or None for url in self._urls]
        found: list[str | None] = []
        for raw in self._urls:
            url: str | None = None
            if isinstance(raw, str) and raw.isascii():
                url = raw.strip() or None  # ASCII: nothing for _clean to repair
            elif isinstance(raw, (str, bytes)):
                text = header_text(raw) if isinstance(raw, bytes) else raw
                url = _clean(text.strip()) if text.strip() else None
            found.append(url)
        return found

    def _plain_urls(self) -> bool:
        """Whether every URL cell is ASCII text that neither starts nor ends with a space or a
        control character: then the cells are the URLs as they are (checked in Arrow)."""
        column = self._batch.column(self.columns.url)
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            return False
        if pc.any(pc.invert(pc.string_is_ascii(column))).as_py():
            return False
        return not pc.any(pc.match_substring_regex(column, r"^[\x00-\x20]|[\x00-\x20]$")).as_py()

    def _cells(self) -> list[Any]:
        if self._dates is None:
            column = self._column(self.columns.date)
            if column is None:
                self._dates = [None] * len(self)
            else:
                self._dates, self._utc = _date_cells(column)
        return self._dates

    def dates(self) -> list[datetime | None]:
        """Per row, the date its document holds."""
        cells = self._cells()
        if self._utc is not None:  # already aware datetimes (see _date_cells)
            return list(cells)
        known: dict[Any, datetime | None] = {}
        found: list[datetime | None] = []
        for raw in cells:
            # Keyed with the type: True and 1 are equal keys, not equal dates.
            key = (type(raw), raw)
            try:
                when = known[key]
            except KeyError:
                when = known[key] = parse_date(raw)
            except TypeError:  # an unhashable cell (a list): read it each time
                when = parse_date(raw)
            found.append(when)
        return found

    def url_column(self, rows: pa.Array, urls: list[str]) -> pa.Array:
        """The ``url`` column of ``rows`` (positions), whose URLs are ``urls`` (from
        :meth:`urls`): the table's own cells when they are those very strings."""
        raw = self._urls
        if all(raw[i] is url for i, url in zip(rows.to_pylist(), urls, strict=True)):
            column = self._batch.column(self.columns.url)
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                return column.take(rows).cast(pa.string())
        return pa.array(urls, pa.string())

    def id_column(self, rows: pa.Array) -> pa.Array:
        """The ``record_id`` column of ``rows`` (positions)."""
        column = self._column(self.columns.id)
        if column is None:
            return pa.nulls(len(rows), pa.string())
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            # Arrow text is valid UTF-8, so _cell_text keeps it as it is; "" is no id.
            taken = column.take(rows).cast(pa.string())
            return pc.if_else(pc.equal(taken, ""), pa.scalar(None, pa.string()), taken)
        if self._ids is None:
            self._ids = column.to_pylist()
        ids = self._ids
        return pa.array(
            [
                None if ids[i] is None or ids[i] == "" else _cell_text(ids[i])
                for i in rows.to_pylist()
            ],
            pa.string(),
        )

    def date_column(self, rows: pa.Array) -> pa.Array:
        """The ``date`` column of ``rows`` (positions)."""
        self._cells()
        if self._utc is not None:
            return self._utc if len(rows) == len(self) else self._utc.take(rows)
        dates = self.dates()
        return pa.array([dates[i] for i in rows.to_pylist()], pa.timestamp("us", tz="UTC"))

    def document(self, index: int) -> Document:
        """The document of row ``index`` (a position in this batch)."""
        cells = self._cells()
        if self._ids is None:
            column = self._column(self.columns.id)
            self._ids = column.to_pylist() if column is not None else [None] * len(self)
        row = {
            self.columns.url: self._urls[index],
            self.columns.id: self._ids[index],
            self.columns.date: cells[index],
        }
        return _row_document(row, self.source, self.first + index, self.columns)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_UTC_NAMES = frozenset({None, "UTC", "utc", "Etc/UTC", "+00:00", "Z"})


def _date_cells(column: pa.Array) -> tuple[list[Any], pa.Array | None]:
    """A date column's cells as Python values, and, when they are UTC (or naive) timestamps, the
    column as UTC timestamps. Those become aware datetimes through their integer form, once per
    distinct value: Arrow builds a zoned datetime per cell at several µs each. The instants are
    those ``to_pylist`` gives (a naive one read as UTC, as :func:`parse_date` reads it)."""
    kind = column.type
    if not (pa.types.is_timestamp(kind) and kind.unit != "ns" and kind.tz in _UTC_NAMES):
        return column.to_pylist(), None
    utc = column.cast(pa.timestamp("us", kind.tz)).cast(pa.int64())
    known: dict[int, datetime] = {}
    cells: list[Any] = []
    for value in utc.to_pylist():
        if value is None:
            cells.append(None)
            continue
        found = known.get(value)
        if found is None:
            try:
                found = known[value] = _EPOCH + timedelta(microseconds=value)
            except OverflowError:  # beyond year 9999: as Arrow itself reads it
                return column.to_pylist(), None
        cells.append(found)
    return cells, utc.cast(pa.timestamp("us", tz="UTC"))
