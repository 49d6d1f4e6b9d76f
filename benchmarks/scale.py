"""The audit's engines side by side: documents per second with 1 and 2 workers, locally
(``--workers``, a process pool) and on Ray Data (``--engine ray``, a local Ray instance), on one
generated corpus, in one run, as ratios to the local engine with one worker.

    .venv/bin/python benchmarks/scale.py [--files 4] [--documents 5000]

The corpus: ``--files`` Parquet files of ``--documents`` pages each (HTML, headers, dates) over
a few hundred hosts with robots.txt snapshots of several kinds. Ray's start (``ray.init``) is
timed on its own and left out of the runs: a cluster is started once for many audits. Every
run's ``decisions.parquet`` is checked equal to the first.

Each Ray run is then split by where its time went (:attr:`RayEngine.times`): before the first
shard's task starts (the dataset's planning, a worker process started and reciprocity imported
in it), inside the tasks (wall and CPU time, and the first shard's documents per second against
the others'), between tasks, and after the last (assembling ``decisions.parquet``, also in the
local runs); and the CPU time of the driver process (Ray Data's executor runs in it).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from reciprocity.corpus.audit import run_audit
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import CorpusReader
from reciprocity.sources.site import SiteSays
from reciprocity.sources.snapshots import SnapshotEntry, load_snapshots, write_snapshot_warc

CRAWLED = datetime(2026, 6, 1, tzinfo=timezone.utc)
ROBOTS = (
    b"User-agent: *\nAllow: /\n",
    b"User-agent: CCBot\nDisallow: /\n",
    b"User-agent: *\nDisallow: /private/\n",
    b"User-agent: *\nContent-Signal: ai-train=no, search=yes\nAllow: /\n",
)
HEADS = (
    "",
    '<meta name="robots" content="noai">',
    '<link rel="license" href="https://creativecommons.org/licenses/by/4.0/">',
)
BODY = "x " * 400
HOSTS = 400


def build(folder: Path, files: int, documents: int) -> tuple[list[Path], Path]:
    text = [("Content-Type", "text/plain")]
    entries: list[SnapshotEntry] = [
        (f"https://h{h}.example/robots.txt", CRAWLED, 200, text, ROBOTS[h % len(ROBOTS)])
        for h in range(HOSTS)
        if h % 10
    ]
    robots = folder / "robots.warc.gz"
    write_snapshot_warc(robots, entries)
    paths = []
    for f in range(files):
        rows: dict[str, list[Any]] = {"url": [], "html": [], "headers": [], "date": []}
        for n in range(documents):
            k = f * documents + n
            head = HEADS[k % len(HEADS)]
            rows["url"].append(f"https://h{k % HOSTS}.example/{'private' if k % 7 else 'pub'}/{k}")
            page = f"<html><head><title>{k}</title>{head}</head><body>{BODY}</body></html>"
            rows["html"].append(page)
            rows["headers"].append([["Content-Type", "text/html"]])
            rows["date"].append(CRAWLED + timedelta(seconds=k))
        path = folder / f"part-{f}.parquet"
        pq.write_table(pa.table(rows), path, row_group_size=1000)
        paths.append(path)
    return paths, robots


def audit(inputs: list[Path], robots: Path, out: Path, workers: int, engine: Any) -> float:
    with load_snapshots([robots], index_folder=out / ".snapshots") as snapshots:
        clock = time.perf_counter()
        if engine is not None:
            engine.run_started = time.time()
            engine.driver_cpu = time.process_time()
        run_audit(
            inputs,
            out,
            policy=AuditPolicy(),
            robots=SiteSays(snapshots),
            reader=CorpusReader(),
            progress=False,
            snapshots=[robots],
            workers=workers,
            engine=engine,
        )
        if engine is not None:
            engine.driver_cpu = time.process_time() - engine.driver_cpu
        return time.perf_counter() - clock


def explain(engine: Any, seconds: float, documents: int) -> None:
    """Where a Ray run's ``seconds`` went, from its shards' times (module docstring)."""
    times = sorted(engine.times, key=lambda t: t.started)
    begin = engine.run_started
    inside = sum(t.ended - t.started for t in times)
    cpu = sum(t.cpu for t in times)
    first = times[0].started - begin
    last = begin + seconds - max(t.ended for t in times)
    per_shard = documents / len(times)
    rates = [per_shard / (t.ended - t.started) for t in times]
    later = sum(rates[1:]) / max(len(rates) - 1, 1)
    print(
        f"      before the first task {first:5.2f} s; inside tasks {inside:6.2f} s (CPU "
        f"{cpu:6.2f} s, {cpu / inside:.0%}); after the last {last:5.2f} s; driver CPU "
        f"{engine.driver_cpu:5.2f} s\n"
        f"      first shard {rates[0]:6.0f} docs/s, the others {later:6.0f} docs/s on average"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--documents", type=int, default=5000)
    args = parser.parse_args()
    # Imported here: the ray extra is optional, and this is the one place that needs it.
    import ray  # noqa: PLC0415

    from reciprocity.corpus.ray_engine import RayEngine  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="reciprocity-scale-") as tmp:
        folder = Path(tmp)
        inputs, robots = build(folder, args.files, args.documents)
        total = args.files * args.documents
        clock = time.perf_counter()
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        started = time.perf_counter() - clock
        print(f"corpus: {args.files} Parquet files, {total} documents; ray.init: {started:.1f} s")
        runs = [("local", 1, None), ("local", 2, None), ("ray", 1, "ray"), ("ray", 2, "ray")]
        base: float | None = None
        first: pa.Table | None = None
        for name, workers, kind in runs:
            out = folder / f"run-{name}-{workers}"
            engine = RayEngine(workers=workers) if kind else None
            seconds = audit(inputs, robots, out, workers, engine)
            table = pq.read_table(out / "decisions.parquet")
            if first is None:
                first = table
            assert table.equals(first), f"{name} with {workers} workers: other rows"
            rate = total / seconds
            base = base or rate
            print(
                f"{name:5} workers={workers}: {seconds:6.2f} s  {rate:8.0f} docs/s  "
                f"x{rate / base:.2f} of local with 1 worker"
            )
            if engine is not None:
                explain(engine, seconds, total)
        ray.shutdown()


if __name__ == "__main__":
    main()
