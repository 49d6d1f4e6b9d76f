"""The audit on Ray Data (``reciprocity audit --engine ray``; ``pip install 'reciprocity[ray]'``).

The run is the local engine's (:func:`~reciprocity.corpus.audit.run_audit`): same parts, same
assembly, same ``run.json``; only who decides the shards changes. The shards (an input file
each, a large Parquet file in ranges of its rows, a large WARC, ARC or JSON Lines file cut at
records: :func:`~reciprocity.corpus.audit.shards`) become a Ray dataset of one row per shard,
and a ``map`` over it decides each into its parts, one Ray task per shard. Ray shows its
progress on the terminal and in its dashboard.

- **Same rows.** A shard starts at a part boundary and writes the parts one process would,
  named by input and part number; the driver assembles them in that order.
- **A worker that dies** (its process killed, its node lost) has its task run again by Ray
  Data (which retries a task on a system failure, without limit; an error the task raises is
  not retried: it is the run's), and the retry resumes from the parts the shard completed.
  **A driver that dies**, or a run that fails, leaves the complete parts: the same command
  again resumes every shard.
- **Snapshots** travel as the path of their on-disk index in ``RUN/.snapshots/``: every task
  opens it read-only, nothing is loaded on one node for all. On a cluster, the run folder (and
  the inputs) must be on a disk every node sees, and reciprocity installed on each node.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from reciprocity.corpus.audit import Shard, _Job, audit_shard
from reciprocity.errors import ReciprocityError, UsageError

__all__ = ["RayEngine", "ShardTime"]


def _ray() -> Any:
    try:
        import ray  # noqa: PLC0415  # an optional extra, loaded only for this engine
        import ray.data  # noqa: PLC0415
    except ImportError:
        raise UsageError("ray is not installed: pip install 'reciprocity[ray]'") from None
    return ray


@dataclass(frozen=True, slots=True)
class ShardTime:
    """When a shard's task ran (seconds since the epoch, by its node's clock) and the CPU time
    its process spent on it: what the benchmark (``benchmarks/scale.py``) splits Ray's cost by."""

    shard: int
    started: float
    ended: float
    cpu: float


def _decide(job: _Job, shards: list[Shard], row: dict[str, Any]) -> dict[str, Any]:
    # The shards travel with the function (a few numbers each), the dataset's rows name them.
    started, cpu = time.time(), time.process_time()
    reused, decided = audit_shard(job, shards[int(row["shard"])])
    return {
        "shard": row["shard"],
        "reused": reused,
        "decided": decided,
        "started": started,
        "ended": time.time(),
        "cpu": time.process_time() - cpu,
    }


def _cause(error: BaseException) -> ReciprocityError | None:
    """The reciprocity error a Ray task raised, from inside Ray's wrappers."""
    seen: set[int] = set()
    found: BaseException | None = error
    while found is not None and id(found) not in seen:
        if isinstance(found, ReciprocityError):
            return found
        seen.add(id(found))
        found = getattr(found, "cause", None) or found.__cause__
    return None


class RayEngine:
    """An :data:`~reciprocity.corpus.audit.Engine` on Ray Data: on the Ray instance already
    started in this process, else on the cluster at ``address``, else on a new local one
    (stopped when the run ends). ``workers``: shards decided at once (``None``: as many as
    the cluster has CPUs)."""

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        self.ray = _ray()
        self.address = address
        self.workers = workers
        self.times: list[ShardTime] = []
        """The last run's shards, as each ended."""
        self._started = False  # this engine started the Ray instance it runs on

    def _connect(self) -> None:
        if not self.ray.is_initialized():
            self.ray.init(address=self.address)
            self._started = True

    def width(self) -> int:
        """Shards decided at once: ``workers``, else the cluster's CPUs (Ray is started or
        joined here, as the run would)."""
        if self.workers is not None:
            return self.workers
        self._connect()
        return max(int(self.ray.cluster_resources().get("CPU", 1)), 1)

    def __call__(self, job: _Job, shards: list[Shard]) -> Iterator[tuple[int, int]]:
        ray = self.ray
        self._connect()
        try:
            items = [{"shard": number} for number in range(len(shards))]
            dataset = ray.data.from_items(items, override_num_blocks=max(len(items), 1))
            decided = dataset.map(
                functools.partial(_decide, job, shards),
                num_cpus=1,
                # No more than the shards: Ray Data warns of a limit it cannot reach.
                concurrency=None if self.workers is None else min(self.workers, len(items) or 1),
            )
            try:
                self.times = []
                for row in decided.iter_rows():
                    times = (float(row[k]) for k in ("started", "ended", "cpu"))
                    self.times.append(ShardTime(int(row["shard"]), *times))
                    yield int(row["reused"]), int(row["decided"])
            except Exception as exc:
                cause = _cause(exc)
                if cause is not None:
                    raise cause from None
                raise
        finally:
            if self._started:
                # Stopped where it was started, whether by width() or here.
                ray.shutdown()
                self._started = False
