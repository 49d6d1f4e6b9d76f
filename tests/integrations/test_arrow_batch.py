"""The batch function gives the audit's rows: documents with payloads and headers, URL-only
tables decided by site, error rows; as Arrow tables, record batches, pandas frames, and after
a pickle round trip (what Ray, Spark and process pools do to it)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scale_factory import document_rows, write_documents, write_robots, write_urls

from reciprocity.corpus.audit import run_audit
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import CorpusReader
from reciprocity.errors import UsageError
from reciprocity.integrations.arrow import DECISION_COLUMNS, AuditBatch
from reciprocity.sources.site import SiteSays
from reciprocity.sources.snapshots import SiteSnapshots, load_snapshots

POLICIES = {
    "default": AuditPolicy(),
    "search, credit": AuditPolicy.from_options(use="search", accept="credit"),
    "refuse, unavailable allowed": AuditPolicy.from_options(
        refuse="attribution", unavailable="allow"
    ),
}


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> SiteSnapshots:
    folder = tmp_path_factory.mktemp("robots")
    return load_snapshots([write_robots(folder / "robots.warc.gz")], index_folder=folder)


def audited(path: Path, out: Path, policy: AuditPolicy, snapshots: SiteSnapshots) -> pa.Table:
    run_audit(
        [path],
        out,
        policy=policy,
        robots=SiteSays(snapshots),
        reader=CorpusReader(),
        progress=False,
    )
    return pq.read_table(out / "decisions.parquet")


def same_columns(batch: pa.Table, audit: pa.Table) -> None:
    assert batch.num_rows == audit.num_rows
    for name in DECISION_COLUMNS:
        left, right = batch.column(name).to_pylist(), audit.column(name).to_pylist()
        differ = [i for i, (a, b) in enumerate(zip(left, right, strict=True)) if a != b]
        assert not differ, (name, differ[:3], left[differ[0]], right[differ[0]])


@pytest.mark.parametrize("name", POLICIES)
def test_documents_get_the_audit_rows(tmp_path: Path, snapshots: SiteSnapshots, name: str) -> None:
    policy = POLICIES[name]
    path = write_documents(tmp_path / "docs.parquet", document_rows(300))
    audit = audited(path, tmp_path / "run", policy, snapshots)
    table = pq.read_table(path)
    decide = AuditBatch(policy, snapshots, source=str(path))
    annotated = decide(table)
    assert annotated.schema.names == [*table.schema.names, *DECISION_COLUMNS]
    same_columns(annotated, audit)
    assert annotated.select(table.schema.names).equals(table)
    # The same, batch by batch, from a worker's copy opened by the index path.
    worker = pickle.loads(pickle.dumps(AuditBatch(policy, snapshots.index.path, source=str(path))))
    first = 0
    pieces = []
    for batch in table.to_batches(max_chunksize=64):
        pieces.append(worker.decisions(batch, first))
        first += batch.num_rows
    whole = pa.concat_tables(pieces)
    assert whole.equals(audit.select(whole.schema.names))
    # Real variety, so that the comparison means something.
    assert set(audit.column("train_ai").to_pylist()) == {"allow", "deny", "unknown", "unavailable"}
    assert audit.column("error").null_count < audit.num_rows


def test_url_only_tables_are_decided_by_site(tmp_path: Path, snapshots: SiteSnapshots) -> None:
    path = write_urls(tmp_path / "urls.parquet", 20_000)
    audit = audited(path, tmp_path / "run", AuditPolicy(), snapshots)
    table = pq.read_table(path)
    annotated = AuditBatch(AuditPolicy(), snapshots, source=str(path))(table)
    same_columns(annotated, audit)
    assert annotated.column("evidence").to_pylist() == audit.column("evidence").to_pylist()


def test_record_batches_and_pandas_frames(tmp_path: Path, snapshots: SiteSnapshots) -> None:
    path = write_documents(tmp_path / "docs.parquet", document_rows(40))
    table = pq.read_table(path)
    decide = AuditBatch(AuditPolicy(), snapshots, prefix="rcp_")
    batch = decide(table.to_batches()[0])
    assert isinstance(batch, pa.RecordBatch)
    assert batch.schema.names[-len(DECISION_COLUMNS) :] == [f"rcp_{n}" for n in DECISION_COLUMNS]
    frame = decide(table.to_pandas())
    assert list(frame.columns) == batch.schema.names
    assert frame["rcp_keep"].tolist() == batch.column("rcp_keep").to_pylist()
    assert frame["rcp_train_ai"].tolist() == batch.column("rcp_train_ai").to_pylist()


def test_misuse_is_one_clear_error(snapshots: SiteSnapshots) -> None:
    decide = AuditBatch(AuditPolicy(), snapshots)
    with pytest.raises(UsageError, match="no URL column 'url'"):
        decide(pa.table({"link": ["https://open.example/"]}))
    with pytest.raises(UsageError, match="give AuditBatch a prefix"):
        decide(pa.table({"url": ["https://open.example/"], "keep": [True]}))
    with pytest.raises(UsageError, match="batch_format='pyarrow'"):
        decide({"url": ["https://open.example/"]})
