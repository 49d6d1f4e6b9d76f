"""Raw HTTP/1.1 test servers on 127.0.0.x, run on an event loop in a thread of their own.

Each route is an async function that writes whatever bytes it likes, so that the tests can serve
what real servers get wrong: slow drips, resets, a Content-Length that lies, gzip bombs,
endless redirects. A server counts the requests it answers and stops accepting after
``max_requests``; every route finishes in bounded time.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import socket
import struct
import threading
import zlib
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

__all__ = [
    "FAST",
    "Request",
    "Route",
    "Server",
    "chunks",
    "drip",
    "gzip_bomb",
    "redirect",
    "reset",
    "respond",
    "short_body",
]


# Fetcher options for tests: retries and timeouts short enough that no test lingers.
FAST: dict[str, Any] = {
    "allow_private": True,
    "retries": 1,
    "backoff": 0.01,
    "connect_timeout": 1.0,
    "total_timeout": 2.0,
}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    port: int


Route = Callable[[Request, asyncio.StreamWriter], Awaitable[bool]]
"""Writes a response; returns True to keep the connection open for another request."""


def _head(status: int, headers: Iterable[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def respond(
    status: int = 200,
    body: bytes | str = b"",
    *,
    content_type: str = "text/plain",
    headers: Sequence[tuple[str, str]] = (),
    encoding: str | None = None,
) -> Route:
    """A complete response with a correct Content-Length."""
    data = body.encode() if isinstance(body, str) else body

    async def route(request: Request, writer: asyncio.StreamWriter) -> bool:
        fields = [("Content-Type", content_type), ("Content-Length", str(len(data))), *headers]
        if encoding:
            fields.append(("Content-Encoding", encoding))
        writer.write(_head(status, fields) + data)
        await writer.drain()
        return True

    return route


def redirect(location: str | Callable[[Request], str], status: int = 301) -> Route:
    async def route(request: Request, writer: asyncio.StreamWriter) -> bool:
        target = location(request) if callable(location) else location
        writer.write(_head(status, [("Location", target), ("Content-Length", "0")]))
        await writer.drain()
        return True

    return route


def drip(body: bytes, interval: float, *, limit: float = 5.0) -> Route:
    """Headers at once, then the body one byte per ``interval`` (for ``limit`` seconds at most)."""

    async def route(request: Request, writer: asyncio.StreamWriter) -> bool:
        writer.write(_head(200, [("Content-Length", str(len(body)))]))
        await writer.drain()
        spent = 0.0
        for byte in body:
            if spent >= limit:
                break
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(interval)
            spent += interval
        return False

    return route


def reset(*, after_head: bool = False) -> Route:
    """Close with a TCP reset, before any response or after the status line and headers."""

    async def route(request: Request, writer: asyncio.StreamWriter) -> bool:
        if after_head:
            writer.write(_head(200, [("Content-Length", "1000")]) + b"User-agent: *\n")
            await writer.drain()
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
        return False

    return route


def short_body(body: bytes, claimed: int) -> Route:
    """A Content-Length of ``claimed`` but only ``body`` sent, then the connection closed."""

    async def route(request: Request, writer: asyncio.StreamWriter) -> bool:
        writer.write(_head(200, [("Content-Length", str(claimed))]) + body)
        await writer.drain()
        return False

    return route


def chunks(parts: Sequence[bytes], *, encoding: str | None = None) -> Route:
    async def route(request: Request, writer: asyncio.StreamWriter) -> bool:
        fields = [("Transfer-Encoding", "chunked")]
        if encoding:
            fields.append(("Content-Encoding", encoding))
        data = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts if p) + b"0\r\n\r\n"
        writer.write(_head(200, fields) + data)
        await writer.drain()
        return True

    return route


def gzip_bomb(size: int, *, coding: str = "gzip") -> Route:
    """``size`` zero bytes compressed (gzip or zlib-wrapped deflate): a few KiB on the wire."""
    if coding == "gzip":
        data = gzip.compress(b"\0" * size, compresslevel=9)
    else:
        data = zlib.compress(b"\0" * size, 9)
    return respond(200, data, encoding=coding)


@dataclass
class Server:
    """HTTP servers on ``host``, one per port in ``ports`` (0: pick free ones), one route table."""

    routes: dict[str, Route]
    host: str = "127.0.0.1"
    count: int = 1
    max_requests: int = 2000
    requests: list[Request] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _servers: list[asyncio.base_events.Server] = field(default_factory=list)

    def url(self, path: str = "", index: int = 0) -> str:
        return f"http://{self.host}:{self.ports[index]}{path}"

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        port = writer.get_extra_info("sockname")[1]
        try:
            while len(self.requests) < self.max_requests:
                try:
                    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
                except (asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        key, value = line.split(":", 1)
                        headers[key.strip().lower()] = value.strip()
                request = Request(method, target, headers, port)
                self.requests.append(request)
                route = self.routes.get(target) or self.routes.get(target.split("?", 1)[0])
                if route is None:
                    route = self.routes.get("*", respond(404, "not found"))
                if not await route(request, writer):
                    return
        except (ConnectionError, OSError):
            return
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    def __enter__(self) -> Server:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop

            async def start() -> None:
                for _ in range(self.count):
                    server = await asyncio.start_server(self._handle, self.host, 0)
                    self._servers.append(server)
                    self.ports.append(server.sockets[0].getsockname()[1])

            loop.run_until_complete(start())
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        if not ready.wait(5):
            raise RuntimeError("test server did not start")
        return self

    async def _stop(self) -> None:
        for server in self._servers:
            server.close()
        current = asyncio.current_task()
        tasks = [t for t in asyncio.all_tasks() if t is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for server in self._servers:
            await server.wait_closed()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._loop is not None
        assert self._thread is not None
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
