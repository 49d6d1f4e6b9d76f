"""``reciprocity audit --engine ray`` whose driver is killed (SIGKILL) once some parts exist:
the same command again resumes from them and ends with the table of an uninterrupted local run,
row for row, ``run.json`` counting the parts it reused."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from scale_factory import document_rows, write_documents, write_robots

import reciprocity
from reciprocity.cli import EXIT_PARTIAL, main
from reciprocity.corpus.audit import PART

pytest.importorskip("ray", reason="the ray extra is not installed")

SRC = str(Path(reciprocity.__file__).resolve().parents[1])
DOCUMENTS = 12_000
"""Twelve parts of 1,000 (the CLI's batch) in one shard: several are written before the kill."""
RUN_LIMIT = 300
"""Seconds one command may take (Ray's start-up is about 10 of them on a busy 2-core machine)."""


def _command(inputs: list[Path], robots: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "reciprocity",
        "audit",
        *map(str, inputs),
        "--robots",
        str(robots),
        "--out",
        str(out),
        "--engine",
        "ray",
        "--quiet",
    ]


def _environment() -> dict[str, str]:
    found = dict(os.environ)
    found["PYTHONPATH"] = os.pathsep.join(p for p in (SRC, found.get("PYTHONPATH")) if p)
    found["RAY_DISABLE_USAGE_STATS"] = "1"
    return found


def _end_group(process: subprocess.Popen[bytes]) -> None:
    """End what is left of the killed driver's process group (Ray's own processes, which it
    started): only processes this test started are in it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def test_a_killed_driver_is_resumed_by_the_same_command(tmp_path: Path) -> None:
    inputs = [write_documents(tmp_path / "docs.parquet", document_rows(DOCUMENTS), row_group=500)]
    robots = write_robots(tmp_path / "robots.warc.gz")
    local = tmp_path / "local"
    assert (
        main(["audit", *map(str, inputs), "--robots", str(robots), "--out", str(local), "--quiet"])
        == EXIT_PARTIAL  # the corpus has rows without a URL: error rows
    )

    out = tmp_path / "ray"
    command = _command(inputs, robots, out)
    driver = subprocess.Popen(
        command,
        env=_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, ended below whatever happens
    )
    try:
        deadline = time.monotonic() + RUN_LIMIT
        while len(list((out / "parts").glob(f"*{PART}"))) < 2:
            assert driver.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "no parts written in time"
            time.sleep(0.05)
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait(timeout=30)
    finally:
        _end_group(driver)
    left = len(list((out / "parts").glob(f"*{PART}")))
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "running"
    assert not (out / "decisions.parquet").exists()

    again = subprocess.run(
        command, env=_environment(), capture_output=True, timeout=RUN_LIMIT, check=False
    )
    assert again.returncode == EXIT_PARTIAL, again.stderr.decode()[-2000:]
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    assert manifest["resumed_parts"] >= left >= 2
    assert manifest["counts"] == json.loads((local / "run.json").read_text())["counts"]
    resumed, whole = (
        pq.read_table(out / "decisions.parquet"),
        pq.read_table(local / "decisions.parquet"),
    )
    assert resumed.schema == whole.schema
    assert resumed.num_rows == whole.num_rows == DOCUMENTS
    for name in whole.schema.names:
        assert resumed.column(name).to_pylist() == whole.column(name).to_pylist(), name
