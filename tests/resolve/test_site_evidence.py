"""The site evidence remembered per deciding rule is exactly what a fresh evaluation finds.

``evaluate`` remembers the evidence of parsed site files per combination of deciding rules
(``reciprocity.site_evidence``); passing the same files as bytes parses them afresh and remembers
nothing. Any URL must get the same decision both ways, whatever URLs came before it.
"""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocity import evaluate
from reciprocity.resolve import Decision
from reciprocity.robots_uses import DEFAULT_HONOURED
from reciprocity.signals.aitxt import parse_ai_txt
from reciprocity.signals.robots import RobotsTxt, path_params_query
from reciprocity.signals.rsl import parse_rsl
from reciprocity.signals.tdmrep import parse_tdmrep_json
from reciprocity.site_evidence import SiteEvidence
from reciprocity.uses import Use

ROBOTS = b"""User-agent: *
Disallow: /private/
Allow: /private/open
Disallow: /*.pdf$
Disallow: /*?session=
Content-Usage: train-ai=n
Content-Usage: /news/ train-ai=y, search=y
Content-Usage: /news/archive/ ai-use=n
Content-Signal: search=yes, ai-train=no
License: /licence.xml

User-agent: GPTBot
User-agent: CCBot
Disallow: /news/
Allow: /news/public/
Content-Usage: train-ai=n;exceptions=cc-cr

User-agent: ClaudeBot
Disallow: /
Allow: /news/$
"""
AI_TXT = b"""User-agent: *
Disallow: *.jpg
Disallow: /news/archive/
Allow: /news/
Allow: /
"""
RSL = b"""<rsl xmlns="https://rslstandard.org/rsl">
<content url="/news/*"><license><permits type="usage">search</permits>
<prohibits type="usage">ai-train</prohibits><payment type="attribution"/></license></content>
<content url="/"><license><prohibits type="usage">ai-all</prohibits></license></content>
</rsl>"""
TDMREP = (
    b'[{"location": "/news/archive/*", "tdm-reservation": 1},'
    b' {"location": "/", "tdm-reservation": 0}]'
)
HEADERS = [("Content-Type", "text/html"), ("Content-Usage", "search=y")]
HTML = b'<html><head><meta name="robots" content="noai"></head><body></body></html>'

SEGMENTS = ["news", "public", "archive", "private", "open", "a.pdf", "b.jpg", "x?session=1", ""]
paths = st.lists(st.sampled_from(SEGMENTS), max_size=4).map(lambda parts: "/" + "/".join(parts))
hosts = st.sampled_from(["https://news.example", "http://news.example:8080"])
agents = st.sampled_from(["CCBot", "GPTBot", "ClaudeBot", "SomeBot/1.0", "*"])

PARSED = {
    "robots_txt": RobotsTxt.parse(ROBOTS),
    "ai_txt": parse_ai_txt(AI_TXT),
    "rsl_xml": parse_rsl(RSL),
    "tdmrep_json": parse_tdmrep_json(TDMREP),
}
RAW = {"robots_txt": ROBOTS, "ai_txt": AI_TXT, "rsl_xml": RSL, "tdmrep_json": TDMREP}


def _both(
    url: str, agent: str, files: tuple[str, ...] = tuple(RAW), **extra: object
) -> tuple[Decision, Decision]:
    common = {"headers": HEADERS, "html": HTML, "user_agent": agent, **extra}
    parsed = {name: PARSED[name] for name in files}
    remembered = evaluate(url, **parsed, **common)  # type: ignore[arg-type]
    fresh = evaluate(url, **{name: RAW[name] for name in files}, **common)  # type: ignore[arg-type]
    return remembered, fresh


# Each file alone too: with all of them, one file's rule could hide another's from the test.
file_sets = st.sampled_from([tuple(RAW), *((name,) for name in RAW)])


@settings(max_examples=400, deadline=None)
@given(
    urls=st.lists(st.tuples(hosts, paths), min_size=1, max_size=8), agent=agents, files=file_sets
)
def test_remembered_evidence_is_what_a_fresh_evaluation_finds(
    urls: list[tuple[str, str]], agent: str, files: tuple[str, ...]
) -> None:
    for host, path in urls:
        remembered, fresh = _both(host + path, agent, files)
        assert remembered.to_dict() == fresh.to_dict()


@settings(max_examples=100, deadline=None)
@given(host=hosts, path=paths)
def test_honour_override_and_stamps_are_part_of_what_is_remembered(host: str, path: str) -> None:
    url = host + path
    for honour in (None, {Use.TRAIN_AI: ["ClaudeBot"]}, {Use.TRAIN_AI: {"ccbot": "CCBot"}}):
        for fetched in (None, {"robots.txt": "2026-01-01T00:00:00+00:00"}):
            remembered, fresh = _both(url, "SomeBot", honour=honour, fetched=fetched)
            assert remembered.to_dict() == fresh.to_dict()


def test_a_relative_licence_url_is_read_against_the_robots_txt() -> None:
    decision = evaluate("https://news.example/news/a/b", **PARSED)  # type: ignore[arg-type]
    sources = {e.source for e in decision.evidence if e.mechanism.value == "rsl"}
    assert sources == {"https://news.example/licence.xml"}


def test_site_evidence_is_built_once_per_deciding_rule() -> None:
    robots = RobotsTxt.parse(ROBOTS)
    site = SiteEvidence(
        "https://news.example",
        robots=robots,
        ai_txt=None,
        rsl=None,
        user_agent="CCBot",
        honour=DEFAULT_HONOURED,
        stamps={},
    )
    first = site.lookup("https://news.example/news/1", path_params_query("/news/1"))
    again = site.lookup("https://news.example/news/2", path_params_query("/news/2"))
    other = site.lookup("https://news.example/news/public/1", "/news/public/1")
    assert first is again  # same rules decide both: the very same evidence
    assert other is not first


def test_remembered_sites_are_bounded() -> None:
    module = sys.modules["reciprocity.evaluate"]
    for n in range(module._SITES_LIMIT + 10):
        evaluate(f"https://site{n}.example/", robots_txt=RobotsTxt.parse(b"User-agent: *\n"))
    assert len(module._SITES) <= module._SITES_LIMIT


def test_ai_txt_matcher_agrees_with_match() -> None:
    ai = parse_ai_txt(
        b"User-agent: *\nAllow: /a\nDisallow: /a\nDisallow: *.png\nAllow: /a/b.png\n"
        b"User-agent: Bot\nAllow: /\nDisallow: /x\n"
    )
    for agent in ("*", "Bot", "other"):
        match = ai.matcher(agent)
        for path in ("/", "/a", "/a/b.png", "/c.png", "/x", "/x/y", "/a/c.PNG?q=1"):
            assert match(path) == ai.match(path, agent), (agent, path)


def test_robots_deciders_are_shared_by_agents_of_the_same_groups() -> None:
    robots = RobotsTxt.parse(ROBOTS)
    deciders = robots.deciders(["CCBot", "GPTBot", "FooBot", "BarBot", "ClaudeBot"])
    assert len(deciders) == 3  # {GPTBot, CCBot}, {*}, {ClaudeBot}
    assert RobotsTxt.allow_all().deciders(["CCBot"]) == ()
