"""`evaluate`: the signals of one document, read and resolved (DESIGN.md §3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from reciprocity.evaluate import evaluate
from reciprocity.obligations import Duty, Obligation
from reciprocity.signals.aitxt import parse_ai_txt
from reciprocity.signals.robots import RobotsTxt
from reciprocity.signals.statement import Mechanism
from reciprocity.uses import Use

EXAMPLE = (ROOT / "examples" / "robots.txt").read_bytes()
URL = "https://news.example/story"


def test_a_crawl_the_collector_may_not_make_denies_every_use() -> None:
    decision = evaluate(URL, robots_txt=EXAMPLE, user_agent="CCBot")
    assert {decision.for_use(use) for use in Use} == {"deny"}
    (evidence,) = decision.evidence
    assert evidence.statement.line == 12
    assert evidence.source == "https://news.example/robots.txt"
    assert "should not have been collected" in evidence.statement.note


def test_tokens_honoured_per_use() -> None:
    decision = evaluate(URL, robots_txt=EXAMPLE, user_agent="Googlebot")
    assert decision.for_use("train-ai") == "deny"  # GPTBot, CCBot, ClaudeBot … are disallowed
    assert decision.for_use("ai-use") == "deny"  # Google-Extended controls Gemini grounding too
    assert decision.for_use("search") == "allow"  # Content-Signal search=yes, OAI-SearchBot allowed
    mechanisms = {e.mechanism for e in decision.decision("search").deciding}
    assert mechanisms == {Mechanism.CONTENT_SIGNALS}


def test_honour_overrides_the_catalogue() -> None:
    decision = evaluate(
        URL,
        robots_txt=EXAMPLE,
        user_agent="Googlebot",
        honour={Use.TRAIN_AI: ["OAI-SearchBot"], Use.AI_USE: []},
    )
    # Content-Signal ai-train=no still reserves training; nothing reserves ai-use any more.
    assert decision.for_use("train-ai") == "deny"
    assert {e.mechanism for e in decision.decision("train-ai").deciding} == {
        Mechanism.CONTENT_SIGNALS
    }
    assert decision.for_use("ai-use") == "unknown"


def test_a_star_disallow_reaches_unnamed_honoured_tokens() -> None:
    robots = b"User-agent: *\nDisallow: /\n\nUser-agent: CCBot\nAllow: /\n"
    decision = evaluate(URL, robots_txt=robots, user_agent="CCBot")
    deciding = decision.decision("train-ai").deciding
    assert decision.for_use("train-ai") == "deny"
    assert deciding[0].statement.rule is not None
    assert deciding[0].statement.rule.startswith("User-agent: * (applies to")


@pytest.mark.parametrize(("status", "expected"), [(404, "unknown"), (503, "deny")])
def test_fetch_outcomes(status: int, expected: str) -> None:
    decision = evaluate(URL, robots_txt=RobotsTxt.from_fetch(status), user_agent="CCBot")
    assert decision.for_use("train-ai") == expected


def test_headers_as_mapping_or_pairs() -> None:
    for headers in (
        {"Content-Signal": "ai-train=no"},
        [("content-type", "text/html"), ("CONTENT-SIGNAL", "ai-train=no")],
    ):
        decision = evaluate(URL, headers=headers)
        assert decision.for_use("train-ai") == "deny"
        assert decision.evidence[0].source == URL


def test_provenance_dates(tmp_path: Path) -> None:
    decision = evaluate(
        URL,
        robots_txt=EXAMPLE,
        user_agent="Googlebot",
        fetched={"robots.txt": "2026-11-01T00:00:00Z"},
    )
    assert {e.fetched for e in decision.evidence} == {"2026-11-01T00:00:00Z"}
    assert decision.to_dict()["evidence"]


# TDMRep: the first matching rule decides, so the specific location comes first.
TDMREP = (
    b'[{"location": "/private/*", "tdm-reservation": 1}, {"location": "/", "tdm-reservation": 0}]'
)
AI_TXT = b"# Spawning AI\nUser-agent: *\nDisallow: *.jpg\nAllow: /\n"
RSL = b"""<rsl xmlns="https://rslstandard.org/rsl">
  <content url="/">
    <license>
      <permits type="usage">search</permits>
      <prohibits type="usage">ai-train</prohibits>
    </license>
  </content>
</rsl>"""


def test_tdmrep_file_and_header_override_order() -> None:
    open_page = evaluate("https://x.example/a", tdmrep_json=TDMREP)
    assert open_page.for_use("train-ai") == "allow"
    reserved = evaluate("https://x.example/private/a", tdmrep_json=TDMREP)
    assert reserved.for_use("train-ai") == "deny"
    assert reserved.evidence[0].source == "https://x.example/.well-known/tdmrep.json"
    # The header overrides the file (TDMRep §processing order): not most-restrictive.
    header = evaluate(
        "https://x.example/private/a", tdmrep_json=TDMREP, headers={"tdm-reservation": "0"}
    )
    assert header.for_use("ai-use") == "allow"
    assert header.evidence[-1].source == "https://x.example/private/a"


def test_a_conflict_between_tdmrep_and_content_signals() -> None:
    decision = evaluate(
        "https://x.example/a", tdmrep_json=TDMREP, headers={"Content-Signal": "ai-train=no"}
    )
    assert decision.for_use("train-ai") == "deny"
    (conflict,) = decision.conflicts
    assert conflict.deny.mechanism is Mechanism.CONTENT_SIGNALS
    assert conflict.allow.mechanism is Mechanism.TDMREP


def test_ai_txt_and_rsl() -> None:
    image = evaluate("https://x.example/cat.jpg", ai_txt=AI_TXT)
    assert image.for_use("train-ai") == "deny"
    assert image.evidence[0].source == "https://x.example/ai.txt"
    page = evaluate("https://x.example/cat.html", ai_txt=AI_TXT)
    assert page.for_use("train-ai") == "allow"
    licensed = evaluate(
        "https://x.example/a",
        rsl_xml=RSL,
        robots_txt=b"User-agent: *\nAllow: /\nLicense: https://x.example/license.xml\n",
    )
    assert licensed.for_use("train-ai") == "deny"
    assert licensed.for_use("search") == "allow"
    rsl = [e for e in licensed.evidence if e.mechanism is Mechanism.RSL]
    assert {e.source for e in rsl} == {"https://x.example/license.xml"}


PAID = b"""<rsl xmlns="https://rslstandard.org/rsl">
  <content url="/" server="https://ls.x.example/api">
    <license><payment type="crawl"/></license>
  </content>
</rsl>"""


def test_rsl_terms_are_lifted_only_by_accepting_each_duty() -> None:
    terms = (
        Obligation(Duty.PAYMENT, detail="crawl"),
        Obligation(Duty.LICENCE, url="https://ls.x.example/api"),
    )
    denied = evaluate("https://x.example/a", rsl_xml=PAID)
    assert denied.for_use("search") == "deny"
    assert denied.decision("search").exceptions == terms
    half = evaluate("https://x.example/a", rsl_xml=PAID, accept={"payment"})
    assert half.for_use("search") == "deny"
    both = evaluate("https://x.example/a", rsl_xml=PAID, accept="pay,licence")
    assert both.for_use("search") == "allow"
    assert both.obligations == terms


def test_an_unknown_accept_name_fails_before_any_reading() -> None:
    with pytest.raises(ValueError, match="unknown obligation 'credits'"):
        evaluate(URL, robots_txt=EXAMPLE, accept={"credits"})


@pytest.mark.parametrize("parsed", [False, True])
def test_a_path_that_starts_with_two_slashes_stays_a_path(parsed: bool) -> None:
    # `https://x.example//a` has the path `//a`; handed on alone, `//a` would read as the URL
    # of host `a` (path `/`), and `Disallow: //` would not match it.
    ai_txt = (
        parse_ai_txt(b"User-agent: *\nDisallow: //\n")
        if parsed
        else b"User-agent: *\nDisallow: //\n"
    )
    tdmrep = b'[{"location": "/a", "tdm-reservation": 1}, {"location": "/", "tdm-reservation": 0}]'
    decision = evaluate("https://x.example//a", ai_txt=ai_txt, tdmrep_json=tdmrep)
    assert decision.for_use("train-ai") == "deny"
    assert {e.mechanism for e in decision.decision(Use.TRAIN_AI).deciding} == {Mechanism.AI_TXT}
    assert evaluate("https://x.example/a", ai_txt=ai_txt).for_use("train-ai") == "unknown"


def _jpeg_with_xmp(value: str) -> bytes:
    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:plus="http://ns.useplus.org/ldf/xmp/1.0/" '
        f'plus:DataMining="http://ns.useplus.org/ldf/vocab/{value}"/>'
        "</rdf:RDF></x:xmpmeta>"
    ).encode()
    payload = b"http://ns.adobe.com/xap/1.0/\x00" + xmp
    segment = b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload
    return b"\xff\xd8" + segment + b"\xff\xd9"


def test_media_bytes_are_read_and_make_noimageai_bind() -> None:
    image = _jpeg_with_xmp("DMI-PROHIBITED-AIMLTRAINING")
    decision = evaluate("https://x.example/cat.jpg", media=image)
    assert decision.for_use("train-ai") == "deny"
    assert decision.evidence[0].mechanism is Mechanism.MEDIA
    plain = _jpeg_with_xmp("DMI-UNSPECIFIED")
    scoped = evaluate(
        "https://x.example/cat.jpg", media=plain, headers={"X-Robots-Tag": "noimageai"}
    )
    assert scoped.for_use("ai-use") == "deny"  # the bytes are an image, so noimageai binds


# -- issue 13 ------------------------------------------------------------------------------------

CCBOT_UA = "CCBot/2.0 (https://commoncrawl.org/faq/)"


def test_a_full_user_agent_is_read_as_its_product_token() -> None:
    robots = b"User-agent: CCBot\nDisallow: /\n"
    decision = evaluate(URL, robots_txt=robots, user_agent=CCBOT_UA)
    assert {decision.for_use(use) for use in Use} == {"deny"}
    (evidence,) = decision.evidence
    assert evidence.statement.rule == "User-agent: CCBot"
    assert evidence.statement.note.startswith("CCBot may not fetch this URL")
    assert [d.code for d in evidence.statement.diagnostics] == ["agent-reduced"]
    # The same, when the robots.txt comes parsed (remembered site evidence).
    parsed = evaluate(URL, robots_txt=RobotsTxt.parse(robots), user_agent=CCBOT_UA)
    assert parsed.evidence == decision.evidence


def test_honoured_user_agents_are_read_as_their_product_tokens() -> None:
    ua = "Mozilla/5.0 (compatible; ExampleBot/0.1; https://www.example.com/bot.html)"
    robots = b"User-agent: ExampleBot\nDisallow: /\n"
    decision = evaluate(URL, robots_txt=robots, user_agent="Googlebot", honour={Use.TRAIN_AI: [ua]})
    assert decision.for_use("train-ai") == "deny"
    (deciding,) = decision.decision("train-ai").deciding
    assert deciding.statement.rule == "User-agent: ExampleBot"
    assert [d.code for d in deciding.statement.diagnostics] == ["agent-reduced"]


def test_a_user_agent_without_a_product_token_fails_closed() -> None:
    robots = b"User-agent: *\nAllow: /\n\nUser-agent: GPTBot\nDisallow: /\n"
    decision = evaluate(URL, robots_txt=robots, user_agent="Mozilla/5.0 (X11) Chrome/120")
    assert {decision.for_use(use) for use in Use} == {"deny"}
    assert [d.code for d in decision.evidence[0].statement.diagnostics] == ["agent-no-token"]


def test_a_crawl_deny_cites_the_group_that_matched() -> None:
    # issue 13: with only a '*' group, the deny is the '*' group's, not a group for CCBot.
    decision = evaluate(URL, robots_txt=b"User-agent: *\nDisallow: /\n", user_agent="CCBot")
    (evidence,) = decision.evidence
    assert evidence.statement.rule == "User-agent: * (applies to CCBot)"
    named = evaluate(URL, robots_txt=b"User-agent: CCBot\nDisallow: /\n", user_agent="CCBot")
    assert named.evidence[0].statement.rule == "User-agent: CCBot"
