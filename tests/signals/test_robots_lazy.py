"""The parse reads only the lines queries need; the rest is read when asked for. Both readings
must agree: the groups, the record groups and the records of known keys that a query sees are
those of the full reading, whether the lines were picked first (skimmed) or not.

The matching index is built from whole groups at once; its deciding rule is checked against the
plain rule of Google's matcher (longest pattern, Allow on a tie, then the first line).
"""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT, require
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reciprocity.signals.robots import (
    KNOWN_RECORDS,
    ROBOTS_SIZE_LIMIT,
    RobotsTxt,
    _prepare,
    _read_lines,
    _read_rules,
    path_params_query,
    pattern_matches,
)

sys.path.append(str(ROOT / "benchmarks"))
import robots_corpus as corpus

KEYS = [
    "User-agent", "user-agent", "USER-AGENT", "useragent", "User agent", "user-agents",
    "Allow", "allow", "Allowed", "Disallow", "DISALLOW", "disallow", "dissallow", "Disalow",
    "diasllow", "disallaw", "Sitemap", "site-map", "Crawl-delay", "Content-Usage",
    "content-signal", "License", "Host", "noindex", "color", "width", "disallow-x", "",
]  # fmt: skip
VALUES = ["*", "* x", "GPTBot", "CCBot/2.0", "008", "/", "/a", "/a/*.pdf$", "", "/é", "5"]
SPACE = st.sampled_from(["", " ", "\t", "\v", "\f", "  "])


@st.composite
def _line(draw: st.DrawFn) -> str:
    before, after_key, after_colon = draw(SPACE), draw(SPACE), draw(SPACE)
    key, value = draw(st.sampled_from(KEYS)), draw(st.sampled_from(VALUES))
    colon = draw(st.sampled_from([":", ":", ":", " ", ""]))
    comment = draw(st.sampled_from(["", "", " # c", "#:x"]))
    return f"{before}{key}{after_key}{colon}{after_colon}{value}{comment}"


LINES = st.lists(
    st.one_of(
        _line(),
        st.sampled_from(["", "# comment: x", "<html lang=en>", "a b c", "x:y:z", ":x", "\x00"]),
        st.text(alphabet="aAuUsS:-/ \t#*\x0b", max_size=14),
    ),
    max_size=40,
)


def _full(text: str) -> tuple[object, ...]:
    groups, records, _, spans = _read_lines(text, [])
    return groups, tuple(r for r in records if r.key in KNOWN_RECORDS), spans


@settings(max_examples=1500)
@given(LINES, st.sampled_from(["\n", "\r\n", "\r"]))
def test_the_rules_read_alone_are_the_rules_read_with_every_line(
    lines: list[str], eol: str
) -> None:
    text = _prepare(eol.join(lines).encode("utf-8", "surrogatepass"), ROBOTS_SIZE_LIMIT)[0]
    expected = _full(text)
    assert _read_rules(text, skim=False) == expected
    assert _read_rules(text, skim=True) == expected
    assert _read_rules(text) == expected


@settings(max_examples=300)
@given(LINES)
def test_a_parse_reads_the_same_before_and_after_its_records_are_asked_for(
    lines: list[str],
) -> None:
    data = "\n".join(lines).encode()
    robots = RobotsTxt.parse(data)
    agents = ["GPTBot", "CCBot", "*", "008", "Mozilla/5.0"]
    before = [
        robots.records_for(agent, key)
        for agent in agents
        for key in ("crawl-delay", "content-usage", "license", "sitemap", "color")
    ]
    before_named = [robots.records_named(key) for key in ("host", "Sitemap", "width")]
    sitemaps, delays = robots.sitemaps, [robots.crawl_delay(agent) for agent in agents]
    record_groups = robots.record_groups
    allowed = [robots.allowed(path, agent) for agent in agents for path in ("/", "/a", "/a/b")]
    # The full reading, now and in a fresh parse that reads it before any query.
    records, diagnostics = robots.records, robots.diagnostics
    fresh = RobotsTxt.parse(data)
    assert (fresh.records, fresh.diagnostics) == (records, diagnostics)
    assert fresh.record_groups == record_groups
    assert fresh.groups == robots.groups
    assert before == [
        fresh.records_for(agent, key)
        for agent in agents
        for key in ("crawl-delay", "content-usage", "license", "sitemap", "color")
    ]
    assert before_named == [fresh.records_named(key) for key in ("host", "Sitemap", "width")]
    assert (sitemaps, delays) == (fresh.sitemaps, [fresh.crawl_delay(a) for a in agents])
    assert allowed == [fresh.allowed(p, a) for a in agents for p in ("/", "/a", "/a/b")]


@pytest.mark.corpus
def test_every_corpus_file_reads_the_same_rules_both_ways() -> None:
    require(corpus.corpus_dir(), "protego 0.7.0 robots.txt corpus")
    files = corpus.load_corpus()
    assert len(files) > 4000
    differ = []
    for file in files:
        text = _prepare(file.head, ROBOTS_SIZE_LIMIT)[0]
        expected = _full(text)
        if not _read_rules(text, skim=False) == _read_rules(text, skim=True) == expected:
            differ.append(file.name)
    assert differ == []


def _reference_decider(robots: RobotsTxt, path: str, agent: str) -> tuple[int, bool] | None:
    """Google's choice among the matching rules: the longest pattern, an Allow on a tie, then
    the first line."""
    found = [
        (len(rule.pattern), rule.allow, -rule.line)
        for group in robots.groups_for(agent)
        for rule in group.rules
        if rule.pattern and pattern_matches(path, rule.pattern)
    ]
    if not found:
        return None
    _, allow, line = max(found)
    return -line, allow


RULES = st.lists(
    st.builds(
        lambda kind, body: f"{kind}: {body}",
        st.sampled_from(["Allow", "Disallow"]),
        st.text(alphabet="/ab*$%2fé.", max_size=7).map(lambda body: "/" + body)
        | st.sampled_from(["/a/index.html", "/index.htm", "/a%2fb", "/a%2Fb", "", "/"]),
    ),
    max_size=14,
)


@settings(max_examples=1500)
@given(RULES, RULES, st.text(alphabet="/ab$*.%2fF", max_size=9), st.sampled_from(["bot", "x"]))
def test_the_deciding_rule_is_googles(
    first: list[str], second: list[str], path: str, agent: str
) -> None:
    text = "\n".join(["User-agent: bot", *first, "User-agent: *", *second, "User-agent: bot"])
    robots = RobotsTxt.parse(text.encode())
    # Left out: a derived `/dir/$` that is also written as a rule. Google keeps the first line
    # of that priority; ours keeps the written rule (it ranks derived allows after the written
    # ones), which only changes the line reported, never the verdict.
    rules = [rule for group in robots.groups for rule in group.rules]
    written = {rule.pattern for rule in rules if not rule.derived}
    assume(not any(rule.derived and rule.pattern in written for rule in rules))
    url = "/" + path
    match = robots.match(url, agent)
    expected = _reference_decider(robots, path_params_query(url), agent)
    assert (None if match.rule is None else (match.rule.line, match.rule.allow)) == expected
    assert robots.allowed(url, agent) is (expected is None or expected[1])
