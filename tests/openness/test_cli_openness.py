"""`reciprocity openness`: golden output on real records, JSON, and one-line input errors.

Golden files live in tests/openness/golden. Regenerate them with
``RECIPROCITY_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/openness`` and review the diff.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openness_support import DATA, GROUND_TRUTH, check_golden, mot_dir

from reciprocity import cli
from reciprocity.cli import EXIT_INPUT, EXIT_OK, main

# (golden name, directory to run from, path as given): relative paths keep the output portable.
RECORDS = [
    ("olmo-7b.mof", GROUND_TRUTH, "mot/models/OLMo-7B.yml"),
    ("llama-3-8b.mof", GROUND_TRUTH, "mot/models/Llama-3-8B.yml"),
    ("bloom.mof", GROUND_TRUTH, "mot/models/BLOOM.yml"),
    ("lucie.eu", GROUND_TRUTH, "osai_index/main-database/Lucie.yaml"),
    ("llama-3.1.eu", GROUND_TRUTH, "osai_index/main-database/llama-3.1.yaml"),
    ("tern-7b.card", DATA, "Tern-7B.README.md"),
]


@pytest.mark.parametrize(("name", "cwd", "path"), RECORDS, ids=[r[0] for r in RECORDS])
def test_text_golden(
    name: str,
    cwd: Path,
    path: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mot_dir()
    monkeypatch.chdir(cwd)
    assert main(["openness", path]) == EXIT_OK
    check_golden(f"{name}.md", capsys.readouterr().out)


@pytest.mark.parametrize(("name", "cwd", "path"), RECORDS[:1] + RECORDS[3:4], ids=["olmo", "lucie"])
def test_json_golden(
    name: str,
    cwd: Path,
    path: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mot_dir()
    monkeypatch.chdir(cwd)
    assert main(["openness", path, "--json"]) == EXIT_OK
    out = capsys.readouterr().out
    data = json.loads(out)
    assert data["format"] == 1
    assert data["release"]["source"] == path
    check_golden(f"{name}.json", out)


def test_json_carries_the_verdicts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openness", str(mot_dir() / "models" / "Pythia-6.9B.yml"), "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["mof"]["mof_class"] == 1
    assert data["osaid"]["verdict"] == "pass"
    assert len(data["mof"]["components"]) == 17
    statuses = {c["status"] for c in data["mof"]["components"]}
    assert statuses <= {"open", "unlicensed", "invalid", "missing", "unknown"}


def test_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (DATA / "Tern-7B.README.md").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text)))
    assert main(["openness", "-"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("# Openness of Tern-7B\n\n- source: <stdin>")


def test_missing_file_is_one_line_and_exit_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openness", "/nonexistent/model.yml"]) == EXIT_INPUT
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "reciprocity: input: /nonexistent/model.yml: no such file\n"


def test_unknown_format_is_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.yml"
    path.write_text("title: not a release\n", encoding="utf-8")
    assert main(["openness", str(path)]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert err.startswith(f"reciprocity: input: {path}: not a recognised release description")
    assert err.count("\n") == 1


def test_invalid_yaml_names_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.yml"
    path.write_text("release:\n  name: [unclosed\n", encoding="utf-8")
    assert main(["openness", str(path)]) == EXIT_INPUT
    assert capsys.readouterr().err.startswith(f"reciprocity: input: {path}:line ")


def test_command_is_registered() -> None:
    assert ("openness", "reciprocity.cli.openness_cmd") in cli.COMMANDS
