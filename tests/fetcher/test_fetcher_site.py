"""A site's signal files together: tdmrep.json, ai.txt, RSL, page heads, and the sync helpers."""

from __future__ import annotations

import asyncio
import gzip
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from servers import FAST, Request, Server, respond

from reciprocity import evaluate
from reciprocity.fetcher import (
    CARRIERS,
    PAGE_HEAD_LIMIT,
    ErrorKind,
    FetchCache,
    Fetcher,
    PageFetch,
    SiteSignals,
    fetch_robots,
    fetch_sites,
    origin_of,
)
from reciprocity.signals.robots import Access
from reciprocity.uses import Use

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "ai_agents" / "robots.txt"
TDMREP = json.dumps(
    [
        {"location": "/open/*", "tdm-reservation": 0},
        {"location": "/*", "tdm-reservation": 1, "tdm-policy": "https://example.com/policy.json"},
    ]
)
AI_TXT = "User-Agent: *\nDisallow: *.jpg\nAllow: /\n"
RSL = """<rsl xmlns="https://rslstandard.org/rsl">
  <content url="/">
    <license>
      <prohibits type="usage">ai-all</prohibits>
    </license>
  </content>
</rsl>"""


def site_of(server: Server, cache: FetchCache | None = None, **kw: Any) -> SiteSignals:
    async def main() -> SiteSignals:
        async with Fetcher(cache, **FAST) as fetcher:
            return await fetcher.site(server.url(), **kw)

    return asyncio.run(main())


def test_every_site_file_is_fetched_and_parsed() -> None:
    robots = "User-agent: *\nAllow: /\nLicense: /license.xml\n"
    routes = {
        "/robots.txt": respond(200, robots),
        "/.well-known/tdmrep.json": respond(200, TDMREP, content_type="application/json"),
        "/ai.txt": respond(200, AI_TXT),
        "/license.xml": respond(200, RSL, content_type="application/rsl+xml"),
    }
    with Server(routes) as server:
        site = site_of(server)
    assert site.robots.access is Access.RULES
    assert site.tdmrep is not None
    assert len(site.tdmrep.rules) == 2
    assert site.ai_txt is not None
    assert site.rsl is not None
    assert site.rsl_url == server.url("/license.xml")
    assert set(site.fetched) == set(CARRIERS)
    for stamp in site.fetched.values():
        assert datetime.fromisoformat(stamp).utcoffset() is not None
    assert site.records["tdmrep.json"].status == 200
    assert server.hits("/robots.txt") == 1
    # The result feeds evaluate() directly, with the fetch dates as evidence.
    decision = evaluate(server.url("/article"), **site.evaluate_arguments())
    assert decision.for_use(Use.TRAIN_AI) == "deny"
    dated = [e for e in decision.evidence if e.fetched is not None]
    assert dated
    assert all(e.fetched in site.fetched.values() for e in dated)


def test_missing_files_are_none_and_a_5xx_one_is_recorded() -> None:
    routes = {
        "/robots.txt": respond(200, "User-agent: *\nAllow: /\n"),
        "/.well-known/tdmrep.json": respond(404),
        "/ai.txt": respond(503),
    }
    with Server(routes) as server:
        site = site_of(server)
    assert site.tdmrep is None
    assert site.ai_txt is None
    assert site.rsl is None
    assert site.records["tdmrep.json"].status == 404
    assert site.records["ai.txt"].status == 503
    assert site.records["ai.txt"].attempts == 2
    assert "rsl" not in site.records
    assert "rsl" not in site.fetched


def test_tdmrep_served_as_html_gives_parser_diagnostics() -> None:
    html = "<!doctype html><html><head><title>Not found</title></head><body>404</body></html>"
    routes = {
        "/robots.txt": respond(404),
        "/.well-known/tdmrep.json": respond(200, html, content_type="text/html"),
    }
    with Server(routes) as server:
        site = site_of(server)
    assert site.robots.access is Access.ALLOW_ALL
    assert site.tdmrep is not None
    assert site.tdmrep.rules == ()
    assert site.tdmrep.diagnostics


def test_unreachable_robots_skips_the_other_files() -> None:
    with Server({"/robots.txt": respond(500)}) as server:
        site = site_of(server)
    assert site.robots.access is Access.DISALLOW_ALL
    assert set(site.records) == {"robots.txt"}
    assert {r.path for r in server.requests} == {"/robots.txt"}


def test_rsl_from_a_link_header_of_the_page() -> None:
    link = '</terms.xml>; rel="license"; type="application/rsl+xml"'
    routes = {
        "/robots.txt": respond(404),
        "/terms.xml": respond(200, RSL),
        "/page": respond(200, "<html><head></head></html>", content_type="text/html",
                         headers=[("Link", link)]),
    }  # fmt: skip

    async def main(server: Server) -> SiteSignals:
        async with Fetcher(None, **FAST) as fetcher:
            page = await fetcher.page(server.url("/page"))
            return await fetcher.site(server.url(), page=page)

    with Server(routes) as server:
        site = asyncio.run(main(server))
    assert site.rsl_url == server.url("/terms.xml")
    assert site.rsl is not None


def test_real_ai_robots_txt_file() -> None:
    body = SHARED.read_bytes()
    with Server({"/robots.txt": respond(200, gzip.compress(body), encoding="gzip")}) as server:
        site = site_of(server)
    assert site.robots.access is Access.RULES
    assert not site.robots.allowed("/", "GPTBot")
    assert not site.robots.allowed("/", "CCBot")
    assert site.robots.allowed("/", "Googlebot")


def _page_routes() -> dict[str, Any]:
    head = b"<html><head><meta name='robots' content='noai'><title>t</title></head>"
    body = head + b"<body>" + b"<p>filler</p>" * 100_000 + b"</body></html>"
    return {
        "/robots.txt": respond(200, "User-agent: reciprocity\nDisallow: /secret\n"),
        "/page": respond(200, body, content_type="text/html",
                         headers=[("X-Robots-Tag", "noai"), ("Content-Usage", "train-ai=n")]),
        "/nohead": respond(200, b"<p>x</p>" * 100_000, content_type="text/html"),
        "/image.png": respond(200, b"\x89PNG" + b"\0" * 100_000, content_type="image/png"),
        "/secret": respond(200, "<html><head></head></html>", content_type="text/html"),
    }  # fmt: skip


def test_page_reads_headers_and_the_html_head_only() -> None:
    async def main(server: Server) -> list[PageFetch]:
        async with Fetcher(None, **FAST) as fetcher:
            paths = ["/page", "/nohead", "/image.png", "/secret"]
            return [await fetcher.page(server.url(p)) for p in paths]

    with Server(_page_routes()) as server:
        page, nohead, image, secret = asyncio.run(main(server))
    assert page.status == 200
    assert ("x-robots-tag", "noai") in page.headers
    assert page.head.endswith(b"</head>")
    assert b"filler" not in page.head
    assert len(nohead.head) == PAGE_HEAD_LIMIT
    assert nohead.record.truncated
    assert image.status == 200
    assert image.head == b""
    assert secret.error is ErrorKind.ROBOTS
    assert secret.status is None
    assert server.hits("/secret") == 0
    assert server.hits("/robots.txt") == 1
    decision = evaluate(page.final_url, headers=page.headers, html=page.head)
    assert decision.for_use(Use.TRAIN_AI) == "deny"


def test_concurrent_requests_for_one_url_share_one_fetch() -> None:
    hits: list[int] = []

    async def slow(request: Request, writer: asyncio.StreamWriter) -> bool:
        hits.append(1)
        await asyncio.sleep(0.1)
        return await respond(200, "User-agent: *\nAllow: /\n")(request, writer)

    async def main(server: Server) -> None:
        async with Fetcher(None, **FAST) as fetcher:
            await asyncio.gather(*(fetcher.robots(server.url()) for _ in range(5)))

    with Server({"/robots.txt": slow}) as server:
        asyncio.run(main(server))
    assert len(hits) == 1


def test_fetch_robots_and_sites_synchronously(tmp_path: Path) -> None:
    routes = {
        "/robots.txt": respond(200, "User-agent: *\nDisallow: /x\n"),
        "/ai.txt": respond(200, AI_TXT),
    }
    with Server(routes, count=5) as server:
        origins = [server.url(index=n) for n in range(5)]
        seen: list[tuple[int, int]] = []
        robots = fetch_robots(
            [*origins, origins[0]], cache=tmp_path / "c.sqlite",
            progress=lambda done, total: seen.append((done, total)), **FAST,
        )  # fmt: skip
        assert list(robots) == origins
        assert seen[-1] == (5, 5)
        assert len(seen) == 5
        assert all(not r.robots.allowed("/x", "a") for r in robots.values())
        sites = fetch_sites(origins, cache=tmp_path / "c.sqlite", **FAST)
        assert all(s.ai_txt is not None for s in sites.values())
        assert all(s.robots_fetch.from_cache for s in sites.values())
        assert server.hits("/robots.txt") == 5
        later = fetch_sites(origins, cache=tmp_path / "c.sqlite", as_of=datetime.now(), **FAST)
        assert all(s.ai_txt is not None for s in later.values())
        assert server.hits("/ai.txt") == 5


def test_origin_of() -> None:
    assert origin_of("HTTPS://Example.COM:443/a/b?c") == "https://example.com"
    assert origin_of("http://example.com:8080/x") == "http://example.com:8080"
    assert origin_of("example.com") == "https://example.com"
    assert origin_of("http://[::1]:81/") == "http://[::1]:81"
