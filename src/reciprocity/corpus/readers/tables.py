"""Tables: Parquet files (row group by row group), Arrow IPC files and streams (batch by batch),
and the data files of a folder (a Hugging Face ``save_to_disk`` folder or dataset snapshot)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from reciprocity.corpus.document import Document
from reciprocity.corpus.readers.damage import _describe, _error
from reciprocity.corpus.readers.detect import _format_by_name
from reciprocity.corpus.readers.rows import ColumnNames, UrlRows, _row_document, _Skip
from reciprocity.errors import UsageError

_BATCH_ROWS = 256  # Parquet/Arrow rows turned into Python objects at a time
_URL_BATCH_ROWS = 8192  # URL rows are decided by site, a batch at a time: larger batches pay
# Files of a Hugging Face dataset folder that describe it rather than hold rows.
_DATASET_METADATA = frozenset(
    {"dataset_info.json", "dataset_infos.json", "state.json", "dataset_dict.json"}
)


def _dataset_files(root: Path) -> list[Path]:
    """The data files of a folder, in the order their rows belong."""
    splits_file = root / "dataset_dict.json"
    if splits_file.is_file():
        splits = _json_file(splits_file).get("splits")
        if isinstance(splits, list) and all(isinstance(s, str) for s in splits):
            files: list[Path] = []
            for split in splits:
                if (root / split).is_dir():
                    files.extend(_dataset_files(root / split))
            return files
    state_file = root / "state.json"
    if state_file.is_file():
        listed = _json_file(state_file).get("_data_files")
        if isinstance(listed, list):
            names = [d.get("filename") for d in listed if isinstance(d, dict)]
            found = [root / n for n in names if isinstance(n, str) and (root / n).is_file()]
            if found:
                return found
    files = []
    for file in sorted(root.rglob("*")):
        relative = file.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue  # .cache, .git, .huggingface: tool state, not rows
        if not file.is_file() or file.name in _DATASET_METADATA:
            continue
        if _format_by_name(file) is not None:
            files.append(file)
    return files


def _json_file(path: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _columns_to_read(schema: pa.Schema, columns: ColumnNames, source: str) -> list[str]:
    """The top-level columns a table must give; the URL column is required."""
    names = list(schema.names)

    def top(name: str) -> str | None:
        if name in names:
            return name
        head = name.split(".", 1)[0]
        return head if head in names else None

    if top(columns.url) is None:
        raise UsageError(
            f"{source}: no URL column {columns.url!r} (columns: {', '.join(names)}); "
            "name it with --url-column"
        )
    wanted = {t for c in columns.names() if (t := top(c)) is not None}
    return [n for n in names if n in wanted]


def url_only(schema: pa.Schema, columns: ColumnNames) -> bool:
    """Whether a table of ``schema`` holds URLs and no payload or headers, with every column
    ``columns`` names either a top-level column or absent (no dotted path into a struct): its
    rows are then read as :class:`UrlRows`."""
    names = set(schema.names)
    if columns.url not in names:
        return False
    if any(
        c and (c in names or c.split(".", 1)[0] in names) for c in (*columns.html, columns.headers)
    ):
        return False
    return all(
        not c or c in names or c.split(".", 1)[0] not in names for c in (columns.id, columns.date)
    )


def _table_schema(path: Path, kind: str) -> pa.Schema | None:
    try:
        if kind == "parquet":
            return pq.read_schema(path)
        with pa.memory_map(str(path)) as mapped:
            if mapped.read(6) == b"ARROW1":
                mapped.seek(0)
                return pa.ipc.open_file(mapped).schema
            mapped.seek(0)
            return pa.ipc.open_stream(mapped).schema
    except Exception:  # unreadable: the document reader reports it
        return None


def url_table(path: Path, kind: str, columns: ColumnNames) -> bool:
    """Whether input ``path`` (of format ``kind``) is read as URL rows: a Parquet or Arrow file,
    or a folder of them, whose every table is :func:`url_only`."""
    if kind == "dataset":
        files = _dataset_files(path)
        kinds = [_format_by_name(f) for f in files]
        return bool(files) and all(
            k in ("parquet", "arrow") and url_table(f, k, columns)
            for f, k in zip(files, kinds, strict=True)
        )
    if kind not in ("parquet", "arrow"):
        return False
    schema = _table_schema(path, kind)
    return schema is not None and url_only(schema, columns)


def _read_parquet(
    path: Path, source: str, columns: ColumnNames, skip: _Skip, *, as_rows: bool = False
) -> Iterator[Document | UrlRows]:
    try:
        table = pq.ParquetFile(path)
        groups = [table.metadata.row_group(g).num_rows for g in range(table.num_row_groups)]
    except Exception as exc:  # pyarrow signals a bad file with several exception types
        yield _error(source, 0, f"unreadable Parquet file: {_describe(exc)}")
        return
    wanted = _columns_to_read(table.schema_arrow, columns, source)
    row = 0
    with contextlib.closing(table):
        for group, count in enumerate(groups):
            end = row + count
            if skip.remaining >= count:
                skip.remaining -= count  # from the footer alone: no page is read
                row = end
                continue
            batches = table.iter_batches(
                batch_size=_URL_BATCH_ROWS if as_rows else _BATCH_ROWS,
                row_groups=[group],
                columns=wanted,
                use_threads=False,
            )
            failure: str | None = None
            while row < end:
                try:
                    batch = next(batches)
                except StopIteration:
                    failure = "row group has fewer rows than its metadata says"
                    break
                except Exception as exc:
                    failure = _describe(exc)
                    break
                yield from _batch_documents(batch, source, row, columns, skip, as_rows=as_rows)
                row += batch.num_rows
            # Every row of a damaged group still gets its row, so counts (and resuming by
            # row group) stay true to the footer.
            while failure is not None and row < end:
                if skip.remaining > 0:
                    skip.remaining -= 1
                else:
                    yield _error(
                        source, row, f"unreadable row {row} (row group {group}): {failure}"
                    )
                row += 1
            row = end


def _batch_documents(
    batch: pa.RecordBatch,
    source: str,
    first: int,
    columns: ColumnNames,
    skip: _Skip,
    *,
    as_rows: bool = False,
) -> Iterator[Document | UrlRows]:
    cut = min(skip.remaining, batch.num_rows)
    if cut:
        skip.remaining -= cut
        batch = batch.slice(cut)  # zero-copy: skipped rows never become Python objects
    if as_rows:
        if batch.num_rows:
            yield UrlRows(batch, source, first + cut, columns)
        return
    for index, item in enumerate(batch.to_pylist(), start=first + cut):
        yield _row_document(item, source, index, columns)


def _read_arrow(
    path: Path, source: str, columns: ColumnNames, skip: _Skip, *, as_rows: bool = False
) -> Iterator[Document | UrlRows]:
    """An Arrow IPC file or stream (what ``save_to_disk`` writes), batch by batch."""
    try:
        mapped = pa.memory_map(str(path))
    except Exception as exc:
        yield _error(source, 0, f"unreadable Arrow file: {_describe(exc)}")
        return
    with mapped:
        batches: Iterator[pa.RecordBatch]
        try:
            if mapped.read(6) == b"ARROW1":
                mapped.seek(0)
                file_reader = pa.ipc.open_file(mapped)
                schema = file_reader.schema
                batches = (file_reader.get_batch(i) for i in range(file_reader.num_record_batches))
            else:
                mapped.seek(0)
                stream_reader = pa.ipc.open_stream(mapped)
                schema = stream_reader.schema
                batches = iter(stream_reader)
        except Exception as exc:
            yield _error(source, 0, f"unreadable Arrow file: {_describe(exc)}")
            return
        wanted = _columns_to_read(schema, columns, source)
        row = 0
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                return
            except Exception as exc:
                yield _error(source, row, f"unreadable Arrow data from row {row}: {_describe(exc)}")
                return
            count = batch.num_rows
            if skip.remaining >= count:
                skip.remaining -= count
            else:
                yield from _batch_documents(
                    batch.select(wanted), source, row, columns, skip, as_rows=as_rows
                )
            row += count
