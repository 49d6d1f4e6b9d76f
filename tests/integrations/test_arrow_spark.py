"""The PySpark example of docs/scale.md, run as written in a real local Spark session
(``local[2]``): ``mapInArrow`` over :class:`AuditBatch` gives the rows of ``AuditBatch`` applied
to the whole table directly, row for row. Skipped without pyspark or a Java runtime."""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ROOT
from scale_factory import document_rows, write_documents, write_robots

import reciprocity
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.integrations.arrow import DECISION_COLUMNS, AuditBatch
from reciprocity.sources.snapshots import load_snapshots

pytest.importorskip("pyspark", reason="pyspark is not installed")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("no Java runtime: Spark needs one", allow_module_level=True)

# PySpark's own warning about this environment's pandas (Arrow batches do not go through it).
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas")

PATHS = ("/shared/index/snapshots.sqlite", "pages/", "decided/")
"""The example's paths, replaced by the test's own (the JVM keeps the folder it started in)."""


def example() -> str:
    """The Python block under "### PySpark" in docs/scale.md."""
    text = (ROOT / "docs" / "scale.md").read_text(encoding="utf-8")
    section = text.split("### PySpark", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found is not None
    return found.group(1)


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from pyspark.sql import SparkSession

    # Spark's Python workers are started by the JVM, with this environment: this interpreter,
    # importing reciprocity from the tree under test.
    src = str(Path(reciprocity.__file__).resolve().parents[1])
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYSPARK_PYTHON", sys.executable)
        patch.setenv("PYTHONPATH", os.pathsep.join(filter(None, (src, os.getenv("PYTHONPATH")))))
        session = (
            SparkSession.builder.master("local[2]")
            .appName("reciprocity-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.session.timeZone", "UTC")
            # Small Arrow batches: every partition hands AuditBatch several.
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "64")
            .config("spark.local.dir", str(tmp_path_factory.mktemp("spark")))
            .getOrCreate()
        )
        yield session
        session.stop()


def _rows(table: pa.Table) -> dict[str, dict[str, Any]]:
    """Each row's decision columns by document id. Error rows name the row by its place in the
    Arrow batch, which Spark chooses: that number is left out."""
    found = {}
    for row in table.select(["id", *DECISION_COLUMNS]).to_pylist():
        if row["error"] is not None:
            row["error"] = re.sub(r"\brow \d+\b", "row N", row["error"])
        found[row.pop("id")] = row
    return found


def test_the_spark_example_gives_the_batch_function_rows(spark: Any, tmp_path: Path) -> None:
    pages_folder = tmp_path / "pages"
    pages_folder.mkdir()
    rows = document_rows(410)
    for number, first in enumerate((0, 130, 270)):
        last = (130, 270, 410)[number]
        write_documents(pages_folder / f"part-{number}.parquet", rows[first:last], row_group=50)
    robots = write_robots(tmp_path / "robots.warc.gz")
    with load_snapshots([robots], index_folder=tmp_path / "index") as snapshots:
        code = example()
        mine = (str(snapshots.index.path), f"{pages_folder}/", f"{tmp_path / 'decided'}/")
        for theirs, ours in zip(PATHS, mine, strict=True):
            assert theirs in code
            code = code.replace(theirs, ours)
        exec(code, {"spark": spark})  # the documented example, as written
        pages = pq.read_table(pages_folder)
        direct = AuditBatch(AuditPolicy(), snapshots)(pages)
    decided = pq.read_table(tmp_path / "decided")
    assert decided.num_rows == pages.num_rows == 410
    assert decided.schema.names == direct.schema.names
    # Spark writes timestamps as Parquet INT96 (read back without their zone) and names list
    # items "element": the one column that differs in type is cast back, in UTC, as written.
    differ = [f.name for f in decided.schema if f.type != direct.schema.field(f.name).type]
    assert differ == ["snapshots"]
    assert _rows(decided.cast(direct.schema)) == _rows(direct)
    # Real variety, so that the comparison means something.
    states = set(direct.column("train_ai").to_pylist())
    assert states == {"allow", "deny", "unknown", "unavailable"}
    assert direct.column("error").null_count < direct.num_rows
