"""`reciprocity explain`: golden output on the example site, JSON, and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT
from golden import check_golden

from reciprocity.cli import EXIT_INPUT, EXIT_OK, EXIT_USAGE, main
from reciprocity.cli.explain_cmd import parse_header_block

GOLDEN = Path(__file__).parent / "golden"
SITE = ROOT / "examples" / "site"
ARGS = [
    "explain",
    "https://news.example/story",
    "--robots",
    str(SITE / "robots.txt"),
    "--headers",
    str(SITE / "headers.txt"),
    "--html",
    str(SITE / "story.html"),
    "--agent",
    "Googlebot",
]


def test_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(ARGS) == EXIT_OK
    check_golden(GOLDEN / "explain.txt.out", capsys.readouterr().out)


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--json", "--accept", "credit"]) == EXIT_OK
    record = json.loads(capsys.readouterr().out)
    assert record["train_ai"] == "deny"
    assert record["accepted"] == ["attribution"]  # credit is an alias of attribution
    assert all("mechanism" in e and "source" in e for e in record["evidence"])
    url = "https://creativecommons.org/licenses/by-sa/4.0/"
    assert record["search_detail"]["obligations"] == [
        {"kind": "attribution", "url": url, "detail": None},
        {"kind": "share-alike", "url": url, "detail": None},
    ]
    (cc,) = [e for e in record["evidence"] if e["mechanism"] == "cc-signals"]
    assert cc["exceptions"] == [{"kind": "attribution", "url": None, "detail": None}]


def test_exceptions_and_accept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    headers = tmp_path / "headers.txt"
    headers.write_text("Content-Usage: train-ai=n;exceptions=cc-cr-op\n", encoding="utf-8")
    base = ["explain", "https://x.example/", "--headers", str(headers)]
    assert main(base) == EXIT_OK
    assert "lifted if you accept: attribution, open\n" in capsys.readouterr().out
    assert main([*base, "--accept", "Credit, OPEN"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "  you accept: attribution, open\n" in out
    assert "train-ai  allow" in out
    assert "obligations: attribution, open\n" in out


def test_unknown_obligation_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "https://x.example/", "--accept", "credit,kredit"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("reciprocity: usage: --accept: unknown obligation 'kredit'; expected")
    assert err.count("\n") == 1


def test_robots_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "https://x.example/", "--robots-status", "503", "--json"]) == EXIT_OK
    record = json.loads(capsys.readouterr().out)
    assert {record[c] for c in ("train_ai", "ai_use", "search")} == {"deny"}
    assert main(["explain", "https://x.example/", "--robots-status", "42"]) == EXIT_USAGE


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "https://x.example/", "--tdmrep", "/nonexistent"]) == EXIT_INPUT
    assert capsys.readouterr().err == "reciprocity: input: /nonexistent: no such file\n"


def test_header_block() -> None:
    block = b"HTTP/2 200\r\nA: 1\r\n  continued\r\nB:2\r\n\r\nnot a header\r\n"
    assert parse_header_block(block) == [("A", "1 continued"), ("B", "2")]


def test_a_full_user_agent_is_read_as_its_token(capsys: pytest.CaptureFixture[str]) -> None:
    ua = "CCBot/2.0 (https://commoncrawl.org/faq/)"
    argv = [
        "explain",
        "https://news.example/story",
        "--robots",
        str(SITE / "robots.txt"),
        "--agent",
        ua,
    ]
    assert main(argv) == EXIT_OK
    captured = capsys.readouterr()
    assert "  collected by: CCBot\n" in captured.out
    assert "Disallow: / [User-agent: CCBot]" in captured.out
    assert (
        captured.err == f"reciprocity: warning: --agent {ua!r} read as its product token 'CCBot'\n"
    )
