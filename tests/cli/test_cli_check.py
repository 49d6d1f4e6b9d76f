"""`reciprocity check`: live decisions from a site served on 127.0.0.1, then from the cache."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from reciprocity.cli import EXIT_FETCH, EXIT_OK, EXIT_USAGE, main
from reciprocity.errors import FetchError

SITE: dict[str, tuple[int, str, bytes]] = {
    "/robots.txt": (
        200,
        "text/plain",
        b"User-agent: *\nAllow: /\nContent-Usage: train-ai=n\n\nUser-agent: GPTBot\nDisallow: /\n",
    ),
    "/.well-known/tdmrep.json": (
        200,
        "application/json",
        b'[{"location": "/*", "tdm-reservation": 1}]',
    ),
    "/page.html": (
        200,
        "text/html; charset=utf-8",
        # The licence is in the footer, as CC's chooser writes it: the whole page is read.
        b'<html><head><meta name="robots" content="noai"></head><body><p>text</p>'
        b'<footer><a rel="license" href="https://creativecommons.org/licenses/by/4.0/">'
        b"CC BY 4.0</a></footer></body></html>",
    ),
}


class Site:
    def __init__(self) -> None:
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append(self.path)
                status, kind, body = SITE.get(self.path, (404, "text/plain", b"not found"))
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if self.path == "/page.html":
                    self.send_header("Content-Usage", "search=y")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def site() -> Iterator[Site]:
    served = Site()
    served.thread.start()
    yield served
    served.server.shutdown()
    served.server.server_close()
    assert len(served.requests) <= 20  # bounded: a check makes a handful of requests


def _check(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, Any, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, json.loads(out) if "--json" in args and out else out, err


def test_live_check_decides_every_use_with_fetch_provenance(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = str(tmp_path / "cache.sqlite3")
    url = f"{site.base}/page.html"
    code, found, _ = _check([url, "--cache", cache, "--allow-private", "--json"], capsys)
    assert code == EXIT_OK
    (result,) = found["results"]
    assert found["errors"] == []
    assert result["train_ai"] == "deny"  # GPTBot disallowed, AIPREF, noai, TDMRep
    assert result["ai_use"] == "deny"  # noai, TDMRep
    assert result["search"] == "allow"  # Content-Usage search=y, CC BY
    mechanisms = {e["mechanism"] for e in result["evidence"]}
    assert {"robots.txt", "aipref", "noai", "tdmrep", "license"} <= mechanisms
    fetches = result["fetches"]
    assert fetches["robots.txt"]["status"] == 200
    assert fetches["ai.txt"]["status"] == 404
    assert fetches["page"]["status"] == 200
    assert all(f["fetched"] for f in fetches.values())
    robots_evidence = next(e for e in result["evidence"] if e["mechanism"] == "robots.txt")
    assert robots_evidence["fetched"] == fetches["robots.txt"]["fetched"]


def test_text_output_names_the_deciding_evidence_and_the_fetches(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"{site.base}/page.html"
    code, out, _ = _check([url, "--no-cache", "--allow-private"], capsys)
    assert code == EXIT_OK
    assert out.startswith(f"{url}\n")
    assert "train-ai  deny" in out
    assert "Disallow: / [User-agent: GPTBot]" in out
    assert "fetches:" in out
    assert f"robots.txt   {site.base}/robots.txt: HTTP 200" in out


def test_private_targets_are_refused_by_default(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _check([f"{site.base}/page.html", "--no-cache"], capsys)
    assert code == EXIT_FETCH
    assert out == ""
    assert "loopback" in err
    assert "--allow-private" in err
    assert site.requests == []  # nothing was sent


def test_as_of_answers_from_the_cache_without_the_network(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = str(tmp_path / "cache.sqlite3")
    url = f"{site.base}/page.html"
    code, before, err = _check(
        [url, "--cache", cache, "--allow-private", "--as-of", "2020-01-01", "--json"], capsys
    )
    assert code == EXIT_FETCH  # nothing cached by then
    assert before["results"] == []
    assert "2020-01-01" in err or "cache" in err
    assert _check([url, "--cache", cache, "--allow-private", "--json"], capsys)[0] == EXIT_OK
    live = len(site.requests)
    code, later, _ = _check(
        [url, "--cache", cache, "--allow-private", "--as-of", "2999-01-01", "--json"], capsys
    )
    assert code == EXIT_OK
    assert len(site.requests) == live  # not one request more
    (result,) = later["results"]
    assert result["train_ai"] == "deny"
    assert all(f["from_cache"] for f in result["fetches"].values())


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "ftp://example.com/x"]) == EXIT_USAGE
    assert main(["check", "https://example.com/", "--as-of", "yesterday"]) == EXIT_USAGE
    assert (
        main(["check", "https://example.com/", "--as-of", "2026-01-01", "--no-cache"]) == EXIT_USAGE
    )
    assert main(["check", "https://example.com/", "--accept", "payola"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "not an http or https URL" in err
    assert "not a date" in err
    assert "reciprocity: usage: --accept: unknown obligation 'payola'" in err


def test_the_library_call_behind_the_command(site: Site) -> None:
    from reciprocity.fetcher import Checked, check

    url = f"{site.base}/page.html"
    refused, allowed = (
        check([url])[0],
        check([url], allow_private=True, agent="CCBot", accept={"attribution"})[0],
    )
    assert isinstance(refused, FetchError)
    assert isinstance(allowed, Checked)
    assert allowed.decision.for_use("train-ai") == "deny"
    assert allowed.decision.for_use("search") == "allow"
    assert [carrier for carrier, _ in allowed.fetches] == [
        "robots.txt",
        "tdmrep.json",
        "ai.txt",
        "page",
    ]
