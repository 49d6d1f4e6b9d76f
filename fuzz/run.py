"""Run one fuzz target under atheris (libFuzzer, coverage-guided) for a given time.

    python fuzz/run.py TARGET --seconds N      # fuzz TARGET for N seconds
    python fuzz/run.py --list                  # the targets
    python fuzz/run.py TARGET --replay         # run the seeds and saved corpus once, no fuzzing

The seeds come from the repository's real corpora and its tests' spec examples
(``fuzz/seeds.py``); the inputs libFuzzer finds are kept in ``.cache/fuzz/TARGET/`` for the next
run, and a crashing input is written to ``.cache/fuzz/TARGET-findings/``. It prints one line:
executions, coverage (edges, features), corpus size and findings, and exits 1 on a finding.
A slow input (more than ``--timeout`` seconds) and an allocation beyond ``--rss-mb`` count as
findings: the parsers promise bounded time and memory.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import itertools
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from fuzz.targets import INSTRUMENTED, TARGETS  # noqa: E402  (after the path is set)

CACHE = ROOT / ".cache" / "fuzz"
_DONE = re.compile(r"#(\d+)\s+DONE\s+cov: (\d+) ft: (\d+) corp: (\d+)")
_STAT = re.compile(r"#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)")


def _write_seeds(target: str, folder: Path, most: int | None = None) -> int:
    module = importlib.import_module(f"fuzz.targets.{target}")
    count = 0
    for data in itertools.islice(module.seeds(), most):
        name = hashlib.sha1(data).hexdigest()
        (folder / name).write_bytes(data)
        count += 1
    return count


def _child(target: str, args: list[str]) -> None:
    """Inside the fuzzing process: instrument the project's code, then hand over to libFuzzer."""
    import atheris  # noqa: PLC0415  (only here: the parent runs without it)

    # atheris includes whole top-level packages; the rest of the project is excluded by name.
    wanted = INSTRUMENTED[target]
    # Named from the files (importing the packages to list them would import the targets early).
    src = ROOT / "src"
    project = [
        ".".join(path.relative_to(src).with_suffix("").parts).removesuffix(".__init__")
        for path in (src / "reciprocity").rglob("*.py")
    ]
    others = [
        name for name in project if not any(name == w or name.startswith(f"{w}.") for w in wanted)
    ]
    with atheris.instrument_imports(include=["reciprocity"], exclude=others):
        module = importlib.import_module(f"fuzz.targets.{target}")
    atheris.Setup([sys.argv[0], *args], module.one_input)
    atheris.Fuzz()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("target", nargs="?", choices=TARGETS)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--replay", action="store_true", help="run the inputs once, no fuzzing")
    parser.add_argument("--timeout", type=int, default=10, help="seconds one input may take")
    parser.add_argument("--rss-mb", type=int, default=2048, help="memory the process may use")
    parser.add_argument("--max-len", type=int, default=256 << 10, help="largest input tried")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="the test suite's short run: 50 seeds, the saved corpus neither read nor grown",
    )
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.list:
        print("\n".join(TARGETS))
        return 0
    if options.target is None:
        parser.error("name a target (--list shows them)")
    if options.child is not None:
        _child(options.target, options.child)
        return 0
    try:
        import atheris  # noqa: F401, PLC0415
    except ImportError:
        print(
            "atheris is not installed (wheels: Linux x86_64, CPython 3.11-3.13); "
            "tests/test_fuzz.py runs the targets under hypothesis instead",
            file=sys.stderr,
        )
        return 2
    findings = CACHE / f"{options.target}-findings"
    findings.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix=f"fuzz-{options.target}-seeds-") as seeds,
        tempfile.TemporaryDirectory(prefix=f"fuzz-{options.target}-new-") as scratch,
    ):
        corpus = Path(scratch) if options.smoke else CACHE / options.target
        corpus.mkdir(parents=True, exist_ok=True)
        count = _write_seeds(options.target, Path(seeds), 50 if options.smoke else None)
        flags = [
            f"-timeout={options.timeout}",
            f"-rss_limit_mb={options.rss_mb}",
            f"-max_len={options.max_len}",
            f"-artifact_prefix={findings}/",
            "-print_final_stats=1",
        ]
        if options.replay:
            flags.append("-runs=0")
        else:
            flags.append(f"-max_total_time={options.seconds}")
        command = [sys.executable, __file__, options.target, "--child", *flags, str(corpus), seeds]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")])}
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    log = done.stderr
    (CACHE / f"{options.target}.log").write_text(log, encoding="utf-8")
    stats = _DONE.findall(log) or _STAT.findall(log)
    runs, cov, ft, corp = stats[-1] if stats else ("0", "0", "0", "0")
    crashed = done.returncode != 0
    found = sorted(p.name for p in findings.iterdir()) if crashed else []
    print(
        f"{options.target}: {int(runs):,} executions in "
        f"{'replay' if options.replay else f'{options.seconds} s'}, cov {cov}, ft {ft}, "
        f"corpus {corp} ({count} seeds), "
        f"{'FINDING: ' + ', '.join(found) if crashed else '0 findings'}"
    )
    if crashed:
        tail = "\n".join(log.splitlines()[-40:])
        print(tail, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
