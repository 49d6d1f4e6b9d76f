"""An audit run: every document of the inputs decided, written to ``RUN/decisions.parquet``.

A run is resumable. Documents are decided in batches of :data:`BATCH` per input file, and each
batch is written as its own Parquet part (``RUN/parts/<input>-<batch>.parquet``, renamed into
place only once complete). A run killed at any moment and started again with the same command
skips the complete parts and redoes the rest, so it ends with exactly the rows of an
uninterrupted run: no loss, no duplicates. ``decisions.parquet`` is assembled from the parts at
the end in row groups of :data:`ROW_GROUP` rows, and the parts are then removed; ``run.json``
records inputs with checksums, the policy, versions, times and counts. The same command on a
complete run does nothing. Memory holds one batch (and, while assembling, one row group) at a
time, whatever the corpus size.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import platform
import shutil
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm import tqdm

from reciprocity._version import __version__
from reciprocity.corpus.decide import RobotsSource, decide
from reciprocity.corpus.document import Document
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.schema import SCHEMA, SCHEMA_VERSION, USE_COLUMNS
from reciprocity.errors import InputError, UsageError

__all__ = ["BATCH", "ROW_GROUP", "SCHEMA", "AuditResult", "run_audit"]

log = logging.getLogger("reciprocity.audit")

BATCH = 1000
"""Documents per Parquet part: the unit of progress that survives a kill."""

ROW_GROUP = 100_000
ROW_GROUP_BYTES = 256 << 20
"""``decisions.parquet`` is written in row groups of this many rows, or fewer when their Arrow
data would pass this many bytes (rows with much evidence): readers skip whole groups by their
statistics, and assembling holds one group at a time."""

Reader = Callable[..., Iterator[Document]]

PREPARE_DOCUMENTS = 500
PREPARE_BYTES = 64 << 20
"""At most this many documents, or bytes of their bodies, are held while a source that fetches
(``--online``) gets their hosts concurrently."""


@dataclass(frozen=True, slots=True)
class AuditResult:
    """What a run did: counts for the summary, and where its files are."""

    out: Path
    documents: int
    kept: int
    errors: int
    states: dict[str, dict[str, int]] = field(default_factory=dict)
    resumed_parts: int = 0


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]


def _identify(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Each input by path, size and modification time: what a resumed run must find unchanged.

    Cheap on purpose: a checksum of a 100 GB crawl takes a minute, which a ``--limit 1000``
    trial should not wait for. The checksums are computed beside the run (:func:`_checksums`).
    """
    found = []
    for path in paths:
        stats = [f.stat() for f in _files(path)]
        found.append(
            {
                "path": str(path),
                "bytes": sum(s.st_size for s in stats),
                "mtime_ns": max((s.st_mtime_ns for s in stats), default=0),
            }
        )
    return found


def _checksums(paths: Sequence[Path]) -> list[str]:
    """The SHA-256 of each input (of a folder: of its files' names and checksums, in order)."""
    sums = []
    for path in paths:
        if path.is_dir():
            digest = hashlib.sha256()
            for file in _files(path):
                digest.update(str(file.relative_to(path)).encode() + b"\0" + _sha256(file).encode())
            sums.append(digest.hexdigest())
        else:
            sums.append(_sha256(path))
    return sums


class _Checksums(threading.Thread):
    """The inputs' checksums, computed beside the run: hashlib lets go of the interpreter lock on
    large blocks, so deciding and hashing share the CPUs. A daemon, so that a run that fails or is
    interrupted does not wait for it."""

    def __init__(self, paths: Sequence[Path]) -> None:
        super().__init__(name="reciprocity-sha256", daemon=True)
        self.paths = list(paths)
        self.sums: list[str] = []
        self.error: OSError | None = None

    def run(self) -> None:
        try:
            self.sums = _checksums(self.paths)
        except OSError as exc:
            self.error = exc

    def result(self) -> list[str]:
        self.join()
        if self.error is not None:
            where = self.error.filename or "an input"
            raise InputError(f"cannot read {where} to checksum it: {self.error.strerror}")
        return self.sums


def _identity_of(previous: dict[str, Any], identity: dict[str, Any]) -> dict[str, Any]:
    """What a previous manifest says of the keys of ``identity`` (its checksums left out)."""
    found = {key: previous.get(key) for key in identity}
    for key in ("inputs", "snapshots"):
        entries = found[key]
        if isinstance(entries, list):
            found[key] = [
                {k: v for k, v in entry.items() if k != "sha256"}
                if isinstance(entry, dict)
                else entry
                for entry in entries
            ]
    return found


def _versions() -> dict[str, str]:
    found = {
        "reciprocity": __version__,
        "python": platform.python_version(),
        "pyarrow": pa.__version__,
    }
    with contextlib.suppress(metadata.PackageNotFoundError):
        found["fastwarc"] = metadata.version("fastwarc")
    return found


def _write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


def _write_part(path: Path, rows: list[dict[str, Any]]) -> None:
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    # Parts are read once, by _assemble: fast compression, no dictionary pages to build twice.
    _write_atomic(path, lambda tmp: pq.write_table(table, tmp, compression="lz4"))


def _complete_parts(parts: Path, index: int) -> list[tuple[Path, int]]:
    """The consecutive parts of input ``index`` a previous attempt completed, with row counts."""
    done: list[tuple[Path, int]] = []
    while (part := parts / f"{index:05d}-{len(done):06d}.parquet").exists():
        done.append((part, pq.ParquetFile(part).metadata.num_rows))
    return done


def _progress(total: int | None, enabled: bool) -> Any:
    if not enabled:
        return None
    return tqdm(total=total, unit="doc", desc="audit", dynamic_ncols=True, leave=False)


@dataclass(frozen=True, slots=True)
class _Job:
    """What every input of a run is decided with (sent to worker processes whole)."""

    parts: Path
    policy: AuditPolicy
    robots: RobotsSource | None
    reader: Reader
    batch: int


def _prepared(
    documents: Iterator[Document], prepare: Callable[[Sequence[str]], object], window: int
) -> Iterator[Document]:
    """``documents`` unchanged, in order, each window announced to ``prepare`` first.

    A window ends at ``window`` documents or :data:`PREPARE_BYTES` of bodies, whichever comes
    first, so memory stays bounded however large the documents are.
    """

    def announced(held: list[Document]) -> list[Document]:
        prepare([d.url for d in held if d.url and d.error is None])
        return held

    held: list[Document] = []
    size = 0
    for document in documents:
        held.append(document)
        size += len(document.body or b"")
        if len(held) >= window or size >= PREPARE_BYTES:
            yield from announced(held)
            held, size = [], 0
    if held:
        yield from announced(held)


def _audit_input(
    job: _Job, index: int, path: Path, budget: int | None, bar: Any = None
) -> tuple[int, int]:
    """Decide the documents of one input into its parts; (parts reused, documents covered)."""
    parts, policy, robots, reader, batch = job.parts, job.policy, job.robots, job.reader, job.batch
    done = _complete_parts(parts, index)
    already = sum(rows for _, rows in done)
    if bar is not None:
        bar.update(already)
    if done and done[-1][1] < batch:
        return len(done), already  # the last part is short: this input was read to its end
    if budget is not None:
        budget = max(0, budget - already)
    batch_number = len(done)
    rows: list[dict[str, Any]] = []
    decided = already
    clock = time.monotonic()
    prepare = getattr(robots, "prepare", None)
    documents = reader(path, start=already, limit=budget)
    if prepare is not None:
        documents = _prepared(documents, prepare, min(batch, PREPARE_DOCUMENTS))
    for document in documents:
        rows.append(decide(document, robots, policy))
        decided += 1
        if bar is not None:
            bar.update(1)
        if len(rows) == batch:
            _write_part(parts / f"{index:05d}-{batch_number:06d}.parquet", rows)
            batch_number += 1
            rows = []
            if bar is None and time.monotonic() - clock > 10:
                clock = time.monotonic()
                log.info("%s: %d documents decided", path, decided)
    if rows or batch_number == len(done) == 0:
        # Also an empty part for an empty input, which marks it as read.
        _write_part(parts / f"{index:05d}-{batch_number:06d}.parquet", rows)
    return len(done), decided


def run_audit(
    inputs: Sequence[str | Path],
    out: str | Path,
    *,
    policy: AuditPolicy,
    robots: RobotsSource | None,
    reader: Reader,
    limit: int | None = None,
    progress: bool | None = None,
    snapshots: Sequence[str | Path] = (),
    batch: int = BATCH,
    workers: int = 1,
) -> AuditResult:
    """Decide every document of ``inputs`` under ``policy``; write ``out``; resume if started.

    ``reader(path, start=N, limit=M)`` yields the documents of one input from its N-th.
    With ``workers`` > 1 the inputs are decided in that many processes, one input file per
    task (``reader`` and ``robots`` must then pickle: a module-level function or a
    ``functools.partial`` of one); a ``limit`` keeps the run in one process.
    """
    paths = [Path(p) for p in inputs]
    for path in paths:
        if not path.exists():
            raise UsageError(f"input {path} does not exist")
    run_dir = Path(out)
    parts = run_dir / "parts"
    manifest_path = run_dir / "run.json"
    snapshot_paths = [Path(s) for s in snapshots]
    # What a resumed run must share with the one it continues: rows decided from other robots
    # snapshots, or fetched live instead of not, would not belong in one table.
    identity = {
        "inputs": _identify(paths),
        "policy": policy.to_dict(),
        "limit": limit,
        "batch": batch,
        "snapshots": _identify(snapshot_paths),
        "online": getattr(robots, "online", False),
    }
    if manifest_path.exists():
        previous = json.loads(manifest_path.read_text(encoding="utf-8"))
        if _identity_of(previous, identity) != identity:
            raise UsageError(
                f"{run_dir} holds a run of other inputs, snapshots or policy; choose a new --out"
            )
        if previous.get("status") == "complete" and (run_dir / "decisions.parquet").is_file():
            return _result(run_dir, previous)  # the same run, done: nothing to redo
    parts.mkdir(parents=True, exist_ok=True)
    sums = _Checksums([*paths, *snapshot_paths])
    started = datetime.now(timezone.utc)
    manifest: dict[str, Any] = {
        "format": 2,
        "decisions_schema": SCHEMA_VERSION,
        **identity,
        "versions": _versions(),
        "started": started.isoformat(),
        "status": "running",
    }
    _write_atomic(
        manifest_path, lambda tmp: tmp.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    )

    show = sys.stderr.isatty() if progress is None else progress
    bar = _progress(limit, show)
    resumed = 0
    job = _Job(parts, policy, robots, reader, batch)
    parallel = workers > 1 and limit is None and len(paths) > 1
    if parallel:
        # One input file per task: parts are per input, so workers never share a file.
        with ProcessPoolExecutor(max_workers=workers) as pool:
            tasks = [
                pool.submit(_audit_input, job, index, path, None)
                for index, path in enumerate(paths)
            ]
            # Started once the workers are forked (the first submit forks them all): forking a
            # process that runs another thread can deadlock the child.
            sums.start()
            for task in as_completed(tasks):
                reused, decided = task.result()
                resumed += reused
                if bar is not None:
                    bar.update(decided)
    else:
        sums.start()
        total = 0
        for index, path in enumerate(paths):
            if limit is not None and total >= limit:
                break
            budget = None if limit is None else limit - total
            reused, decided = _audit_input(job, index, path, budget, bar)
            resumed += reused
            total += decided
    if bar is not None:
        bar.close()

    counts = _assemble(sorted(parts.glob("*.parquet")), run_dir / "decisions.parquet")
    states = {column: counts.pop(column) for column in USE_COLUMNS}
    finished = datetime.now(timezone.utc)
    describe = getattr(robots, "summary", None)
    if describe is not None:
        # With workers, each process fetched on its own: the parent's counts are not the run's.
        manifest["robots_source"] = {**describe(), "counted_in_this_process_only": parallel}
    entries = [*manifest["inputs"], *manifest["snapshots"]]
    if limit is not None and sums.is_alive():
        # A trial on the first documents does not wait for the checksums of a whole crawl.
        for entry in entries:
            entry["sha256"] = None
        manifest["sha256_skipped"] = "a --limit run ended before the inputs were checksummed"
    else:
        for entry, checksum in zip(entries, sums.result(), strict=True):
            entry["sha256"] = checksum
    manifest.update(
        {
            "finished": finished.isoformat(),
            "seconds": round((finished - started).total_seconds(), 3),
            "status": "complete",
            "resumed_parts": resumed,
            "counts": {
                "documents": counts["documents"],
                "kept": counts["kept"],
                "dropped": counts["documents"] - counts["kept"],
                "errors": counts["errors"],
                **{column: dict(sorted(c.items())) for column, c in states.items()},
            },
        }
    )
    _write_atomic(
        manifest_path, lambda tmp: tmp.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    )
    # The rows are all in decisions.parquet now: the parts would only hold the disk twice.
    shutil.rmtree(parts, ignore_errors=True)
    return _result(run_dir, manifest)


def _result(run_dir: Path, manifest: dict[str, Any]) -> AuditResult:
    counts = manifest["counts"]
    return AuditResult(
        run_dir,
        counts["documents"],
        counts["kept"],
        counts["errors"],
        {column: dict(counts[column]) for column in USE_COLUMNS},
        manifest.get("resumed_parts", 0),
    )


def _assemble(files: Sequence[Path], target: Path) -> dict[str, Any]:
    """Write the parts' rows into ``target`` in row groups of about :data:`ROW_GROUP` rows;
    return the run's counts (documents, kept, errors, and each use's states), computed on the
    way with Arrow, never row by row in Python."""
    counts: dict[str, Any] = {"documents": 0, "kept": 0, "errors": 0}
    states: dict[str, Counter[str]] = {column: Counter() for column in USE_COLUMNS}

    def count(table: pa.Table) -> None:
        counts["documents"] += table.num_rows
        counts["kept"] += int(pc.sum(table.column("keep")).as_py() or 0)
        counts["errors"] += table.num_rows - table.column("error").null_count
        for column, counter in states.items():
            for entry in pc.value_counts(table.column(column)).to_pylist():
                counter[entry["values"]] += entry["counts"]

    def write(tmp: Path) -> None:
        with pq.ParquetWriter(tmp, SCHEMA, compression="zstd") as writer:
            held: list[pa.Table] = []
            rows = size = 0
            for file in files:
                table = pq.read_table(file, schema=SCHEMA)
                count(table)
                held.append(table)
                rows += table.num_rows
                size += table.nbytes
                if rows >= ROW_GROUP or size >= ROW_GROUP_BYTES:
                    writer.write_table(pa.concat_tables(held), row_group_size=rows)
                    held, rows, size = [], 0, 0
            if held or not files:
                writer.write_table(
                    pa.concat_tables(held) if held else SCHEMA.empty_table(),
                    row_group_size=max(rows, 1),
                )

    _write_atomic(target, write)
    counts.update(states)
    return counts
