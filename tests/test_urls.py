"""``reciprocity.urls``: one spelling of a site's origin and host (issue 13), and its registrable
domain by the Public Suffix List."""

from __future__ import annotations

import ast
import re
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from reciprocity import urls
from reciprocity.sources import snapshots
from reciprocity.urls import host_of, normalise_host, origin, registrable_domain, split_url

# -- origin and host -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "HTTP://Example.COM:80/",
        "http://example.com./",
        "http://example.com",
        "http://EXAMPLE.com:080/a?b#c",
        "http://user:pw@example.com/",
        " http://example.com/ ",
    ],
)
def test_variants_of_one_origin(url: str) -> None:
    assert origin(url) == "http://example.com"
    assert host_of(url) == "example.com"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://bücher.de/", "https://xn--bcher-kva.de"),
        ("https://BÜCHER.DE./x", "https://xn--bcher-kva.de"),
        ("https://xn--bcher-kva.de:443", "https://xn--bcher-kva.de"),
        ("https://bücher。de/", "https://xn--bcher-kva.de"),  # an ideographic full stop
        ("https://ｅｘａｍｐｌｅ.com/", "https://example.com"),  # fullwidth letters (UTS #46)
        # UTS #46 non-transitional, as browsers and httpx: ß is kept, not turned into "ss".
        ("https://faß.de/", "https://xn--fa-hia.de"),
        # A label IDNA 2008 refuses but names in use hold: Python's IDNA 2003 codec, as browsers.
        ("https://i❤.ws/", "https://xn--i-7iq.ws"),
        ("https://_dmarc.bücher.de/", "https://_dmarc.xn--bcher-kva.de"),
        ("https://example.com:8443/", "https://example.com:8443"),
        ("http://example.com:443/", "http://example.com:443"),
        ("https://example.com:80/", "https://example.com:80"),
        ("ws://example.com:80/", "ws://example.com"),
        ("ftp://Example.com:21/x", "ftp://example.com"),
        ("http://192.168.0.1:80/", "http://192.168.0.1"),
        ("http://[::1]:8080/", "http://[::1]:8080"),
        ("http://[2001:DB8:0:0::1]/", "http://[2001:db8::1]"),
        ("http://[::FFFF:1.2.3.4]/", "http://[::ffff:102:304]"),
        ("http://[v1.Future]/", "http://[v1.future]"),
    ],
)
def test_origins(url: str, expected: str) -> None:
    assert origin(url) == expected
    assert origin(expected) == expected


@pytest.mark.parametrize(
    "url",
    [
        "/relative",
        "example.com/a",
        "http:///x",
        "http://[::1/",
        "http://example.com:99999/",
        "http://example.com:x/",
        "http://./",
        "http://" + "ü" * 70 + ".de/",  # a label too long for IDNA
        "urn:isbn:0451450523",
        "",
    ],
)
def test_urls_without_an_origin(url: str) -> None:
    assert origin(url) is None


def test_hosts() -> None:
    assert host_of("https://WWW.Bücher.de.:8443/x") == "www.xn--bcher-kva.de"
    assert host_of("http://[2001:DB8::1]:8080/") == "[2001:db8::1]"  # as in its origin
    assert host_of("/relative") == ""
    assert host_of("urn:isbn:0451450523") == ""
    assert host_of("http://[::1/") is None  # unreadable: the URL is unusable
    assert host_of("http://" + "ü" * 70 + ".de/") is None
    # The port is not the host's business: the host is known though the origin is not.
    assert host_of("http://example.com:99999/") == "example.com"
    assert normalise_host("[::1]") == normalise_host("::1") == "[::1]"
    assert normalise_host("Example.COM.") == "example.com"
    assert normalise_host("") is None
    assert normalise_host("...") is None


def test_python_idna_codec_and_idna_package_agree_on_ordinary_names() -> None:
    for name in ("bücher.de", "münchen.de", "пример.рф", "例え.テスト", "παράδειγμα.ελ"):
        assert normalise_host(name) == name.encode("idna").decode("ascii")


# -- properties ------------------------------------------------------------------------------

HOSTS = st.one_of(
    st.text(alphabet="aZz09.-_ü。ßÜ❤ｅ", min_size=0, max_size=16),
    st.sampled_from(["[::1]", "[2001:DB8::1]", "[::ffff:1.2.3.4]", "1.2.3.4", "[fe80::1%25eth0]"]),
)
URLS = st.builds(
    "{}://{}{}{}{}".format,
    st.sampled_from(["http", "https", "HTTP", "Https", "ftp", "ws"]),
    st.sampled_from(["", "user@", "u:p@"]),
    HOSTS,
    st.sampled_from(["", ":80", ":443", ":8080", ":", ":99999", ":0", ":080"]),
    st.text(alphabet="/aZ%?#&= .\t\\", max_size=12),
)


@given(URLS)
@example("HTTP://Example.COM:80/")
@example("http://bücher.de./")
@example("http://example.com./")
def test_origin_is_idempotent_and_never_raises(url: str) -> None:
    found = origin(url)
    if found is not None:
        assert origin(found) == found
        assert origin(found + "/some/path?q") == found
        assert found == found.strip()
        assert found.isascii()
        # The host of a URL is the host of its origin.
        host = host_of(url)
        assert host is not None
        authority = found.split("://", 1)[1]
        assert authority == host or authority.startswith(host + ":")
    host = host_of(url)
    if host:
        assert normalise_host(host) == host


@given(URLS)
def test_variants_have_one_origin(url: str) -> None:
    found = origin(url)
    if found is None:
        return
    scheme, host = found.split("://", 1)
    if "%" not in host:  # an IPv6 zone (an interface name) keeps its case, as urlsplit keeps it
        assert origin(f"{scheme.upper()}://{host.upper()}/") == found
    if not host.endswith("]") and ":" not in host:
        assert origin(f"{scheme}://{host}./x") == found
        default = urls.DEFAULT_PORTS.get(scheme)
        if default is not None:
            assert origin(f"{scheme}://{host}:{default}/x") == found


@given(URLS)
def test_the_fast_paths_agree_with_urlsplit(url: str) -> None:
    # The regex fast paths take only URLs already in normal form: with them switched off, the
    # answers must not change.
    fast = (origin(url), host_of(url), split_url(url))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(urls, "_NORMAL_ORIGIN_RE", re.compile(r"(?!)"))
        patch.setattr(urls, "_PLAIN_URL_RE", re.compile(r"(?!)"))
        assert (origin(url), host_of(url), split_url(url)) == fast


@given(URLS)
def test_origin_agrees_with_the_snapshot_keys(url: str) -> None:
    key = snapshots._url_key(url)
    found = origin(url)
    if key is None:
        assert found is None or not found.startswith("http")
        return
    assert found is not None
    assert key.startswith(found + "/")
    assert snapshots.origin_of(url) == found
    split = split_url(url)
    assert split is not None
    assert split[0] == found


@given(URLS)
def test_origin_agrees_with_urlsplit_where_nothing_needs_normalising(url: str) -> None:
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018
    except ValueError:
        return
    if (
        parts.netloc
        and parts.netloc == parts.netloc.lower()
        and parts.netloc.isascii()
        and not re.search(r"[@:\[\]\s]|\.$", parts.netloc)
        and parts.scheme in ("http", "https")
        and url == url.strip()
        and "\t" not in url
    ):
        assert origin(url) == f"{parts.scheme}://{parts.netloc}"


# -- registrable domains ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("www.bbc.co.uk", "bbc.co.uk"),
        ("WWW.BBC.CO.UK.", "bbc.co.uk"),
        ("bbc.co.uk", "bbc.co.uk"),
        ("a.b.github.io", "b.github.io"),  # the list's private section counts
        ("bücher.de", "xn--bcher-kva.de"),
        ("www.xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("shop.example.公司.cn", "example.xn--55qx5d.cn"),  # a Unicode public suffix
        ("a.b.kyoto.jp", "b.kyoto.jp"),
        ("a.b.internal", "b.internal"),  # an unknown top-level label: the default rule `*`
        ("example.com", "example.com"),
        # None: no registrable domain.
        ("localhost", None),
        ("co.uk", None),  # a public suffix itself
        ("github.io", None),
        ("com", None),
        ("127.0.0.1", None),  # an address: the host itself names the site
        ("93.184.216.34", None),
        ("[2001:db8::1]", None),
        ("::1", None),
        ("", None),
        ("...", None),
    ],
)
def test_registrable_domain(host: str, expected: str | None) -> None:
    assert registrable_domain(host) == expected


def test_registrable_domain_of_a_url_host() -> None:
    host = host_of("https://News.BBC.co.uk.:443/story")
    assert host is not None
    assert registrable_domain(host) == "bbc.co.uk"


def test_the_public_suffix_list_is_read_from_the_package_not_the_network(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Any connection attempt fails the test: the list ships in the wheel.
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the Public Suffix List must not be fetched")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    urls._public_suffixes.cache_clear()
    registrable_domain.cache_clear()
    assert registrable_domain("a.b.github.io") == "b.github.io"


@given(HOSTS)
def test_registrable_domain_never_raises_and_is_a_suffix_of_the_host(host: str) -> None:
    found = registrable_domain(host)
    if found is not None:
        normal = normalise_host(host)
        assert normal is not None
        assert normal == found or normal.endswith("." + found)
        assert registrable_domain(found) == found


# -- layering --------------------------------------------------------------------------------


def test_urls_is_a_bottom_floor() -> None:
    source = Path(urls.__file__).read_text(encoding="utf-8")
    imported = {
        node.module or ""
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
    } | {
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not any(name.startswith("reciprocity") for name in imported)
