"""A page checked live (or as of a date): its site files and its own response, decided per use.

:func:`check` is what ``reciprocity check`` runs: for each URL the page is fetched (whole, to
:data:`~reciprocity.fetcher.PAGE_HEAD_LIMIT`: licence badges sit in footers, not in the head), then
its site's robots.txt, tdmrep.json, ai.txt and RSL licence, and everything is decided by
:func:`reciprocity.evaluate`, each piece of evidence dated with its fetch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reciprocity.errors import FetchError
from reciprocity.evaluate import evaluate
from reciprocity.fetcher.cache import FetchCache
from reciprocity.fetcher.client import Fetcher
from reciprocity.fetcher.records import ErrorKind, FetchRecord
from reciprocity.fetcher.site import PageFetch, SiteSignals, iso_date
from reciprocity.resolve import Decision
from reciprocity.signals.html import is_html_type

__all__ = ["Checked", "check", "check_async"]


@dataclass(frozen=True, slots=True)
class Checked:
    """One URL's decision and the fetches it rests on."""

    url: str
    decision: Decision
    site: SiteSignals
    page: PageFetch

    @property
    def fetches(self) -> tuple[tuple[str, FetchRecord], ...]:
        """(carrier, fetch) for each site file fetched, then ``("page", …)``."""
        return (*self.site.records.items(), ("page", self.page.record))


def _decide(
    url: str, site: SiteSignals, page: PageFetch, agent: str, accept: Collection[str]
) -> Decision:
    arguments = site.evaluate_arguments()
    fetched = dict(arguments.pop("fetched"))
    headers = None
    html = None
    if page.error is None and page.status is not None:
        headers = page.headers
        fetched["document"] = iso_date(page.fetched)
        if page.head and is_html_type(page.record.header("content-type")):
            html = page.head
    return evaluate(
        url,
        headers=headers,
        html=html,
        user_agent=agent,
        accept=accept,
        fetched=fetched,
        **arguments,
    )


async def check_async(
    fetcher: Fetcher,
    url: str,
    *,
    agent: str = "*",
    accept: Collection[str] = frozenset(),
    as_of: datetime | None = None,
    refresh: bool = False,
) -> Checked:
    """Check one URL with an open :class:`Fetcher`.

    Raises :class:`~reciprocity.errors.FetchError` when the guard refused the site (its
    robots.txt could not be asked for: nothing to decide on) and
    :class:`~reciprocity.fetcher.NotCached` when ``as_of`` finds nothing cached by then.
    """
    page = await fetcher.page(url, as_of=as_of, refresh=refresh, head_only=False)
    site = await fetcher.site(url, as_of=as_of, refresh=refresh, user_agent=agent, page=page)
    robots = site.records["robots.txt"]
    if robots.error is ErrorKind.REFUSED:
        raise FetchError(robots.detail or "target refused", url=url)
    return Checked(url, _decide(url, site, page, agent, accept), site, page)


def check(
    urls: Iterable[str],
    *,
    cache: FetchCache | None = None,
    agent: str = "*",
    accept: Collection[str] = frozenset(),
    as_of: datetime | None = None,
    refresh: bool = False,
    **options: Any,
) -> list[Checked | FetchError]:
    """Check each URL (see the module docstring), concurrently; one result per URL, in order:
    a :class:`Checked`, or the :class:`~reciprocity.errors.FetchError` that stopped it.
    ``options`` go to :class:`Fetcher` (``allow_private``, ``user_agent``, timeouts …)."""

    async def main() -> list[Checked | FetchError]:
        async with Fetcher(cache, **options) as fetcher:

            async def one(url: str) -> Checked | FetchError:
                try:
                    return await check_async(
                        fetcher, url, agent=agent, accept=accept, as_of=as_of, refresh=refresh
                    )
                except FetchError as exc:
                    return exc

            return list(await asyncio.gather(*(one(url) for url in urls)))

    return asyncio.run(main())
