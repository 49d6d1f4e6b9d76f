"""What one fetch left behind: :class:`FetchRecord`, its redirect :class:`Hop` s, its
:class:`ErrorKind`, and the rule that maps it to an RFC 9309 status.

A record describes one *logical* fetch of a URL: the redirects followed (at most five, RFC 9309
§2.3.1.2), the final response's status and headers, and its body as decoded and capped. It is
what the cache stores and what every result carries as provenance.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

__all__ = ["UNREACHABLE", "ErrorKind", "FetchRecord", "Hop"]


class ErrorKind(str, enum.Enum):
    """Why a fetch has no usable response (or why it ended where it did)."""

    REFUSED = "refused"
    """The guard refused the URL or an address (scheme, private address). Never cached."""
    DNS = "dns"
    """The host name did not resolve."""
    CONNECT = "connect"
    """The TCP (or TLS) connection failed."""
    TIMEOUT = "timeout"
    """Connecting, or waiting for the next bytes, took longer than allowed."""
    DEADLINE = "deadline"
    """The whole fetch took longer than ``total_timeout`` (a slow-drip server)."""
    READ = "read"
    """The connection broke while reading (reset, closed early)."""
    PROTOCOL = "protocol"
    """The response was not valid HTTP/1.1 (bad status line, body shorter than its length)."""
    DECODING = "decoding"
    """The content coding is unknown or its data corrupt."""
    REDIRECT_LOOP = "redirect-loop"
    """A redirect pointed back to a URL already requested; the redirect is the final response."""
    BAD_REDIRECT = "bad-redirect"
    """A redirect without a usable ``Location`` (missing, or not http/https)."""
    ROBOTS = "robots-disallowed"
    """Not requested: the site's robots.txt does not let this tool fetch the URL. Never cached."""

    def __str__(self) -> str:
        return self.value


UNREACHABLE: Final = frozenset(
    {
        ErrorKind.REFUSED,
        ErrorKind.DNS,
        ErrorKind.CONNECT,
        ErrorKind.TIMEOUT,
        ErrorKind.DEADLINE,
        ErrorKind.READ,
        ErrorKind.PROTOCOL,
        ErrorKind.DECODING,
    }
)
"""Error kinds after which no response counts: RFC 9309 reads them as "unreachable"."""


@dataclass(frozen=True, slots=True)
class Hop:
    """One redirect response: the URL requested, its 3xx status, and where it pointed."""

    url: str
    status: int
    location: str


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """One logical fetch of ``url``, with every redirect followed."""

    url: str
    """The URL asked for (the cache key)."""
    fetched: datetime
    """When the fetch started (UTC)."""
    status: int | None
    """The final response's status; ``None`` when no response arrived."""
    final_url: str
    """The last URL requested (``url`` when there was no redirect)."""
    chain: tuple[Hop, ...] = ()
    """The redirect responses, in order."""
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    """The final response's header fields, names lower-cased, in order."""
    body: bytes = field(default=b"", repr=False)
    """The body, content coding undone, cut at the cap; empty unless the status is 2xx."""
    truncated: bool = False
    """True when the body was longer than the cap (decoded size) and was cut."""
    error: ErrorKind | None = None
    detail: str = ""
    """What went wrong, for people (empty on success)."""
    attempts: int = 1
    elapsed: float = 0.0
    """Seconds spent, retries and waits included."""
    user_agent: str = ""
    from_cache: bool = False
    sha256: str | None = field(default=None)
    """SHA-256 of ``body`` (hex), ``None`` when there is no body. Filled in when omitted."""

    def __post_init__(self) -> None:
        if self.sha256 is None and self.body:
            object.__setattr__(self, "sha256", hashlib.sha256(self.body).hexdigest())

    @property
    def redirects(self) -> int:
        """How many redirect responses the fetch met (RFC 9309 counts them)."""
        return len(self.chain)

    @property
    def answered(self) -> int | None:
        """The status that counts for RFC 9309: ``None`` when the fetch ended in an
        unreachable error (even if a status line had arrived before the body broke)."""
        return None if self.error in UNREACHABLE else self.status

    @property
    def ok(self) -> bool:
        """A 2xx response whose body arrived (possibly truncated)."""
        answered = self.answered
        return answered is not None and 200 <= answered < 300

    @property
    def failed(self) -> bool:
        """Unreachable, or a server error / 429: worth trying again later."""
        answered = self.answered
        return answered is None or answered >= 500 or answered == 429

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or ``None``."""
        name = name.lower()
        return next((value for key, value in self.headers if key == name), None)

    def is_fresh(self, now: datetime, ttl: timedelta, error_ttl: timedelta) -> bool:
        """Whether the record may still be used instead of fetching again."""
        return now - self.fetched < (error_ttl if self.failed else ttl)
