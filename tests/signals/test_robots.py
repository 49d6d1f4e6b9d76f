"""The robots.txt engine beyond Google's verdict vectors: records, diagnostics, access."""

from __future__ import annotations

import pytest

from reciprocity.signals.robots import (
    ROBOTS_SIZE_LIMIT,
    Access,
    RobotsTxt,
    access_for_status,
)

SITE = """\ufeffUser-agent: *
Disallow: /private/
Allow: /private/ok
Content-Signal: search=yes, ai-train=no
Crawl-delay: 2

User-agent: GPTBot
User-agent: CCBot/2.0
Disallow: /
Content-Usage: train-ai=n
Crawl-delay: 10
License: https://example.com/license.xml

Sitemap: https://example.com/sitemap.xml
"""


@pytest.fixture(scope="module")
def site() -> RobotsTxt:
    return RobotsTxt.parse(SITE)


def test_groups_and_rules_keep_line_numbers(site: RobotsTxt) -> None:
    assert [g.line for g in site.groups] == [1, 7]
    assert site.groups[0].is_global
    assert site.groups[1].tokens == {"gptbot", "ccbot"}
    assert site.groups[1].agents == ("GPTBot", "CCBot/2.0")
    assert [(r.line, r.kind, r.pattern) for r in site.groups[0].rules] == [
        (2, "disallow", "/private/"),
        (3, "allow", "/private/ok"),
    ]


def test_match_reports_the_deciding_rule(site: RobotsTxt) -> None:
    match = site.match("https://example.com/private/ok/x", "Googlebot")
    assert match.allowed
    assert match.line == 3
    assert match.scope == "global"
    match = site.match("https://example.com/a", "ccbot")
    assert not match.allowed
    assert match.line == 9
    assert match.scope == "specific"
    match = site.match("https://example.com/public", "Googlebot")
    assert match.allowed
    assert match.rule is None
    assert match.reason == "no rule matches the URL"


def test_records_are_scoped_to_their_group(site: RobotsTxt) -> None:
    assert [r.value for r in site.records_for("GPTBot", "content-usage")] == ["train-ai=n"]
    assert site.records_for("Googlebot", "content-usage") == ()
    assert [r.line for r in site.records_for("Googlebot", "Content-Signal")] == [4]
    assert site.crawl_delay("GPTBot") == 10.0
    assert site.crawl_delay("Googlebot") == 2.0
    assert site.sitemaps == ("https://example.com/sitemap.xml",)
    assert [r.value for r in site.records_named("license")] == ["https://example.com/license.xml"]


def test_diagnostics_record_repairs(site: RobotsTxt) -> None:
    codes = {(d.line, d.code) for d in site.diagnostics}
    assert (1, "bom") in codes
    assert (8, "agent-token") in codes


def test_lines_outside_the_rfc_do_not_end_a_group() -> None:
    # bitbucket.org (2019): Crawl-delay does not close the '*' group, so `008` joins it and
    # every unnamed crawler is disallowed. Google reads it this way; protego and urllib do not.
    robots = RobotsTxt.parse(
        "User-Agent: *\nDisallow: /a/\n\nUser-Agent: *\nCrawl-delay: 120\n\n"
        "User-agent: 008\nDisallow: /\n"
    )
    assert not robots.allowed("https://bitbucket.org/index.html", "ClaudeBot")


def test_typos_missing_colons_and_junk_are_diagnosed() -> None:
    robots = RobotsTxt.parse(
        "useragent: FooBot\nDissallow: /a\nDisallow /b\nthis line is prose\n<html>\nFoo: bar\n"
        "Allow: /x\nDisallow: /y\n"
    )
    assert not robots.allowed("/a", "FooBot")
    assert not robots.allowed("/b", "FooBot")
    codes = [d.code for d in robots.diagnostics]
    assert codes.count("key-typo") == 2
    assert "missing-colon" in codes
    assert "no-separator" in codes
    assert "unknown-record" in codes


def test_rules_before_any_group_are_ignored_and_diagnosed() -> None:
    robots = RobotsTxt.parse("Disallow: /\nUser-agent: *\nDisallow: /x\n")
    assert robots.allowed("/a", "bot")
    assert robots.diagnostics[0].code == "rule-outside-group"


def test_size_limit_cuts_the_file() -> None:
    body = b"User-agent: *\n" + b"#" * ROBOTS_SIZE_LIMIT + b"\nDisallow: /\n"
    robots = RobotsTxt.parse(body)
    assert robots.allowed("/a", "bot")
    assert robots.size == len(body)
    assert robots.diagnostics[0].code == "size-limit"
    assert not RobotsTxt.parse(body, max_bytes=len(body)).allowed("/a", "bot")


def test_invalid_utf8_is_read_as_bytes() -> None:
    robots = RobotsTxt.parse(b"User-agent: *\nDisallow: /caf\xe9\n")
    assert not robots.allowed("/caf%E9", "bot")
    assert robots.diagnostics[0].code == "invalid-utf8"
    assert robots.diagnostics[0].line == 2


def test_index_html_allows_its_directory() -> None:
    robots = RobotsTxt.parse("User-agent: *\nDisallow: /\nAllow: /d/index.html\n")
    match = robots.match("/d/", "bot")
    assert match.allowed
    assert match.rule is not None
    assert match.rule.derived
    assert not robots.allowed("/d/other", "bot")


@pytest.mark.parametrize(
    ("status", "redirects", "access"),
    [
        (200, 0, Access.RULES),
        (204, 0, Access.RULES),
        (301, 0, Access.ALLOW_ALL),
        (200, 6, Access.ALLOW_ALL),
        (200, 5, Access.RULES),
        (401, 0, Access.ALLOW_ALL),
        (403, 0, Access.ALLOW_ALL),
        (404, 0, Access.ALLOW_ALL),
        (410, 0, Access.ALLOW_ALL),
        (429, 0, Access.DISALLOW_ALL),
        (500, 0, Access.DISALLOW_ALL),
        (503, 0, Access.DISALLOW_ALL),
        (None, 0, Access.DISALLOW_ALL),
        (100, 0, Access.DISALLOW_ALL),
    ],
)
def test_access_rules_of_rfc9309(status: int | None, redirects: int, access: Access) -> None:
    assert access_for_status(status, redirects=redirects) is access


def test_from_fetch_applies_the_access_rule() -> None:
    assert RobotsTxt.from_fetch(404).allowed("/x", "GPTBot")
    unreachable = RobotsTxt.from_fetch(503, b"User-agent: *\nAllow: /\n")
    assert not unreachable.allowed("/x", "GPTBot")
    match = unreachable.match("/x", "GPTBot")
    assert match.scope == "access"
    assert "HTTP 503" in match.reason
    assert not RobotsTxt.from_fetch(200, b"User-agent: *\nDisallow: /\n").allowed("/x", "a")


def test_parse_once_query_many_does_not_reparse() -> None:
    robots = RobotsTxt.parse("User-agent: *\nDisallow: /a*b$\nAllow: /a\n")
    answers = [robots.allowed(f"/a{i}b", "bot") for i in range(2000)]
    assert not any(answers)
    assert len({id(m) for m in robots._matchers.values()}) == 1  # one index serves all queries


def test_wildcards_do_not_backtrack() -> None:
    pattern = "/" + "*a" * 40 + "$"
    robots = RobotsTxt.parse(f"User-agent: *\nDisallow: {pattern}\n")
    assert robots.allowed("/" + "a" * 39 + "b", "bot")
    assert not robots.allowed("/" + "a" * 40, "bot")


def test_rejects_non_text_types() -> None:
    with pytest.raises(TypeError):
        RobotsTxt.parse(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "pattern", "matches"),
    [
        ("/a/b", "/a", True),
        ("/a/b", "/a/b$", True),
        ("/a/b/", "/a/b$", False),
        ("/a/x/b.pdf", "/a/*.pdf$", True),
        ("/a/x/b.pdf?x", "/a/*.pdf$", False),
        ("/a/x/b.pdf?x", "/a/*.pdf", True),
        ("/", "*", True),
        ("/fish", "/fish*", True),
        ("/caf%C3%A9", "/caf%C3%A9", True),
    ],
)
def test_pattern_matches(path: str, pattern: str, matches: bool) -> None:
    from reciprocity.signals.robots import pattern_matches

    assert pattern_matches(path, pattern) is matches


def test_normalise_pattern() -> None:
    from reciprocity.signals.robots import normalise_pattern

    assert normalise_pattern("/á%2f") == "/%C3%A1%2F"
    assert normalise_pattern("/plain") == "/plain"


# -- issue 13: queries are answered for a product token; extension records group as written ----

CCBOT_UA = "CCBot/2.0 (https://commoncrawl.org/faq/)"


@pytest.mark.parametrize(
    ("user_agent", "token"),
    [
        (CCBOT_UA, "CCBot"),
        # RFC 9309 §2.2.1's own example of a User-Agent header carrying the product token.
        (
            "Mozilla/5.0 (compatible; ExampleBot/0.1; https://www.example.com/bot.html)",
            "ExampleBot",
        ),
        (
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.1; "
            "+https://openai.com/gptbot)",
            "GPTBot",
        ),
        (
            "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile "
            "Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)",
            "Bytespider",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like "
            "Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
            "Applebot",
        ),
        (
            "meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)",
            "meta-externalagent",
        ),
        # Digits end a token as they end one on a User-agent line: `MJ12bot` is read `MJ` there.
        ("MJ12bot/v1.4.8 (http://mj12bot.com/)", "MJ"),
    ],
)
def test_a_full_user_agent_is_read_as_its_product_token(user_agent: str, token: str) -> None:
    robots = RobotsTxt.parse(
        f"User-agent: *\nAllow: /\n\nUser-agent: {token}\nDisallow: /\nCrawl-delay: 7\n"
        f"Content-Usage: train-ai=n\n"
    )
    assert not robots.allowed("https://example.com/page", user_agent)
    match = robots.match("https://example.com/page", user_agent)
    assert (match.allowed, match.line, match.scope, match.agent) == (False, 5, "specific", token)
    (diagnostic,) = match.diagnostics
    assert diagnostic.code == "agent-reduced"
    assert repr(token) in diagnostic.message
    assert robots.crawl_delay(user_agent) == 7.0
    assert [r.line for r in robots.records_for(user_agent, "content-usage")] == [7]
    assert [g.line for g in robots.groups_for(user_agent)] == [4]


def test_a_product_token_is_matched_as_given_without_a_diagnostic() -> None:
    robots = RobotsTxt.parse("User-agent: CCBot\nDisallow: /\n")
    for agent in ("CCBot", "ccbot", "*"):
        match = robots.match("/x", agent)
        assert match.diagnostics == ()
        assert match.agent == agent
    assert not robots.allowed("/x", "CCBot")


def test_the_raw_matcher_compares_the_agent_as_given_like_google() -> None:
    # Google's matcher expects a product token and compares the whole string: its conformance
    # harness (and ours) asks with `reduce=False`.
    robots = RobotsTxt.parse("User-agent: CCBot\nDisallow: /\n")
    assert robots.allowed("/x", CCBOT_UA, reduce=False)
    assert robots.match("/x", CCBOT_UA, reduce=False).scope == "none"
    assert not robots.allowed("/x", CCBOT_UA)


def test_an_agent_without_a_product_token_fails_closed() -> None:
    robots = RobotsTxt.parse(
        "User-agent: *\nDisallow: /admin/\n\nUser-agent: GPTBot\nDisallow: /private/\n"
        "Crawl-delay: 3\n\nUser-agent: CCBot\nDisallow: /archive/\nCrawl-delay: 9\n"
    )
    browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120"
    for agent in (browser, "", "123", "ツ"):
        # Which group applies cannot be told: only what every group that could apply allows is.
        assert robots.allowed("/public", agent)
        for path in ("/admin/x", "/private/x", "/archive/x"):
            assert not robots.allowed(path, agent), (agent, path)
        match = robots.match("/private/x", agent)
        assert (match.allowed, match.line, match.agent) == (False, 5, None)
        assert [d.code for d in match.diagnostics] == ["agent-no-token"]
        assert robots.crawl_delay(agent) == 9.0  # the slowest
    # A file that names no crawler gives every crawler its '*' group.
    only_star = RobotsTxt.parse("User-agent: *\nDisallow: /a\n")
    assert only_star.match("/b", browser).scope == "global"
    assert only_star.allowed("/b", browser)
    assert not only_star.allowed("/a", browser)


def test_group_records_belong_to_the_user_agent_lines_before_them() -> None:
    # Crawl-delay, Content-Usage (attach-05: `rule =/ content-usage`), Content-Signal and License
    # are group rules of their own grammars: a User-agent line after one starts a new group.
    robots = RobotsTxt.parse(
        "User-agent: Bingbot\nCrawl-delay: 5\nUser-agent: Yandex\nCrawl-delay: 10\nDisallow: /x\n"
    )
    assert robots.crawl_delay("Bingbot") == 5.0
    assert robots.crawl_delay("Yandex") == 10.0  # as protego and urllib.robotparser read it
    # Allow/Disallow keep Google's grouping: the Disallow binds both agents.
    assert not robots.allowed("/x", "Bingbot")
    assert not robots.allowed("/x", "Yandex")
    assert [g.line for g in robots.groups] == [1]
    assert [(g.line, g.agents) for g in robots.record_groups] == [
        (1, ("Bingbot",)),
        (3, ("Yandex",)),
    ]
    usage = RobotsTxt.parse(
        "User-Agent: ExampleBot\nContent-Usage: train-ai=y\nUser-Agent: *\n"
        "Content-Usage: train-ai=n\n"
    )
    assert [r.value for r in usage.records_for("ExampleBot", "content-usage")] == ["train-ai=y"]
    assert [r.value for r in usage.records_for("OtherBot", "content-usage")] == ["train-ai=n"]


def test_lines_that_are_no_group_rule_do_not_split_record_groups() -> None:
    robots = RobotsTxt.parse(
        "User-agent: A\nSitemap: https://x.example/s.xml\nHost: x.example\nUser-agent: B\n"
        "Crawl-delay: 4\n"
    )
    assert robots.crawl_delay("A") == robots.crawl_delay("B") == 4.0
    (group,) = robots.record_groups
    assert group.agents == ("A", "B")
