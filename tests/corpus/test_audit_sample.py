"""`reciprocity audit --sample`: the README's first command, on the shipped sample corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from reciprocity.cli import EXIT_OK, EXIT_USAGE, main
from reciprocity.corpus.audit import SCHEMA
from reciprocity.corpus.samples import sample_corpus


def _rows(run: Path) -> dict[str, dict[str, Any]]:
    table = pq.read_table(run / "decisions.parquet")
    assert table.schema.equals(SCHEMA)
    return {row["url"]: row for row in table.to_pylist()}


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    run = tmp_path_factory.mktemp("run")
    assert main(["audit", "--sample", "--out", str(run), "--quiet"]) == EXIT_OK
    return run


def test_every_sample_document_is_decided(sample_run: Path) -> None:
    assert pq.read_table(sample_run / "decisions.parquet").num_rows == 32
    manifest = json.loads((sample_run / "run.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["counts"]["documents"] == 32
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert (sample_run / "summary.md").read_text().startswith("# Audit summary")


def _by_host(rows: dict[str, dict[str, Any]], host: str) -> dict[str, Any]:
    (row,) = [r for r in rows.values() if r["host"] == host][:1]
    return row


@pytest.mark.parametrize(
    ("host", "train_ai", "search", "keep"),
    [
        ("003338.cn", "deny", "deny", False),  # the collector, CCBot, is disallowed
        ("01spb.ru", "deny", "unknown", False),  # GPTBot and ClaudeBot disallowed
        ("037426.cn", "unknown", "unknown", True),  # robots.txt 404: allow all
        ("044545.com", "deny", "deny", False),  # robots.txt 503: complete disallow
        ("0513mt.com", "deny", "allow", False),  # Content-Signal: search=yes, ai-train=no
        ("05925.net", "deny", "deny", False),  # BOM + CRLF, disallow all
        ("0615235.com", "deny", "unknown", False),  # AIPREF Content-Usage train-ai=n
        ("0755krk.com", "unavailable", "unavailable", False),  # no snapshot: fail closed
        ("creativecommons.org", "deny", "unknown", False),  # CC signal, credit not accepted
    ],
)
def test_known_cases(sample_run: Path, host: str, train_ai: str, search: str, keep: bool) -> None:
    row = _by_host(_rows(sample_run), host)
    assert (row["train_ai"], row["search"], row["keep"]) == (train_ai, search, keep)
    assert row["error"] is None
    assert row["evidence"] or train_ai == "unavailable"


def test_wikipedia_licence_and_obligations(sample_run: Path) -> None:
    row = _by_host(_rows(sample_run), "an.wikipedia.org")
    assert row["licenses"] == ["CC-BY-SA-4.0"]
    assert row["license_urls"] == ["https://creativecommons.org/licenses/by-sa/4.0/"]
    kinds = [o["kind"] for o in row["obligations"]]
    assert kinds == ["attribution", "share-alike"]


def test_accepting_credit_lifts_the_cc_signal(tmp_path: Path) -> None:
    run = tmp_path / "credit"
    assert main(["audit", "--sample", "--out", str(run), "--quiet", "--accept", "credit"]) == 0
    rows = [r for r in _rows(run).values() if r["host"] == "creativecommons.org"]
    assert rows
    assert all(r["train_ai"] == "allow" and r["keep"] for r in rows)
    # The column names the duty (credit is attribution), whatever the mechanism called it.
    assert all("attribution" in [o["kind"] for o in r["obligations"]] for r in rows)
    policy = json.loads((run / "run.json").read_text(encoding="utf-8"))["policy"]
    assert (policy["accept"], policy["refuse"]) == (["attribution"], [])


def test_a_run_directory_of_another_policy_is_refused(
    sample_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["audit", "--sample", "--out", str(sample_run), "--quiet", "--use", "search"])
    assert code == EXIT_USAGE
    assert "snapshots or policy" in capsys.readouterr().err
    # Fetching live where the run did not (or other snapshots) would mix rows too.
    code = main(
        ["audit", "--sample", "--out", str(sample_run), "--quiet", "--online", "--no-cache"]
    )
    assert code == EXIT_USAGE
    sample = sample_corpus()
    inputs = [str(p) for p in sample.inputs]
    code = main(["audit", *inputs, "--out", str(sample_run), "--quiet"])  # no snapshots
    assert code == EXIT_USAGE


def test_bad_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "--out", str(tmp_path / "r")]) == EXIT_USAGE
    assert main(["audit", "--sample", "--out", str(tmp_path / "r"), "--use", "x"]) == EXIT_USAGE
    bad = ["audit", "--sample", "--out", str(tmp_path / "r"), "--accept", "credit,fame"]
    assert main(bad) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "no INPUT given" in err
    assert "unknown use 'x'" in err
    assert "reciprocity: usage: --accept: unknown obligation 'fame'" in err
    assert not (tmp_path / "r").exists()


def test_workers_give_the_same_rows(sample_run: Path, tmp_path: Path) -> None:
    run = tmp_path / "workers"
    assert main(["audit", "--sample", "--out", str(run), "--quiet", "--workers", "2"]) == EXIT_OK
    parallel = pq.read_table(run / "decisions.parquet")
    assert parallel.equals(pq.read_table(sample_run / "decisions.parquet"))
    assert main(["audit", "--sample", "--out", str(run), "--workers", "0"]) == EXIT_USAGE


def test_write_kept_from_the_command_line(tmp_path: Path) -> None:
    from reciprocity.corpus.readers import read_documents

    run = tmp_path / "kept-run"
    assert main(["audit", "--sample", "--out", str(run), "--quiet", "--write-kept"]) == EXIT_OK
    kept_urls = {r["url"] for r in _rows(run).values() if r["keep"]}
    written = {
        document.url for file in (run / "kept").iterdir() for document in read_documents(file)
    }
    assert written == kept_urls


def test_a_full_user_agent_as_crawler_is_read_as_its_token(
    sample_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # issue 13: `--crawler "CCBot/2.0 (...)"` must decide as `--crawler CCBot`, not as a crawler
    # no group names; the reduction is said once on stderr and recorded in the run's policy.
    run = tmp_path / "ua"
    ua = "CCBot/2.0 (https://commoncrawl.org/faq/)"
    argv = ["audit", "--sample", "--out", str(run), "--quiet", "--crawler", ua]
    assert main([*argv, "--honour", "GPTBot/1.1,CCBot"]) == EXIT_OK
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"reciprocity: warning: --crawler {ua!r} read as its product token 'CCBot'",
        "reciprocity: warning: --honour 'GPTBot/1.1' read as its product token 'GPTBot'",
    ]
    policy = json.loads((run / "run.json").read_text())["policy"]
    assert (policy["crawler"], policy["honour"]) == ("CCBot", ["GPTBot", "CCBot"])
    run = tmp_path / "ua-only"
    assert main(["audit", "--sample", "--out", str(run), "--quiet", "--crawler", ua]) == EXIT_OK
    assert pq.read_table(run / "decisions.parquet").equals(
        pq.read_table(sample_run / "decisions.parquet")
    )


def test_a_crawler_without_a_product_token_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    browser = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"
    argv = ["audit", "--sample", "--out", str(tmp_path / "r"), "--quiet", "--crawler", browser]
    assert main(argv) == EXIT_USAGE
    assert "names no robots.txt product token" in capsys.readouterr().err
