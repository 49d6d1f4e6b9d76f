"""`reciprocity robots`: golden output, exit codes, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from golden import check_golden

from reciprocity.cli import EXIT_INPUT, EXIT_OK, EXIT_USAGE, main

GOLDEN = Path(__file__).parent / "golden"
EXAMPLE = str(ROOT / "examples" / "robots.txt")
URLS = [
    "https://news.example/",
    "https://news.example/account/settings",
    "https://news.example/account/help",
    "https://news.example/story?session=42",
]


def test_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["robots", EXAMPLE, *URLS, "-a", "GPTBot", "-a", "Googlebot", "-a", "OAI-SearchBot"]
    )
    assert code == EXIT_OK
    check_golden(GOLDEN / "robots.txt.out", capsys.readouterr().out)


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["robots", EXAMPLE, *URLS, "--agent", "ClaudeBot", "--json"]) == EXIT_OK
    out = capsys.readouterr().out
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["allowed"] for row in rows] == [False] * 4
    assert {row["line"] for row in rows} == {12}
    check_golden(GOLDEN / "robots.json.out", out)


def test_missing_file_is_one_line_and_exit_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["robots", "/nonexistent/robots.txt", "/"]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert err == "reciprocity: input: /nonexistent/robots.txt: no such file\n"


def test_usage_error_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["robots"])
    assert exc.value.code == EXIT_USAGE
    assert capsys.readouterr().err.startswith("reciprocity: error:")


def test_diagnostics_go_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    robots = tmp_path / "robots.txt"
    robots.write_bytes(b"\xef\xbb\xbfUser-agent: *\nDissallow: /x\n")
    assert main(["robots", str(robots), "/x", "--diagnostics"]) == EXIT_OK
    captured = capsys.readouterr()
    assert captured.out.startswith("disallowed")
    assert "key-typo" in captured.err
    assert "bom" in captured.err


def test_a_full_user_agent_is_read_as_its_token(capsys: pytest.CaptureFixture[str]) -> None:
    ua = "CCBot/2.0 (https://commoncrawl.org/faq/)"
    assert main(["robots", EXAMPLE, "https://news.example/", "--agent", ua]) == EXIT_OK
    captured = capsys.readouterr()
    assert captured.out == (
        "disallowed  CCBot  https://news.example/  line 12: Disallow: / [group for CCBot]\n"
    )
    assert captured.err == (
        f"reciprocity: warning: --agent {ua!r} read as its product token 'CCBot'\n"
    )
    assert main(["robots", EXAMPLE, "/", "--agent", "Mozilla/5.0 (X11) Chrome/1"]) == EXIT_USAGE
    assert "names no robots.txt product token" in capsys.readouterr().err


def test_a_robots_check_loads_only_its_own_command() -> None:
    # Each command imports what it runs on: a robots.txt check starts without the audit's and
    # the report's libraries (pyarrow, DuckDB), which cost most of a second to import.
    code = (
        "import sys; from reciprocity.cli import main; "
        f"code = main(['robots', {EXAMPLE!r}, 'https://news.example/']); "
        "print(code, sorted(m for m in ('pyarrow', 'duckdb', 'reciprocity.cli.audit_cmd') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines()[-1] == "0 []"
