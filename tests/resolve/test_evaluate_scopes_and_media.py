"""`evaluate` (issue 13): the media type a response states, and robots rules scoped to a crawler
token that the run honours (DESIGN.md §3.3-3.4), read as robots.txt reads that token."""

from __future__ import annotations

import pytest

from reciprocity.evaluate import evaluate
from reciprocity.signals.statement import Mechanism
from reciprocity.uses import Use

URL = "https://x.example/cat.png"


# -- the media type of the Content-Type header -----------------------------------------------


@pytest.mark.parametrize(
    "content_type", ["image/png", "IMAGE/PNG", "image/webp; q=1", " image/jpeg ;charset=x"]
)
def test_content_type_header_makes_noimageai_bind(content_type: str) -> None:
    decision = evaluate(URL, headers={"X-Robots-Tag": "noimageai", "Content-Type": content_type})
    assert decision.for_use("train-ai") == "deny"
    assert decision.for_use("ai-use") == "deny"
    (evidence,) = decision.decision(Use.TRAIN_AI).deciding
    assert evidence.mechanism is Mechanism.NOAI


def test_content_type_header_and_meta_of_an_image_document() -> None:
    # An SVG is an image whose markup may carry metas: the header's media type reaches them too.
    decision = evaluate(
        "https://x.example/logo.svg",
        headers=[("Content-Type", "image/svg+xml")],
        html=b'<svg><meta name="robots" content="noimageai"></svg>',
    )
    assert decision.for_use("train-ai") == "deny"


def test_the_header_statements_memo_keeps_the_media_type_apart() -> None:
    # The same signal fields, once on a page and once on an image: the memo of header
    # statements must not hand the page's reading to the image, nor the other way round.
    fields = {"X-Robots-Tag": "noimageai"}
    for _ in range(2):
        page = evaluate(URL, headers={**fields, "Content-Type": "text/html"})
        image = evaluate(URL, headers={**fields, "Content-Type": "image/png"})
        assert page.for_use("train-ai") == "unknown"
        assert image.for_use("train-ai") == "deny"


def test_the_media_argument_outranks_the_header() -> None:
    # The caller's word about the document comes first; the header speaks when it is silent.
    headers = {"X-Robots-Tag": "noimageai", "Content-Type": "image/png"}
    assert evaluate(URL, headers=headers, media="text/html").for_use("train-ai") == "unknown"
    headers = {"X-Robots-Tag": "noimageai", "Content-Type": "text/html"}
    assert evaluate(URL, headers=headers, media="image").for_use("train-ai") == "deny"


# -- robots rules scoped to an honoured token ------------------------------------------------

PAGE_URL = "https://x.example/story"


@pytest.mark.parametrize(
    ("headers", "html", "cited"),
    [
        ({}, b'<meta name="GPTBot" content="noai">', "gptbot"),
        ({"X-Robots-Tag": "GPTBot: noai"}, None, "GPTBot:"),
        ({"X-Robots-Tag": "GPTBot;noai"}, None, "GPTBot"),
        ({}, b'<meta http-equiv="X-Robots-Tag" content="gptbot: noai">', "gptbot:"),
    ],
)
def test_noai_said_to_an_honoured_token_binds_its_uses(
    headers: dict[str, str], html: bytes | None, cited: str
) -> None:
    # robots.txt `User-agent: GPTBot / Disallow: /` denies train-ai (GPTBot is honoured for it,
    # and only for it): the same token in a meta or X-Robots-Tag must read the same way.
    decision = evaluate(PAGE_URL, headers=headers, html=html, user_agent="CCBot")
    assert decision.for_use("train-ai") == "deny"
    assert decision.for_use("ai-use") == "unknown"  # GPTBot is not honoured for ai-use
    assert decision.for_use("search") == "unknown"
    (evidence,) = decision.decision(Use.TRAIN_AI).deciding
    assert evidence.mechanism is Mechanism.NOAI
    assert evidence.statement.rule == cited
    assert "GPTBot" in evidence.statement.note
    assert "honoured for train-ai" in evidence.statement.note


def test_robots_txt_and_a_scoped_noai_agree() -> None:
    robots = evaluate(PAGE_URL, robots_txt=b"User-agent: GPTBot\nDisallow: /\n")
    meta = evaluate(PAGE_URL, html=b'<meta name="GPTBot" content="noai">')
    for use in Use:
        assert robots.for_use(use) == meta.for_use(use), use


def test_a_token_honoured_for_several_uses_binds_each() -> None:
    decision = evaluate(PAGE_URL, headers={"X-Robots-Tag": "Google-Extended: noai"})
    assert decision.for_use("train-ai") == "deny"
    assert decision.for_use("ai-use") == "deny"
    # noindex said to a token honoured for search (Amazonbot) denies search, as its Disallow would.
    indexed = evaluate(PAGE_URL, headers={"X-Robots-Tag": "amazonbot: noindex"})
    assert indexed.for_use("search") == "deny"
    assert indexed.for_use("train-ai") == "unknown"


def test_a_crawler_specific_reading_stays_with_its_crawler() -> None:
    # nosnippet is an AI control for Google only: said to GPTBot it means nothing for AI.
    decision = evaluate(PAGE_URL, headers={"X-Robots-Tag": "GPTBot: nosnippet"})
    assert decision.evidence == ()
    # Amazon's noarchive, said to Amazonbot (honoured for every use), reserves training.
    amazon = evaluate(PAGE_URL, html=b'<meta name="Amazonbot" content="noarchive">')
    assert amazon.for_use("train-ai") == "deny"
    assert amazon.for_use("ai-use") == "unknown"


def test_unscoped_and_robots_named_rules_keep_their_reading() -> None:
    for html in (b'<meta name="robots" content="noai">', None):
        headers = {} if html is not None else {"X-Robots-Tag": "noai"}
        decision = evaluate(PAGE_URL, headers=headers, html=html, user_agent="CCBot")
        assert decision.for_use("train-ai") == "deny"
        assert decision.for_use("ai-use") == "deny"
    # noarchive said to every crawler binds Bing and Amazon only, as before.
    plain = evaluate(PAGE_URL, headers={"X-Robots-Tag": "noarchive"}, user_agent="CCBot")
    assert plain.for_use("train-ai") == "unknown"


def test_the_collecting_crawlers_own_token_binds_every_use_it_names() -> None:
    # As before: GPTBot collected the page, so its noai binds ai-use too.
    decision = evaluate(PAGE_URL, html=b'<meta name="GPTBot" content="noai">', user_agent="GPTBot")
    assert decision.for_use("train-ai") == "deny"
    assert decision.for_use("ai-use") == "deny"


def test_a_token_that_is_not_honoured_does_not_bind() -> None:
    html = b'<meta name="GPTBot" content="noai">'
    headers = {"X-Robots-Tag": "GPTBot: noai"}
    honour = {Use.TRAIN_AI: ["CCBot"], Use.AI_USE: ["CCBot"]}
    for _ in range(2):  # the memos must keep the honour mapping apart from the default one
        assert evaluate(PAGE_URL, html=html).for_use("train-ai") == "deny"
        assert evaluate(PAGE_URL, html=html, honour=honour).for_use("train-ai") == "unknown"
        assert evaluate(PAGE_URL, headers=headers).for_use("train-ai") == "deny"
        assert evaluate(PAGE_URL, headers=headers, honour=honour).for_use("train-ai") == "unknown"
    # A token honoured by the caller for ai-use binds ai-use.
    chosen = evaluate(PAGE_URL, headers=headers, honour={Use.AI_USE: ["GPTBot"]})
    assert chosen.for_use("ai-use") == "deny"
    assert chosen.for_use("train-ai") == "deny"  # the catalogue still honours it for training


def test_noimageai_said_to_an_honoured_token_binds_images_only() -> None:
    headers = {"X-Robots-Tag": "GPTBot: noimageai"}
    assert evaluate(PAGE_URL, headers=headers).for_use("train-ai") == "unknown"
    image = evaluate(URL, headers={**headers, "Content-Type": "image/png"})
    assert image.for_use("train-ai") == "deny"
    assert image.for_use("ai-use") == "unknown"
