"""``reciprocity lint``: one site per rule, a golden multi-finding site in every output format,
SARIF validated against the OASIS 2.1.0 schema, a live site on 127.0.0.1, the exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, SHARED
from file_server import FileServer
from golden import check_golden
from lint_factory import GOLDEN_SITE, ORIGIN, RULE_SITES, write_site

from reciprocity.cli import EXIT_FETCH, EXIT_INPUT, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, main
from reciprocity.steward.lint import Finding, Site, SiteFile, lint_site
from reciprocity.steward.lint_rules import RULES, Severity
from reciprocity.steward.lint_sources import PLACEHOLDER_ORIGIN, read_folder
from reciprocity.steward.sarif import SARIF_SCHEMA, to_sarif

GOLDEN = Path(__file__).parent / "golden"
# The OASIS SARIF 2.1.0 schema (errata 01) is public but ships in no package: it is read from
# the shared data folder, never stored here (sarif-2.1/schema/sarif-schema-2.1.0.json of
# oasis-tcs/sarif-spec). Without it the schema check is skipped by name; the SARIF log's own
# structure is checked either way.
SCHEMA = SHARED / "data" / "sarif" / "sarif-schema-2.1.0.json"


def _lint_folder(
    tmp_path: Path, files: dict[str, bytes], origin: str | None = None
) -> list[Finding]:
    return list(lint_site(read_folder(write_site(tmp_path, files), origin=origin)))


def test_every_rule_has_a_site_and_a_docs_section() -> None:
    assert set(RULE_SITES) == set(RULES)
    docs = (ROOT / "docs" / "lint.md").read_text(encoding="utf-8")
    for rule_id in RULES:
        assert f"### `{rule_id}`" in docs, rule_id


@pytest.mark.parametrize("rule_id", list(RULE_SITES))
def test_each_rule_fires_on_its_site_at_its_place(tmp_path: Path, rule_id: str) -> None:
    case = RULE_SITES[rule_id]
    findings = _lint_folder(tmp_path, case.files, case.origin)
    hits = [f for f in findings if f.rule == rule_id]
    assert hits, [(f.rule, f.message) for f in findings]
    expected = (tmp_path / case.file).as_posix()
    assert any(f.location.file == expected and f.location.line == case.line for f in hits), [
        (f.location, f.message) for f in hits
    ]
    assert all(f.severity is RULES[rule_id].severity for f in hits)
    if RULES[rule_id].contradiction:
        assert all(len(f.related) == 1 for f in hits)  # the statement it disagrees with


def test_a_clean_site_has_no_findings(tmp_path: Path) -> None:
    files = {
        "robots.txt": b"User-agent: *\nDisallow: /private/\nContent-Usage: train-ai=n, search=y\n"
        b"Content-Signal: search=yes, ai-train=no\n\nUser-agent: GPTBot\nDisallow: /\n",
        ".well-known/tdmrep.json": b'[{"location": "/", "tdm-reservation": 1}]',
        "ai.txt": b"User-agent: *\nDisallow: /\n",
    }
    assert _lint_folder(tmp_path, files) == []


def test_a_folder_takes_its_origin_from_its_licence_url(tmp_path: Path) -> None:
    write_site(tmp_path, RULE_SITES["rsl-lenient"].files)
    assert read_folder(tmp_path).origin == ORIGIN
    write_site(tmp_path, {"robots.txt": b"User-agent: *\nDisallow:\n"})
    assert read_folder(tmp_path).origin == PLACEHOLDER_ORIGIN


def test_a_contradiction_names_both_places(tmp_path: Path) -> None:
    case = RULE_SITES["tdmrep-conflict"]
    (finding,) = [f for f in _lint_folder(tmp_path, case.files) if f.rule == "tdmrep-conflict"]
    (other,) = finding.related
    assert other.file == (tmp_path / "robots.txt").as_posix()
    assert other.line == 3
    assert "train-ai=n" in other.note
    assert "tdm-reservation" in finding.message


def test_lint_never_raises_on_junk() -> None:
    junk = SiteFile("x", bytes(range(256)) * 4)
    site = Site(ORIGIN, robots=junk, tdmrep=junk, ai_txt=junk, headers=junk, html=junk)
    assert all(f.rule in RULES for f in lint_site(site))


# -- the command line ---------------------------------------------------------------------------


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["lint", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def golden_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    write_site(tmp_path / "site", GOLDEN_SITE)
    monkeypatch.chdir(tmp_path)  # relative paths in the output: the golden files hold no tmp path
    return "site"


@pytest.mark.parametrize(
    ("option", "name"), [([], "lint.txt"), (["--json"], "lint.json"), (["--sarif"], "lint.sarif")]
)
def test_golden_output(
    golden_site: str, option: list[str], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run([golden_site, *option], capsys)
    assert code == EXIT_PARTIAL
    assert err == ""
    check_golden(GOLDEN / f"{name}.out", out)


def test_golden_site_breaks_many_rules(
    golden_site: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = _run([golden_site, "--json"], capsys)
    found = json.loads(out)
    assert {
        "robots-bom",
        "robots-merged-group",
        "aipref-value",
        "content-signal-unread",
        "rsl-license-missing",
        "tdmrep-lenient",
        "tdmrep-value",
        "tdmrep-conflict",
        "mechanism-conflict",
    } <= set(found["counts"]["by_rule"])
    assert found["counts"]["error"] == sum(f["severity"] == "error" for f in found["findings"])


def _validator() -> Any:
    jsonschema = pytest.importorskip(
        "jsonschema", reason="jsonschema (the test extra) not installed"
    )
    if not SCHEMA.is_file():
        pytest.skip(f"SARIF 2.1.0 schema not at {SCHEMA}: add it to the shared data to check it")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def _every_rule(tmp_path: Path) -> dict[str, Any]:
    """One SARIF log with every rule's finding: every shape a result can take."""
    every: list[Finding] = []
    for rule_id, case in RULE_SITES.items():
        every += _lint_folder(tmp_path / rule_id, case.files, case.origin)
    return to_sarif(every)


def test_sarif_is_valid_against_the_oasis_schema(
    golden_site: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    validator = _validator()
    _, out, _ = _run([golden_site, "--sarif"], capsys)
    errors = sorted(validator.iter_errors(json.loads(out)), key=str)
    assert errors == [], errors[:3]
    assert sorted(validator.iter_errors(_every_rule(tmp_path)), key=str) == []


def test_sarif_log_structure(tmp_path: Path) -> None:
    log = _every_rule(tmp_path)
    assert log["version"] == "2.1.0"
    assert log["$schema"] == SARIF_SCHEMA
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    assert {r["ruleId"] for r in run["results"]} == set(RULES)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = write_site(tmp_path / "clean", {"robots.txt": b"User-agent: *\nDisallow:\n"})
    warned = write_site(tmp_path / "warned", RULE_SITES["robots-bom"].files)
    assert _run([str(clean)], capsys)[:2] == (EXIT_OK, "no findings\n")
    assert _run([str(warned)], capsys)[0] == EXIT_OK  # warnings only
    assert _run([str(warned), "--strict"], capsys)[0] == EXIT_PARTIAL
    code, _, err = _run([str(tmp_path / "missing")], capsys)
    assert code == EXIT_INPUT
    assert "no such file or folder" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _run([str(empty)], capsys)[0] == EXIT_INPUT
    with pytest.raises(SystemExit) as exited:
        _run([str(clean), "--json", "--sarif"], capsys)
    assert exited.value.code == EXIT_USAGE
    assert _run([str(clean), "--origin", "news.example"], capsys)[0] == EXIT_USAGE


def test_a_robots_file_lints_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "robots.txt"
    path.write_bytes(RULE_SITES["aipref-value"].files["robots.txt"])
    code, out, _ = _run([str(path)], capsys)
    assert code == EXIT_PARTIAL
    assert f"{path.as_posix()}:3: error aipref-value" in out


# -- a live site ---------------------------------------------------------------------------------


def test_live_site_through_the_fetcher(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = FileServer()
    try:
        server.serve(
            {
                "/robots.txt": ("text/html", b"<!doctype html>\n<html><body>Home</body></html>\n"),
                "/ai.txt": ("text/plain", b"User-agent: *\nAllow: /\n"),
                "/.well-known/tdmrep.json": (
                    "application/json",
                    b'[{"location": "/", "tdm-reservation": 7}]',
                ),
            }
        )
        cache = str(tmp_path / "cache.sqlite3")
        code, out, _ = _run([server.origin, "--cache", cache, "--allow-private", "--json"], capsys)
        assert code == EXIT_PARTIAL
        found = {(f["rule"], f["file"]) for f in json.loads(out)["findings"]}
        assert ("robots-html", f"{server.origin}/robots.txt") in found
        assert ("tdmrep-value", f"{server.origin}/.well-known/tdmrep.json") in found
        # Without --allow-private the guard refuses the loopback address: a fetch error.
        code, _, err = _run([server.origin, "--no-cache"], capsys)
        assert code == EXIT_FETCH
        assert "--allow-private" in err
        assert len(server.requests) <= 10
    finally:
        server.close()


def test_severity_is_the_registry_s() -> None:
    assert {rule.severity for rule in RULES.values()} == set(Severity)
