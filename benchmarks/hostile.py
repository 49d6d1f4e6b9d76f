"""Time and peak memory of the hostile inputs (``hostile_corpus.py``) at growing sizes.

    .venv/bin/python benchmarks/hostile.py            # every case, four sizes each
    .venv/bin/python benchmarks/hostile.py --quick    # the two smallest sizes

Each measurement runs in a fresh process, so that its peak RSS (``ru_maxrss``) is its own; the
time is the CPU time of the work alone (building the input excluded). A case is bounded when
time grows with the input as its comment says (linear, or flat where a limit cuts the input)
and memory stays flat or grows with the input, never with what the input claims to expand to.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src")]

import hostile_corpus as hostile  # noqa: E402

from reciprocity._codings import dechunk, inflate  # noqa: E402
from reciprocity.cli import main as cli  # noqa: E402
from reciprocity.corpus.readers import read_documents  # noqa: E402
from reciprocity.signals.robots import RobotsTxt, pattern_matches  # noqa: E402
from reciprocity.signals.rsl import parse_rsl  # noqa: E402


def _robots(data: bytes) -> Callable[[], object]:

    return lambda: RobotsTxt.parse(data).allowed("https://example.com/private/x", "GPTBot")


def _deep(n: int) -> Callable[[], object]:

    data, path = hostile.deep_wildcards(n)
    pattern = "/" + "*a" * n + "b"

    def run() -> object:
        # A fresh copy each time: parsed files are shared by content, and parsing is a cost.
        robots = RobotsTxt.parse(data + b"\n")
        robots.allowed(f"https://example.com{path}", "GPTBot")
        return [pattern_matches(path + str(i), pattern) for i in range(100)]

    return run


def _gzip(n: int) -> Callable[[], object]:

    bomb = hostile.gzip_bomb(n)
    return lambda: len(inflate(bomb, "gzip", 8 << 20) or b"")


def _xml(n: int) -> Callable[[], object]:

    data = hostile.xml_bomb(n)
    return lambda: parse_rsl(data)


def _chunked(n: int) -> Callable[[], object]:

    body = b"1\r\nx\r\n" * n + hostile.chunked_lie(1 << 40)
    return lambda: dechunk(body)


def _warc(gzipped: bool) -> Callable[[int], Callable[[], object]]:
    def build(rounds: int) -> Callable[[], object]:

        folder = Path(tempfile.mkdtemp(prefix="hostile-bench-"))
        path = folder / ("mixed.warc.gz" if gzipped else "mixed.warc")
        path.write_bytes(hostile.mixed_warc(gzipped=gzipped, rounds=rounds, body_size=2000).data)
        return lambda: sum(d.error is not None for d in read_documents(path))

    return build


def _audit(rounds: int) -> Callable[[], object]:

    folder = Path(tempfile.mkdtemp(prefix="hostile-audit-"))
    inputs = []
    for gzipped in (True, False):
        path = folder / ("mixed.warc.gz" if gzipped else "mixed.warc")
        path.write_bytes(hostile.mixed_warc(gzipped=gzipped, rounds=rounds, body_size=2000).data)
        inputs.append(str(path))
    return lambda: cli(["audit", *inputs, "--out", str(folder / "run"), "--quiet"])


# name: (builder of the work for size n, sizes, unit, expected growth)
CASES: dict[str, tuple[Callable[[int], Callable[[], object]], list[int], str, str]] = {
    "robots: huge file": (
        lambda n: _robots(hostile.huge_robots(n)),
        [1 << 20, 4 << 20, 16 << 20, 64 << 20],
        "bytes",
        "flat (read to 500 KiB)",
    ),
    "robots: many lines": (
        lambda n: _robots(hostile.many_lines_robots(n)),
        [100_000, 1_000_000, 10_000_000, 50_000_000],
        "lines",
        "flat (read to 500 KiB)",
    ),
    "robots: deep wildcards": (
        _deep,
        [1_000, 2_000, 4_000, 8_000],
        "wildcards",
        "linear in pattern and URL length (100 matches)",
    ),
    "robots: long line": (
        lambda n: _robots(hostile.long_line_robots(n)),
        [10_000, 100_000, 400_000, 2_000_000],
        "bytes",
        "flat past 500 KiB",
    ),
    "robots: NUL bytes": (
        lambda n: _robots(hostile.nul_robots(n)),
        [10_000, 100_000, 400_000, 4_000_000],
        "bytes",
        "flat past 500 KiB",
    ),
    "robots: invalid UTF-8": (
        lambda n: _robots(hostile.invalid_utf8_robots(n)),
        [1_000, 10_000, 100_000, 1_000_000],
        "sequences",
        "flat past 500 KiB",
    ),
    "robots: mixed line endings": (
        lambda n: _robots(hostile.mixed_line_endings_robots(n)),
        [1_000, 10_000, 40_000, 400_000],
        "lines",
        "flat past 500 KiB",
    ),
    "gzip bomb (8 MiB cap)": (
        _gzip,
        [16 << 20, 256 << 20, 1 << 30, 4 << 30],
        "bytes inflated",
        "flat (cut at the cap)",
    ),
    "XML bomb (RSL)": (_xml, [3, 6, 9, 12], "levels", "flat (DTD refused)"),
    "chunking lie": (_chunked, [1_000, 10_000, 100_000, 1_000_000], "chunks", "linear"),
    "WARC gzip, every hostile kind": (_warc(True), [25, 50, 100, 200], "rounds", "linear"),
    "WARC plain, every hostile kind": (_warc(False), [25, 50, 100, 200], "rounds", "linear"),
    "audit of both WARCs": (_audit, [25, 50, 100, 200], "rounds", "linear time, flat memory"),
}


def _child(name: str, size: int) -> None:
    work = CASES[name][0](size)
    start = time.process_time()
    work()
    spent = time.process_time() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"ms": spent * 1000, "peak_mib": peak}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the two smallest sizes only")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.case is not None:
        _child(options.case, options.size)
        return 0
    print(f"{'case':34} {'size':>14} {'unit':15} {'CPU ms':>9} {'peak MiB':>9}  expected")
    for name, (_, sizes, unit, growth) in CASES.items():
        for size in sizes[:2] if options.quick else sizes:
            command = [sys.executable, __file__, "--case", name, "--size", str(size)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(f"{name:34} {size:>14,} FAILED\n{done.stderr[-2000:]}")
                return 1
            found = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{name:34} {size:>14,} {unit:15} {found['ms']:9.2f} "
                f"{found['peak_mib']:9.1f}  {growth}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
