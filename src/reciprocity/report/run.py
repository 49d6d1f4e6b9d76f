"""A finished audit run, opened for the documents that are computed from it.

Every output of ``reciprocity report`` and ``reciprocity export`` reads the run's two files and
nothing else: ``decisions.parquet`` (the contract in docs/decisions.md) and ``run.json`` (the
manifest: inputs, policy, snapshots, versions, counts). :func:`open_run` checks that they are
there, complete and of a schema version this code reads, and says which is not in one line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import duckdb
import pyarrow.parquet as pq

from reciprocity.corpus.schema import SCHEMA_KEY, SCHEMA_VERSION
from reciprocity.corpus.summary import connect
from reciprocity.errors import InputError
from reciprocity.resolve import COLUMN
from reciprocity.uses import Use, parse_use

__all__ = ["DECISIONS", "MANIFEST", "RunFiles", "open_run"]

DECISIONS: Final = "decisions.parquet"
MANIFEST: Final = "run.json"
_READABLE: Final = frozenset({SCHEMA_VERSION})


@dataclass(frozen=True, slots=True)
class RunFiles:
    """A completed audit run: where its files are and what its manifest says."""

    folder: Path
    manifest: dict[str, Any]

    @property
    def decisions(self) -> Path:
        return self.folder / DECISIONS

    @property
    def policy(self) -> dict[str, Any]:
        policy: dict[str, Any] = self.manifest["policy"]
        return policy

    @property
    def use(self) -> Use:
        """The use the run decided what to keep for (``--use``)."""
        return parse_use(self.policy["use"])

    @property
    def use_column(self) -> str:
        """The decisions column of that use (``train_ai`` …)."""
        return COLUMN[self.use]

    @property
    def inputs(self) -> list[dict[str, Any]]:
        inputs: list[dict[str, Any]] = self.manifest.get("inputs", [])
        return inputs

    @property
    def started(self) -> datetime | None:
        return _when(self.manifest.get("started"))

    @property
    def finished(self) -> datetime | None:
        return _when(self.manifest.get("finished"))

    @contextmanager
    def query(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A DuckDB connection (bounded memory) with the table as the view ``d``."""
        with connect() as db:
            db.read_parquet(str(self.decisions)).create_view("d")
            yield db


def _when(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def open_run(run_dir: str | Path) -> RunFiles:
    """The run in ``run_dir``; :class:`~reciprocity.errors.InputError` when it is not a
    completed audit run whose table this version reads."""
    folder = Path(run_dir)
    manifest_path = folder / MANIFEST
    if not folder.is_dir():
        raise InputError("no such run folder", path=folder)
    if not manifest_path.is_file():
        raise InputError(
            f"not an audit run (no {MANIFEST}): run `reciprocity audit` first", path=folder
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"unreadable manifest: {exc}", path=manifest_path) from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("policy"), dict):
        raise InputError("not an audit manifest (no policy)", path=manifest_path)
    if manifest.get("status") != "complete":
        raise InputError(
            f"the run is not complete (status {manifest.get('status')!r}): resume it with "
            "the same `reciprocity audit` command first",
            path=folder,
        )
    table = folder / DECISIONS
    if not table.is_file():
        raise InputError(f"no {DECISIONS} in the run", path=folder)
    try:
        metadata = pq.read_schema(table).metadata or {}
    except Exception as exc:  # pyarrow raises several kinds for a file that is not Parquet
        raise InputError(f"not a Parquet file: {exc}", path=table) from exc
    version = metadata.get(SCHEMA_KEY, b"").decode("utf-8", "replace")
    if version not in _READABLE:
        raise InputError(
            f"decisions schema version {version or 'none'!r}; this reciprocity reads "
            f"{', '.join(sorted(_READABLE))} (audit the inputs again with this version)",
            path=table,
        )
    return RunFiles(folder, manifest)
