"""Live fetcher throughput against local servers: hosts per second, cold and warm cache.

    .venv/bin/python benchmarks/fetcher.py                 # 200 hosts, best of 3
    .venv/bin/python benchmarks/fetcher.py --hosts 1000    # more hosts
    .venv/bin/python benchmarks/fetcher.py --quick         # 50 hosts, once: a smoke run

A child process serves ``--hosts`` distinct "hosts" (one listening port each on 127.0.0.1; the
fetcher's politeness key is host and port) from one asyncio event loop, each with a robots.txt
(a real one: the ai.robots.txt block list of ``/work/shared/data`` when present), a
``/.well-known/tdmrep.json`` and an ``/ai.txt``, with keep-alive. The server is a separate
process so that it does not share the fetcher's interpreter lock.

Measured with ``fetch_sites`` (3 requests per host) and ``fetch_robots`` (1), default options
except ``allow_private=True``:

* cold: an empty cache file: every file is requested, parsed and stored;
* warm: the same cache again within its TTL: no request at all (checked on the server's count),
  every record read back from SQLite and parsed.

Each figure is the best of ``--repeats``; the run exits non-zero only on an error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import tempfile
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx

from reciprocity.fetcher import FetchCache, fetch_robots, fetch_sites

SHARED_ROBOTS = Path(__file__).resolve().parents[2] / "shared/data/ai_agents/robots.txt"
TDMREP = b'[{"location": "/*", "tdm-reservation": 1}]'
AI_TXT = b"User-Agent: *\nDisallow: *.jpg\nDisallow: *.png\nAllow: /\n"


def _serve(count: int, robots: bytes, pipe: Connection) -> None:
    files = {"/robots.txt": robots, "/.well-known/tdmrep.json": TDMREP, "/ai.txt": AI_TXT}
    served = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal served
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                body = files.get(path)
                status = b"200 OK" if body is not None else b"404 Not Found"
                body = body or b""
                served += 1
                writer.write(
                    b"HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s"
                    % (status, len(body), body)
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        servers = [await asyncio.start_server(handle, "127.0.0.1", 0) for _ in range(count)]
        pipe.send([s.sockets[0].getsockname()[1] for s in servers])
        loop = asyncio.get_running_loop()
        while True:
            # The parent asks for the request count, or closes the pipe to stop us.
            ready = asyncio.Event()
            loop.add_reader(pipe.fileno(), ready.set)
            await ready.wait()
            loop.remove_reader(pipe.fileno())
            try:
                pipe.recv()
            except EOFError:
                return
            pipe.send(served)

    asyncio.run(main())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--hosts", type=int, default=None, help="default 200 (quick 50)")
    parser.add_argument("--repeats", type=int, default=None, help="default 3 (quick 1)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    hosts = args.hosts or (50 if args.quick else 200)
    repeats = args.repeats or (1 if args.quick else 3)
    robots = SHARED_ROBOTS.read_bytes() if SHARED_ROBOTS.exists() else b"User-agent: *\nAllow: /\n"

    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(hosts, robots, theirs), daemon=True)
    server.start()
    ports: list[int] = ours.recv()
    origins = [f"http://127.0.0.1:{port}" for port in ports]

    def served() -> int:
        ours.send("count")
        return int(ours.recv())

    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs; httpx {httpx.__version__}")
    print(
        f"{hosts} local hosts (one port each), robots.txt {len(robots):,} bytes, tdmrep.json, "
        f"ai.txt; concurrency {args.concurrency}; best of {repeats}"
    )
    options: dict[str, Any] = {"allow_private": True, "concurrency": args.concurrency}
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, helper, per_host in (("sites", fetch_sites, 3), ("robots", fetch_robots, 1)):
            caches = [Path(folder) / f"{name}-{n}.sqlite" for n in range(repeats)]
            cold = []
            for cache_path in caches:  # a new file per run: a cold cache each time
                before = served()
                started = time.perf_counter()
                helper(origins, cache=cache_path, **options)
                cold.append(time.perf_counter() - started)
                assert served() - before == per_host * hosts, "every file requested once"
            warm = []
            for _ in range(repeats):  # the last cold run's cache, within its TTL
                before = served()
                started = time.perf_counter()
                helper(origins, cache=caches[-1], **options)
                warm.append(time.perf_counter() - started)
                assert served() == before, "a warm cache makes no request"
            results[f"{name} cold"] = min(cold)
            results[f"{name} warm"] = min(warm)
            with FetchCache(caches[-1]) as cache:
                print(f"  {name}: {cache.count():,} fetches in the cache after the runs")
    ours.close()
    server.join(5)

    print(f"\n{'measurement':<14}{'seconds':>10}{'hosts/s':>12}{'requests/s':>13}")
    for name, seconds in results.items():
        per_host = 3 if name.startswith("sites") else 1
        requests = f"{hosts * per_host / seconds:,.0f}" if name.endswith("cold") else "0"
        print(f"{name:<14}{seconds:>10.3f}{hosts / seconds:>12,.0f}{requests:>13}")
    print(json.dumps({k: round(hosts / v, 1) for k, v in results.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
