"""The two pre-scan backends of ``scan_html`` give the same result on every page.

hyperscan (a compiled multi-literal matcher) and the Python fallback (the page lower-cased, regex
and ``bytes.find`` searches) find the places the scan reads; whatever they find, the result must
be the same ``HtmlSignals``, byte for byte: on every real payload of ``shared/data``, on the
bundled sample, on the pages of the generated benchmark corpus, and on generated HTML-like bytes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, SHARED, require
from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocity.corpus.readers import read_documents
from reciprocity.corpus.samples import sample_corpus
from reciprocity.signals import html
from reciprocity.signals.html import (
    SCAN_BACKENDS,
    HtmlSignals,
    charset,
    scan_backend,
    scan_html,
    use_scan_backend,
)


@pytest.fixture(autouse=True)
def _restore_backend() -> Iterator[None]:
    previous = scan_backend()
    yield
    use_scan_backend(previous)


def _hyperscan_or_skip() -> None:
    previous = scan_backend()
    try:
        use_scan_backend("hyperscan")
    except ImportError:
        pytest.skip("hyperscan does not import here")
    use_scan_backend(previous)


def _scan_both(
    data: bytes | str, encoding: str | None = None, limit: int = html.HTML_SIZE_LIMIT
) -> HtmlSignals:
    """The page scanned with each backend: the results must be equal (and are returned)."""
    found = {}
    for name in SCAN_BACKENDS:
        use_scan_backend(name)
        found[name] = scan_html(data, encoding=encoding, limit=limit)
    assert found["hyperscan"] == found["python"]
    return found["python"]


def _payloads(paths: list[Path]) -> list[tuple[bytes, str | None]]:
    """Every payload of these WARC files, with its transport charset: HTML or not, the scan
    must not tell the backends apart."""
    return [
        (document.body, charset(document.content_type))
        for path in paths
        for document in read_documents(path)
        if document.body
    ]


def test_real_payloads_of_shared_data() -> None:
    _hyperscan_or_skip()
    warcs = require(SHARED / "data" / "warc", "shared/data/warc")
    payloads = _payloads(sorted(warcs.glob("*.warc.gz")))
    assert len(payloads) >= 84
    found = 0
    for body, encoding in payloads:
        page = _scan_both(body, encoding)
        found += len(page.metas) + len(page.links) + len(page.licence_urls)
        _scan_both(body)  # without the transport charset
        # Cut short (a truncated head, a tag cut in two): the backends still agree.
        for cut in range(0, min(len(body), 6000), 397):
            _scan_both(body, encoding, limit=cut)
    assert found > 500  # the pages do carry what the scan reads


def test_bundled_sample() -> None:
    _hyperscan_or_skip()
    payloads = _payloads(list(sample_corpus().inputs))
    assert len(payloads) >= 30
    for body, encoding in payloads:
        _scan_both(body, encoding)


def test_pages_of_the_generated_benchmark_corpus() -> None:
    """Each editable HTML payload of ``benchmarks/audit_corpus.py`` with each head markup it
    injects (robots noai meta, CC BY licence link, tdm-reservation meta)."""
    _hyperscan_or_skip()
    require(SHARED / "data" / "warc", "shared/data/warc")
    sys.path.append(str(ROOT / "benchmarks"))
    import audit_corpus

    payloads = [p for p in audit_corpus.real_payloads() if p.html]
    assert len(payloads) >= 40
    markups = {markup for _, _, _, markup in audit_corpus.SIGNALS}
    assert len(markups) >= 4
    injected = 0
    for payload in payloads:
        for markup in markups:
            _, body = audit_corpus._with_markup(payload, markup)
            page = _scan_both(body)
            injected += bool(markup) and bool(page.metas or page.links)
    assert injected >= len(payloads) * (len(markups) - 1)


# Pieces of generated pages: every walked tag and word in several cases, look-alike names, tag
# ends of every kind, comments and raw text, quotes, line ends, bytes that are not ASCII.
_PIECES = [
    "<meta", "<META", "<mEtA", "<metadata>", "<meta/", "<meta>", " name=robots", ' NAME="x"',
    " http-equiv='Refresh'", ' content="noai"', " CONTENT=y", ' content="a &amp; b"',
    '<meta name="robots" content="noai">', '<meta content="1" name="tdm-reservation" />',
    '<META HTTP-EQUIV="X-Robots-Tag" CONTENT="noai">', '<meta name="x" content="y" a=b>',
    '<meta\tname="t"\fcontent="c"\x0b>', "<meta charset=latin1>", '<meta charset="shift_jis">',
    "</head>", "</HEAD >", "</header>", "<head>", "<body>", "<BODY class=x>", "<bodyx>",
    "<html lang=de>", "<HTML LANG='fr'>", "<base href=/b/>", "<BASE HREF=x>", "<basefont>",
    "<title>", "<TITLE>T</TITLE>", "</title>", "<script>", "<SCRIPT type=x>", "</script>",
    "</SCRIPT\n>", "<scripts>", "<style>", "</Style>", "<textarea>", "</textarea >",
    "<!--", "-->", "<!-->", "--->", "<a rel=license href=/l>", '<A REL="License" HREF="/L">',
    "<link rel='license' type=application/rsl+xml href=/r.xml>", "<LINK REL=LICENSE HREF=x>",
    "license", "LICENSE", "LiCeNsE", "creativecommons.org/", "CreativeCommons.ORG/",
    "licensebuttons.net/", "LICENSEBUTTONS.NET/",
    "<img src=https://i.creativecommons.org/l/by/4.0/88x31.png>",
    '<IMG SRC="//LicenseButtons.net/l/by-sa/4.0/88x31.png">', "<img alt=x ",
    "<", ">", "/", "=", '"', "'", " ", "\n", "\r", "\r\n", "\t", "\x0b", "\x0c", "\x00",
    "é", "日本", "\u2028", "\ufeff", "x" * 40,
]  # fmt: skip
_PAGES = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=6)), max_size=60).map(
    "".join
)
_ENCODINGS = st.sampled_from([None, "utf-8", "latin-1", "shift_jis", "utf-16", "bogus"])


@settings(max_examples=400, deadline=None)
@given(_PAGES, st.sampled_from(["utf-8", "latin-1", "utf-16-le", "shift_jis"]), _ENCODINGS)
def test_generated_pages_agree(text: str, codec: str, encoding: str | None) -> None:
    _hyperscan_or_skip()
    data = text.encode(codec, "replace")
    _scan_both(data, encoding)
    _scan_both(text)
    _scan_both(b"\xef\xbb\xbf" + data, encoding)  # behind a byte order mark


@settings(max_examples=200, deadline=None)
@given(_PAGES, st.integers(min_value=0, max_value=400))
def test_truncated_pages_agree(text: str, limit: int) -> None:
    _hyperscan_or_skip()
    _scan_both(text.encode("utf-8", "surrogatepass"), limit=limit)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES).map(str.encode), st.binary(max_size=8))))
def test_arbitrary_bytes_agree(parts: list[bytes]) -> None:
    # (bytes above 0x7f next to the ASCII words: no backend may fold their case)
    _hyperscan_or_skip()
    _scan_both(b"".join(parts))


def _meta_tag(
    *, first: str, second: str, one: str, two: str, gap: str, around: str, end: str
) -> str:
    return f'<meta{gap}{first}{around}={around}"{one}"{gap}{second}={around}"{two}"{end}'


_META_TAGS = st.builds(
    _meta_tag,
    first=st.sampled_from(["name", "NAME", "http-equiv", "Http-Equiv", "content", "property", "a"]),
    second=st.sampled_from(["content", "CONTENT", "name", "x"]),
    one=st.text(max_size=8),
    two=st.text(max_size=8),
    gap=st.sampled_from([" ", "  ", "\n", "\t", "\x0b", "\x0c", "\r\n "]),
    around=st.sampled_from(["", " ", "\n"]),
    end=st.sampled_from([">", "/>", " />", " / >", "", " x>", '">', " a=b>"]),
)


@settings(max_examples=300, deadline=None)
@given(_META_TAGS)
def test_the_one_match_reading_of_a_meta_is_the_general_one(tag: str) -> None:
    """Where the quick pattern for ``<meta name="…" content="…">`` matches, it ends the tag and
    reads both values exactly as the general tag and attribute parsing do."""
    buf = tag.encode("utf-8", "surrogatepass")
    simple = html._simple_meta(buf, 5, "utf-8")
    if simple is None:
        return
    general = html._tag_inside(buf, 5)
    assert general is not None
    assert simple == (general[1], html._meta(general[0], "utf-8"))


def test_threads_scan_at_once() -> None:
    """Each thread scans with its own hyperscan scratch space (a shared one would be refused
    while another thread's scan runs)."""
    _hyperscan_or_skip()
    use_scan_backend("hyperscan")
    warcs = require(SHARED / "data" / "warc", "shared/data/warc")
    payloads = _payloads(sorted(warcs.glob("*.warc.gz")))
    expected = [scan_html(body, encoding=encoding) for body, encoding in payloads]
    failures: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(3):
                found = [scan_html(body, encoding=encoding) for body, encoding in payloads]
                assert found == expected
        except BaseException as error:  # (reported by the main thread)
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_use_scan_backend() -> None:
    previous = scan_backend()
    assert use_scan_backend("python") == previous
    assert scan_backend() == "python"
    with pytest.raises(ValueError, match="unknown scan backend"):
        use_scan_backend("re2")
    assert scan_backend() == "python"
    use_scan_backend(None)  # back to the choice made at import
    assert scan_backend() == previous


def _python(code: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "RECIPROCITY_SCAN"}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


_REPORT = (
    "from reciprocity.signals.html import scan_backend, scan_html\n"
    "page = scan_html(b'<meta name=robots content=noai><a rel=license href=/l>license')\n"
    "print(scan_backend(), page.metas[0].content, page.links[0].href)\n"
)


def test_the_environment_chooses_the_backend() -> None:
    done = _python(_REPORT, RECIPROCITY_SCAN="python")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["python", "noai", "/l"]
    done = _python(_REPORT, RECIPROCITY_SCAN="nonsense")
    assert done.returncode != 0
    assert "RECIPROCITY_SCAN" in done.stderr


def test_without_the_hyperscan_wheel_python_scans() -> None:
    blocked = "import sys\nsys.modules['hyperscan'] = None  # import hyperscan raises\n"
    done = _python(blocked + _REPORT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["python", "noai", "/l"]
    done = _python(
        blocked + "from reciprocity.signals.html import use_scan_backend\n"
        "use_scan_backend('hyperscan')\n"
    )
    assert done.returncode != 0
    assert "ImportError" in done.stderr
    done = _python(blocked + _REPORT, RECIPROCITY_SCAN="hyperscan")
    assert done.returncode != 0
    assert "ImportError" in done.stderr


def test_the_default_is_hyperscan_where_it_imports() -> None:
    _hyperscan_or_skip()
    done = _python(_REPORT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "hyperscan"
