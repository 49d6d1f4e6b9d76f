"""`reciprocity audit --online`: hosts missing from the snapshots are fetched from servers on
127.0.0.1 through the cache; the robots.txt of hosts in the snapshots is never the live one."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from file_server import FileServer

from reciprocity.cli import EXIT_OK, main
from reciprocity.sources.snapshots import SnapshotEntry, write_snapshot_warc

CRAWLED = datetime(2026, 6, 1, tzinfo=timezone.utc)
PAGE = b"<html><head><title>t</title></head><body>text</body></html>"


def _robots_server(status: int, robots: bytes) -> FileServer:
    """Serves one robots.txt body (or status) and counts requests."""
    return FileServer().serve({"/robots.txt": ("text/plain", robots)}, status=status)


@pytest.fixture
def servers() -> Iterator[dict[str, FileServer]]:
    found = {
        "blocked": _robots_server(200, b"User-agent: CCBot\nDisallow: /\n"),
        "open": _robots_server(200, b"User-agent: *\nAllow: /\n"),
        "missing": _robots_server(404, b""),
        "failing": _robots_server(503, b""),
    }
    yield found
    for server in found.values():
        server.close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _corpus(tmp_path: Path, origins: dict[str, str]) -> tuple[Path, Path]:
    documents = [
        (f"{origin}/page/{n}.html", CRAWLED, 200, [("Content-Type", "text/html")], PAGE)
        for origin in origins.values()
        for n in range(3)
    ]
    corpus, robots = tmp_path / "corpus.warc.gz", tmp_path / "robots.warc.gz"
    write_snapshot_warc(corpus, documents)
    # The snapshots know one host, which says "allow": the live server would say otherwise.
    snapshot: SnapshotEntry = (
        f"{origins['snapshotted']}/robots.txt",
        CRAWLED,
        200,
        [],
        b"User-agent: *\nAllow: /\n",
    )
    write_snapshot_warc(robots, [snapshot])
    return corpus, robots


def test_online_fills_missing_hosts_through_the_cache(
    servers: dict[str, FileServer], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    origins = {name: server.origin for name, server in servers.items()}
    origins["down"] = f"http://127.0.0.1:{_closed_port()}"
    snapshotted = _robots_server(200, b"User-agent: *\nDisallow: /\n")
    origins["snapshotted"] = snapshotted.origin
    corpus, robots = _corpus(tmp_path, origins)
    cache = tmp_path / "cache.sqlite3"
    args = ["audit", str(corpus), "--robots", str(robots), "--online", "--allow-private"]
    args += ["--cache", str(cache), "--timeout", "5", "--quiet"]
    try:
        assert main([*args, "--out", str(tmp_path / "run")]) == EXIT_OK
        rows = pq.read_table(tmp_path / "run" / "decisions.parquet").to_pylist()
        by_origin: dict[str, set[str]] = {}
        for row in rows:
            origin = row["url"].rsplit("/page/", 1)[0]
            by_origin.setdefault(origin, set()).add(row["train_ai"])
        assert by_origin[origins["blocked"]] == {"deny"}
        assert by_origin[origins["open"]] == {"unknown"}
        assert by_origin[origins["missing"]] == {"unknown"}  # 404: allow all
        assert by_origin[origins["failing"]] == {"deny"}  # 503: complete disallow
        assert by_origin[origins["down"]] == {"deny"}  # unreachable: complete disallow
        assert by_origin[origins["snapshotted"]] == {"unknown"}  # the snapshot, not the server
        # The snapshots hold its robots.txt, not its other files: those are fetched (with the
        # robots.txt that Fetcher.site() reads first), but robots.txt is the snapshot's.
        assert set(snapshotted.requests) == {"/robots.txt", "/.well-known/tdmrep.json", "/ai.txt"}
        assert all(server.requests.count("/robots.txt") >= 1 for server in servers.values())
        assert rows[0]["evidence"][0]["fetched"]
        manifest = json.loads((tmp_path / "run" / "run.json").read_text())
        online = manifest["site_sources"]["online"]
        assert online["hosts_fetched"] == 6
        assert online["cache"] == str(cache)

        # A second run within the TTL asks no server again: the cache answers.
        before = {name: len(server.requests) for name, server in servers.items()}
        assert main([*args, "--out", str(tmp_path / "again")]) == EXIT_OK
        assert {name: len(server.requests) for name, server in servers.items()} == before
        again = pq.read_table(tmp_path / "again" / "decisions.parquet").to_pylist()
        assert [r["train_ai"] for r in again] == [r["train_ai"] for r in rows]
        manifest = json.loads((tmp_path / "again" / "run.json").read_text())
        assert manifest["site_sources"]["online"]["hosts_from_cache"] == 6
    finally:
        snapshotted.close()


def test_online_refuses_private_hosts_by_default(
    servers: dict[str, FileServer], tmp_path: Path
) -> None:
    origins = {"open": servers["open"].origin, "snapshotted": "https://snap.example"}
    corpus, robots = _corpus(tmp_path, origins)
    args = ["audit", str(corpus), "--robots", str(robots), "--online", "--no-cache", "--quiet"]
    assert main([*args, "--out", str(tmp_path / "run")]) == EXIT_OK
    rows = pq.read_table(tmp_path / "run" / "decisions.parquet").to_pylist()
    states = {r["train_ai"] for r in rows if r["url"].startswith(origins["open"])}
    assert states == {"unavailable"}  # refused: no robots.txt, fail closed
    assert servers["open"].requests == []


def test_online_with_workers_gives_the_rows_of_one_process(
    servers: dict[str, FileServer], tmp_path: Path
) -> None:
    origins = {name: server.origin for name, server in servers.items()}
    origins["snapshotted"] = "https://snap.example"
    corpus, robots = _corpus(tmp_path, origins)
    # A second input, so that two workers each take one.
    second = tmp_path / "second.warc.gz"
    write_snapshot_warc(
        second,
        [
            (f"{origin}/other/{n}.html", CRAWLED, 200, [("Content-Type", "text/html")], PAGE)
            for origin in origins.values()
            for n in range(2)
        ],
    )
    args = ["audit", str(corpus), str(second), "--robots", str(robots), "--online"]
    args += ["--allow-private", "--timeout", "5", "--quiet"]
    cache = ["--cache", str(tmp_path / "cache.sqlite3")]
    one = tmp_path / "one"
    two = tmp_path / "two"
    assert main([*args, *cache, "--out", str(one)]) == EXIT_OK
    assert main([*args, "--no-cache", "--workers", "2", "--out", str(two)]) == EXIT_OK
    rows_one = pq.read_table(one / "decisions.parquet").to_pylist()
    rows_two = pq.read_table(two / "decisions.parquet").to_pylist()

    def stable(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        # The evidence carries fetch dates, which differ between the two runs.
        return [(r["source"], r["offset"], r["train_ai"], r["keep"]) for r in rows]

    assert stable(rows_two) == stable(rows_one)
    assert {r["train_ai"] for r in rows_two if r["url"].startswith(origins["blocked"])} == {"deny"}
