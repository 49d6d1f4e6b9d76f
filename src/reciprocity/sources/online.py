"""robots.txt for an audit: snapshots first, and the hosts they miss fetched live (``--online``).

The audit asks a :class:`~reciprocity.corpus.decide.RobotsSource` for the robots.txt of each
document's host. :class:`OnlineRobots` answers from the snapshots when they hold the host (a
snapshot whose redirect leaves the snapshots counts as missing), and otherwise from the live
fetcher (``reciprocity.fetcher``), through its SQLite cache: a host fetched within the cache's
TTL (24 h by default) is not fetched again, by this run or by the next one.

The audit announces each window of documents with :meth:`OnlineRobots.prepare` before deciding
them, so the hosts of a window are fetched concurrently (the fetcher keeps one connection per host
and a global limit). A live fetch is dated when it was made, which is later than the crawl: the
``--robots-as-of`` reading does not apply to it (there is one fetch, the current one), and its
evidence says so.

A host the fetcher refused (a private or reserved address without ``--allow-private``, a scheme
other than http/https) or could not resolve has no robots.txt: it is ``unavailable``, as a host
without a snapshot. A host that did not answer is RFC 9309's "unreachable": complete disallow.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Protocol

from reciprocity.corpus.policy import AsOf
from reciprocity.signals.robots import RobotsTxt
from reciprocity.sources.snapshots import Choice, RobotsSnapshots, Snapshot, origin_of

__all__ = ["LiveRobots", "OnlineRobots", "RobotsFetcher", "fetch_live"]

log = logging.getLogger("reciprocity.audit")


class LiveRobots(Protocol):
    """What the fetcher gives for one origin's robots.txt."""

    @property
    def robots(self) -> RobotsTxt: ...
    @property
    def fetched(self) -> datetime: ...
    @property
    def status(self) -> int | None: ...
    @property
    def final_url(self) -> str | None: ...
    @property
    def redirects(self) -> int: ...
    @property
    def refused(self) -> str | None:
        """Why the fetcher refused or could not address the host (no robots.txt then)."""

    @property
    def from_cache(self) -> bool: ...


RobotsFetcher = Callable[[Sequence[str]], Mapping[str, LiveRobots]]
"""Fetches the robots.txt of several origins at once: ``{origin: result}``."""


@dataclass(frozen=True, slots=True)
class _Missing:
    """An origin the fetcher refused: recorded so that it is not asked again."""

    reason: str


_COVERED: Final = _Missing("the snapshots hold it")
"""An origin a window found in the snapshots: not asked of them again by the next windows."""


class OnlineRobots:
    """Snapshots first; hosts they miss from ``fetch`` (see the module docstring).

    ``fetch`` must pickle when the audit runs with workers (a ``functools.partial`` of a
    module-level function); each worker then keeps its own memory of fetched hosts, and the
    shared SQLite cache keeps them from being fetched twice.
    """

    def __init__(
        self,
        snapshots: RobotsSnapshots | None,
        fetch: RobotsFetcher,
        *,
        memory: int = 16384,
        describe: Mapping[str, Any] | None = None,
    ) -> None:
        self.snapshots = snapshots
        self.fetch = fetch
        self.memory = memory
        self.describe = dict(describe or {})
        self._known: OrderedDict[str, Snapshot | _Missing] = OrderedDict()
        self.fetched = 0
        self.from_cache = 0
        self.refused = 0

    online = True
    """Marks a source that fetches (a resumed audit must fetch too, or not at all)."""

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_known"] = OrderedDict()  # a worker starts with an empty memory
        return state

    # -- RobotsSource --------------------------------------------------------------------------

    def _from_snapshots(self, url: str, when: datetime | None, as_of: AsOf) -> Choice | None:
        if self.snapshots is None:
            return None
        choice = self.snapshots.lookup(url, when=when, as_of=as_of)
        if choice is None or all(s.incomplete for s in choice.snapshots):
            return None
        return choice

    def prepare(self, urls: Iterable[str]) -> None:
        """Fetch, at once, the hosts of ``urls`` that neither the snapshots nor memory hold."""
        wanted: dict[str, None] = {}
        for url in urls:
            origin = origin_of(url)
            if origin is None or origin in wanted:
                continue
            if origin in self._known:
                self._known.move_to_end(origin)
            elif self._from_snapshots(url, None, "latest") is not None:
                self._keep(origin, _COVERED)
            else:
                wanted[origin] = None
        if wanted:
            self._fetch(list(wanted))

    def lookup(self, url: str, *, when: datetime | None, as_of: AsOf) -> Choice | None:
        choice = self._from_snapshots(url, when, as_of)
        if choice is not None:
            return choice
        origin = origin_of(url)
        if origin is None:
            return None
        known = self._known.get(origin)
        if known is None or known is _COVERED:
            # Not announced (a caller without windows), or the snapshot that applies at this
            # document's date leads out of the snapshots although the latest one does not.
            self._fetch([origin])
            known = self._known.get(origin)
        if not isinstance(known, Snapshot):
            return None
        note = f"fetched live on {known.fetched.date().isoformat() if known.fetched else '?'}"
        return Choice((known,), as_of, f"no snapshot; {note}, not at crawl time")

    def summary(self) -> dict[str, Any]:
        """For ``run.json``: where robots.txt came from in this process."""
        found: dict[str, Any] = {
            "snapshots": self.snapshots.summary() if self.snapshots is not None else None,
            "online": {
                **self.describe,
                "hosts_fetched": self.fetched,
                "hosts_from_cache": self.from_cache,
                "hosts_refused": self.refused,
            },
        }
        return found

    # -- fetching and memory ----------------------------------------------------------------

    def _fetch(self, origins: Sequence[str]) -> None:
        clock = time.monotonic()
        counts = {"fetched": 0, "cache": 0, "refused": 0}
        for origin, live in self.fetch(origins).items():
            if live.refused is not None:
                counts["refused"] += 1
                self._keep(origin, _Missing(live.refused))
            else:
                counts["cache" if live.from_cache else "fetched"] += 1
                self._keep(origin, _snapshot(origin, live))
        self.fetched += counts["fetched"]
        self.from_cache += counts["cache"]
        self.refused += counts["refused"]
        log.info(
            "robots.txt of %d hosts in %.1f s: %d fetched, %d from the cache, %d refused",
            len(origins),
            time.monotonic() - clock,
            counts["fetched"],
            counts["cache"],
            counts["refused"],
        )

    def _keep(self, origin: str, entry: Snapshot | _Missing) -> None:
        self._known[origin] = entry
        self._known.move_to_end(origin)
        if len(self._known) > self.memory:
            self._known.popitem(last=False)


def _snapshot(origin: str, live: LiveRobots) -> Snapshot:
    where = "cache" if live.from_cache else "live fetch"
    notes = [f"from the {where}"]
    if live.redirects:
        notes.append(f"{live.redirects} redirect(s) to {live.final_url}")
    return Snapshot(
        origin=origin,
        url=f"{origin}/robots.txt",
        fetched=live.fetched,
        status=live.status,
        robots=live.robots,
        source=live.final_url or f"{origin}/robots.txt",
        redirects=live.redirects,
        note="; ".join(notes),
    )


@dataclass(frozen=True, slots=True)
class _Live:
    """A :class:`reciprocity.fetcher.RobotsFetch` as :class:`LiveRobots`."""

    robots: RobotsTxt
    fetched: datetime
    status: int | None
    final_url: str | None
    redirects: int
    refused: str | None
    from_cache: bool


def fetch_live(
    origins: Sequence[str], *, cache: str | Path | None, **options: Any
) -> dict[str, LiveRobots]:
    """The robots.txt of ``origins`` from the live fetcher, through ``cache`` (a SQLite path).

    A target the guard refused, or a name that does not resolve, has no robots.txt (``refused``
    says why): the host is unavailable, as if no snapshot held it. ``options`` go to
    :class:`reciprocity.fetcher.Fetcher`.
    """
    # Imported here: httpx and the fetcher are needed only by runs that fetch.
    from reciprocity.fetcher import ErrorKind, fetch_robots  # noqa: PLC0415

    results = fetch_robots(origins, cache=cache, **options)
    found: dict[str, LiveRobots] = {}
    for origin, result in results.items():
        error = result.error
        refused = None
        if error is ErrorKind.REFUSED or error is ErrorKind.DNS:
            refused = f"{error.value}: {result.record.detail}"
        found[origin] = _Live(
            result.robots,
            result.fetched,
            result.status,
            result.final_url,
            result.redirects,
            refused,
            result.from_cache,
        )
    return found
