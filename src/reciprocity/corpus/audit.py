"""An audit run: every document of the inputs decided, written to ``RUN/decisions.parquet``.

A run is resumable. Documents are decided in batches of :data:`BATCH` per input file, and each
batch is written as its own part (``RUN/parts/<input>-<batch>.arrow``, an Arrow IPC file,
renamed into place only once complete). A run killed at any moment and started again with the
same command skips the complete parts and redoes the rest, so it ends with exactly the rows of
an uninterrupted run: no loss, no duplicates. ``decisions.parquet`` is assembled from the parts in
row groups of :data:`ROW_GROUP` rows, by a thread while the inputs are decided (a fresh run; else
at the end: :class:`_Stream`), and the parts are then removed; ``run.json`` records inputs with
checksums, the policy, versions, times and counts. The same command on a complete run does
nothing. Memory holds one batch (and, while assembling, one row group and a few parts) at a
time, whatever the corpus size.

Site files among the inputs' own records (a crawl's ``/ai.txt`` …) are noticed while the inputs
are read, and kept beside each part (``RUN/parts/<input>-<batch>.sites.json``). When there are
none, that is all. When there are, the parts whose documents they may change (those of the
hosts they belong to; every part, for an RSL document) are decided again, with those files, in a
second reading; each part records which input files it was decided with, so a resumed run redoes
only what is left.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import json
import logging
import os
import platform
import queue
import shutil
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Final, cast

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm import tqdm

from reciprocity._files import sha256_of
from reciprocity._version import __version__
from reciprocity.corpus.cuts import cuts
from reciprocity.corpus.decide import SiteSource, decide
from reciprocity.corpus.document import Document
from reciprocity.corpus.plans import UrlRowDecider
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import CorpusReader, Position, UrlRows, detect_format
from reciprocity.corpus.schema import SCHEMA, SCHEMA_VERSION, USE_COLUMNS
from reciprocity.errors import InputError, UsageError
from reciprocity.sources.inputs import (
    InputFile,
    digest,
    input_snapshots,
    read_input_files,
    site_file_record,
    write_input_files,
)
from reciprocity.sources.site import SiteSays
from reciprocity.sources.site_files import KINDS, rsl_links
from reciprocity.sources.snapshots import SiteSnapshots, origin_of

__all__ = [
    "BATCH",
    "ROW_GROUP",
    "SCHEMA",
    "SHARD_BYTES",
    "SHARD_PARTS",
    "AuditResult",
    "Engine",
    "Shard",
    "run_audit",
]

log = logging.getLogger("reciprocity.audit")

BATCH = 1000
"""Documents per Parquet part: the unit of progress that survives a kill."""

ROW_GROUP = 100_000
ROW_GROUP_BYTES = 256 << 20
"""``decisions.parquet`` is written in row groups of this many rows, or fewer when their Arrow
data would pass this many bytes (rows with much evidence): readers skip whole groups by their
statistics, and assembling holds one group at a time."""

Reader = Callable[..., Iterator[Document]]

URL_PART_BATCHES = 20
"""A URL-only input's parts hold this many batches' rows (20,000 by default)."""

SHARD_PARTS = 25
"""A Parquet input of more parts than this is shared out, by an engine (``--engine ray``), in
shards of this many parts: 25,000 documents, or 500,000 URL-only rows."""

SHARD_BYTES = 256 << 20
"""A plain or per-record gzip WARC, ARC or JSON Lines input larger than this is read once by
the driver, before deciding, to find where shards of :data:`SHARD_PARTS` parts start in it
(:mod:`.cuts`)."""

PREPARE_DOCUMENTS = 500
PREPARE_BYTES = 64 << 20
"""At most this many documents, or bytes of their bodies, are held while a source that fetches
(``--online``) gets their hosts concurrently."""

_META = b"reciprocity.site_files"
"""Key of a part's Parquet metadata: which source served which kind of site file to its
documents (counts), and the input site files it was decided with (their digest)."""
_SITE_FILES = ".sites.json"


@dataclass(frozen=True, slots=True)
class AuditResult:
    """What a run did: counts for the summary, and where its files are."""

    out: Path
    documents: int
    kept: int
    errors: int
    states: dict[str, dict[str, int]] = field(default_factory=dict)
    resumed_parts: int = 0


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
                digest.update(
                    str(file.relative_to(path)).encode() + b"\0" + sha256_of(file).encode()
                )
            sums.append(digest.hexdigest())
        else:
            sums.append(sha256_of(path))
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
    for key in ("inputs", "snapshots", "site_files"):
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


def _temporary(path: Path) -> Path:
    """Where ``path`` is written before it is renamed into place."""
    return path.with_name(f".{path.name}.tmp")


def _write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    tmp = _temporary(path)
    write(tmp)
    os.replace(tmp, path)


PART: Final = ".arrow"
"""The suffix of a part: ``RUN/parts/<input>-<batch>.arrow``."""
_PART_OPTIONS: Final = pa.ipc.IpcWriteOptions(compression="lz4")


def _part_table(rows: list[dict[str, Any]] | pa.Table, meta: dict[str, Any] | None) -> pa.Table:
    """A part's rows as the part holds them: with ``meta`` (and the row count) in the schema."""
    table = rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(rows, schema=SCHEMA)
    found = {**(meta or {}), "rows": table.num_rows}
    return table.replace_schema_metadata(
        {**(table.schema.metadata or {}), _META: json.dumps(found)}
    )


def _store_part(path: Path, table: pa.Table) -> None:
    def write(tmp: Path) -> None:
        # Parts are read once, by _assemble, which writes the Parquet file: Arrow's own format
        # (lz4) costs a tenth of Parquet's encoding here.
        with pa.ipc.new_file(tmp, table.schema, options=_PART_OPTIONS) as writer:
            writer.write_table(table)

    _write_atomic(path, write)


def _write_part(
    path: Path, rows: list[dict[str, Any]] | pa.Table, meta: dict[str, Any] | None = None
) -> None:
    _store_part(path, _part_table(rows, meta))


def _read_part(path: Path, columns: Sequence[str] | None = None) -> pa.Table:
    """A part's rows, of ``columns`` only when given (the others are not even inflated)."""
    fields = None if columns is None else [SCHEMA.get_field_index(name) for name in columns]
    with pa.OSFile(str(path)) as source:
        return pa.ipc.open_file(
            source, options=pa.ipc.IpcReadOptions(included_fields=fields)
        ).read_all()


def _part_meta(path: Path) -> dict[str, Any]:
    with pa.OSFile(str(path)) as source:
        found = pa.ipc.open_file(source).schema.metadata or {}
    raw = found.get(_META)
    meta: dict[str, Any] = json.loads(raw) if raw else {}
    return meta


def _complete_parts(parts: Path, index: int, first: int = 0) -> list[tuple[Path, int]]:
    """The consecutive parts of input ``index`` from its ``first`` that a previous attempt
    completed, with row counts."""
    done: list[tuple[Path, int]] = []
    while (part := parts / f"{index:05d}-{first + len(done):06d}{PART}").exists():
        done.append((part, int(_part_meta(part)["rows"])))
    return done


def _progress(total: int | None, enabled: bool) -> Any:
    if not enabled:
        return None
    return tqdm(total=total, unit="doc", desc="audit", dynamic_ncols=True, leave=False)


_DECIDER: list[tuple[SiteSource | None, AuditPolicy, UrlRowDecider]] = []


def _url_decider(robots: SiteSource | None, policy: AuditPolicy) -> UrlRowDecider:
    """The process's decider of URL rows for these sources and policy: kept from one input
    file (or shard) to the next, since a dataset's files hold rows of the same sites (each file
    of a FineWeb-style dataset, of most of them), whose plans are then made once per process."""
    if _DECIDER:
        held, rules, decider = _DECIDER[0]
        if held is robots and rules == policy:
            return decider
    decider = UrlRowDecider(robots, policy)
    _DECIDER[:] = [(robots, policy, decider)]
    return decider


@dataclass(frozen=True, slots=True)
class _Job:
    """What every input of a run is decided with (sent to worker processes whole: snapshots
    travel as the path of their on-disk index, which each worker opens on first use)."""

    parts: Path
    policy: AuditPolicy
    robots: SiteSource | None
    reader: Reader
    batch: int
    inputs: str = ""
    """The digest of the input site files ``robots`` holds ("" on the first reading)."""

    def meta(self) -> dict[str, Any]:
        """What a part records: the sources that served its documents, and ``inputs``."""
        take = getattr(self.robots, "take_counts", None)
        return {"served": take() if take is not None else {}, "inputs": self.inputs}

    def by_site(self, path: Path) -> bool:
        """Whether ``path`` is read as URL rows and decided by site (:mod:`.plans`)."""
        url_input = getattr(self.reader, "url_input", None)
        return url_input is not None and bool(url_input(path))

    def tables(self, path: Path, start: int, limit: int | None) -> Iterator[pa.Table]:
        """The decision rows of a URL-only input, a batch at a time (see :meth:`by_site`)."""
        decider = _url_decider(self.robots, self.policy)
        for item in self.reader.rows(path, start=start, limit=limit):  # type: ignore[attr-defined]
            if isinstance(item, UrlRows):
                yield decider.decide(item)
            else:  # an unreadable row group's rows
                yield pa.Table.from_pylist([decide(item, self.robots, self.policy)], schema=SCHEMA)

    def documents(
        self, path: Path, start: int, limit: int | None, at: Position | None = None
    ) -> Iterator[Document]:
        # Only a shard that starts inside its file passes ``at``: a reader of the caller's own
        # need not know it (shards of such a reader's files are whole).
        where = {} if at is None else {"at": at}
        documents = self.reader(path, start=start, limit=limit, **where)
        prepare = getattr(self.robots, "prepare", None)
        if prepare is not None:
            window = min(self.batch, PREPARE_DOCUMENTS)
            documents = _prepared(documents, prepare, window, self.policy.crawler)
        return documents


@dataclass(frozen=True, slots=True)
class Shard:
    """A unit of an engine's work: documents of input number ``index`` (at ``path``) from its
    part ``first_part`` on, ``count`` of them at most (``None``: to the end of the input).
    Shards start at part boundaries, so that they write the parts one process would, and a
    shard resumes from its own complete parts. ``at``: where a WARC, ARC or JSON Lines shard
    starts reading (the first document of its first part; ``None``: it counts from the file's
    start)."""

    index: int
    path: str
    first_part: int = 0
    count: int | None = None
    at: Position | None = None


Engine = Callable[[_Job, list[Shard]], Iterable[tuple[int, int]]]
"""Decides shards (:func:`audit_shard` on each, anywhere), giving (parts reused, documents
covered) per shard as each ends: ``reciprocity.corpus.ray_engine``."""


def _parquet_rows(job: _Job, path: Path) -> int | None:
    """Documents of a Parquet file read by the audit's reader (one per row, an unreadable row
    group's included), from its footer; ``None`` for other inputs."""
    if not isinstance(job.reader, CorpusReader) or not path.is_file():
        return None
    try:
        if detect_format(path) != "parquet":
            return None
        rows: int = pq.ParquetFile(path).metadata.num_rows
    except Exception:  # an unreadable file: one shard, whose reader reports it
        return None
    return rows


def shards(
    job: _Job,
    paths: Sequence[Path],
    parts_per_shard: int = SHARD_PARTS,
    cut_bytes: int = SHARD_BYTES,
    spread: int | None = None,
) -> list[Shard]:
    """The work of a run in shards: an input file each, a large Parquet file in ranges of its
    rows, a WARC, ARC or JSON Lines file of more than ``cut_bytes`` at records (:mod:`.cuts`).

    Cutting such a file costs the driver a reading of it, before any shard starts: with
    ``spread`` (the shards an engine runs at once), files are cut, the largest first, only while
    the run has fewer shards than that. A crawl of many files is not read twice for nothing.
    """
    by_input: list[list[Shard]] = []
    for index, path in enumerate(paths):
        rows = _parquet_rows(job, path)
        size = part_size(job, path)
        step = size * max(parts_per_shard, 1)
        if rows is None or rows <= step:
            by_input.append([Shard(index, str(path))])
            continue
        by_input.append(
            [
                Shard(index, str(path), first // size, None if first + step >= rows else step)
                for first in range(0, rows, step)
            ]
        )
    cuttable = [
        index
        for index, path in enumerate(paths)
        if len(by_input[index]) == 1 and _cuttable(job, path, cut_bytes)
    ]
    cuttable.sort(key=lambda index: -paths[index].stat().st_size)
    count = sum(map(len, by_input))
    for index in cuttable:
        if spread is not None and count >= spread:
            break
        path = paths[index]
        size = part_size(job, path)
        columns = cast(CorpusReader, job.reader).columns  # _cuttable: the audit's own reader
        starts = cuts(path, size * max(parts_per_shard, 1), columns)
        found = [Shard(index, str(path), 0, starts[0].document if starts else None)]
        for number, cut in enumerate(starts):
            end = starts[number + 1].document if number + 1 < len(starts) else None
            remaining = None if end is None else end - cut.document
            found.append(Shard(index, str(path), cut.document // size, remaining, cut.at))
        by_input[index] = found
        count += len(found) - 1
    return [shard for shards_of_input in by_input for shard in shards_of_input]


def _cuttable(job: _Job, path: Path, cut_bytes: int) -> bool:
    """Whether ``path`` is a file worth scanning for cuts (:mod:`.cuts` says where, if any)."""
    # A reader of the caller's own may count documents otherwise than the one cuts reads with.
    if type(job.reader) is not CorpusReader or not path.is_file():
        return False
    return path.stat().st_size > cut_bytes


def audit_shard(job: _Job, shard: Shard) -> tuple[int, int]:
    """Decide ``shard`` into its parts: (parts reused, documents covered)."""
    path = Path(shard.path)
    return _audit_input(
        job, shard.index, path, shard.count, first_part=shard.first_part, at=shard.at
    )


def _prepared(
    documents: Iterator[Document], prepare: Callable[..., object], window: int, agent: str
) -> Iterator[Document]:
    """``documents`` unchanged, in order, each window announced to ``prepare`` first (their
    URLs and the RSL licences their ``Link`` headers name, for crawler ``agent``).

    A window ends at ``window`` documents or :data:`PREPARE_BYTES` of bodies, whichever comes
    first, so memory stays bounded however large the documents are.
    """

    def announced(held: list[Document]) -> list[Document]:
        asks = [(d.url, rsl_links(d.headers, d.url)) for d in held if d.url and d.error is None]
        prepare(asks, agent=agent)
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


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's cycle collector, run less often while deciding.

    An audit holds many long-lived objects (parsed site files, plans, remembered evidence) and
    makes few cycles; with the default thresholds the collector walks that heap again and again,
    a quarter of the time of a URL-only audit. Objects alive on entry are frozen out of its
    walks; the thresholds are restored on exit."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _audit_input(
    job: _Job,
    index: int,
    path: Path,
    budget: int | None,
    bar: Any = None,
    *,
    first_part: int = 0,
    at: Position | None = None,
    store: Callable[[Path, pa.Table], None] | None = None,
) -> tuple[int, int]:
    """Decide the documents of one input into its parts, from part ``first_part`` on and at
    most ``budget`` of them (a shard: :func:`shards`, which starts reading ``at`` its first
    part's first document when given); (parts reused, documents covered). ``store`` writes
    each part (default: at once, in this thread; :class:`_Stream`'s, beside the deciding)."""
    with _fewer_collections():
        return _decide_input(
            job, index, path, budget, bar, first_part=first_part, at=at, store=store
        )


def part_size(job: _Job, path: Path) -> int:
    """Documents per part of input ``path``."""
    # A URL-only input's rows are cheap: its parts (the unit a kill loses) hold more of them.
    return job.batch * URL_PART_BATCHES if job.by_site(path) else job.batch


def _decide_input(
    job: _Job,
    index: int,
    path: Path,
    budget: int | None,
    bar: Any = None,
    *,
    first_part: int = 0,
    at: Position | None = None,
    store: Callable[[Path, pa.Table], None] | None = None,
) -> tuple[int, int]:
    parts, policy, robots = job.parts, job.policy, job.robots
    by_site = job.by_site(path)
    batch = part_size(job, path)
    done = _complete_parts(parts, index, first_part)
    already = sum(rows for _, rows in done)
    if bar is not None:
        bar.update(already)
    if done and done[-1][1] < batch:
        return len(done), already  # the last part is short: this input was read to its end
    if budget is not None:
        budget = max(0, budget - already)
    batch_number = first_part + len(done)
    # Counted from where the reading starts: the file's start, or the shard's first document.
    start = (first_part * batch if at is None else 0) + already
    rows: list[dict[str, Any]] = []
    found: list[InputFile] = []
    decided = already
    clock = time.monotonic()
    job.meta()  # counts left over from another input of this process are not this one's

    def write(table: pa.Table | None = None) -> None:
        name = f"{index:05d}-{batch_number:06d}"
        if found:
            # Before the part: a part that exists has the site files of its records beside it.
            write_input_files(parts / f"{name}{_SITE_FILES}", found)
        table = _part_table(rows if table is None else table, job.meta())
        (store or _store_part)(parts / f"{name}{PART}", table)

    if by_site:
        held: list[pa.Table] = []
        size = 0
        for table in job.tables(path, start, budget):
            while table.num_rows:
                piece = table.slice(0, batch - size)
                table = table.slice(piece.num_rows)
                held.append(piece)
                size += piece.num_rows
                decided += piece.num_rows
                if bar is not None:
                    bar.update(piece.num_rows)
                if size == batch:
                    write(pa.concat_tables(held))
                    batch_number += 1
                    held, size = [], 0
                    if bar is None and time.monotonic() - clock > 10:
                        clock = time.monotonic()
                        log.info("%s: %d documents decided", path, decided)
        if held or batch_number == len(done) == 0:
            write(pa.concat_tables(held) if held else SCHEMA.empty_table())
        return len(done), decided

    for document in job.documents(path, start, budget, at):
        rows.append(decide(document, robots, policy))
        site_file = site_file_record(document)
        if site_file is not None:
            found.append(site_file)
        decided += 1
        if bar is not None:
            bar.update(1)
        if len(rows) == batch:
            write()
            batch_number += 1
            rows, found = [], []
            if bar is None and time.monotonic() - clock > 10:
                clock = time.monotonic()
                log.info("%s: %d documents decided", path, decided)
    if rows or batch_number == len(done) == 0:
        # Also an empty part for an empty input, which marks it as read.
        write()
    return len(done), decided


def _origins(part: Path) -> set[str | None]:
    urls = _read_part(part, ["url"]).column("url").to_pylist()
    return {origin_of(url) for url in dict.fromkeys(urls) if url}


def _recheck_input(job: _Job, index: int, path: Path, hosts: frozenset[str] | None) -> int:
    """Decide again, with the input site files ``job.robots`` holds, the parts of input
    ``index`` whose documents they may change: those holding documents of ``hosts`` (origins;
    ``None``: every part). Returns the number of parts redone."""
    done = _complete_parts(job.parts, index)
    todo = {
        number
        for number, (part, _) in enumerate(done)
        if _part_meta(part).get("inputs") != job.inputs
        and (hosts is None or not hosts.isdisjoint(_origins(part)))
    }
    if not todo:
        return 0
    first, last = min(todo), max(todo)
    start = sum(rows for _, rows in done[:first])
    count = sum(rows for _, rows in done[first : last + 1])
    documents = job.documents(path, start, count)
    for number in range(first, last + 1):
        part, expected = done[number]
        job.meta()  # counts of the documents before this part are not its own
        if number not in todo:
            read = sum(1 for _ in itertools.islice(documents, expected))
            rows: list[dict[str, Any]] = []
        else:
            rows = [
                decide(d, job.robots, job.policy) for d in itertools.islice(documents, expected)
            ]
            read = len(rows)
        if read != expected:
            raise InputError(
                f"{read} documents where its first reading found {expected}", path=path
            )
        if number in todo:
            _write_part(part, rows, job.meta())
    return len(todo)


def _input_files(parts: Path) -> list[InputFile]:
    """The site files found among the records of complete parts."""
    kept = sorted(parts.glob(f"*{_SITE_FILES}"))
    return read_input_files(
        p for p in kept if p.with_name(p.name[: -len(_SITE_FILES)] + PART).exists()
    )


def _with_inputs(robots: SiteSource | None, files: list[InputFile]) -> SiteSource | None:
    """``robots`` with the input site files as the source after its snapshots; ``None`` for a
    source of the caller's own, which cannot take them."""
    inputs = input_snapshots(files)
    if isinstance(robots, SiteSays):
        return robots.with_inputs(inputs)
    if robots is None or isinstance(robots, SiteSnapshots):
        return SiteSays(robots, inputs=inputs)
    return None


def _second_reading(
    job: _Job, paths: Sequence[Path], found: list[InputFile], pool: ProcessPoolExecutor | None
) -> tuple[SiteSource | None, int]:
    """Decide again the parts whose documents the site files found in the inputs may change;
    (the source that holds them, the number of parts redone)."""
    source = _with_inputs(job.robots, found)
    if source is None:
        log.warning("site files in the inputs not used: the site source cannot take them")
        return job.robots, 0
    rsl = any(f.kind == "rsl" for f in found)
    # An RSL document can be named by any host's robots.txt or page: every part is read again.
    hosts = None if rsl else frozenset(o for o in (f.origin for f in found) if o is not None)
    again = replace(job, robots=source, inputs=digest(found))
    log.info("%d site files in the inputs: deciding their hosts' documents again", len(found))
    if pool is not None:
        tasks = [
            pool.submit(_recheck_input, again, index, path, hosts)
            for index, path in enumerate(paths)
        ]
        return source, sum(task.result() for task in tasks)
    return source, sum(
        _recheck_input(again, index, path, hosts) for index, path in enumerate(paths)
    )


def _site_sources(parts: Sequence[Path], found: list[InputFile], redone: int) -> dict[str, Any]:
    """``run.json``'s ``site_sources``: the documents each source served each kind of site file
    to (summed over the parts, whichever process decided them), and what the inputs held."""
    served: dict[str, Counter[str]] = {}
    for part in parts:
        for kind, by_source in _part_meta(part).get("served", {}).items():
            served.setdefault(kind, Counter()).update(by_source)
    by_kind: Counter[str] = Counter(f.kind for f in found)
    return {
        "served": {k: dict(sorted(served[k].items())) for k in KINDS if k in served},
        "input_records": {
            "records": len(found),
            "kinds": {k: by_kind[k] for k in KINDS if k in by_kind},
            "hosts": len({f.origin for f in found}),
            "parts_decided_again": redone,
        },
    }


def run_audit(
    inputs: Sequence[str | Path],
    out: str | Path,
    *,
    policy: AuditPolicy,
    robots: SiteSource | None,
    reader: Reader,
    limit: int | None = None,
    progress: bool | None = None,
    snapshots: Sequence[str | Path] = (),
    site_files: Sequence[str | Path] = (),
    batch: int = BATCH,
    workers: int = 1,
    engine: Engine | None = None,
    shard_parts: int = SHARD_PARTS,
    shard_bytes: int = SHARD_BYTES,
) -> AuditResult:
    """Decide every document of ``inputs`` under ``policy``; write ``out``; resume if started.

    ``robots`` says what each document's site says (robots.txt and the files beside it);
    ``snapshots`` and ``site_files`` are the paths it was loaded from, recorded (with
    checksums) in ``run.json``. ``reader(path, start=N, limit=M)`` yields the documents of one
    input from its N-th. With ``workers`` > 1 the inputs are decided in that many processes,
    one input file per task (``reader`` and ``robots`` must then pickle: a module-level
    function or a ``functools.partial`` of one); a ``limit`` keeps the run in one process.
    ``engine`` decides the inputs instead, in shards of at most ``shard_parts`` parts
    (:func:`shards`; WARC, ARC and JSON Lines files of more than ``shard_bytes`` are cut at
    records), wherever it runs them (the run folder must be on a disk they all see);
    what the inputs' own site files change is then decided again in this process.
    """
    paths = [Path(p) for p in inputs]
    for path in paths:
        if not path.exists():
            raise UsageError(f"input {path} does not exist")
    run_dir = Path(out)
    parts = run_dir / "parts"
    manifest_path = run_dir / "run.json"
    snapshot_paths = [Path(s) for s in snapshots]
    site_file_paths = [Path(s) for s in site_files]
    # What a resumed run must share with the one it continues: rows decided from other robots
    # snapshots or site files, or fetched live instead of not, would not belong in one table.
    identity = {
        "inputs": _identify(paths),
        "policy": policy.to_dict(),
        "limit": limit,
        "batch": batch,
        "snapshots": _identify(snapshot_paths),
        "site_files": _identify(site_file_paths),
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
    sums = _Checksums([*paths, *snapshot_paths, *site_file_paths])
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
    distributed = engine is not None and limit is None
    # An engine shows its own progress (Ray Data: on the terminal and in its dashboard).
    bar = _progress(limit, show and not distributed)
    resumed = 0
    job = _Job(parts, policy, robots, reader, batch)
    parallel = distributed or (workers > 1 and limit is None and len(paths) > 1)
    # One pool for both readings: forking once the checksum thread runs could deadlock a child.
    pool = ProcessPoolExecutor(max_workers=workers) if parallel and not distributed else None
    # A fresh run's parts are assembled as they come; a resumed one has parts of its own,
    # assembled at the end.
    fresh = not any(parts.glob(f"*{PART}"))
    stream: _Stream | None = None
    try:
        if engine is not None and distributed:
            sums.start()
            # An engine that tells how many shards it runs at once has large files cut only
            # as far as that many shards (RayEngine.width).
            width = getattr(engine, "width", None)
            spread = width() if callable(width) else None
            work = shards(job, paths, shard_parts, shard_bytes, spread)
            for reused, _ in engine(job, work):
                resumed += reused
        elif pool is not None:
            # One input file per task: parts are per input, so workers never share a file.
            tasks = {
                pool.submit(_audit_input, job, index, path, None): index
                for index, path in enumerate(paths)
            }
            # Started once the workers are forked (the first submit forks them all): forking a
            # process that runs another thread can deadlock the child.
            sums.start()
            if fresh:
                stream = _Stream(run_dir / "decisions.parquet")
            ended: set[int] = set()
            ready = 0  # the inputs before it have ended, and their parts are assembled
            for task in as_completed(tasks):
                reused, decided = task.result()
                resumed += reused
                if bar is not None:
                    bar.update(decided)
                ended.add(tasks[task])
                while ready in ended:  # inputs end in any order: parts go in name order
                    if stream is not None:
                        for part in sorted(parts.glob(f"{ready:05d}-*{PART}")):
                            stream.take(part)
                    ready += 1
        else:
            sums.start()
            # This process writes the parts in the order of their names: handed over as made.
            if fresh:
                stream = _Stream(run_dir / "decisions.parquet")
            store = stream.store if stream is not None else None
            total = 0
            for index, path in enumerate(paths):
                if limit is not None and total >= limit:
                    break
                budget = None if limit is None else limit - total
                reused, decided = _audit_input(job, index, path, budget, bar, store=store)
                resumed += reused
                total += decided
        if stream is not None:
            stream.wait()  # every part on disk, for what follows to find
        if bar is not None:
            bar.close()
        found = _input_files(parts)
        source, redone = robots, 0
        if found:
            if stream is not None:
                stream.drop()  # parts are decided again: assembled at the end
                stream = None
            source, redone = _second_reading(job, paths, found, pool)
    except BaseException:
        if stream is not None:
            stream.drop()
        raise
    finally:
        if pool is not None:
            pool.shutdown()

    files = sorted(parts.glob(f"*{PART}"))
    try:
        counts = _assemble(files, run_dir / "decisions.parquet", stream)
    finally:
        if stream is not None:
            stream.drop()  # (nothing to do once it has put the file in place)
    states = {column: counts.pop(column) for column in USE_COLUMNS}
    finished = datetime.now(timezone.utc)
    sources = _site_sources(files, found, redone)
    describe = getattr(source, "summary", None)
    if describe is not None:
        # With workers, each process fetched on its own: the parent's counts are not the run's.
        sources.update(describe(), counted_in_this_process_only=parallel)
    manifest["site_sources"] = sources
    entries = [*manifest["inputs"], *manifest["snapshots"], *manifest["site_files"]]
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
    _remove_parts(parts)
    return _result(run_dir, manifest)


def _remove_parts(parts: Path) -> None:
    # The rows are all in decisions.parquet now: the parts would only hold the disk twice.
    shutil.rmtree(parts, ignore_errors=True)


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


_STATISTICS: Final = [f.name for f in SCHEMA if not pa.types.is_nested(f.type)]
"""Columns whose row groups carry min/max statistics (what readers skip row groups by: a host,
a state). Those of the nested columns (evidence …) cost a third of the file's writing and serve
no query."""


class _Groups:
    """Rows gathered into the row groups of ``decisions.parquet`` (about :data:`ROW_GROUP` rows
    each) and counted on the way, with Arrow, never row by row in Python: the run's documents,
    kept, errors, and each use's states."""

    def __init__(self, writer: pq.ParquetWriter) -> None:
        self._writer = writer
        self._held: list[pa.Table] = []
        self._rows = self._size = 0
        self.counts: dict[str, Any] = {"documents": 0, "kept": 0, "errors": 0}
        self.states: dict[str, Counter[str]] = {column: Counter() for column in USE_COLUMNS}

    def add(self, table: pa.Table) -> None:
        """A part's rows, in the order of the parts' names."""
        table = table.replace_schema_metadata(SCHEMA.metadata)
        counts = self.counts
        counts["documents"] += table.num_rows
        counts["kept"] += int(pc.sum(table.column("keep")).as_py() or 0)
        counts["errors"] += table.num_rows - table.column("error").null_count
        for column, counter in self.states.items():
            for entry in pc.value_counts(table.column(column)).to_pylist():
                counter[entry["values"]] += entry["counts"]
        self._held.append(table)
        self._rows += table.num_rows
        self._size += table.nbytes
        if self._rows >= ROW_GROUP or self._size >= ROW_GROUP_BYTES:
            self._write()

    def close(self) -> dict[str, Any]:
        """The last row group written (an empty one for a run without rows); the counts."""
        if self._held or not self.counts["documents"]:
            self._write()
        return {**self.counts, **self.states}

    def _write(self) -> None:
        table = pa.concat_tables(self._held) if self._held else SCHEMA.empty_table()
        self._writer.write_table(table, row_group_size=max(self._rows, 1))
        self._held, self._rows, self._size = [], 0, 0


def _parquet_writer(path: Path) -> pq.ParquetWriter:
    return pq.ParquetWriter(path, SCHEMA, compression="zstd", write_statistics=_STATISTICS)


def _assemble(files: Sequence[Path], target: Path, stream: _Stream | None = None) -> dict[str, Any]:
    """Write the parts' rows into ``target`` in row groups (:class:`_Groups`); return the run's
    counts. ``stream``: the assembly that ran beside the deciding, used when it holds exactly
    ``files``."""
    if stream is not None:
        counts = stream.finish(files)
        if counts is not None:
            return counts
    found: dict[str, Any] = {}

    def write(tmp: Path) -> None:
        with _parquet_writer(tmp) as writer:
            groups = _Groups(writer)
            for file in files:
                groups.add(_read_part(file))
            found.update(groups.close())

    _write_atomic(target, write)
    return found


_QUEUED_PARTS: Final = 4
"""Parts waiting for the assembly thread at most: the deciding waits beyond (memory bound)."""


class _Stream:
    """``decisions.parquet`` assembled while the inputs are decided, its parts handed over in
    the order of their names: as tables that a thread writes to disk and adds to the row groups
    (one process deciding the inputs in order), or once written (by a pool's workers, as each
    input ends). Arrow and Parquet do that work without Python's lock, so it runs beside the
    deciding instead of after it (on a URL-only audit, the Parquet encoding is a fifth of the
    run). The parts are on disk as before (a killed run resumes from them); the file is used
    only if the run ends with exactly the parts handed over, else they are assembled again at
    the end (:func:`_assemble`)."""

    def __init__(self, target: Path) -> None:
        self._target = target
        self._tmp = _temporary(target)
        self._queue: queue.Queue[tuple[Path, pa.Table | None] | None] = queue.Queue(_QUEUED_PARTS)
        self._stored: list[Path] = []
        self._counts: dict[str, Any] | None = None
        self._error: BaseException | None = None
        self._dropped = False
        self._thread = threading.Thread(target=self._run, name="reciprocity-assembly", daemon=True)
        self._thread.start()

    def store(self, path: Path, table: pa.Table) -> None:
        """Write part ``path`` (soon, on the thread) and add its rows; raises what stopped the
        thread on an earlier part."""
        self._hand(path, table)

    def take(self, path: Path) -> None:
        """Add the rows of part ``path``, written already (by a worker process)."""
        self._hand(path, None)

    def _hand(self, path: Path, table: pa.Table | None) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put((path, table))

    def wait(self) -> None:
        """Return once every part handed over is on disk; raises what stopped the thread."""
        self._queue.join()
        if self._error is not None:
            raise self._error

    def finish(self, files: Sequence[Path]) -> dict[str, Any] | None:
        """Write the last row group and put the file in place: the counts, or ``None`` (nothing
        put in place) when the parts handed over are not exactly ``files``."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error
        if self._counts is None or self._stored != list(files):
            self.drop()
            return None
        os.replace(self._tmp, self._target)
        return self._counts

    def drop(self) -> None:
        """Stop assembling and leave no file behind, once the parts handed over are written
        (also after :meth:`finish`: then nothing to do)."""
        if self._thread.is_alive():
            self._dropped = True
            self._queue.put(None)
            self._thread.join()
        self._tmp.unlink(missing_ok=True)

    def _run(self) -> None:
        # The queue is read to its end whatever fails, so that the deciding never waits on it.
        writer: pq.ParquetWriter | None = None
        try:
            writer = _parquet_writer(self._tmp)
            groups = _Groups(writer)
        except BaseException as exc:
            self._error = exc
        while (item := self._queue.get()) is not None:
            try:
                path, table = item
                if table is not None and self._error is None:
                    # Written even once dropped: the part is done work a resumed run starts from.
                    _store_part(path, table)
                if self._error is None and not self._dropped:
                    self._stored.append(path)
                    groups.add(_read_part(path) if table is None else table)
            except BaseException as exc:  # told to the deciding thread, which stops
                self._error = exc
            finally:
                self._queue.task_done()
        self._queue.task_done()
        try:
            if self._error is None and not self._dropped:
                self._counts = groups.close()
        except BaseException as exc:
            self._error = exc
        finally:
            if writer is not None:
                try:
                    writer.close()
                except BaseException as exc:
                    self._error = self._error or exc
