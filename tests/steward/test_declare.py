"""``reciprocity declare``: the sample policy's folder, merging a site's robots.txt, the CLI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import CORPORA, require
from declare_factory import carriers
from golden import check_golden

import reciprocity
from reciprocity.cli import main
from reciprocity.signals import aipref
from reciprocity.signals.robots import RobotsTxt
from reciprocity.steward import declare, load_policy, parse_policy

GOLDEN = Path(__file__).parent / "golden"
POLICY = GOLDEN / "policy.toml"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_sample_policy_folder_matches_golden(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(GOLDEN)
    code, out, err = _run(["declare", "policy.toml", "--out", str(tmp_path / "site")], capsys)
    assert code == 0
    check_golden(GOLDEN / "declare.out", out.replace(str(tmp_path), "TMP"))
    check_golden(GOLDEN / "declare.err", err)
    written = sorted(p for p in (tmp_path / "site").rglob("*") if p.is_file())
    assert [p.relative_to(tmp_path / "site").as_posix() for p in written] == sorted(
        line.strip() for line in out.splitlines()[1:]
    )
    for path in written:
        name = path.relative_to(tmp_path / "site").as_posix()
        check_golden(GOLDEN / "site" / name, path.read_text(encoding="utf-8"))


def test_sample_policy_reads_back() -> None:
    """The sample, end to end: the stances the issue asks for, on the paths it names."""
    declaration = declare(load_policy(POLICY))
    for path, train, use, search in [
        ("/", "deny", "deny", "allow"),  # ai-use: deny unless credit
        ("/blog/post", "deny", "deny", "allow"),  # GPTBot blocked: training denied everywhere
        ("/archive/2019", "deny", "deny", "allow"),
    ]:
        found = carriers(declaration, path)
        assert set(found) == {"robots_txt", "headers", "html", "tdmrep_json", "ai_txt", "rsl_xml"}
        decision = reciprocity.evaluate(f"https://example.org{path}", **found)
        assert (decision.for_use("train-ai"), decision.for_use("ai-use")) == (train, use)
        assert decision.for_use("search") == search
        assert decision.conflicts == ()
        credited = reciprocity.evaluate(f"https://example.org{path}", accept={"credit"}, **found)
        assert credited.for_use("ai-use") == ("deny" if path.startswith("/archive/") else "allow")


def test_merge_keeps_the_site_and_adds_the_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(GOLDEN)
    argv = ["declare", "policy.toml", "--out", str(tmp_path), "--merge", "site-robots.txt"]
    code, _, err = _run(argv, capsys)
    assert code == 0
    check_golden(GOLDEN / "merge.err", err)
    merged = (tmp_path / "robots.txt").read_text(encoding="utf-8")
    check_golden(GOLDEN / "merged-robots.txt", merged)
    robots = RobotsTxt.parse(merged)
    assert not robots.allowed("https://example.org/admin/x", "CCBot")  # the site's rule
    assert not robots.allowed("https://example.org/x", "GPTBot")  # the policy's
    assert robots.allowed("https://example.org/x", "Googlebot")
    assert not robots.allowed("https://example.org/drafts/x", "OAI-SearchBot")
    for agent in ("*", "Googlebot", "OAI-SearchBot"):
        values = [rule[2] for rule in aipref.robots_rules(robots, agent)]
        assert values[0] == "train-ai=n, ai-use=n;exceptions=cc-cr, search=y", agent
    assert "train-ai=y" not in [r[2] for r in aipref.robots_rules(robots, "*")]


def _site_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_merge_keeps_every_line_of_real_robots_files() -> None:
    """Real robots.txt files (protego's corpus): every line is kept, in order (a replaced or
    disabled one as a comment that quotes it), and every group the site has reads the policy's
    usage lines."""
    corpus = require(
        CORPORA / "protego-0.7.0" / "protego-0.7.0" / "tests" / "test_data", "protego corpus"
    )
    policy = load_policy(POLICY)
    files = sorted(p for p in corpus.iterdir() if p.is_file())[:400]
    assert len(files) == 400
    merged_groups = 0
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        merged = declare(policy, merge=text).robots_txt
        kept = iter(_site_lines(merged))
        for line in _site_lines(text.lstrip("\ufeff")):
            assert any(m == line or (m.startswith("#") and m.endswith(line)) for m in kept), (
                path.name,
                line,
            )
        robots = RobotsTxt.parse(merged)
        for group in robots.record_groups:
            for agent in group.agents:
                if agent.lower() in ("gptbot", "*") or not agent.isascii():
                    continue
                values = [rule[2] for rule in aipref.robots_rules(robots, agent)]
                assert "train-ai=n, ai-use=n;exceptions=cc-cr, search=y" in values, (
                    path.name,
                    agent,
                )
                merged_groups += 1
    assert merged_groups > 1000


ERRORS = {
    "no-version": "[preferences]\nsearch = 'allow'\n",
    "version-2": "version = 2\n",
    "not-toml": "version = 1\n[preferences\n",
    "unknown-use": "version = 1\n[preferences]\ntrain = 'deny'\n",
    "bad-stance": "version = 1\n[preferences]\nsearch = 'no'\n",
    "unknown-duty": "version = 1\n[preferences]\nai-use = { deny = true, unless = ['tip'] }\n",
    "unsayable-unless": "version = 1\n[preferences]\nai-use = { deny = true, unless = ['nc'] }\n",
    "bad-path": "version = 1\n[[paths]]\npath = 'blog/*'\nsearch = 'deny'\n",
    "unknown-crawler": "version = 1\n[[crawlers]]\ntoken = 'GPTbott'\ncrawl = false\n",
    "same-crawler": (
        "version = 1\n[[crawlers]]\ntoken = 'GPTBot'\ncrawl = false\n"
        "[[crawlers]]\ntoken = 'gptbot'\ncrawl = true\n"
    ),
    "bad-licence": "version = 1\nlicense = 'CC-BY-5.0'\n",
    "bad-url": "version = 1\nrsl = 'example.org/license.xml'\n",
    "unknown-key": "version = 1\nlicence = 'MIT'\n",
}


def test_bad_policies_fail_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    lines = []
    for name, text in ERRORS.items():
        Path(f"{name}.toml").write_text(text, encoding="utf-8")
        code, out, err = _run(["declare", f"{name}.toml", "--out", "site"], capsys)
        assert (code, out) == (3, ""), name
        assert err.count("\n") == 1, err
        lines.append(err)
    code, _, err = _run(["declare", "missing.toml", "--out", "site"], capsys)
    lines.append(err)
    assert not os.path.exists("site")
    check_golden(GOLDEN / "errors.txt", "".join(lines))


def test_the_issue_example_parses() -> None:
    text = """
version = 1
license = "CC-BY-4.0"
rsl = "https://example.org/license.xml"
[preferences]
train-ai = "deny"
ai-use = { deny = true, unless = ["credit"] }
search = "allow"
[[paths]]
path = "/blog/"
train-ai = "allow"
[[crawlers]]
token = "GPTBot"
crawl = false
"""
    policy = parse_policy(text, source="policy.toml")
    assert [c.token for c in policy.blocked] == ["GPTBot"]
    assert len(policy.notes) == 1  # GPTBot's block overrides /blog/'s training allow
