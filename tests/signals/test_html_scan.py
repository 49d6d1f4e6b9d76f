"""The HTML scan: metas, rel links, CC badges, head/body, encodings, limits, robustness.

Every test here runs once per pre-scan backend (hyperscan, and the Python fallback); the two are
compared with each other on real and generated pages in ``test_html_backends.py``.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator

import pytest
from conftest import SHARED, require
from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocity.signals.html import (
    SCAN_BACKENDS,
    HtmlSignals,
    Link,
    Meta,
    scan_backend,
    scan_html,
    use_scan_backend,
)


@pytest.fixture(autouse=True, scope="module", params=SCAN_BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the module's tests with each backend (hyperscan only where its wheel imports)."""
    try:
        previous = use_scan_backend(request.param)
    except ImportError:
        pytest.skip("hyperscan does not import here")
    yield request.param
    use_scan_backend(previous)


def test_the_backend_in_use_is_the_one_asked(backend: str) -> None:
    assert scan_backend() == backend


def test_metas_names_lower_cased_content_kept() -> None:
    page = scan_html(
        b'<html><head>\n<META NAME="Robots" CONTENT="NoAI, NoImageAI">\n'
        b"<meta name='GPTBot' content='noai'>\n<meta name=description content=hello>\n"
    )
    assert page.metas == (
        Meta("robots", "NoAI, NoImageAI", 2),
        Meta("gptbot", "noai", 3),
        Meta("description", "hello", 4),
    )
    assert page.meta("ROBOTS") == (Meta("robots", "NoAI, NoImageAI", 2),)


def test_http_equiv_and_metas_without_name_or_content() -> None:
    page = scan_html(
        b'<meta charset="utf-8"><meta property="og:title" content="x">'
        b'<meta http-equiv="X-Robots-Tag" content="noai"><meta name="robots">'
    )
    assert page.metas == (Meta("x-robots-tag", "noai", 1, http_equiv=True),)


def test_meta_outside_head_is_kept_with_a_diagnostic() -> None:
    page = scan_html(
        b"<head><meta name=robots content=noindex></head>\n<body>\n<meta name=robots content=noai>"
    )
    assert [(m.content, m.in_head) for m in page.metas] == [("noindex", True), ("noai", False)]
    assert [d.code for d in page.diagnostics] == ["meta-outside-head"]
    assert page.diagnostics[0].line == 3
    # `<body>` alone also ends the head
    assert not scan_html(b"<body><meta name=robots content=noai>").metas[0].in_head


def test_links_rel_tokens_and_attributes() -> None:
    page = scan_html(
        b"<html>\n"
        b'<link rel="license" href="https://creativecommons.org/licenses/by/4.0/">\n'
        b"<a rel=license href=http://creativecommons.org/licenses/by-sa/4.0/>x</a>\n"
        b'<a REL="License noopener  noreferrer license" HREF=" /l ">y</a>\n'
        b'<link rel="license" type="application/rsl+xml" href="/license.xml">\n'
        b'<a href="/no-rel">z</a><a data-rel="license" href="/data">w</a>\n'
    )
    assert page.links == (
        Link(("license",), "https://creativecommons.org/licenses/by/4.0/", 2, "link"),
        Link(("license",), "http://creativecommons.org/licenses/by-sa/4.0/", 3, "a"),
        Link(("license", "noopener", "noreferrer"), "/l", 4, "a"),
        Link(("license",), "/license.xml", 5, "link", "application/rsl+xml"),
    )


def test_quoted_gt_character_references_and_first_attribute_wins() -> None:
    page = scan_html(
        b'<meta name="robots" content="a > b &amp; c" content="second">'
        b'<a title="x > y" rel="license" href="/a?b=1&amp;c=2">'
    )
    assert page.metas[0].content == "a > b & c"
    assert page.links[0].href == "/a?b=1&c=2"


def test_stray_quote_in_attribute_name_position() -> None:
    # A `"` after a value is part of an attribute name (HTML tokenizer), not a quote.
    page = scan_html(
        b'<meta name="description" content="x" " />\n<meta name="robots" content="noai">'
    )
    assert [m.name for m in page.metas] == ["description", "robots"]


def test_comments_and_raw_text_hide_elements() -> None:
    page = scan_html(
        b"<head><!-- <meta name=robots content=noai> --><!--<link rel=license href=/c>-->\n"
        b'<script>document.write(\'<meta name="robots" content="noai">\')</script>\n'
        b"<style>a[rel=license]{}</style><title><meta name=x content=y></title>\n"
        b"<textarea><a rel=license href=/t></textarea>\n"
        b"<!--[if lt IE 9]><link rel=stylesheet href=/ie.css><![endif]-->\n"
        b"<meta name=robots content=noindex>"
    )
    assert [(m.name, m.content, m.line) for m in page.metas] == [("robots", "noindex", 6)]
    assert page.links == ()


def test_unterminated_comment_and_script_end_the_scan() -> None:
    assert scan_html(b"<meta name=a content=b><!-- <meta name=c content=d>").metas == (
        Meta("a", "b", 1),
    )
    assert scan_html(b"<script><meta name=c content=d>").metas == ()


def test_badges_only_from_cc_badge_paths() -> None:
    page = scan_html(
        b'<a rel="license" href="http://creativecommons.org/licenses/by/4.0/">\n'
        b'<img alt="CC" src="https://i.creativecommons.org/l/by/4.0/88x31.png"></a>\n'
        b'<img src="//licensebuttons.net/p/zero/1.0/88x31.png">\n'
        b'<img src="https://creativecommons.org/wp-content/uploads/2023/09/photo.jpg">\n'
        b'<img alt="see creativecommons.org/about" src="/local.png">\n'
        b'<img src="https://mirrors.creativecommons.org/presskit/buttons/88x31/png/by-sa.png">\n'
    )
    assert [(b.url, b.line) for b in page.licence_urls] == [
        ("https://i.creativecommons.org/l/by/4.0/88x31.png", 2),
        ("//licensebuttons.net/p/zero/1.0/88x31.png", 3),
        ("https://mirrors.creativecommons.org/presskit/buttons/88x31/png/by-sa.png", 6),
    ]


def test_lang_base_and_line_endings() -> None:
    page = scan_html(
        b'<html lang="de-AT"><base href="https://x.org/a/">\r\n\r\n<meta name=a content=b>'
    )
    assert page.lang == "de-AT"
    assert page.base == "https://x.org/a/"
    assert page.metas[0].line == 3
    assert scan_html(b"<html>\r\r<meta name=a content=b>").metas[0].line == 3


@pytest.mark.parametrize(
    ("data", "encoding", "charset", "content"),
    [
        ("<meta name=a content='café'>".encode(), None, "utf-8", "café"),
        (b"\xef\xbb\xbf<meta name=a content='caf\xc3\xa9'>", None, "utf-8", "café"),
        (
            '<meta charset="iso-8859-1"><meta name=a content="café">'.encode("latin-1"),
            None,
            "cp1252",
            "café",
        ),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">'
            '<meta name=a content="日本">'.encode("shift_jis"),
            None,
            "cp932",
            "日本",
        ),
        # the transport charset outranks the meta
        (
            '<meta charset="utf-8"><meta name=a content="é">'.encode("cp1252"),
            "windows-1252",
            "cp1252",
            "é",
        ),
        ("\ufeff<meta name=a content='é'>".encode("utf-16-le"), None, "utf-16", "é"),
        # a meta naming UTF-16 means UTF-8; an unknown or non-web label is ignored
        ("<meta charset=utf-16><meta name=a content='é'>".encode(), None, "utf-8", "é"),
        ("<meta charset=rot13><meta name=a content='é'>".encode(), None, "utf-8", "é"),
        (b"<meta name=a content='\xff\xfe'>", None, "utf-8", "\ufffd\ufffd"),
    ],
)
def test_encodings(data: bytes, encoding: str | None, charset: str, content: str) -> None:
    page = scan_html(data, encoding=encoding)
    assert page.charset == charset
    assert page.metas[-1].content == content


def test_unknown_charset_diagnostic() -> None:
    page = scan_html(b"<meta charset=klingon><meta name=a content=b>")
    assert [d.code for d in page.diagnostics] == ["unknown-charset"]
    assert [d.code for d in scan_html(b"", encoding="nope").diagnostics] == ["unknown-charset"]


def test_str_input() -> None:
    page = scan_html("<meta name=robots content='noai'>\n<a rel=license href='/é'>")
    assert page.charset is None
    assert page.metas[0].content == "noai"
    assert page.links[0].href == "/é"


def test_limit() -> None:
    data = b"<meta name=a content=b>" + b" " * 100 + b"<meta name=c content=d>"
    page = scan_html(data, limit=50)
    assert [m.name for m in page.metas] == ["a"]
    assert page.size == len(data)
    assert [d.code for d in page.diagnostics] == ["size-limit"]


def test_type_error_on_wrong_type() -> None:
    with pytest.raises(TypeError):
        scan_html(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "data",
    [
        b"<a rel=" * 20000,
        b"<a rel=x " * 20000 + b">",
        b'<a rel="' * 20000,
        b"<img creativecommons.org/" * 20000 + b">",
        b'<meta name="x' * 20000,
        b"<" * 200000,
        b"<meta " + b'a="b" ' * 30000,
    ],
)
def test_pathological_pages_stay_fast(data: bytes) -> None:
    import time

    start = time.perf_counter()
    scan_html(data)
    assert time.perf_counter() - start < 2.0


def _warc_pages() -> list[bytes]:
    pages = []
    warcs = require(SHARED / "data" / "warc", "shared/data/warc")
    for path in sorted(warcs.glob("*.warc.gz")):
        data = gzip.decompress(path.read_bytes())
        for record in re.split(rb"(?m)^WARC/(?:1\.[01]|0\.18)\r?\n", data):
            head, _, block = record.partition(b"\r\n\r\n")
            if b"WARC-Type: response" not in head:
                continue
            cut = block.find(b"\r\n\r\n")
            if cut >= 0 and b"<" in block[cut : cut + 5000]:
                pages.append(block[cut + 4 :])
    return pages


def test_real_pages_agree_with_html_parser() -> None:
    """On every real page of shared/data/warc, metas and licence rel links equal what the
    stdlib's (slow, complete) HTML tokenizer finds."""
    from html.parser import HTMLParser

    class Reference(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.metas: list[tuple[str, str]] = []
            self.links: list[tuple[tuple[str, ...], str]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values: dict[str, str] = {}
            for key, value in attrs:
                values.setdefault(key, value or "")
            if tag == "meta":
                name = values.get("name", values.get("http-equiv"))
                if name is not None and "content" in values:
                    self.metas.append((name.strip().lower(), values["content"]))
            elif tag in ("a", "link") and "license" in values.get("rel", "").lower():
                rel = tuple(dict.fromkeys(values["rel"].lower().split()))
                self.links.append((rel, values.get("href", "").strip()))

        handle_startendtag = handle_starttag

    pages = _warc_pages()
    assert len(pages) >= 80
    licensed = 0
    for data in pages:
        page = scan_html(data)
        reference = Reference()
        reference.feed(data.decode(page.charset or "utf-8", "replace"))
        reference.close()
        assert [(m.name, m.content) for m in page.metas] == reference.metas
        assert [(link.rel, link.href) for link in page.links] == reference.links
        licensed += any("license" in link.rel for link in page.links)
    assert licensed >= 2  # the an.wikipedia capture and the creativecommons.org pages


PAGE_PARTS = st.lists(
    st.sampled_from(
        [
            "<meta name=robots content=noai>", "<META NAME='x' CONTENT=\"y\">", "<a rel=license",
            " href=/x>", "<link rel='license' href=\"", "<!--", "-->", "<script>", "</script>",
            "<img src=https://i.creativecommons.org/l/by/4.0/88x31.png>", "</head>", "<body>",
            '"', "'", ">", "<", "\n", "\r", "&amp;", "é", "\x00", "<meta charset=latin1>",
        ]
    ),
    max_size=40,
)  # fmt: skip


@given(st.binary(max_size=4096))
def test_arbitrary_bytes_never_raise_and_are_deterministic(data: bytes) -> None:
    first = scan_html(data)
    assert isinstance(first, HtmlSignals)
    assert scan_html(data) == first


@settings(max_examples=300)
@given(PAGE_PARTS, st.sampled_from([None, "utf-8", "shift_jis", "utf-16", "bogus"]))
def test_html_like_input_never_raises(parts: list[str], encoding: str | None) -> None:
    text = "".join(parts)
    page = scan_html(text.encode("utf-8", "surrogatepass"), encoding=encoding)
    assert scan_html(text.encode("utf-8", "surrogatepass"), encoding=encoding) == page
    scan_html(text)
    for meta in page.metas:
        assert meta.line >= 1


def test_every_licence_rel_holds_the_word_the_scan_starts_from() -> None:
    # The scan finds licence links from the word "license" only: a licence rel without it
    # (or RSL's) would never be read.
    from reciprocity.signals import html, licenses

    word = html._LICENCE_WORD.decode()
    assert all(word in rel for rel in licenses._LICENCE_RELS)
