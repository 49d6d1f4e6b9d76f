"""What a site says now, for an audit: its files fetched live (``--online``) through the fetcher.

:class:`LiveSites` is the last of the sources a :class:`~reciprocity.sources.site.SiteSays`
asks: for an origin whose robots.txt, tdmrep.json or ai.txt neither the snapshots nor the
records of the inputs hold, :meth:`reciprocity.fetcher.Fetcher.site` fetches all four site files
(robots.txt, tdmrep.json, ai.txt and the RSL licence its robots.txt names); an RSL licence named
elsewhere (a document's ``Link`` header, a robots.txt snapshot) is fetched by its URL. Every
fetch goes through the fetcher's SQLite cache: a file fetched within the cache's TTL (24 h by
default) is not fetched again, by this run or by the next one.

The audit announces each window of documents before deciding them, so the hosts of a window are
fetched concurrently (the fetcher keeps one connection per host and a global limit). A live
fetch is dated when it was made, which is later than the crawl: the ``--robots-as-of`` reading
does not apply to it (there is one fetch, the current one), and its evidence says so.

A host the fetcher refused (a private or reserved address without ``--allow-private``, a scheme
other than http/https) or could not resolve has no robots.txt: it is ``unavailable``, as a host
without a snapshot, and has no other file. A host that did not answer is RFC 9309's
"unreachable": complete disallow, and its other files are not asked for.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reciprocity.sources.site_files import (
    FILE_KINDS,
    FILE_PATHS,
    FileKind,
    SiteFile,
    parse_file,
    rsl_candidates,
)
from reciprocity.sources.snapshots import Snapshot

if TYPE_CHECKING:
    from reciprocity.fetcher import FetchRecord, SiteSignals

__all__ = ["LiveBatch", "LiveSite", "LiveSites", "SiteFetch", "fetch_live"]

log = logging.getLogger("reciprocity.audit")


@dataclass(frozen=True, slots=True)
class LiveSite:
    """What the fetcher got for one origin: its robots.txt (``None`` when the host was refused
    or does not resolve) and its other files as fetched (absent ones included)."""

    robots: Snapshot | None
    files: tuple[SiteFile, ...] = ()
    refused: str | None = None
    from_cache: bool = False


@dataclass(frozen=True, slots=True)
class LiveBatch:
    """One window's fetches: ``{origin: LiveSite}`` and ``{RSL URL: SiteFile}``."""

    sites: Mapping[str, LiveSite] = field(default_factory=dict)
    files: Mapping[str, SiteFile] = field(default_factory=dict)


SiteFetch = Callable[[Sequence[str], Sequence[str]], LiveBatch]
"""Fetches the site files of several origins, and several RSL URLs, at once."""


@dataclass(frozen=True, slots=True)
class _Missing:
    """An origin the fetcher refused: recorded so that it is not asked again."""

    reason: str


class LiveSites:
    """Site files fetched live, remembered per origin and per URL (see the module docstring).

    ``fetch`` must pickle when the audit runs with workers (a ``functools.partial`` of a
    module-level function); each worker then keeps its own memory, and the shared SQLite cache
    keeps files from being fetched twice.
    """

    online = True
    """Marks a source that fetches (a resumed audit must fetch too, or not at all)."""

    def __init__(
        self,
        fetch: SiteFetch,
        *,
        memory: int = 16384,
        describe: Mapping[str, Any] | None = None,
    ) -> None:
        self.fetch = fetch
        self.memory = memory
        self.describe = dict(describe or {})
        self._sites: OrderedDict[str, LiveSite | _Missing] = OrderedDict()
        self._urls: OrderedDict[str, SiteFile] = OrderedDict()
        self.fetched = 0
        self.from_cache = 0
        self.refused = 0
        self.documents_fetched = 0
        """RSL documents fetched by URL (named by a ``Link`` header or a robots.txt snapshot)."""

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_sites"] = OrderedDict()  # a worker starts with an empty memory
        state["_urls"] = OrderedDict()
        return state

    def knows(self, origin: str) -> bool:
        return origin in self._sites

    def holds(self, url: str, origin: str) -> bool:
        """Whether the RSL document at ``url`` is remembered, fetched by its URL or with the
        site of ``origin`` (a document of that site named it)."""
        return self._held(url, origin) is not None

    def _held(self, url: str, origin: str) -> SiteFile | None:
        return self._site_copy(origin, url) or self._urls.get(url)

    # -- answers --------------------------------------------------------------------------------

    def robots(self, origin: str) -> Snapshot | None:
        """The origin's live robots.txt (fetched now unless remembered); ``None``: refused."""
        known = self._site(origin)
        return known.robots if isinstance(known, LiveSite) else None

    def files(
        self,
        origin: str,
        robots: Sequence[Snapshot],
        *,
        agent: str,
        links: Sequence[str] = (),
        kinds: Sequence[FileKind] = FILE_KINDS,
    ) -> tuple[SiteFile, ...]:
        """The live copies of ``origin``'s files of ``kinds``: tdmrep.json and ai.txt as
        ``site()`` fetched them, and the first RSL document present among those the robots.txt
        in force (``robots``) and the document's ``links`` name."""
        found: list[SiteFile] = []
        for kind in kinds:
            if kind != "rsl":
                copy = self._site_copy(origin, f"{origin}{FILE_PATHS[kind]}", fetch=True)
                if copy is not None:
                    found.append(copy)
                continue
            first = robots[0].robots if robots else None
            candidates = rsl_candidates(first, origin, agent, links)
            if not robots or robots[0].served_by == "online":
                # site() took the licence its robots.txt (or that response's Link) named.
                known = self._sites.get(origin)
                if isinstance(known, LiveSite):
                    named = [f.url for f in known.files if f.kind == "rsl"]
                    candidates = tuple(dict.fromkeys((*named, *candidates)))
            copies = {url: self._held(url, origin) for url in candidates}
            missing = [url for url, copy in copies.items() if copy is None]
            if missing:
                self._fetch([], missing)
                copies.update((url, self._urls.get(url)) for url in missing)
            held = [copy for copy in copies.values() if copy is not None]
            present = next((c for c in held if c.present), None)
            if present is not None:
                found.append(present)
            elif held:
                found.append(held[0])
        return tuple(found)

    def _site(self, origin: str) -> LiveSite | _Missing | None:
        known = self._sites.get(origin)
        if known is None:
            self._fetch([origin], [])
            known = self._sites.get(origin)
        return known

    def _site_copy(self, origin: str, url: str, *, fetch: bool = False) -> SiteFile | None:
        """The copy of ``url`` that ``site()`` fetched with ``origin`` (fetching the site first
        when ``fetch`` and it is not known); ``None`` when not fetched with it: a site whose
        robots.txt was unreachable, or that was refused, is not asked for its other files.
        Kept with their site, the copies leave memory with it, never before."""
        known = self._site(origin) if fetch else self._sites.get(origin)
        if isinstance(known, LiveSite):
            return next((f for f in known.files if f.url == url), None)
        return None

    def summary(self) -> dict[str, Any]:
        """For ``run.json``: what was fetched in this process."""
        return {
            **self.describe,
            "hosts_fetched": self.fetched,
            "hosts_from_cache": self.from_cache,
            "hosts_refused": self.refused,
            "rsl_documents_fetched": self.documents_fetched,
        }

    # -- fetching and memory ----------------------------------------------------------------

    def prefetch(self, origins: Iterable[str], urls: Iterable[str] = ()) -> None:
        """Fetch, at once, the sites and RSL URLs not remembered yet."""
        sites = [o for o in dict.fromkeys(origins) if o not in self._sites]
        wanted = [u for u in dict.fromkeys(urls) if u not in self._urls]
        for origin in origins:
            if origin in self._sites:
                self._sites.move_to_end(origin)
        if sites or wanted:
            self._fetch(sites, wanted)

    def _fetch(self, origins: Sequence[str], urls: Sequence[str]) -> None:
        clock = time.monotonic()
        batch = self.fetch(origins, urls)
        counts = {"fetched": 0, "cache": 0, "refused": 0}
        for origin, live in batch.sites.items():
            if live.refused is not None or live.robots is None:
                counts["refused"] += 1
                self._keep_site(origin, _Missing(live.refused or "refused"))
                continue
            counts["cache" if live.from_cache else "fetched"] += 1
            self._keep_site(origin, live)
        for url, copy in batch.files.items():
            self.documents_fetched += 1
            self._keep_url(url, copy)
        for url in urls:
            if url not in self._urls:  # a fetcher that gave nothing back: absent, not asked again
                self._keep_url(url, _absent(url))
        self.fetched += counts["fetched"]
        self.from_cache += counts["cache"]
        self.refused += counts["refused"]
        log.info(
            "site files of %d hosts (and %d RSL documents) in %.1f s: %d fetched, "
            "%d from the cache, %d refused",
            len(origins),
            len(urls),
            time.monotonic() - clock,
            counts["fetched"],
            counts["cache"],
            counts["refused"],
        )

    def _keep_site(self, origin: str, entry: LiveSite | _Missing) -> None:
        self._sites[origin] = entry
        self._sites.move_to_end(origin)
        if len(self._sites) > self.memory:
            self._sites.popitem(last=False)

    def _keep_url(self, url: str, entry: SiteFile) -> None:
        self._urls[url] = entry
        self._urls.move_to_end(url)
        if len(self._urls) > self.memory:
            self._urls.popitem(last=False)


def _absent(url: str) -> SiteFile:
    return SiteFile("rsl", url, None, None, None, url, "online", note="not fetched")


# -- the fetcher ----------------------------------------------------------------------------------


def _note(record: FetchRecord) -> str:
    notes = [f"from the {'cache' if record.from_cache else 'live fetch'}"]
    if record.redirects:
        notes.append(f"{record.redirects} redirect(s) to {record.final_url}")
    if record.error is not None:
        error = record.error.value
        notes.append(f"{error}: {record.detail}" if record.detail else error)
    if record.truncated:
        notes.append("body cut at the size limit")
    return "; ".join(notes)


def _file(kind: FileKind, url: str, record: FetchRecord) -> SiteFile:
    parsed = parse_file(kind, record.body) if record.ok else None
    return SiteFile(
        kind, url, record.fetched, record.answered, parsed, record.final_url or url, "online",
        record.redirects, _note(record),
    )  # fmt: skip


def _live_site(origin: str, site: SiteSignals) -> LiveSite:
    # Imported here: httpx and the fetcher are needed only by runs that fetch.
    from reciprocity.fetcher import ErrorKind  # noqa: PLC0415

    record = site.records["robots.txt"]
    if record.error is ErrorKind.REFUSED or record.error is ErrorKind.DNS:
        return LiveSite(None, refused=f"{record.error.value}: {record.detail}")
    robots = Snapshot(
        origin=origin,
        url=f"{origin}/robots.txt",
        fetched=record.fetched,
        status=record.status,
        robots=site.robots,
        source=record.final_url or f"{origin}/robots.txt",
        redirects=record.redirects,
        note=_note(record),
        served_by="online",
    )
    files = []
    for kind in FILE_KINDS:
        fetched = site.records.get(kind)
        if fetched is None:
            continue
        files.append(_file(kind, fetched.url, fetched))
    return LiveSite(robots, tuple(files), from_cache=record.from_cache)


def fetch_live(
    origins: Sequence[str],
    urls: Sequence[str] = (),
    *,
    cache: str | Path | None,
    agent: str | None = None,
    **options: Any,
) -> LiveBatch:
    """The site files of ``origins`` and the RSL documents at ``urls``, from the live fetcher
    through ``cache`` (a SQLite path). ``agent`` selects the robots.txt ``License:`` lines that
    apply to the crawler (RSL 1.0 §4.4). ``options`` go to :class:`reciprocity.fetcher.Fetcher`.
    """
    from reciprocity.fetcher import fetch_site_files  # noqa: PLC0415

    sites, records = fetch_site_files(
        origins, urls, cache=cache, user_agent_for_rsl=agent, **options
    )
    return LiveBatch(
        {origin: _live_site(origin, site) for origin, site in sites.items()},
        {url: _file("rsl", url, record) for url, record in records.items()},
    )
