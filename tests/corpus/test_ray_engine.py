"""The audit on Ray Data, on a local Ray instance started here (2 CPUs): the same
``decisions.parquet`` as the local engine, row for row, on a generated corpus of Parquet
(split in shards by rows), URL-only Parquet, JSONL and WARC inputs (split at records); the same
rows when a Ray worker is killed mid-run, and when the driver's run stops and the command is
started again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from scale_factory import (
    audit_run,
    document_rows,
    same_rows,
    write_documents,
    write_pages,
    write_robots,
    write_urls,
)

import reciprocity
from reciprocity.corpus.audit import PART, shards
from reciprocity.corpus.document import Document
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import CorpusReader, Position
from reciprocity.corpus.samples import sample_corpus

ray = pytest.importorskip("ray", reason="the ray extra is not installed")

# Ray's own deprecations (of its settings, from inside Ray Data) are not this project's.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray")

BATCH = 50
"""Small parts, so that the corpus makes many of them, and several shards of one file."""
SHARD_PARTS = 4


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    from ray import cloudpickle

    # The test's own reader (below) is sent to the workers by value: they cannot import tests.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # type: ignore[no-untyped-call]
    src = str(Path(reciprocity.__file__).resolve().parents[1])
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": src}},
    )
    yield
    ray.shutdown()
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])  # type: ignore[no-untyped-call]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Path]:
    folder = tmp_path_factory.mktemp("corpus")
    inputs = [
        write_documents(folder / "docs.parquet", document_rows(1030), row_group=120),
        write_urls(folder / "urls.parquet", 9000, row_group=700),
        write_documents(folder / "docs.jsonl", document_rows(650)),
        sample_corpus().inputs[1],
        write_pages(folder / "pages.warc.gz", document_rows(700)),
    ]
    return inputs, write_robots(folder / "robots.warc.gz")


@dataclass(frozen=True)
class KillOnce(CorpusReader):
    """The audit's reader, whose process is killed once (or that fails once, ``fail``), after
    ``after`` documents of ``victim`` read in one go: the marker file says it happened."""

    victim: str = ""
    after: int = 0
    marker: str = ""
    fail: bool = False

    def __call__(
        self,
        path: str | Path,
        *,
        start: int = 0,
        limit: int | None = None,
        at: Position = Position(),  # noqa: B008  # frozen: one shared value is safe
    ) -> Iterator[Document]:
        documents = CorpusReader.__call__(self, path, start=start, limit=limit, at=at)
        mine = Path(path).name == self.victim
        marker = Path(self.marker)
        for count, document in enumerate(documents):
            if mine and count == self.after and not marker.exists():
                marker.write_text(str(os.getpid()), encoding="utf-8")
                if self.fail:
                    raise RuntimeError("the run stops here")
                os.kill(os.getpid(), signal.SIGKILL)  # this Ray worker, which this test started
            yield document


def audit(
    inputs: list[Path], robots: Path, out: Path, engine: Any = None, reader: Any = None
) -> tuple[pa.Table, dict[str, Any]]:
    return audit_run(
        inputs, robots, out, batch=BATCH, shard_parts=SHARD_PARTS, engine=engine, reader=reader
    )


def test_the_work_is_split_by_file_by_row_ranges_and_at_records(
    corpus: tuple[list[Path], Path],
) -> None:
    from reciprocity.corpus.audit import _Job

    inputs, _ = corpus
    job = _Job(Path("parts"), AuditPolicy(), None, CorpusReader(), BATCH)
    found = shards(job, inputs, SHARD_PARTS, 0)
    # docs.parquet: 1030 documents in parts of 50, 4 parts a shard; urls.parquet: 9000 rows in
    # parts of 1000 (20 batches); JSONL (650 lines) and the 700-page WARC cut at records (the
    # WARC's rows without an http(s) URL make no document: 684); the sample WARC is one shard.
    assert [(s.index, s.first_part, s.count, s.at is not None) for s in found] == [
        (0, 0, 200, False), (0, 4, 200, False), (0, 8, 200, False), (0, 12, 200, False),
        (0, 16, 200, False), (0, 20, None, False),
        (1, 0, 4000, False), (1, 4, 4000, False), (1, 8, None, False),
        (2, 0, 200, False), (2, 4, 200, True), (2, 8, 200, True), (2, 12, None, True),
        (3, 0, None, False),
        (4, 0, 200, False), (4, 4, 200, True), (4, 8, 200, True), (4, 12, None, True),
    ]  # fmt: skip
    # For an engine that runs 11 shards at once, none is cut: the 11 files' shards are enough.
    assert all(s.at is None for s in shards(job, inputs, SHARD_PARTS, 0, spread=11))


def test_ray_gives_the_local_rows(
    local_ray: None, corpus: tuple[list[Path], Path], tmp_path: Path
) -> None:
    from reciprocity.corpus.ray_engine import RayEngine

    inputs, robots = corpus
    local, local_run = audit(inputs, robots, tmp_path / "local")
    assert RayEngine().width() == 2  # this instance's CPUs
    # At most 32 shards at once: more than the 11 files make, so the JSONL and WARC are cut.
    engine = RayEngine(workers=32)
    remote, remote_run = audit(inputs, robots, tmp_path / "ray", engine)
    assert len(engine.times) == 18
    same_rows(remote, local)
    assert remote_run["counts"] == local_run["counts"]
    assert remote_run["site_sources"]["served"] == local_run["site_sources"]["served"]
    assert local.num_rows == 1030 + 9000 + 650 + 1 + 684  # the sample WARC holds one response
    assert set(local.column("train_ai").to_pylist()) == {"allow", "deny", "unknown", "unavailable"}


def test_a_killed_worker_is_retried_and_resumes_from_its_parts(
    local_ray: None, corpus: tuple[list[Path], Path], tmp_path: Path
) -> None:
    from reciprocity.corpus.ray_engine import RayEngine

    inputs, robots = corpus
    local, _ = audit(inputs, robots, tmp_path / "local")
    marker = tmp_path / "killed"
    # Killed in the second shard of docs.parquet, after three of its four parts.
    reader = KillOnce(victim="docs.parquet", after=3 * BATCH + 10, marker=str(marker))
    remote, run = audit(inputs, robots, tmp_path / "ray", RayEngine(), reader)
    assert marker.exists()
    same_rows(remote, local)
    assert run["resumed_parts"] >= 3


def test_a_stopped_run_resumes_per_shard(
    local_ray: None, corpus: tuple[list[Path], Path], tmp_path: Path
) -> None:
    from reciprocity.corpus.ray_engine import RayEngine

    inputs, robots = corpus
    local, _ = audit(inputs, robots, tmp_path / "local")
    marker = tmp_path / "killed"
    # An error ends the run (it is not retried), as a driver's death would: parts are left.
    reader = KillOnce(victim="docs.parquet", after=3 * BATCH + 10, marker=str(marker), fail=True)
    with pytest.raises(Exception, match="the run stops here"):
        audit(inputs, robots, tmp_path / "ray", RayEngine(), reader)
    assert marker.exists()
    left = sorted(p.name for p in (tmp_path / "ray" / "parts").glob(f"*{PART}"))
    assert left
    remote, run = audit(inputs, robots, tmp_path / "ray", RayEngine())
    same_rows(remote, local)
    assert run["resumed_parts"] == len(left)


def test_without_ray_the_engine_is_one_clear_line(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['ray'] = None\n"
        "from reciprocity.cli import main\n"
        f"sys.exit(main(['audit', '--sample', '--engine', 'ray', '--out', {str(tmp_path)!r}]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "reciprocity: usage: ray is not installed: pip install 'reciprocity[ray]'"
    ]
