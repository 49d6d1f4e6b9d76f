"""What a site says at a date, for an audit: robots.txt and the files beside it, from one source.

For each document the audit asks what its site said: ``/robots.txt``, ``/.well-known/tdmrep.json``,
``/ai.txt`` and the RSL licence its robots.txt or its own ``Link`` header names. Three sources
can answer; per file, the first that holds it does:

1. **snapshots** (``--robots``, ``--site-files``):
   :class:`~reciprocity.sources.snapshots.SiteSnapshots`;
2. **records of the audited inputs** that are those files (a crawl often holds a host's
   ``/ai.txt`` or ``tdmrep.json``): a ``SiteSnapshots`` of them, served by ``inputs``
   (robots.txt is not taken from the inputs: it comes from snapshots, as it always has);
3. **the live fetcher** (``--online``): :class:`~reciprocity.sources.online.LiveSites`.

Every copy is dated and chosen by the run's ``--robots-as-of`` reading (:mod:`.asof`), except a
live one (there is one: the current). A file no source holds is absent, which says nothing; a
robots.txt no source holds makes the host ``unavailable``. :class:`SiteSays` puts the three
together and counts which source served which kind for the run record.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Final, Protocol, get_args

from reciprocity.sources.asof import AsOf
from reciprocity.sources.online import LiveSites
from reciprocity.sources.site_files import (
    FILE_KINDS,
    FILE_PATHS,
    KINDS,
    FileKind,
    ServedBy,
    SiteFile,
    rsl_candidates,
)
from reciprocity.sources.snapshots import Choice, SiteSnapshots, Snapshot, origin_of

__all__ = ["Ask", "SiteSays", "SiteSource"]

_ROBOTS_KEYS: Final = {source: (("robots.txt", source),) for source in get_args(ServedBy)}
"""The count keys of a robots.txt alone, one tuple per source (a run keeps one per site plan)."""

Ask = tuple[str, Sequence[str]]
"""A document announced to :meth:`SiteSays.prepare`: its URL and the RSL URLs its ``Link``
headers name."""


class SiteSource(Protocol):
    """What a site says to one document: its robots.txt snapshot(s) and the copies of the
    files beside it that apply at the document's date, or ``None`` when nothing of the site is
    held (the run records ``unavailable``).

    ``agent`` is the crawler that collected the document (its robots.txt ``License:`` lines
    name the RSL licence, RSL 1.0 §4.4); ``links`` the RSL URLs of the document's ``Link``
    headers. A source may also have ``prepare(asks, agent=)``: the audit calls it with the next
    documents before asking about any of them, so that a fetcher can get their sites at once.
    """

    def lookup(
        self,
        url: str,
        *,
        when: datetime | None,
        as_of: AsOf,
        agent: str = "*",
        links: Sequence[str] = (),
    ) -> Choice | None: ...


class SiteSays:
    """Snapshots, then the records of the inputs, then the live fetcher (module docstring)."""

    def __init__(
        self,
        snapshots: SiteSnapshots | None = None,
        *,
        inputs: SiteSnapshots | None = None,
        live: LiveSites | None = None,
    ) -> None:
        self.snapshots = snapshots
        self.inputs = inputs
        self.live = live
        self.online = live is not None
        """Whether this source fetches (a resumed audit must fetch too, or not at all)."""
        self._layers = tuple(
            layer for layer in (snapshots, inputs) if layer is not None and layer.has_files
        )
        self._counts: Counter[tuple[str, str]] = Counter()

    def __repr__(self) -> str:
        return f"SiteSays(snapshots={self.snapshots!r}, inputs={self.inputs!r}, live={self.live})"

    def with_inputs(self, inputs: SiteSnapshots | None) -> SiteSays:
        """The same sources, with ``inputs`` as the records of the inputs."""
        return SiteSays(self.snapshots, inputs=inputs, live=self.live)

    # -- SiteSource -------------------------------------------------------------------------

    def lookup(
        self,
        url: str,
        *,
        when: datetime | None,
        as_of: AsOf,
        agent: str = "*",
        links: Sequence[str] = (),
    ) -> Choice | None:
        choice = self.snapshots.robots(url, when=when, as_of=as_of) if self.snapshots else None
        if not self._layers and self.live is None:
            self.served(choice)
            return choice  # robots.txt alone: no cost for files nobody holds
        origin = origin_of(url)
        if origin is None:
            return None
        robots: tuple[Snapshot, ...] = choice.snapshots if choice is not None else ()
        note = choice.note if choice is not None else ""
        if self.live is not None and all(s.incomplete for s in robots):
            # No snapshot, or the one in force leads out of the snapshots.
            live = self.live.robots(origin)
            if live is not None:
                day = live.fetched.date().isoformat() if live.fetched else "?"
                robots, note = (live,), f"no snapshot; fetched live on {day}, not at crawl time"
        usable = tuple(s for s in robots if not s.incomplete)
        files = self._files(origin, usable, when=when, as_of=as_of, agent=agent, links=links)
        found = Choice(robots, as_of, note, files) if robots or files else None
        self.served(found)
        return found

    def served(self, choice: Choice | None, documents: int = 1) -> None:
        """Count ``documents`` more decided with ``choice`` (what :meth:`lookup` gave): a caller
        that decides many documents with one answer asks once and counts them here."""
        self.count(self.count_keys(choice), documents)

    def count_keys(self, choice: Choice | None) -> tuple[tuple[str, str], ...]:
        """What :meth:`served` counts for a document decided with ``choice``: (kind of file,
        source that served it) pairs. A caller deciding many documents of many sites adds up
        its documents by these and calls :meth:`count` once per distinct tuple."""
        if choice is None:
            return ()
        if not self._layers and self.live is None:
            return _ROBOTS_KEYS[choice.snapshots[0].served_by] if choice.snapshots else ()
        keys: list[tuple[str, str]] = []
        usable = next((s for s in choice.snapshots if not s.incomplete), None)
        if usable is not None:
            keys.append(("robots.txt", usable.served_by))
        counted: set[str] = set()
        for copy in choice.files:
            if copy.present and copy.kind not in counted:
                counted.add(copy.kind)
                keys.append((copy.kind, copy.served_by))
        return tuple(keys)

    def count(self, keys: tuple[tuple[str, str], ...], documents: int = 1) -> None:
        """Count ``documents`` more for each of ``keys`` (from :meth:`count_keys`)."""
        counts = self._counts
        for key in keys:
            counts[key] += documents

    def _files(
        self,
        origin: str,
        robots: tuple[Snapshot, ...],
        *,
        when: datetime | None,
        as_of: AsOf,
        agent: str,
        links: Sequence[str],
    ) -> tuple[SiteFile, ...]:
        found: list[SiteFile] = []
        missing: list[FileKind] = list(FILE_KINDS)
        for layer in self._layers:
            got = layer.files(
                origin, robots, when=when, as_of=as_of, agent=agent, links=links, kinds=missing
            )
            if got:
                found.extend(got)
                # An absent RSL document is no answer: another source may hold a named one.
                settled = {c.kind for c in got if c.kind != "rsl" or c.present}
                missing = [kind for kind in missing if kind not in settled]
                if not missing:
                    break
        if missing and self.live is not None:
            found.extend(self.live.files(origin, robots, agent=agent, links=links, kinds=missing))
        if any(c.kind == "rsl" and c.present for c in found):
            found = [c for c in found if c.kind != "rsl" or c.present]
        return tuple(found)

    # -- the audit's hooks ----------------------------------------------------------------------

    def prepare(self, asks: Iterable[Ask], *, agent: str = "*") -> None:
        """Fetch at once what the live fetcher will be asked for these documents: the sites
        whose robots.txt, tdmrep.json or ai.txt no other source holds, and the RSL URLs named
        by their snapshots' robots.txt or their ``Link`` headers that none holds."""
        if self.live is None:
            return
        sites: dict[str, None] = {}
        urls: dict[str, None] = {}
        seen: dict[str, tuple[Snapshot, ...] | None] = {}
        for url, links in asks:
            origin = origin_of(url)
            if origin is None:
                continue
            if origin not in seen:
                seen[origin] = self._offline_robots(url, origin, sites)
            robots = seen[origin]
            # A site fetched whole (no robots.txt offline) has the licence its robots.txt
            # names fetched with it: only its documents' own links are left.
            named = robots[0].robots if robots is not None else None
            for candidate in rsl_candidates(named, origin, agent, links):
                if not self._held_offline("rsl", candidate) and not self.live.holds(
                    candidate, origin
                ):
                    urls[candidate] = None
        if sites or urls:
            self.live.prefetch(sites, urls)

    def _offline_robots(
        self, url: str, origin: str, sites: dict[str, None]
    ) -> tuple[Snapshot, ...] | None:
        """The latest usable robots.txt snapshot of ``origin`` (``None``: none), adding the
        origin to ``sites`` when something of it must be fetched live."""
        assert self.live is not None
        choice = self.snapshots.robots(url, when=None, as_of="latest") if self.snapshots else None
        robots = tuple(s for s in choice.snapshots if not s.incomplete) if choice else ()
        wanted = not robots or any(
            not self._held_offline(kind, f"{origin}{path}") for kind, path in FILE_PATHS.items()
        )
        if wanted and not self.live.knows(origin):
            sites[origin] = None
        return robots or None

    def _held_offline(self, kind: FileKind, url: str) -> bool:
        return any(layer.file(kind, url, when=None, as_of="latest") for layer in self._layers)

    def take_counts(self) -> dict[str, dict[str, int]]:
        """Documents decided, since the last call, with a copy of each kind present, per source
        that served it: ``{"tdmrep.json": {"snapshots": 3, "online": 1}, ...}``."""
        found: dict[str, dict[str, int]] = {}
        for (kind, served_by), count in sorted(self._counts.items()):
            found.setdefault(kind, {})[served_by] = count
        self._counts.clear()
        return {kind: found[kind] for kind in KINDS if kind in found}

    def summary(self) -> dict[str, Any]:
        """For ``run.json``: what each source holds or fetched (in this process)."""
        return {
            "snapshots": self.snapshots.summary() if self.snapshots is not None else None,
            "inputs": self.inputs.summary() if self.inputs is not None else None,
            "online": self.live.summary() if self.live is not None else None,
        }
