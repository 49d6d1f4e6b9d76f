"""URL-only rows decided by site: one plan per site and date, one decision per deciding rule.

A URL-only dataset (FineWeb, C4: a URL column, no payload, no headers) brings no statement of
its own: a row's decision is its site's files' answer for its path. So rows are decided in
batches (:class:`~reciprocity.corpus.readers.UrlRows`), and per site and date a *plan* holds
the site's answer (``SiteSource.lookup``) and, per view of its files, the function of the path
that tells which rules decide it (:func:`~reciprocity.evaluate.bare_key`). A row costs that
function and a few lookups; the first row of each distinct answer is decided in full
(:func:`~reciprocity.corpus.decide.decide_with`), and its decision columns are kept as Arrow
data that later rows take by index. Rows that are not plain http(s) URLs are decided one by one,
as any document is. The rows written are those of :func:`~reciprocity.corpus.decide.decide`,
column for column (``tests/corpus/test_url_rows.py`` compares every row).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Hashable, Sequence
from datetime import datetime
from typing import Any, Final, TypeVar

import pyarrow as pa
import pyarrow.compute as pc

from reciprocity.corpus.decide import SiteSource, bare_keys, decide, decide_with
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import UrlRows
from reciprocity.corpus.schema import SCHEMA
from reciprocity.signals.robots import path_params_query
from reciprocity.sources.asof import Span, within
from reciprocity.sources.snapshots import Choice
from reciprocity.urls import host_of, registrable_domain

__all__ = ["UrlRowDecider"]

_RECORD: Final = ("source", "offset", "record_id", "url", "host", "domain", "date")
"""Columns each row brings (or takes from its host)."""
_NULL: Final = frozenset(
    {
        "status",
        "content_type",
        "payload_digest",
        "title",
        "creator",
        "payload_bytes",
        "record_bytes",
        "error",
    }
)
"""Columns a readable URL-only row leaves empty: it has no response, payload or page."""
_OUTCOME: Final = pa.schema([f for f in SCHEMA if f.name not in _NULL and f.name not in _RECORD])
"""Columns that follow from the site's answer and the deciding rules alone."""

# scheme://authority, up to the first character that ends an authority. A URL whose authority
# ends otherwise (a backslash, a space: parsers disagree there) is decided on its own.
_AUTHORITY: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^/?#\\\s]*")
_ENDS: Final = frozenset("/?#")

_PLANS: Final = 300_000
"""Plans (and sites) held at most, the oldest half dropped past it: a plan holds its site's
answer and the rules that decide its paths (about 1 KiB; parsed files are shared by sites that
serve the same ones)."""
_OUTCOMES: Final = 400_000
"""Decisions kept as Arrow data at most; beyond, they are all dropped (between batches)."""


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _trimmed(held: dict[K, V]) -> dict[K, V]:
    """``held``, or its newer half once it holds more than :data:`_PLANS` entries (rebuilt at
    once: dropping the oldest entries one by one makes a dict slow to iterate)."""
    if len(held) <= _PLANS:
        return held
    return dict(itertools.islice(held.items(), len(held) - _PLANS // 2, None))


class _Outcomes:
    """Distinct decision columns, as Arrow blocks that rows take from by index.

    New decisions are converted once, a batch's worth at a time, into a block; blocks are
    merged like a binary counter (a block never sits beside a smaller older one for long), so
    there are few of them and each decision is copied O(log n) times in all."""

    def __init__(self) -> None:
        self._blocks: list[pa.Table] = []
        self._starts: list[int] = []
        self._pending: list[dict[str, Any]] = []
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, row: dict[str, Any]) -> int:
        self._pending.append({name: row.get(name) for name in _OUTCOME.names})
        self._count += 1
        return self._count - 1

    def _flush(self) -> None:
        if not self._pending:
            return
        block = pa.Table.from_pylist(self._pending, schema=_OUTCOME)
        self._starts.append(self._count - len(self._pending))
        self._blocks.append(block)
        self._pending = []
        blocks, starts = self._blocks, self._starts
        while len(blocks) > 1 and blocks[-2].num_rows <= 2 * blocks[-1].num_rows:
            merged = pa.concat_tables(blocks[-2:]).combine_chunks()
            del blocks[-2:]
            blocks.append(merged)
            del starts[-1]

    def take(self, ids: Sequence[int]) -> pa.Table:
        """The decision columns of ``ids``, in their order."""
        self._flush()
        blocks, starts = self._blocks, self._starts
        wanted = pa.array(ids, pa.int64())
        if len(blocks) == 1:
            return blocks[0].take(wanted)
        # Per block the ids it holds (in Arrow, not row by row), then one reordering.
        pieces: list[pa.Table] = []
        order: list[pa.Array] = []
        everywhere = pa.array(range(len(ids)), pa.int64())
        ends = [*starts[1:], self._count]
        for block, start, end in zip(blocks, starts, ends, strict=True):
            inside = pc.and_(pc.greater_equal(wanted, start), pc.less(wanted, end))
            local = pc.filter(wanted, inside)
            if len(local):
                pieces.append(block.take(pc.subtract(local, start)))
                order.append(pc.filter(everywhere, inside))
        joined = pa.concat_tables(pieces)
        return joined.take(pc.sort_indices(pa.concat_arrays(order)))


class _Plan:
    """What decides the bare rows of one site at one date: the site's answer, the key function
    of each view of its files (``None``: the same for every path), and the decisions so far."""

    __slots__ = ("again", "choice", "constant", "keys", "memo", "span")

    def __init__(
        self, choice: Choice | None, keys: tuple[Callable[[str, str], Hashable] | None, ...]
    ) -> None:
        self.choice = choice
        self.span: Span | None = None
        """Row dates the plan was last found to hold for (from the site's answer)."""
        live = [k for k in keys if k is not None]
        self.keys: tuple[Callable[[str, str], Hashable], ...] = tuple(live)
        self.constant: int | None = None
        self.memo: dict[Hashable, int] = {}
        self.again = 0
        """Rows of the batch being decided that found this plan already made."""


class UrlRowDecider:
    """Decides batches of URL-only rows into tables of :data:`~reciprocity.corpus.schema.SCHEMA`
    (the rows :func:`~reciprocity.corpus.decide.decide` gives, in order)."""

    def __init__(self, robots: SiteSource | None, policy: AuditPolicy) -> None:
        self._robots = robots
        self._policy = policy
        self._served: Callable[[Choice | None, int], None] | None = getattr(robots, "served", None)
        self._prepare: Callable[..., object] | None = getattr(robots, "prepare", None)
        self._sites: dict[str, tuple[str, str | None]] = {}
        self._plans: dict[tuple[str, datetime | None], _Plan] = {}
        self._spans: dict[str, _Plan] = {}
        """Per site, its latest plan whose answer holds for a span of dates (Choice.span): the
        rows of a dataset crawled over weeks mostly have dates of their own."""
        self._by_choice: dict[Hashable, _Plan] = {}
        self._outcomes = _Outcomes()

    def _bound(self) -> None:
        if len(self._outcomes) > _OUTCOMES:
            # The plans remember decisions by their place among the outcomes.
            self._plans.clear()
            self._spans.clear()
            self._by_choice.clear()
            self._outcomes = _Outcomes()
        self._sites = _trimmed(self._sites)
        self._plans = _trimmed(self._plans)
        self._spans = _trimmed(self._spans)
        self._by_choice = _trimmed(self._by_choice)

    def _plan(self, url: str, prefix: str, when: datetime | None) -> _Plan:
        policy = self._policy
        robots = self._robots
        choice = (
            robots.lookup(url, when=when, as_of=policy.robots_as_of, agent=policy.crawler, links=())
            if robots is not None
            else None
        )
        # Dates that get the same copies share a plan (its objects are held by the plan, so
        # their ids stay theirs while it is kept).
        signature: Hashable = (
            (prefix, tuple(map(id, choice.snapshots)), tuple(map(id, choice.files)), choice.note)
            if choice is not None
            else (prefix,)
        )
        plan = self._by_choice.get(signature)
        if plan is None:
            plan = self._by_choice[signature] = _Plan(choice, bare_keys(url, choice, policy))
        # Row dates in this span get the same copies, hence this plan, without asking again.
        plan.span = choice.span if choice is not None and when is not None else None
        return plan

    def decide(self, rows: UrlRows) -> pa.Table:
        """The decision rows of ``rows``."""
        self._bound()
        if self._prepare is not None:
            self._announce(rows)
        policy = self._policy
        sites, plans, spans, outcomes = self._sites, self._plans, self._spans, self._outcomes
        # Per batch: its sites, each once, and per row the place of its site and decision.
        places: dict[str, int] = {}
        site_rows: list[tuple[str, str | None]] = []
        again: list[_Plan] = []
        ids: list[int] = []
        at: list[int] = []
        urls: list[str] = []
        dates: list[datetime | None] = []
        fast: list[int] = []
        slow: list[dict[str, Any]] = []
        slow_at: list[int] = []
        for index, (url, when) in enumerate(zip(rows.urls(), rows.dates(), strict=True)):
            if (
                url is None
                or (match := _AUTHORITY.match(url)) is None
                or (len(url) > match.end() and url[match.end()] not in _ENDS)
            ):
                slow.append(decide(rows.document(index), self._robots, policy))
                slow_at.append(index)
                continue
            prefix = match.group()
            place = places.get(prefix)
            if place is None:
                site = sites.get(prefix)
                if site is None:
                    host = host_of(url)
                    if host is None:  # not a URL after all: an error row, as decide makes it
                        slow.append(decide(rows.document(index), self._robots, policy))
                        slow_at.append(index)
                        continue
                    site = sites[prefix] = (host, registrable_domain(host))
                place = places[prefix] = len(site_rows)
                site_rows.append(site)
            plan = plans.get((prefix, when))
            if plan is None and when is not None:
                plan = spans.get(prefix)
                if plan is not None and (plan.span is None or not within(when, plan.span)):
                    plan = None
            if plan is None:
                plan = self._plan(url, prefix, when)
                if plan.span is not None:
                    spans[prefix] = plan
                else:
                    plans[prefix, when] = plan
            else:
                # Asked already: counted for the run record here (SiteSays.served).
                if not plan.again:
                    again.append(plan)
                plan.again += 1
            keys = plan.keys
            if not keys:
                found = plan.constant
                if found is None:
                    found = plan.constant = outcomes.add(
                        decide_with(rows.document(index), plan.choice, policy)
                    )
            else:
                path = path_params_query(url)
                key = keys[0](url, path) if len(keys) == 1 else tuple(k(url, path) for k in keys)
                found = plan.memo.get(key)
                if found is None:
                    found = plan.memo[key] = outcomes.add(
                        decide_with(rows.document(index), plan.choice, policy)
                    )
            ids.append(found)
            at.append(place)
            urls.append(url)
            dates.append(when)
            fast.append(index)
        for plan in again:
            if self._served is not None:
                self._served(plan.choice, plan.again)
            plan.again = 0
        table = self._table(
            rows, fast=fast, ids=ids, at=at, site_rows=site_rows, urls=urls, dates=dates
        )
        if not slow:
            return table
        table = pa.concat_tables([table, pa.Table.from_pylist(slow, schema=SCHEMA)])
        inverse = [0] * len(rows)
        for position, index in enumerate((*fast, *slow_at)):
            inverse[index] = position
        return table.take(pa.array(inverse, pa.int64()))

    def _table(  # noqa: PLR0917
        self,
        rows: UrlRows,
        fast: list[int],
        ids: list[int],
        at: list[int],
        site_rows: list[tuple[str, str | None]],
        urls: list[str],
        dates: list[datetime | None],
    ) -> pa.Table:
        """The rows at positions ``fast`` (URLs ``urls``, dates ``dates``, sites ``at`` in
        ``site_rows``, decisions ``ids``): their own columns, empty ones, the decision columns."""
        count = len(fast)
        taken = self._outcomes.take(ids) if count else _OUTCOME.empty_table()
        positions = pa.array(fast, pa.int64())
        places = pa.array(at, pa.int64())
        hosts, domains = zip(*site_rows, strict=True) if site_rows else ((), ())
        known = {
            "source": pa.repeat(pa.scalar(rows.source, pa.string()), count),
            "offset": pc.add(positions, rows.first),
            "record_id": rows.id_column(positions),
            "url": rows.url_column(positions, urls),
            "host": pa.array(hosts, pa.string()).take(places),
            "domain": pa.array(domains, pa.string()).take(places),
            "date": rows.date_column(positions, dates),
        }
        columns = [
            known[f.name]
            if f.name in known
            else pa.nulls(count, f.type)
            if f.name in _NULL
            else taken.column(f.name)
            for f in SCHEMA
        ]
        return pa.Table.from_arrays(columns, schema=SCHEMA)

    def _announce(self, rows: UrlRows) -> None:
        """Tell a fetching source the batch's URLs first (``SiteSays.prepare``)."""
        assert self._prepare is not None
        asks = [(url, ()) for url in rows.urls() if url is not None]
        self._prepare(asks, agent=self._policy.crawler)
