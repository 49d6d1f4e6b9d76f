"""noai / noimageai and robots rules as AI controls, from metas and X-Robots-Tag / Robots-Tag."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from reciprocity.signals.html import Meta, scan_html
from reciprocity.signals.noai import (
    VOCABULARY,
    HonouredTokens,
    parse_robots_meta,
    parse_x_robots_tag,
    read_robots_headers,
    read_robots_meta,
)
from reciprocity.signals.robots import extract_product_token
from reciprocity.signals.statement import Carrier, Mechanism, Statement
from reciprocity.uses import Stance, Use

DENY_AI = ((Use.TRAIN_AI, Stance.DENY), (Use.AI_USE, Stance.DENY))


def stances(statements: tuple[Statement, ...]) -> dict[Use, Stance]:
    """The most restrictive stance per use over the statements (as the resolver combines)."""
    out: dict[Use, Stance] = {}
    for statement in statements:
        for use, stance in statement.stances:
            if stance is Stance.DENY or use not in out:
                out[use] = stance
    return out


def metas(html: str) -> tuple[Meta, ...]:
    return scan_html(html).metas


# -- signals.md §7.1: the convention's own spellings -------------------------------------------


def test_meta_noai_denies_training_and_ai_use_for_every_agent() -> None:
    page = metas('<meta name="robots" content="noai">')
    for agent in ("GPTBot", "CCBot", "*", "anything"):
        found = parse_robots_meta(page, user_agent=agent)
        assert len(found) == 1
        statement = found[0]
        assert statement.stances == DENY_AI
        assert statement.mechanism is Mechanism.NOAI
        assert statement.carrier is Carrier.HTML_META
        assert statement.rule == "robots"
        assert statement.line == 1
        assert statement.raw == "noai"


def test_meta_noimageai_binds_images_only() -> None:
    page = metas('<meta name="robots" content="noimageai">')
    (text,) = parse_robots_meta(page, user_agent="GPTBot")
    assert text.stances == ()
    assert "images only" in text.note
    for media in ("image", "image/png", "IMAGE/JPEG"):
        (image,) = parse_robots_meta(page, user_agent="GPTBot", media=media)
        assert image.stances == DENY_AI


def test_noai_noimageai_combined() -> None:
    page = metas('<meta name="robots" content="noai, noimageai">')
    found = parse_robots_meta(page, user_agent="GPTBot")
    assert [s.note.split(":")[0] for s in found] == ["noai", "noimageai"]
    assert stances(found) == dict(DENY_AI)
    assert stances(parse_robots_meta(page, user_agent="GPTBot", media="image")) == dict(DENY_AI)


def test_x_robots_tag_noai_and_noimageai() -> None:
    found = parse_x_robots_tag([("X-Robots-Tag", "noai")], user_agent="GPTBot")
    assert [(s.stances, s.carrier, s.line, s.rule) for s in found] == [
        (DENY_AI, Carrier.HTTP_HEADER, 1, None)
    ]
    image = parse_x_robots_tag(
        [("Content-Type", "image/png"), ("X-Robots-Tag", "noimageai")],
        user_agent="GPTBot",
        media="image/png",
    )
    assert [(s.stances, s.line) for s in image] == [(DENY_AI, 2)]


@pytest.mark.parametrize(
    "content",
    ["NOAI", " noai ", "NoAi,", "index, follow, noai", "noai;nofollow", "noai nofollow"],
)
def test_case_whitespace_and_separator_variants(content: str) -> None:
    page = (Meta("robots", content, 1),)
    assert stances(parse_robots_meta(page, user_agent="GPTBot")) == dict(DENY_AI)


# -- scoping (peers.md §3.4: datadiligence applies agent-scoped rules to everyone) -------------


def test_agent_scoped_header_does_not_bind_other_agents() -> None:
    headers = [("X-Robots-Tag", "googlebot: noindex, noimageai")]
    assert parse_x_robots_tag(headers, user_agent="GPTBot") == ()
    assert parse_x_robots_tag(headers, user_agent="GPTBot", media="image") == ()
    google = parse_x_robots_tag(headers, user_agent="Googlebot", media="image")
    assert stances(google) == {
        Use.SEARCH: Stance.DENY,
        Use.TRAIN_AI: Stance.DENY,
        Use.AI_USE: Stance.DENY,
    }
    assert {s.rule for s in google} == {"googlebot:"}


def test_header_prefix_scopes_until_the_next_prefix() -> None:
    tags = read_robots_headers([("x-robots-tag", "noarchive, gptbot: noai, otherbot: noml")])
    assert [(d.rule, d.scope, d.written_scope) for d in tags.directives] == [
        ("noarchive", None, None),
        ("noai", "gptbot", "gptbot:"),
        ("noml", "otherbot", "otherbot:"),
    ]
    assert stances(parse_x_robots_tag(tags_headers := [("X-Robots-Tag", "gptbot: noai")],
                                      user_agent="GPTBot/1.2")) == dict(DENY_AI)  # fmt: skip
    assert parse_x_robots_tag(tags_headers, user_agent="CCBot") == ()


def test_value_rules_are_not_agent_prefixes() -> None:
    tags = read_robots_headers(
        [("X-Robots-Tag", "unavailable_after: 25 Jun 2010 15:00:00 PST, noai")]
    )
    assert [(d.rule, d.scope) for d in tags.directives] == [
        ("unavailable_after:25 jun 2010 15:00:00 pst", None),
        ("noai", None),
    ]


def test_crawler_specific_meta_names() -> None:
    page = metas(
        '<meta name="GPTBot" content="noai"><meta name="ccbot" content="noml">'
        '<meta name="description" content="we sell noai stickers">'
    )
    assert stances(parse_robots_meta(page, user_agent="GPTBot")) == dict(DENY_AI)
    assert stances(parse_robots_meta(page, user_agent="CCBot")) == {Use.TRAIN_AI: Stance.DENY}
    assert parse_robots_meta(page, user_agent="Googlebot") == ()
    # without an agent, only metas made of robots rules are read as crawler metas
    assert {d.scope for d in read_robots_meta(page).directives} == {"gptbot", "ccbot"}
    (gpt,) = parse_robots_meta(page, user_agent="GPTBot")
    assert gpt.rule == "gptbot"


def test_meta_named_for_the_agent_is_read_even_with_unknown_rules() -> None:
    page = (Meta("gptbot", "noai, frobnicate", 7),)
    (found,) = parse_robots_meta(page, user_agent="GPTBot")
    assert found.stances == DENY_AI
    assert [d.code for d in found.diagnostics] == ["unknown-rule"]


def test_several_metas_accumulate() -> None:
    # draft-illyes-repext §2.1.2: "the sum of negative rules specific to their product token
    # and the global product token"
    page = metas(
        '<meta name="robots" content="noml">\n<meta name="robots" content="noindex">\n'
        '<meta name="gptbot" content="noai">'
    )
    found = parse_robots_meta(page, user_agent="GPTBot")
    assert [s.line for s in found] == [1, 2, 3]
    assert stances(found) == {
        Use.TRAIN_AI: Stance.DENY,
        Use.SEARCH: Stance.DENY,
        Use.AI_USE: Stance.DENY,
    }


def test_repeated_rule_in_one_meta_is_one_statement() -> None:
    assert len(parse_robots_meta((Meta("robots", "noai, NOAI", 1),), user_agent="x")) == 1


def test_several_header_fields_accumulate() -> None:
    found = parse_x_robots_tag(
        [("X-Robots-Tag", "noml"), ("Server", "x"), ("x-robots-tag", "noindex")],
        user_agent="GPTBot",
    )
    assert [(s.line, s.stances) for s in found] == [
        (1, ((Use.TRAIN_AI, Stance.DENY),)),
        (3, ((Use.SEARCH, Stance.DENY),)),
    ]


# -- rules scoped to a token the run honours (DESIGN §3.4, issue 13) -------------------------

# Per use, {token as robots.txt matching reads it: name shown in evidence}: the shape of
# reciprocity.robots_uses.DEFAULT_HONOURED.
HONOUR = {
    Use.TRAIN_AI: {"gptbot": "GPTBot", "amazonbot": "Amazonbot", "bingbot": "bingbot",
                   "ai": "AI2Bot"},
    Use.AI_USE: {"amazonbot": "Amazonbot", "bingbot": "bingbot"},
    Use.SEARCH: {"amazonbot": "Amazonbot"},
}  # fmt: skip


def test_a_rule_said_to_an_honoured_token_binds_the_uses_it_is_honoured_for() -> None:
    page = metas('<meta name="GPTBot" content="noai">')
    assert parse_robots_meta(page, user_agent="CCBot") == ()  # no honour: as before
    (found,) = parse_robots_meta(page, user_agent="CCBot", honour=HONOUR)
    assert found.stances == ((Use.TRAIN_AI, Stance.DENY),)  # not ai-use: not honoured for it
    assert found.rule == "gptbot"
    assert "GPTBot is honoured for train-ai" in found.note
    headers = [("X-Robots-Tag", "GPTBot: noai")]
    (header,) = parse_x_robots_tag(headers, user_agent="CCBot", honour=HONOUR)
    assert header.stances == ((Use.TRAIN_AI, Stance.DENY),)
    assert header.rule == "GPTBot:"
    # The collecting crawler's own token binds every use its reading names, as before.
    assert stances(parse_robots_meta(page, user_agent="GPTBot", honour=HONOUR)) == dict(DENY_AI)


def test_a_scope_is_reduced_to_its_product_token_as_robots_txt_reads_it() -> None:
    # `User-agent: AI2Bot` is read as `ai` by Google's matcher, and so is the catalogue's token.
    page = (Meta("ai2bot", "noai", 3),)
    (found,) = parse_robots_meta(page, user_agent="*", honour=HONOUR)
    assert found.stances == ((Use.TRAIN_AI, Stance.DENY),)
    assert "AI2Bot is honoured for train-ai" in found.note


def test_a_reading_for_named_crawlers_binds_through_their_token_only() -> None:
    headers = [("X-Robots-Tag", "gptbot: noarchive, amazonbot: noarchive, nosnippet")]
    found = parse_x_robots_tag(headers, user_agent="CCBot", honour=HONOUR)
    # Amazon's noarchive reserves training; said to GPTBot it means nothing for AI, nor does
    # nosnippet (Google's), which the `amazonbot:` prefix before it scopes to Amazonbot.
    assert [(s.rule, s.stances) for s in found] == [
        ("amazonbot:", ((Use.TRAIN_AI, Stance.DENY),)),
    ]
    # noindex said to a token honoured for search denies search only.
    (search,) = parse_x_robots_tag(
        [("X-Robots-Tag", "amazonbot: noindex")], user_agent="CCBot", honour=HONOUR
    )
    assert search.stances == ((Use.SEARCH, Stance.DENY),)


def test_a_rule_yields_only_to_a_rule_said_to_the_same_crawler() -> None:
    together = parse_x_robots_tag(
        [("X-Robots-Tag", "bingbot: noarchive, nocache")], user_agent="CCBot", honour=HONOUR
    )
    assert stances(together) == {Use.TRAIN_AI: Stance.DENY}
    assert any("replaces it" in s.note for s in together)
    # nocache said to another crawler does not replace Bing's noarchive.
    apart = parse_x_robots_tag(
        [("X-Robots-Tag", "bingbot: noarchive, amazonbot: nocache")],
        user_agent="CCBot",
        honour=HONOUR,
    )
    assert stances(apart) == dict(DENY_AI)
    # nor does nocache said to the collecting crawler,
    other = parse_x_robots_tag(
        [("X-Robots-Tag", "ccbot: nocache, bingbot: noarchive")], user_agent="CCBot", honour=HONOUR
    )
    assert stances(other) == dict(DENY_AI)
    # but nocache said to every crawler does.
    unscoped = parse_x_robots_tag(
        [("X-Robots-Tag", "nocache, bingbot: noarchive")], user_agent="CCBot", honour=HONOUR
    )
    assert stances(unscoped) == {}
    assert any("replaces it" in s.note for s in unscoped)


def test_noimageai_said_to_an_honoured_token_binds_images_only() -> None:
    page = (Meta("gptbot", "noimageai", 1),)
    (text,) = parse_robots_meta(page, user_agent="CCBot", honour=HONOUR)
    assert text.stances == ()
    assert "images only" in text.note
    (image,) = parse_robots_meta(page, user_agent="CCBot", media="image/png", honour=HONOUR)
    assert image.stances == ((Use.TRAIN_AI, Stance.DENY),)


def test_unscoped_and_robots_named_rules_are_not_read_through_honoured_tokens() -> None:
    for page in ((Meta("robots", "noai", 1),), (Meta("robots", "noarchive", 1),)):
        assert parse_robots_meta(page, user_agent="CCBot", honour=HONOUR) == parse_robots_meta(
            page, user_agent="CCBot"
        )


def test_a_meta_named_for_an_honoured_token_is_read_with_unknown_rules_too() -> None:
    # Like a meta named for the crawler asked about: its name says it is a robots meta. The
    # value memo keeps the two readings (named or not) apart.
    page = (Meta("gptbot", "noai, frobnicate", 7),)
    for _ in range(2):
        assert parse_robots_meta(page, user_agent="CCBot") == ()
        (found,) = parse_robots_meta(page, user_agent="CCBot", honour=HONOUR)
        assert found.stances == ((Use.TRAIN_AI, Stance.DENY),)
        assert [d.code for d in found.diagnostics] == ["unknown-rule"]


def test_honoured_tokens_from_a_mapping_or_built_once() -> None:
    page = (Meta("gptbot", "noai", 1),)
    built = HonouredTokens(HONOUR)
    assert parse_robots_meta(page, user_agent="*", honour=built) == parse_robots_meta(
        page, user_agent="*", honour=HONOUR
    )
    assert built.bound("GPTBot/1.2".lower()) == ((Use.TRAIN_AI, "GPTBot"),)
    assert built.bound("description") == ()


# -- draft-illyes-repext §2.1.1: the Structured Field form ------------------------------------


def test_repext_example_verbatim() -> None:
    # "Robots-Tag: *;noindex;nosnippet, ExampleBot;" (draft-illyes-repext §2.1.1)
    tags = read_robots_headers([("Robots-Tag", "*;noindex;nosnippet, ExampleBot;")])
    assert [(d.rule, d.scope, d.written_scope) for d in tags.directives] == [
        ("noindex", None, "*"),
        ("nosnippet", None, "*"),
    ]
    assert [d.code for d in tags.diagnostics] == ["empty-parameter"]
    assert stances(tags.statements("ExampleBot")) == {Use.SEARCH: Stance.DENY}
    # nosnippet is an AI control for Google only
    assert stances(tags.statements("Googlebot")) == {
        Use.SEARCH: Stance.DENY,
        Use.AI_USE: Stance.DENY,
    }


def test_structured_form_star_noai_and_agents() -> None:
    headers = [("X-Robots-Tag", "*;noai, GPTBot;noimageai;max-snippet=0")]
    assert stances(parse_x_robots_tag(headers, user_agent="CCBot")) == dict(DENY_AI)
    tags = read_robots_headers(headers)
    assert [(d.rule, d.scope, d.written_scope) for d in tags.directives] == [
        ("noai", None, "*"),
        ("noimageai", "gptbot", "GPTBot"),
        ("max-snippet:0", "gptbot", "GPTBot"),
    ]
    assert {s.rule for s in parse_x_robots_tag(headers, user_agent="GPTBot")} == {"*", "GPTBot"}


def test_structured_false_boolean_is_no_rule() -> None:
    tags = read_robots_headers([("Robots-Tag", "*;noai=?0;noml=?1")])
    assert [d.rule for d in tags.directives] == ["noml"]


def test_semicolon_comma_form_is_not_mistaken_for_structured() -> None:
    tags = read_robots_headers([("X-Robots-Tag", "noindex; noai")])
    assert [(d.rule, d.scope) for d in tags.directives] == [("noindex", None), ("noai", None)]


def test_robots_tag_without_parameters_reads_legacy_form() -> None:
    tags = read_robots_headers([("Robots-Tag", "noai")])
    assert [d.rule for d in tags.directives] == ["noai"]
    assert [d.code for d in tags.diagnostics] == ["legacy-form"]


# -- search-engine rules as AI controls (signals.md §7.3) ------------------------------------


def test_noarchive_binds_bing_and_amazon_only() -> None:
    page = (Meta("robots", "noarchive", 1),)
    assert parse_robots_meta(page, user_agent="GPTBot") == ()
    assert stances(parse_robots_meta(page, user_agent="bingbot")) == dict(DENY_AI)
    assert stances(parse_robots_meta(page, user_agent="Amazonbot")) == {Use.TRAIN_AI: Stance.DENY}


def test_bing_reads_noarchive_with_nocache_as_nocache() -> None:
    page = (Meta("robots", "noarchive, nocache", 1),)
    found = parse_robots_meta(page, user_agent="bingbot")
    assert stances(found) == {Use.TRAIN_AI: Stance.DENY}
    assert any("replaces it" in s.note for s in found)
    # Amazon has no such rule
    assert stances(parse_robots_meta(page, user_agent="Amazonbot")) == {Use.TRAIN_AI: Stance.DENY}


@pytest.mark.parametrize("content", ["nosnippet", "max-snippet:0", "max-snippet: 0"])
def test_nosnippet_denies_ai_use_for_google_only(content: str) -> None:
    page = (Meta("robots", content, 1),)
    assert stances(parse_robots_meta(page, user_agent="Googlebot")) == {Use.AI_USE: Stance.DENY}
    assert parse_robots_meta(page, user_agent="GPTBot") == ()
    assert parse_robots_meta(page, user_agent="Google-Extended") == ()


def test_known_rules_without_ai_meaning_are_silent() -> None:
    tags = read_robots_meta(
        metas(
            '<meta name="robots" content="index, follow, max-image-preview:large, max-snippet:-1">'
        )
    )
    assert tags.diagnostics == ()
    assert tags.statements("GPTBot") == ()


def test_unknown_rules_are_diagnosed() -> None:
    tags = read_robots_meta((Meta("robots", "noai, nottraining, googlebot: x", 4),))
    assert [d.code for d in tags.diagnostics] == ["unknown-rule", "unknown-rule"]
    assert all(d.line == 4 for d in tags.diagnostics)


# -- head / body, http-equiv ------------------------------------------------------------------


def test_meta_outside_head_counts_with_a_note() -> None:
    page = metas("<head></head><body><meta name=robots content=noai>")
    (found,) = parse_robots_meta(page, user_agent="GPTBot")
    assert found.stances == DENY_AI
    assert "outside <head>" in found.note


def test_http_equiv_x_robots_tag_reads_like_the_header() -> None:
    page = metas('<meta http-equiv="X-Robots-Tag" content="gptbot: noai">')
    (found,) = parse_robots_meta(page, user_agent="GPTBot")
    assert found.carrier is Carrier.HTML_META
    assert found.rule == "gptbot:"
    assert "http-equiv" in found.note
    assert parse_robots_meta(page, user_agent="CCBot") == ()


def test_header_limit() -> None:
    tags = read_robots_headers([("X-Robots-Tag", "noai, " + "x" * 10_000)])
    assert "size-limit" in [d.code for d in tags.diagnostics]
    assert [d.rule for d in tags.directives] == ["noai"]


def test_vocabulary_entries_document_themselves() -> None:
    for rule, readings in VOCABULARY.items():
        assert rule == rule.lower()
        for reading in readings:
            assert reading.reason
            assert reading.source


# -- properties -----------------------------------------------------------------------------

VALUES = st.lists(
    st.sampled_from(
        ["noai", "NoImageAI", "googlebot:", "*", ";", ",", " ", "=", "?0", "max-snippet:0",
         "noarchive", "nocache", '"', "GPTBot", "unavailable_after: 1 Jan", "x"]
    ),
    max_size=20,
).map("".join)  # fmt: skip


@given(st.lists(st.tuples(st.sampled_from(["X-Robots-Tag", "robots-tag", "Other"]), VALUES)))
def test_headers_never_raise_and_are_deterministic(headers: list[tuple[str, str]]) -> None:
    for agent in ("GPTBot", "googlebot", "bingbot", "*"):
        first = parse_x_robots_tag(headers, user_agent=agent, media="image")
        assert parse_x_robots_tag(headers, user_agent=agent, media="image") == first
        for statement in first:
            assert all(stance is Stance.DENY for _, stance in statement.stances)


@given(st.lists(st.tuples(st.text(max_size=12), st.text(max_size=40))), st.text(max_size=10))
def test_metas_never_raise(pairs: list[tuple[str, str]], agent: str) -> None:
    page = tuple(Meta(name.lower(), content, i + 1) for i, (name, content) in enumerate(pairs))
    assert parse_robots_meta(page, user_agent=agent) == parse_robots_meta(page, user_agent=agent)


METAS = st.lists(
    st.builds(
        Meta,
        name=st.sampled_from(["robots", "gptbot", "googlebot", "bingbot", "x-robots-tag",
                              "description", "ccbot"]),
        content=VALUES,
        line=st.integers(1, 4),  # several metas on one line, as on a minified page
        in_head=st.booleans(),
        http_equiv=st.booleans(),
    ),
    max_size=6,
)  # fmt: skip


@given(METAS, st.sampled_from(["GPTBot", "googlebot/2.1", "bingbot", "CCBot", "*"]),
       st.sampled_from([None, "image", "text/html"]), st.sampled_from([None, HONOUR]))  # fmt: skip
def test_statements_of_metas_are_those_of_the_whole_reading(
    metas: list[Meta], agent: str, media: str | None, honour: dict[Use, dict[str, str]] | None
) -> None:
    # parse_robots_meta skips the directives that cannot bind the crawler (or an honoured
    # token); it must not lose one.
    whole = read_robots_meta(metas, user_agent=agent, honour=honour).statements(
        agent, media=media, honour=honour
    )
    assert parse_robots_meta(metas, user_agent=agent, media=media, honour=honour) == whole
    if honour is not None:
        # Honouring tokens only adds statements: the crawler's own are all still there.
        assert set(parse_robots_meta(metas, user_agent=agent, media=media)) <= set(whole)


@given(st.lists(st.tuples(st.sampled_from(["X-Robots-Tag", "robots-tag"]), VALUES), max_size=4),
       st.sampled_from(["GPTBot", "bingbot", "CCBot", "*"]))  # fmt: skip
@example([("X-Robots-Tag", "GPTBot*googlebot:noai")], "CCBot")  # found by hypothesis
def test_honoured_statements_bind_only_honoured_uses(
    headers: list[tuple[str, str]], agent: str
) -> None:
    plain = set(parse_x_robots_tag(headers, user_agent=agent, media="image"))
    for statement in parse_x_robots_tag(headers, user_agent=agent, media="image", honour=HONOUR):
        if statement in plain:
            continue
        # A scope is read as the product token it starts with (`GPTBot*googlebot:` scopes
        # GPTBot), as a robots.txt User-agent line is.
        scope = extract_product_token((statement.rule or "").rstrip(":")).lower()
        uses = {use for use, tokens in HONOUR.items() if scope in tokens or scope == "ai2bot"}
        assert {use for use, _ in statement.stances} <= uses, statement


@given(METAS)
def test_a_value_reads_the_same_on_any_line(metas: list[Meta]) -> None:
    # Readings are remembered per value without their line: moving a meta moves only its lines.
    moved = [Meta(m.name, m.content, m.line + 10, m.in_head, m.http_equiv) for m in metas]
    before = read_robots_meta(metas, user_agent="GPTBot")
    after = read_robots_meta(moved, user_agent="GPTBot")
    assert [(d.line + 10, d.code, d.message) for d in before.diagnostics] == [
        (d.line, d.code, d.message) for d in after.diagnostics
    ]
    assert [replace(d, line=(d.line or 0) + 10, diagnostics=()) for d in before.directives] == [
        replace(d, diagnostics=()) for d in after.directives
    ]


def test_a_rule_that_replaces_another_is_itself_in_the_vocabulary() -> None:
    # parse_robots_meta keeps only rules with a reading; `nocache` replacing `noarchive` must be
    # one of them, or the replacement would go unseen.
    targets = {r.yields_to for readings in VOCABULARY.values() for r in readings} - {None}
    assert targets
    assert targets <= VOCABULARY.keys()


@given(METAS, st.sampled_from(["GPTBot", "bingbot", "CCBot", "*"]),
       st.sampled_from([None, "image/png"]))  # fmt: skip
def test_the_memos_answer_as_a_fresh_reading_with_and_without_honour(
    metas: list[Meta], agent: str, media: str | None
) -> None:
    from reciprocity.signals import noai

    # Warm the memos with both readings (a meta named for an honoured token is read as named
    # only when honouring), then compare each with the readings made without any memo.
    remembered = [
        parse_robots_meta(metas, user_agent=agent, media=media, honour=honour)
        for honour in (HONOUR, None, HONOUR)
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(noai, "_read_meta", noai._read_meta.__wrapped__)  # type: ignore[attr-defined]
        patch.setattr(noai, "_wordings", noai._wordings.__wrapped__)
        fresh = [
            parse_robots_meta(metas, user_agent=agent, media=media, honour=honour)
            for honour in (HONOUR, None, HONOUR)
        ]
    assert remembered == fresh


def test_a_full_user_agent_is_read_as_its_product_token() -> None:
    ua = "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.1)"
    headers = [("X-Robots-Tag", "gptbot: noai")]
    assert parse_x_robots_tag(headers, user_agent=ua) == parse_x_robots_tag(
        headers, user_agent="GPTBot"
    )
    assert parse_x_robots_tag(headers, user_agent=ua) != ()
