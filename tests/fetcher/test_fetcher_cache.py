"""The fetch cache: WAL, history, as-of answers, TTL reuse, and several writing processes."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from servers import Request, Server, respond

from reciprocity.errors import FetchError, InputError
from reciprocity.fetcher import (
    ErrorKind,
    FetchCache,
    Fetcher,
    FetchRecord,
    Hop,
    NotCached,
    RobotsFetch,
)
from reciprocity.signals.robots import Access

FAST: dict[str, Any] = {"allow_private": True, "retries": 0, "total_timeout": 2.0}
T0 = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)


def record(
    url: str, when: datetime, body: bytes = b"User-agent: *\nDisallow: /\n", **kw: Any
) -> FetchRecord:
    return FetchRecord(
        url=url, fetched=when, status=kw.pop("status", 200), final_url=url, body=body, **kw
    )


def test_wal_mode_and_schema(tmp_path: Path) -> None:
    with FetchCache(tmp_path / "c.sqlite") as cache:
        assert cache.journal_mode == "wal"
    db = sqlite3.connect(tmp_path / "c.sqlite")
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"fetches", "bodies"} <= tables
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    db.close()


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    original = FetchRecord(
        url="https://example.com/robots.txt",
        fetched=T0,
        status=200,
        final_url="https://www.example.com/robots.txt",
        chain=(Hop("https://example.com/robots.txt", 301, "https://www.example.com/robots.txt"),),
        headers=(("content-type", "text/plain"), ("link", "<x>; rel=license")),
        body=b"User-agent: *\n",
        truncated=True,
        attempts=2,
        elapsed=0.5,
        user_agent="ua",
    )
    with FetchCache(tmp_path / "c.sqlite") as cache:
        cache.store(original)
        back = cache.latest(original.url)
    assert back is not None
    assert back.from_cache
    for name in ("url", "fetched", "status", "final_url", "chain", "headers", "body", "truncated",
                 "attempts", "elapsed", "user_agent", "sha256", "error"):  # fmt: skip
        assert getattr(back, name) == getattr(original, name), name


def test_bodies_are_stored_once_per_hash(tmp_path: Path) -> None:
    with FetchCache(tmp_path / "c.sqlite") as cache:
        for n in range(5):
            cache.store(record(f"https://h{n}.example/robots.txt", T0))
        cache.store(record("https://h9.example/robots.txt", T0, status=None, body=b"",
                           error=ErrorKind.CONNECT, detail="refused"))  # fmt: skip
        assert cache.count() == 6
    db = sqlite3.connect(tmp_path / "c.sqlite")
    assert db.execute("SELECT count(*) FROM bodies").fetchone()[0] == 1
    db.close()


def test_as_of_and_history(tmp_path: Path) -> None:
    url = "https://example.com/robots.txt"
    with FetchCache(tmp_path / "c.sqlite") as cache:
        cache.store(record(url, T0, b"v1"))
        cache.store(record(url, T0 + timedelta(days=10), b"v2"))
        cache.store(record(url, T0 + timedelta(days=20), b"v3"))
        assert cache.at(url, T0 - timedelta(seconds=1)) is None
        at_t0 = cache.at(url, T0)
        assert at_t0 is not None
        assert at_t0.body == b"v1"
        mid = cache.at(url, T0 + timedelta(days=15))
        assert mid is not None
        assert mid.body == b"v2"
        # A naive datetime is read as UTC.
        naive = cache.at(url, datetime(2025, 1, 11, 12, 0))
        assert naive is not None
        assert naive.body == b"v2"
        assert [r.body for r in cache.history(url)] == [b"v1", b"v2", b"v3"]
        latest = cache.latest(url)
        assert latest is not None
        assert latest.body == b"v3"
        assert list(cache.urls()) == [url]


def _counting(body: str) -> tuple[dict[str, Any], list[int]]:
    hits: list[int] = []

    async def route(request: Request, writer: asyncio.StreamWriter) -> bool:
        hits.append(1)
        return await respond(200, body)(request, writer)

    return {"/robots.txt": route}, hits


def _robots(cache: FetchCache, url: str, **kw: Any) -> RobotsFetch:
    options = {**FAST, **kw.pop("options", {})}

    async def main() -> RobotsFetch:
        async with Fetcher(cache, **options) as fetcher:
            return await fetcher.robots(url, **kw)

    return asyncio.run(main())


def test_fresh_cached_fetch_makes_no_request(tmp_path: Path) -> None:
    routes, hits = _counting("User-agent: *\nDisallow: /\n")
    with Server(routes) as server, FetchCache(tmp_path / "c.sqlite") as cache:
        first = _robots(cache, server.url())
        second = _robots(cache, server.url())
        assert len(hits) == 1
        assert not first.from_cache
        assert second.from_cache
        assert second.robots.access is Access.RULES
        assert not second.robots.allowed("/", "x")
        assert second.fetched == first.fetched
        third = _robots(cache, server.url(), refresh=True)
        assert len(hits) == 2
        assert not third.from_cache
        stale = _robots(cache, server.url(), options={"ttl": timedelta(0)})
        assert len(hits) == 3
        assert not stale.from_cache
        assert len(cache.history(f"{server.url()}/robots.txt")) == 3


def test_failures_are_cached_for_error_ttl(tmp_path: Path) -> None:
    hits: list[int] = []

    async def route(request: Request, writer: asyncio.StreamWriter) -> bool:
        hits.append(1)
        return await respond(503)(request, writer)

    with Server({"/robots.txt": route}) as server, FetchCache(tmp_path / "c.sqlite") as cache:
        _robots(cache, server.url())
        _robots(cache, server.url())
        assert len(hits) == 1
        again = _robots(cache, server.url(), options={"error_ttl": timedelta(0)})
        assert len(hits) == 2
        assert again.robots.access is Access.DISALLOW_ALL


def test_as_of_answers_from_the_cache_only(tmp_path: Path) -> None:
    routes, hits = _counting("User-agent: *\nDisallow: /\n")
    with Server(routes) as server, FetchCache(tmp_path / "c.sqlite") as cache:
        fetched = _robots(cache, server.url())
        later = datetime.now(timezone.utc) + timedelta(days=1)
        old = _robots(cache, server.url(), as_of=later)
        assert old.from_cache
        assert old.fetched == fetched.fetched
        assert len(hits) == 1
        with pytest.raises(NotCached, match="nothing cached at or before 2001"):
            _robots(cache, server.url(), as_of=datetime(2001, 1, 1, tzinfo=timezone.utc))
        assert len(hits) == 1
    assert issubclass(NotCached, FetchError)

    async def main() -> None:
        async with Fetcher(None, **FAST) as fetcher:
            await fetcher.robots("https://example.com", as_of=later)

    with pytest.raises(NotCached, match="needs a fetch cache"):
        asyncio.run(main())


def test_refusals_are_not_cached(tmp_path: Path) -> None:
    with FetchCache(tmp_path / "c.sqlite") as cache:
        fetch = _robots(cache, "http://10.0.0.1", options={"allow_private": False})
        assert fetch.error is ErrorKind.REFUSED
        assert cache.count() == 0


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    FetchCache(path).close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(InputError, match="newer"):
        FetchCache(path)


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timedelta, timezone
    from reciprocity.fetcher import FetchCache, FetchRecord

    path, worker = sys.argv[1], int(sys.argv[2])
    t0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with FetchCache(path) as cache:
        for n in range(60):
            body = b"shared body" if n % 2 else f"body {worker}-{n}".encode()
            url = f"https://host{n % 7}.example/robots.txt"
            when = t0 + timedelta(seconds=n, microseconds=worker)
            cache.store(FetchRecord(url=url, fetched=when, status=200, final_url=url, body=body))
            cache.latest(url)
    """
)


def test_several_processes_share_one_cache(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(worker)], stderr=subprocess.PIPE
        )
        for worker in range(4)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
    with FetchCache(path) as cache:
        assert cache.count() == 240
        assert cache.journal_mode == "wal"
        history = cache.history("https://host0.example/robots.txt")
        assert len(history) == 36
        assert [r.fetched for r in history] == sorted(r.fetched for r in history)
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM bodies").fetchone()[0] == 121
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_a_cache_that_cannot_be_created_is_an_input_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(InputError, match="cannot create the fetch cache"):
        FetchCache(blocker / "cache.sqlite3")
