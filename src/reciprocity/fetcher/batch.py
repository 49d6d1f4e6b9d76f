"""Synchronous helpers for many origins at once: ``fetch_robots``, ``fetch_sites`` and
``fetch_site_files``.

They run an event loop of their own (``asyncio.run``), one :class:`Fetcher` for all origins, and
a fixed number of workers pulling origins from a queue, so that a hundred thousand origins cost
a hundred thousand small results, not a hundred thousand pending tasks. The fetcher's
``concurrency`` bounds the requests in flight; ``progress(done, total)`` is called after each
origin (the audit's progress bar). Results are keyed by the origin strings as given.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from reciprocity.errors import UsageError
from reciprocity.fetcher.cache import FetchCache
from reciprocity.fetcher.client import Fetcher
from reciprocity.fetcher.records import FetchRecord
from reciprocity.fetcher.site import RobotsFetch, SiteSignals
from reciprocity.signals.rsl import MAX_RSL_BYTES

__all__ = ["Progress", "fetch_robots", "fetch_site_files", "fetch_sites"]

Progress = Callable[[int, int], None]
"""``progress(done, total)``, called once per origin as it completes."""

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


def _run(
    origins: Iterable[K],
    cache: FetchCache | str | Path | None,
    progress: Progress | None,
    options: dict[str, Any],
    one: Callable[[Fetcher, K], Awaitable[T]],
) -> dict[K, T]:
    wanted = list(dict.fromkeys(origins))
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise UsageError(
            "fetch_robots/fetch_sites run their own event loop; inside one, use Fetcher directly"
        )
    own_cache = isinstance(cache, (str, Path))
    store = FetchCache(cache) if isinstance(cache, (str, Path)) else cache

    async def main() -> dict[K, T]:
        results: dict[K, T] = {}
        queue: asyncio.Queue[K] = asyncio.Queue()
        for origin in wanted:
            queue.put_nowait(origin)
        async with Fetcher(store, **options) as fetcher:

            async def worker() -> None:
                while True:
                    try:
                        origin = queue.get_nowait()
                    except asyncio.QueueEmpty:
                        return
                    results[origin] = await one(fetcher, origin)
                    if progress is not None:
                        progress(len(results), len(wanted))

            # More workers than request slots: a worker waiting on a slow host's lock (or its
            # Retry-After) must not leave a slot idle.
            workers = min(len(wanted), fetcher.concurrency * 4)
            await asyncio.gather(*(worker() for _ in range(workers)))
        return {origin: results[origin] for origin in wanted}

    try:
        return asyncio.run(main())
    finally:
        if own_cache and store is not None:
            store.close()


def fetch_robots(
    origins: Iterable[str],
    *,
    cache: FetchCache | str | Path | None = None,
    progress: Progress | None = None,
    as_of: datetime | None = None,
    refresh: bool = False,
    **options: Any,
) -> dict[str, RobotsFetch]:
    """The robots.txt of each origin (or URL), keyed as given. ``options`` go to
    :class:`Fetcher` (``concurrency``, ``user_agent``, ``ttl``, timeouts …); ``cache`` is a
    :class:`FetchCache` or the path of one."""

    async def one(fetcher: Fetcher, origin: str) -> RobotsFetch:
        return await fetcher.robots(origin, as_of=as_of, refresh=refresh)

    return _run(origins, cache, progress, options, one)


def fetch_sites(
    origins: Iterable[str],
    *,
    cache: FetchCache | str | Path | None = None,
    progress: Progress | None = None,
    as_of: datetime | None = None,
    refresh: bool = False,
    user_agent_for_rsl: str | None = None,
    **options: Any,
) -> dict[str, SiteSignals]:
    """Every site-wide signal file of each origin (see :meth:`Fetcher.site`), keyed as given."""

    async def one(fetcher: Fetcher, origin: str) -> SiteSignals:
        return await fetcher.site(
            origin, as_of=as_of, refresh=refresh, user_agent=user_agent_for_rsl
        )

    return _run(origins, cache, progress, options, one)


def fetch_site_files(
    origins: Iterable[str],
    rsl_urls: Iterable[str] = (),
    *,
    cache: FetchCache | str | Path | None = None,
    progress: Progress | None = None,
    refresh: bool = False,
    user_agent_for_rsl: str | None = None,
    **options: Any,
) -> tuple[dict[str, SiteSignals], dict[str, FetchRecord]]:
    """Every site file of each origin (:meth:`Fetcher.site`) and each RSL licence document named
    elsewhere (a page's ``Link`` header, a robots.txt snapshot), with one fetcher and one event
    loop: ``({origin: SiteSignals}, {url: FetchRecord})``, keyed as given."""
    sites = [("site", origin) for origin in dict.fromkeys(origins)]
    urls = [("rsl", url) for url in dict.fromkeys(rsl_urls)]

    async def one(fetcher: Fetcher, job: tuple[str, str]) -> SiteSignals | FetchRecord:
        kind, target = job
        if kind == "site":
            return await fetcher.site(target, refresh=refresh, user_agent=user_agent_for_rsl)
        return await fetcher.fetch(target, limit=MAX_RSL_BYTES, refresh=refresh)

    results = _run([*sites, *urls], cache, progress, options, one)
    found_sites: dict[str, SiteSignals] = {}
    found_urls: dict[str, FetchRecord] = {}
    for (_kind, target), result in results.items():
        if isinstance(result, SiteSignals):
            found_sites[target] = result
        else:
            found_urls[target] = result
    return found_sites, found_urls
