"""One attempt at fetching a URL: redirects followed by hand, the body streamed with bounds.

``fetch_chain`` asks for ``url`` and follows up to ``max_redirects`` redirects (RFC 9309
§2.3.1.2: five), each hop checked by the guard before it is requested and vetted again at
connect time by the transport. A sixth redirect is not followed: it is the final response,
which RFC 9309 reads as "unavailable". A redirect back to a URL already requested ends the chain
at once (``redirect-loop``): following it could only reach the same limit.

Only a 2xx body is read, as raw bytes (``aiter_raw``) through a :class:`BoundedDecoder`, so that
neither the transfer nor the decompressed size can pass the cap; reading stops at the cap
(``truncated``) or, for a page, at the end of the HTML head. Every hop runs under what is left of
the attempt's deadline (``budget``), so a server that drips one byte a second cannot hold it.
Network failures never raise: they come back as an :class:`ErrorKind` with a detail.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Final
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx

from reciprocity.fetcher.decode import ACCEPT_ENCODING, BoundedDecoder, UndecodableBody
from reciprocity.fetcher.guard import Guard, NameNotResolved, TargetRefused
from reciprocity.fetcher.records import ErrorKind, Hop
from reciprocity.urls import host_of

__all__ = ["REDIRECT_STATUSES", "Attempt", "Gate", "fetch_chain", "host_key"]

REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})

Gate = Callable[[str], AbstractAsyncContextManager[None]]
"""``async with gate(host):`` around each request: the fetcher's politeness (one request per
host at a time, the global limit, waits a server asked for)."""

# Where an HTML head ends, or the body begins when the head's end tag is omitted.
_HEAD_END: Final = (b"</head", b"<body")
_READ_CHUNK: Final = 64 * 1024


@dataclass(frozen=True, slots=True)
class Attempt:
    """The outcome of one attempt (a record without its time, retries and cache status)."""

    status: int | None
    final_url: str
    chain: tuple[Hop, ...]
    headers: tuple[tuple[str, str], ...]
    body: bytes
    truncated: bool
    error: ErrorKind | None
    detail: str


def host_key(url: str) -> str:
    """The politeness key of a URL: its host (as :func:`reciprocity.urls.host_of` spells it, so
    that ``Bücher.de`` and ``xn--bcher-kva.de`` wait for each other) and port."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    return f"{host_of(url) or ''}:{port}"


def _error_of(exc: BaseException) -> tuple[ErrorKind, str]:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, TargetRefused):
        return ErrorKind.REFUSED, text
    if isinstance(exc, NameNotResolved):
        return ErrorKind.DNS, text
    if isinstance(exc, UndecodableBody):
        return ErrorKind.DECODING, text
    if isinstance(exc, httpx.TimeoutException):
        return ErrorKind.TIMEOUT, text
    if isinstance(exc, httpx.ConnectError):
        return ErrorKind.CONNECT, text
    if isinstance(exc, (httpx.ReadError, httpx.WriteError)):
        return ErrorKind.READ, text
    if isinstance(exc, (httpx.ProtocolError, httpx.UnsupportedProtocol)):
        return ErrorKind.PROTOCOL, text
    if isinstance(exc, httpx.InvalidURL):
        return ErrorKind.REFUSED, f"invalid URL: {text}"
    return ErrorKind.CONNECT, f"{type(exc).__name__}: {text}"


def _may_be_html(headers: httpx.Headers) -> bool:
    # Pages are often mislabelled: no type, text/plain or XML may still be HTML; images are not.
    kind = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return not kind or "html" in kind or kind == "text/plain" or kind.startswith("application/xml")


class _Response:
    """What one request returned (mutable while it is read)."""

    __slots__ = ("body", "error", "headers", "location", "status", "truncated")

    def __init__(self) -> None:
        self.status: int | None = None
        self.headers: tuple[tuple[str, str], ...] = ()
        self.location: str | None = None
        self.body = b""
        self.truncated = False
        self.error: tuple[ErrorKind, str] | None = None


async def _request(
    client: httpx.AsyncClient,
    url: str,
    response: _Response,
    *,
    headers: dict[str, str],
    limit: int,
    head_only: bool,
) -> None:
    # Fills ``response`` as it goes, so that a deadline that cancels this coroutine still
    # leaves the status and headers that had arrived.
    async with client.stream("GET", url, headers=headers) as reply:
        response.status = reply.status_code
        response.headers = tuple(
            (name.decode("latin-1").lower(), value.decode("latin-1"))
            for name, value in reply.headers.raw
        )
        if reply.status_code in REDIRECT_STATUSES:
            response.location = reply.headers.get("location")
            return
        if not 200 <= reply.status_code < 300:
            return  # error pages carry nothing a signal reader needs
        if head_only and not _may_be_html(reply.headers):
            return
        decoder = BoundedDecoder(reply.headers.get("content-encoding"), limit)
        scanned = 0
        async for raw in reply.aiter_raw(_READ_CHUNK):
            full = decoder.feed(raw)
            if head_only:
                out = decoder.body
                window = out[max(0, scanned - 6) :].lower()
                hits = [window.find(mark) for mark in _HEAD_END]
                found = [hit for hit in hits if hit >= 0]
                if found:
                    end = max(0, scanned - 6) + min(found)
                    close = out.find(b">", end)
                    response.body = out[: close + 1 if close >= 0 else len(out)]
                    return
                scanned = len(out)
            if full:
                break
        decoder.finish()
        response.body = decoder.body
        response.truncated = decoder.truncated


async def fetch_chain(
    client: httpx.AsyncClient,
    url: str,
    *,
    guard: Guard,
    gate: Gate,
    limit: int,
    budget: float,
    headers: dict[str, str] | None = None,
    head_only: bool = False,
    max_redirects: int = 5,
) -> Attempt:
    """Fetch ``url`` once, following redirects, within ``budget`` seconds of request time."""
    request_headers = {"Accept-Encoding": ACCEPT_ENCODING, **(headers or {})}
    chain: list[Hop] = []
    seen = {urldefrag(url)[0]}
    current = url
    remaining = budget
    while True:
        response = _Response()
        try:
            guard.check_url(current)
            async with gate(host_key(current)):
                started = time.monotonic()
                try:
                    await asyncio.wait_for(
                        _request(
                            client,
                            current,
                            response,
                            headers=request_headers,
                            limit=limit,
                            head_only=head_only,
                        ),
                        timeout=max(remaining, 0.001),
                    )
                except asyncio.TimeoutError:
                    response.error = (
                        ErrorKind.DEADLINE,
                        f"no complete response within {budget:g} s",
                    )
                finally:
                    remaining -= time.monotonic() - started
        except (TargetRefused, NameNotResolved, UndecodableBody, httpx.HTTPError, OSError) as exc:
            response.error = _error_of(exc)
        if response.error is not None:
            kind, detail = response.error
            return Attempt(
                response.status,
                current,
                tuple(chain),
                response.headers,
                b"",
                False,
                kind,
                detail,
            )
        status = response.status
        assert status is not None
        if status not in REDIRECT_STATUSES:
            return Attempt(
                status,
                current,
                tuple(chain),
                response.headers,
                response.body,
                response.truncated,
                None,
                "",
            )
        location = (response.location or "").strip()
        target = urldefrag(urljoin(current, location))[0] if location else ""
        chain.append(Hop(current, status, target))
        if not location or urlsplit(target).scheme.lower() not in ("http", "https"):
            why = "no Location" if not location else f"Location {location!r} is not http(s)"
            return Attempt(
                status, current, tuple(chain), response.headers, b"", False,
                ErrorKind.BAD_REDIRECT, f"HTTP {status} with {why}",
            )  # fmt: skip
        if target in seen:
            return Attempt(
                status, current, tuple(chain), response.headers, b"", False,
                ErrorKind.REDIRECT_LOOP, f"redirect back to {target}",
            )  # fmt: skip
        if len(chain) > max_redirects:
            # The sixth redirect is not followed: RFC 9309 §2.3.1.2 lets us stop after five.
            return Attempt(status, current, tuple(chain), response.headers, b"", False, None, "")
        seen.add(target)
        current = target
