"""``reciprocity report`` on a large run: seconds and peak RSS, beside a plain read of the table.

    .venv/bin/python benchmarks/report.py                 # 1,000,000 rows (issue 15's target)
    .venv/bin/python benchmarks/report.py --rows 10000000 # issue 16's web page target
    .venv/bin/python benchmarks/report.py --rows 100000

The run is made once and cached under ``.cache/bench/report-v1-<rows>/``: the generated WARC
corpus of ``audit_corpus`` (20,000 records over 500 hosts, with licences, AIPREF, CC signals,
TDMRep and noai statements) is audited, and its table tiled to ``rows`` rows, each copy's hosts
renamed (``c7-host12.example``) so that the domains grow with the rows (25,000 at 1,000,000),
as a real crawl's do. The report is then written by the command line in a fresh process
(``getrusage`` of the child gives its peak RSS), and pyarrow reads every column of the same
table in batches, for scale. The web page (``report.html`` and ``report.json``) and the
publisher's page of the largest site (``--domain``) are then written alone, each in its own
process, with their own time and peak RSS (``wait4`` of that child).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import audit_corpus
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from reciprocity.corpus.audit import run_audit
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import CorpusReader
from reciprocity.sources.snapshots import load_snapshots

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "bench"
VERSION = 1
BASE_RECORDS, BASE_HOSTS = 20_000, 500
TARGET_SECONDS = 60
TARGET_ROWS = 1_000_000
"""The time target (issue 15) is for a run of this many rows; larger runs print their time."""
TARGET_RSS_MIB = 1024
ROW_GROUP = 100_000


def _base_run() -> Path:
    run = CACHE / f"report-base-v{VERSION}" / "run"
    if (run / "run.json").exists() and json.loads((run / "run.json").read_text())[
        "status"
    ] == "complete":
        return run
    corpus = audit_corpus.build(BASE_RECORDS, BASE_HOSTS)
    print(f"auditing {corpus.records:,} generated records for the base run ...", flush=True)
    shutil.rmtree(run, ignore_errors=True)
    run_audit(
        corpus.files,
        run,
        policy=AuditPolicy.from_options(accept="credit", refuse="no-derivatives"),
        robots=load_snapshots([corpus.robots]),
        reader=CorpusReader(),
        progress=False,
        snapshots=[corpus.robots],
    )
    return run


def _renamed(table: pa.Table, copy: int) -> pa.Table:
    prefix = f"c{copy}-"
    columns = {
        "url": pc.replace_substring(table["url"], "://", f"://{prefix}", max_replacements=1),
        "host": pc.binary_join_element_wise(prefix, table["host"], ""),
        "domain": pc.binary_join_element_wise(prefix, table["domain"], ""),
    }
    for name, column in columns.items():
        table = table.set_column(table.schema.get_field_index(name), name, column)
    return table


def build(rows: int) -> Path:
    """A completed run of ``rows`` rows, built unless cached."""
    run = CACHE / f"report-v{VERSION}-{rows}" / "run"
    if (run / "run.json").exists():
        return run
    base_run = _base_run()
    base = pq.read_table(base_run / "decisions.parquet")
    print(f"tiling {base.num_rows:,} rows to {rows:,} ...", flush=True)
    building = run.with_name("run.building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    schema = base.schema
    with pq.ParquetWriter(building / "decisions.parquet", schema, compression="zstd") as writer:
        copy = written = 0
        while written < rows:
            part = _renamed(base.slice(0, rows - written), copy)
            writer.write_table(part, row_group_size=ROW_GROUP)
            written += part.num_rows
            copy += 1
    manifest = json.loads((base_run / "run.json").read_text("utf-8"))
    manifest["counts"] = {"documents": rows, "note": "tiled by benchmarks/report.py"}
    (building / "run.json").write_text(json.dumps(manifest, indent=2), "utf-8")
    shutil.rmtree(run, ignore_errors=True)
    building.rename(run)
    return run


def _read_all(table: Path) -> float:
    start = time.perf_counter()
    for _ in pq.ParquetFile(table).iter_batches(batch_size=65_536):
        pass
    return time.perf_counter() - start


# Each measured step runs under this wrapper, which writes its own peak RSS (VmHWM, kernel's
# high-water mark of the process's memory since exec) when it exits. ``ru_maxrss`` of a child
# would not do: Linux carries the parent's RSS at fork into it (this process holds the table
# read by pyarrow), and it reported the same 484 MiB for every step.
_WRAPPER = """
import atexit, sys
def _peak(path=sys.argv[1]):
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            open(path, "w").write(line.split()[1])
atexit.register(_peak)
sys.argv = sys.argv[1:]
exec(sys.argv[1])
"""

_CLI = "import sys; from reciprocity.cli import main; sys.exit(main(sys.argv[2:]))"
_PAGE = (
    "import sys; from reciprocity.report.page import write; "
    "from reciprocity.report.run import open_run; from reciprocity.report.options import "
    "ReportOptions; from pathlib import Path; "
    "write(open_run(sys.argv[2]), Path(sys.argv[3]), ReportOptions())"
)


def _measure(code: str, *args: str) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of ``code`` run with ``args`` in a Python of its own."""
    with tempfile.NamedTemporaryFile(prefix="reciprocity-hwm-") as peak:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", _WRAPPER, peak.name, code, *args], check=True)
        took = time.perf_counter() - start
        return took, int(Path(peak.name).read_text() or 0) / 1024


def _verdict(what: str, rows: int, took: float, rss: float) -> None:
    timed = (
        f"{'PASS' if took < TARGET_SECONDS else 'MISS'}  {what} in {took:.1f} s "
        f"(target < {TARGET_SECONDS} s at {TARGET_ROWS:,} rows); "
        if rows <= TARGET_ROWS
        else f"{what} in {took:.1f} s (no time target beyond {TARGET_ROWS:,} rows); "
    )
    print(
        f"  {timed}{'PASS' if rss <= TARGET_RSS_MIB else 'MISS'}  peak RSS {rss:.0f} MiB "
        f"(target <= {TARGET_RSS_MIB} MiB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    run = build(args.rows)
    rows = pq.ParquetFile(run / "decisions.parquet").metadata.num_rows
    read = _read_all(run / "decisions.parquet")
    with tempfile.TemporaryDirectory(prefix="reciprocity-report-") as out:
        took, rss = _measure(_CLI, "report", str(run), "--out", out, "--quiet")
        written = sorted(p.name for p in Path(out).iterdir())
        page_dir = Path(out) / "page"
        page_dir.mkdir()
        page_took, page_rss = _measure(_PAGE, str(run), str(page_dir))
        data = json.loads((page_dir / "report.json").read_text("utf-8"))
        html_size = (page_dir / "report.html").stat().st_size
        json_size = (page_dir / "report.json").stat().st_size
        largest = data["domains"]["listed"][0]["domain"]
        site_took, site_rss = _measure(
            _CLI, "report", str(run), "--domain", largest, "--out", out, "--quiet"
        )
        site_size = (Path(out) / f"domain-{largest}.html").stat().st_size
        site_docs = data["domains"]["listed"][0]["all"]["documents"]
    print(f"run {run}: {rows:,} rows")
    print(f"  pyarrow reads every column  {read:8.2f} s")
    print(f"  reciprocity report          {took:8.2f} s  ({took / read:.1f}x the read)")
    print(f"  wrote {', '.join(written)}")
    _verdict(f"report of {rows:,} rows", rows, took, rss)
    print(
        f"  web page alone              {page_took:8.2f} s  peak RSS {page_rss:.0f} MiB; "
        f"report.html {html_size:,} bytes, report.json {json_size:,} bytes"
    )
    _verdict("report.html", rows, page_took, page_rss)
    print(
        f"  --domain {largest} ({site_docs:,} documents)  {site_took:.2f} s  "
        f"peak RSS {site_rss:.0f} MiB; page {site_size:,} bytes"
    )
    _verdict("the publisher's page", rows, site_took, site_rss)


if __name__ == "__main__":
    main()
