"""The live signal fetcher (issue 6): a site's robots.txt, tdmrep.json, ai.txt, RSL licence and
page heads, fetched politely over httpx behind an SSRF guard, bounded in size and time, and kept
with their history in a SQLite cache. See ``docs/fetcher.md``.

Async: ``async with Fetcher(FetchCache(path)) as f: await f.site("https://example.com")``.
Sync, for many origins: ``fetch_robots(origins, cache=path)``, ``fetch_sites(origins, ...)``,
``fetch_site_files(origins, rsl_urls, ...)``.
"""

from __future__ import annotations

from reciprocity.fetcher.batch import Progress, fetch_robots, fetch_site_files, fetch_sites
from reciprocity.fetcher.cache import SCHEMA_VERSION, FetchCache
from reciprocity.fetcher.check import Checked, check, check_async
from reciprocity.fetcher.client import (
    AI_TXT_LIMIT,
    DEFAULT_USER_AGENT,
    PAGE_HEAD_LIMIT,
    Fetcher,
    NotCached,
)
from reciprocity.fetcher.decode import ACCEPT_ENCODING
from reciprocity.fetcher.guard import (
    Guard,
    NameNotResolved,
    Resolver,
    TargetRefused,
    blocked_reason,
)
from reciprocity.fetcher.records import ErrorKind, FetchRecord, Hop
from reciprocity.fetcher.site import CARRIERS, PageFetch, RobotsFetch, SiteSignals, origin_of
from reciprocity.fetcher.transport import GuardedBackend, GuardedTransport

__all__ = [
    "ACCEPT_ENCODING",
    "AI_TXT_LIMIT",
    "CARRIERS",
    "DEFAULT_USER_AGENT",
    "PAGE_HEAD_LIMIT",
    "SCHEMA_VERSION",
    "Checked",
    "ErrorKind",
    "FetchCache",
    "FetchRecord",
    "Fetcher",
    "Guard",
    "GuardedBackend",
    "GuardedTransport",
    "Hop",
    "NameNotResolved",
    "NotCached",
    "PageFetch",
    "Progress",
    "Resolver",
    "RobotsFetch",
    "SiteSignals",
    "TargetRefused",
    "blocked_reason",
    "check",
    "check_async",
    "fetch_robots",
    "fetch_site_files",
    "fetch_sites",
    "origin_of",
]
