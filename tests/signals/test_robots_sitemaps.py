"""Files that differ only in their ``Sitemap`` values share one parse (most sites serve a CMS's
rules with a sitemap line naming themselves): the file read through another's parse must be
the file read alone, in every part a query or a listing can see, and the two must have the
same ``rules_key`` (what the URL-only audit shares decisions by).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

import pytest
from conftest import ROOT, require
from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocity.signals import robots as robots_module
from reciprocity.signals.robots import ROBOTS_SIZE_LIMIT, RobotsTxt, _parse, _sitemap_lines

sys.path.append(str(ROOT / "benchmarks"))
import robots_corpus as corpus

AGENTS = ["GPTBot", "CCBot", "*", "008", "Mozilla/5.0", "Googlebot", "anthropic-ai"]
PATHS = ["/", "/a", "/a/b", "/wp-admin/", "/search?q=1", "/x.pdf", "/%C3%A9"]
KEYS = ("crawl-delay", "content-usage", "content-signal", "license", "sitemap", "host")


@pytest.fixture(autouse=True)
def _no_shared_parses() -> Iterator[None]:
    """Each test starts with no parse to share (and leaves none behind)."""
    _forget()
    yield
    _forget()


def _forget() -> None:
    robots_module.forget_parses()


def _alone(data: bytes) -> RobotsTxt:
    """``data`` parsed with no other file to share with."""
    saved = dict(robots_module._SITEMAPLESS), robots_module._sitemapless_held[0]
    robots_module._SITEMAPLESS.clear()
    try:
        return _parse(data, ROBOTS_SIZE_LIMIT)
    finally:
        robots_module._SITEMAPLESS.clear()
        robots_module._SITEMAPLESS.update(saved[0])
        robots_module._sitemapless_held[0] = saved[1]


def _seen(robots: RobotsTxt) -> tuple[object, ...]:
    """What queries and listings see of a parsed file, read in the order an audit reads it
    (queries first, records and diagnostics last)."""
    matches = [robots.match(path, agent) for agent in AGENTS for path in PATHS]
    deciders = [[decide(path) for decide in robots.deciders(AGENTS)] for path in PATHS]
    records_for = [robots.records_for(agent, key) for agent in AGENTS for key in KEYS]
    named = [robots.records_named(key) for key in KEYS]
    early = (
        robots.access,
        robots.size,
        robots.groups,
        robots.record_groups,
        robots.named_tokens(),
        robots.sitemaps,
        [robots.crawl_delay(agent) for agent in AGENTS],
        matches,
        deciders,
        records_for,
        named,
    )
    return (*early, robots.records, robots.diagnostics)


def _check(first: bytes, second: bytes) -> tuple[RobotsTxt, RobotsTxt]:
    """Parse ``first``, then ``second`` (which may share its parse); ``second`` must read as it
    reads alone. Returns both parses."""
    base = _parse(first, ROBOTS_SIZE_LIMIT)
    shared = _parse(second, ROBOTS_SIZE_LIMIT)
    alone = _alone(second)
    assert shared.rules_key() == alone.rules_key()
    assert (shared.rules_key() == base.rules_key()) == (
        # Equal keys exactly when the two files' rules and group records are equal.
        (base.groups, base.record_groups, [r for r in base._known if r.key != "sitemap"])
        == (alone.groups, alone.record_groups, [r for r in alone._known if r.key != "sitemap"])
    )
    assert _seen(shared) == _seen(alone)
    return base, shared


SPACE = st.sampled_from(["", " ", "\t", "\v"])
SITEMAP_KEYS = st.sampled_from(["Sitemap", "sitemap", "SITEMAP", "site-map", "Sitemaps"])
VALUES = st.sampled_from(
    ["https://a.example/sitemap.xml", "", "# no", "x # y", "User-agent: *", "/s.xml", "é"]
)
OTHER = st.sampled_from(
    [
        "User-agent: *", "User-agent: GPTBot", "user-agent: CCBot/2.0", "Disallow: /",
        "Disallow: /a", "Allow: /a/b", "Disallow: /*.pdf$", "Crawl-delay: 5",
        "Content-Signal: ai-train=no", "Content-Usage: train-ai=n", "License: /licence.xml",
        "# comment", "", "Host: a.example", "junk line", "Disallow:",
    ]
)  # fmt: skip


@st.composite
def _sitemap(draw: st.DrawFn) -> tuple[str, str]:
    """A sitemap line as a function of its value: (text before the value, text after)."""
    before, key, between = draw(SPACE), draw(SITEMAP_KEYS), draw(SPACE)
    colon = draw(st.sampled_from([":", ":", " "]))
    return f"{before}{key}{between}{colon}{draw(SPACE)}", draw(st.sampled_from(["", " # c"]))


@settings(max_examples=600, deadline=None)
@given(
    st.lists(st.one_of(OTHER.map(lambda line: (line, None)), _sitemap()), max_size=30),
    st.lists(VALUES, min_size=30, max_size=30),
    st.lists(VALUES, min_size=30, max_size=30),
    st.sampled_from(["\n", "\r\n"]),
)
def test_a_file_read_through_another_with_other_sitemaps_reads_as_alone(
    lines: list[tuple[str, str | None]], first: list[str], second: list[str], eol: str
) -> None:
    def body(values: list[str]) -> bytes:
        text = eol.join(
            line if after is None else f"{line}{value}{after}"
            for (line, after), value in zip(lines, values, strict=False)
        )
        return text.encode("utf-8")

    _check(body(first), body(second))


_SITEMAP_LINE = re.compile(r"^([ \t]*sitemap[ \t]*:).*$", re.IGNORECASE | re.MULTILINE)


@settings(max_examples=2000)
@given(
    st.lists(
        st.sampled_from(["sitemap", "SiteMap", "sitemaps", ":", " ", "\t", "\n", "x", "é", "/"]),
        max_size=30,
    )
)
def test_the_sitemap_lines_are_found_as_the_regex_finds_them(words: list[str]) -> None:
    text = "".join(words)
    lines = [found.group() for found in _SITEMAP_LINE.finditer(text)]
    assert _sitemap_lines(text) == (_SITEMAP_LINE.sub(r"\1", text) if lines else text, lines)


@pytest.mark.corpus
def test_every_corpus_file_with_another_sitemap_reads_as_alone() -> None:
    require(corpus.corpus_dir(), "protego 0.7.0 robots.txt corpus")
    files = corpus.load_corpus()
    assert len(files) > 4000
    shared = readable = 0
    for file in files:
        head = file.head
        first = head + b"\nSitemap: https://one.example/sitemap.xml\n"
        second = head + b"\nSitemap: https://two.example/other.xml # theirs\n"
        base, parsed = _check(first, second)
        shared += parsed.groups is base.groups and parsed is not base
        # (the sitemap lines of a file past the size limit are not read)
        readable += len(second) < ROBOTS_SIZE_LIMIT
        _forget()
    # Every file whose sitemap line is read shares the other's parse.
    assert shared >= readable > 4200


def test_a_shared_parse_keeps_its_own_sitemaps_and_shares_the_rest() -> None:
    rules = b"User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"
    one = RobotsTxt.parse(rules + b"Sitemap: https://one.example/wp-sitemap.xml\n")
    two = RobotsTxt.parse(rules + b"Sitemap: https://two.example/wp-sitemap.xml\n")
    assert one.sitemaps == ("https://one.example/wp-sitemap.xml",)
    assert two.sitemaps == ("https://two.example/wp-sitemap.xml",)
    assert two.groups is one.groups
    assert two.rules_key() is one.rules_key()
    assert [r.value for r in two.records] == ["https://two.example/wp-sitemap.xml"]
    # Another rule is another file: nothing shared.
    three = RobotsTxt.parse(rules + b"Disallow: /drafts/\nSitemap: https://one.example/s.xml\n")
    assert three.groups is not one.groups
    assert three.rules_key() != one.rules_key()
