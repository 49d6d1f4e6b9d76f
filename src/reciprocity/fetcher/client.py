"""The live signal fetcher: :class:`Fetcher`, an async context manager on httpx.

It fetches a host's signal sources — ``/robots.txt``, ``/.well-known/tdmrep.json``, ``/ai.txt``,
the RSL licence a robots.txt ``License:`` line or a ``Link: rel=license`` header names, and a
page's headers and HTML head — politely and within bounds:

* one request per host at a time, at most ``concurrency`` in flight overall; a ``Retry-After``
  on 429/503 is honoured (for every request to that host) when it is at most
  ``retry_after_cap`` seconds, and a longer one ends the retries instead of being shortened;
* unreachable outcomes (no connection, reset, timeout, a 5xx or 429) are retried ``retries``
  times with exponential ``backoff``; each attempt, redirects included, must finish within
  ``total_timeout`` seconds (connecting within ``connect_timeout``);
* every connection is vetted by the :class:`~reciprocity.fetcher.guard.Guard` at connect time;
* with a :class:`~reciprocity.fetcher.cache.FetchCache`, every fetch is stored, a fresh one
  (``ttl``, default 24 h as RFC 9309 §2.4 suggests; ``error_ttl`` for failures) is reused without
  a request, ``refresh=True`` fetches anyway, and ``as_of=`` answers from the cache alone.

See ``docs/fetcher.md`` for the decisions taken where the specifications are silent.
"""

from __future__ import annotations

import asyncio
import email.utils
import math
import time
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from types import MappingProxyType
from typing import Final

import httpx

from reciprocity._dates import utc
from reciprocity._version import __version__
from reciprocity.errors import FetchError, UsageError
from reciprocity.fetcher.cache import FetchCache
from reciprocity.fetcher.guard import Guard, Resolver
from reciprocity.fetcher.http import fetch_chain, host_key
from reciprocity.fetcher.records import ErrorKind, FetchRecord
from reciprocity.fetcher.site import (
    PageFetch,
    RobotsFetch,
    SiteSignals,
    iso_date,
    origin_of,
    robots_from_record,
)
from reciprocity.fetcher.transport import GuardedTransport
from reciprocity.signals.aitxt import AiTxt, parse_ai_txt
from reciprocity.signals.robots import ROBOTS_SIZE_LIMIT, query_token
from reciprocity.signals.rsl import (
    MAX_RSL_BYTES,
    RslDocument,
    license_urls_from_link_headers,
    license_urls_from_robots,
    parse_rsl,
)
from reciprocity.signals.tdmrep import TDMREP_SIZE_LIMIT, TdmRepFile, parse_tdmrep_json

__all__ = [
    "AI_TXT_LIMIT",
    "DEFAULT_USER_AGENT",
    "PAGE_HEAD_LIMIT",
    "Fetcher",
    "NotCached",
]

DEFAULT_USER_AGENT: Final = (
    f"reciprocity/{__version__} (+https://github.com/reciprocity-dev/reciprocity)"
)
AI_TXT_LIMIT: Final = ROBOTS_SIZE_LIMIT
"""ai.txt is read by the robots.txt parser, with the same 500 KiB cap."""
PAGE_HEAD_LIMIT: Final = 512 * 1024
"""Bytes of a page read at most while looking for the end of its HTML head."""

_RETRIED: Final = frozenset(
    {ErrorKind.CONNECT, ErrorKind.TIMEOUT, ErrorKind.DEADLINE, ErrorKind.READ, ErrorKind.PROTOCOL}
)
_NOT_STORED: Final = frozenset({ErrorKind.REFUSED, ErrorKind.ROBOTS})
_MEMO_SIZE: Final = 256


class NotCached(FetchError):
    """``as_of`` was given and the cache holds no fetch of the URL at or before that time."""

    slug = "not-cached"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` value asks to wait (delay-seconds or an HTTP-date, RFC 9110
    §10.2.3); ``None`` when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, (utc(when) - (now or _now())).total_seconds())


def _check_positive(name: str, value: float, *, zero: bool = False) -> None:
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        raise UsageError(f"{name} must be {'at least 0' if zero else 'positive'}, not {value!r}")


class Fetcher:
    """Fetches site signal files; use as ``async with Fetcher(cache) as fetcher: ...``."""

    def __init__(
        self,
        cache: FetchCache | None = None,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        concurrency: int = 16,
        allow_private: bool = False,
        allow_networks: Iterable[str] = (),
        resolver: Resolver | None = None,
        ttl: timedelta = timedelta(hours=24),
        error_ttl: timedelta = timedelta(hours=1),
        connect_timeout: float = 10.0,
        total_timeout: float = 30.0,
        retries: int = 2,
        backoff: float = 1.0,
        retry_after_cap: float = 60.0,
        max_redirects: int = 5,
        obey_robots: bool = True,
    ) -> None:
        if concurrency < 1:
            raise UsageError(f"concurrency must be at least 1, not {concurrency!r}")
        if retries < 0 or max_redirects < 0:
            raise UsageError("retries and max_redirects must be at least 0")
        _check_positive("connect_timeout", connect_timeout)
        _check_positive("total_timeout", total_timeout)
        _check_positive("backoff", backoff, zero=True)
        _check_positive("retry_after_cap", retry_after_cap, zero=True)
        if not user_agent.strip():
            raise UsageError("user_agent must not be empty")
        self.cache = cache
        self.user_agent = user_agent
        # A user agent with no token in it is kept whole: robots.txt queries then fail closed.
        self.token = query_token(user_agent).token or user_agent
        """The product token this tool obeys in robots.txt (``reciprocity``)."""
        self.concurrency = concurrency
        self.guard = Guard.create(
            allow_private=allow_private, allow_networks=allow_networks, resolver=resolver
        )
        self.ttl = ttl
        self.error_ttl = error_ttl
        self.connect_timeout = connect_timeout
        self.total_timeout = total_timeout
        self.retries = retries
        self.backoff = backoff
        self.retry_after_cap = retry_after_cap
        self.max_redirects = max_redirects
        self.obey_robots = obey_robots
        self.requests = 0
        """Requests sent so far (each redirect hop and retry counts)."""
        self._client: httpx.AsyncClient | None = None
        self._slots: asyncio.Semaphore | None = None
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._not_before: dict[str, float] = {}
        self._inflight: dict[tuple[str, int, bool], asyncio.Future[FetchRecord]] = {}
        self._memo: OrderedDict[tuple[str, int, bool], FetchRecord] = OrderedDict()

    # -- lifecycle ----------------------------------------------------------------------------

    async def __aenter__(self) -> Fetcher:
        self._open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def _open(self) -> httpx.AsyncClient:
        if self._client is None:
            self._slots = asyncio.Semaphore(self.concurrency)
            self._client = httpx.AsyncClient(
                transport=GuardedTransport(self.guard, max_connections=self.concurrency * 2),
                headers={"User-Agent": self.user_agent, "Accept": "*/*"},
                timeout=httpx.Timeout(self.total_timeout, connect=self.connect_timeout, pool=None),
                follow_redirects=False,
                trust_env=False,  # no proxies, no .netrc: the guard sees every connection
            )
        return self._client

    async def aclose(self) -> None:
        """Close the connections (``async with`` does it)."""
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    # -- politeness ---------------------------------------------------------------------------

    @asynccontextmanager
    async def _gate(self, host: str) -> AsyncIterator[None]:
        lock = self._locks.get(host)
        if lock is None:
            lock = self._locks[host] = asyncio.Lock()
        async with lock:
            # Waits a server asked for are taken holding the host's lock, not a global slot.
            until = self._not_before.pop(host, 0.0)
            delay = until - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            assert self._slots is not None
            async with self._slots:
                self.requests += 1
                yield

    def _hold(self, host: str, seconds: float) -> None:
        until = time.monotonic() + seconds
        self._not_before[host] = max(self._not_before.get(host, 0.0), until)

    def _retry_wait(
        self, status: int | None, retry_after: str | None, attempt: int
    ) -> float | None:
        """Seconds to wait before another attempt, or ``None``: do not retry."""
        if status in (429, 503):
            asked = retry_after_seconds(retry_after)
            if asked is not None:
                # Asked to wait longer than we will: stop rather than come back too early.
                return asked if asked <= self.retry_after_cap else None
        return min(self.backoff * 2.0 ** (attempt - 1), self.retry_after_cap)

    # -- fetching -----------------------------------------------------------------------------

    async def _network(self, url: str, limit: int, head_only: bool) -> FetchRecord:
        client = self._open()
        started = _now()
        clock = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            result = await fetch_chain(
                client,
                url,
                guard=self.guard,
                gate=self._gate,
                limit=limit,
                budget=self.total_timeout,
                head_only=head_only,
                max_redirects=self.max_redirects,
            )
            status = None if result.error is not None else result.status
            retry = result.error in _RETRIED or (
                result.error is None and status is not None and (status >= 500 or status == 429)
            )
            if not retry or attempt > self.retries:
                break
            retry_after = next((v for k, v in result.headers if k == "retry-after"), None)
            wait = self._retry_wait(status, retry_after, attempt)
            if wait is None:
                break
            self._hold(host_key(result.final_url), wait)
        return FetchRecord(
            url=url,
            fetched=started,
            status=result.status,
            final_url=result.final_url,
            chain=result.chain,
            headers=result.headers,
            body=result.body,
            truncated=result.truncated,
            error=result.error,
            detail=result.detail,
            attempts=attempt,
            elapsed=time.monotonic() - clock,
            user_agent=self.user_agent,
        )

    def _remember(self, key: tuple[str, int, bool], record: FetchRecord) -> None:
        if record.error in _NOT_STORED:
            return
        if self.cache is not None:
            self.cache.store(record)
            return
        self._memo[key] = record
        self._memo.move_to_end(key)
        while len(self._memo) > _MEMO_SIZE:
            self._memo.popitem(last=False)

    def _recalled(self, key: tuple[str, int, bool]) -> FetchRecord | None:
        if self.cache is not None:
            return self.cache.latest(key[0])
        return self._memo.get(key)

    async def fetch(
        self,
        url: str,
        *,
        limit: int,
        as_of: datetime | None = None,
        refresh: bool = False,
        head_only: bool = False,
    ) -> FetchRecord:
        """The fetch of one URL: as of a date (cache only), a fresh cached one, or a new one.

        ``limit`` caps the decoded body; ``head_only`` stops reading an HTML page after its
        head. Network problems never raise: they are the record's ``error``."""
        if as_of is not None:
            if self.cache is None:
                raise NotCached("as_of needs a fetch cache, and none was given", url=url)
            found = self.cache.at(url, as_of)
            if found is None:
                raise NotCached(f"nothing cached at or before {iso_date(utc(as_of))}", url=url)
            return found
        key = (url, limit, head_only)
        if not refresh:
            cached = self._recalled(key)
            if cached is not None and cached.is_fresh(_now(), self.ttl, self.error_ttl):
                return cached
        running = self._inflight.get(key)
        if running is None:
            # Concurrent askers of one URL share one fetch; it finishes (and is stored) even if
            # the asker that started it is cancelled.
            running = asyncio.ensure_future(self._fetch_and_remember(key))
            self._inflight[key] = running
            running.add_done_callback(lambda _: self._inflight.pop(key, None))
        return await asyncio.shield(running)

    async def _fetch_and_remember(self, key: tuple[str, int, bool]) -> FetchRecord:
        record = await self._network(*key)
        self._remember(key, record)
        return record

    async def robots(
        self, origin_or_url: str, *, as_of: datetime | None = None, refresh: bool = False
    ) -> RobotsFetch:
        """The origin's ``/robots.txt`` and the RFC 9309 access rule it gives."""
        origin = origin_of(origin_or_url)
        record = await self.fetch(
            f"{origin}/robots.txt", limit=ROBOTS_SIZE_LIMIT, as_of=as_of, refresh=refresh
        )
        return RobotsFetch(origin, robots_from_record(record), record)

    async def page(
        self,
        url: str,
        *,
        as_of: datetime | None = None,
        refresh: bool = False,
        head_only: bool = True,
    ) -> PageFetch:
        """A page's status, headers and HTML head.

        Unless ``obey_robots=False``, the page is requested only when the site's robots.txt
        lets this tool (its product token, ``reciprocity``) fetch it; otherwise the result's
        error is ``robots-disallowed`` and nothing is requested."""
        if as_of is None and self.obey_robots:
            site_robots = await self.robots(url, refresh=False)
            # A refused origin is refused again below, with that reason rather than robots'.
            refused = site_robots.error is ErrorKind.REFUSED
            if not refused and not site_robots.robots.allowed(url, self.token):
                match = site_robots.robots.match(url, self.token)
                why = str(match.rule) if match.rule is not None else match.reason
                return PageFetch(
                    FetchRecord(
                        url=url,
                        fetched=_now(),
                        status=None,
                        final_url=url,
                        error=ErrorKind.ROBOTS,
                        detail=f"robots.txt disallows {self.token}: {why}",
                        attempts=0,
                        user_agent=self.user_agent,
                    )
                )
        record = await self.fetch(
            url, limit=PAGE_HEAD_LIMIT, as_of=as_of, refresh=refresh, head_only=head_only
        )
        return PageFetch(record)

    async def _optional(
        self, url: str, limit: int, as_of: datetime | None, refresh: bool
    ) -> FetchRecord | None:
        # As of a date, a file the site fetch skipped (robots.txt unreachable) is simply absent.
        try:
            return await self.fetch(url, limit=limit, as_of=as_of, refresh=refresh)
        except NotCached:
            if self.cache is None:
                raise
            return None

    async def site(
        self,
        origin_or_url: str,
        *,
        as_of: datetime | None = None,
        refresh: bool = False,
        user_agent: str | None = None,
        page: PageFetch | None = None,
    ) -> SiteSignals:
        """Every site-wide signal of an origin: robots.txt, tdmrep.json, ai.txt and RSL.

        ``user_agent`` selects the robots.txt ``License:`` lines of the groups that apply to
        that crawler (RSL 1.0 §4.4; default: every line); ``page`` adds the ``Link`` headers
        of a page already fetched as places an RSL licence may be named. When robots.txt is
        unreachable (complete disallow) the other files are not requested."""
        origin = origin_of(origin_or_url)
        robots_record = await self.fetch(
            f"{origin}/robots.txt", limit=ROBOTS_SIZE_LIMIT, as_of=as_of, refresh=refresh
        )
        robots = robots_from_record(robots_record)
        records: dict[str, FetchRecord] = {"robots.txt": robots_record}
        tdmrep: TdmRepFile | None = None
        ai_txt: AiTxt | None = None
        rsl: RslDocument | None = None
        rsl_url: str | None = None
        if not robots_record.failed:
            tdm_record, ai_record = await asyncio.gather(
                self._optional(
                    f"{origin}/.well-known/tdmrep.json", TDMREP_SIZE_LIMIT, as_of, refresh
                ),
                self._optional(f"{origin}/ai.txt", AI_TXT_LIMIT, as_of, refresh),
            )
            if tdm_record is not None:
                records["tdmrep.json"] = tdm_record
                if tdm_record.ok:
                    tdmrep = parse_tdmrep_json(tdm_record.body)
            if ai_record is not None:
                records["ai.txt"] = ai_record
                if ai_record.ok:
                    ai_txt = parse_ai_txt(ai_record.body)
            base = robots_record.final_url
            candidates = [
                *license_urls_from_robots(robots, user_agent, base_url=base).rsl_urls,
                *license_urls_from_link_headers(robots_record.headers, base_url=base).rsl_urls,
            ]
            if page is not None:
                candidates.extend(
                    license_urls_from_link_headers(page.headers, base_url=page.final_url).rsl_urls
                )
            rsl_url = next(
                (u for u in candidates if u.lower().startswith(("http://", "https://"))), None
            )
            if rsl_url is not None:
                rsl_record = await self._optional(rsl_url, MAX_RSL_BYTES, as_of, refresh)
                if rsl_record is not None:
                    records["rsl"] = rsl_record
                    if rsl_record.ok:
                        rsl = parse_rsl(rsl_record.body)
        fetched = {carrier: iso_date(record.fetched) for carrier, record in records.items()}
        return SiteSignals(
            origin,
            robots,
            tdmrep,
            ai_txt,
            rsl,
            rsl_url,
            MappingProxyType(fetched),
            MappingProxyType(records),
        )
