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
from dataclasses import replace
from datetime import datetime
from typing import Any, Final, TypeVar

import pyarrow as pa
import pyarrow.compute as pc

from reciprocity.corpus.blocks import Blocks
from reciprocity.corpus.decide import SiteSource, bare_keys, decide, decide_with
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import UrlRows
from reciprocity.corpus.schema import SCHEMA
from reciprocity.corpus.templates import (
    SITE_HOST,
    SITE_SCHEMA,
    Path,
    fill,
    marked,
    shape_key,
    site_table,
    site_values,
    stand_in,
)
from reciprocity.signals.robots import path_params_query
from reciprocity.sources.asof import Span, within
from reciprocity.sources.site_files import SiteFile
from reciprocity.sources.snapshots import Choice, Snapshot
from reciprocity.urls import host_of, registrable_domain
from reciprocity.urls import origin as url_origin

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
_OUTCOME: Final = pa.schema(
    [f for f in SCHEMA if f.name not in _NULL and f.name not in _RECORD and f.name != "snapshots"]
)
"""Columns that follow from the deciding rules of a shape (with stand-ins for a shared one)."""

# scheme://authority, up to the first character that ends an authority. A URL whose authority
# ends otherwise (a backslash, a space: parsers disagree there) is decided on its own.
_AUTHORITY: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^/?#\\\s]*(?=[/?#]|\Z)")


def _path(rest: str) -> str:
    """:func:`~reciprocity.signals.robots.path_params_query` of a URL whose authority (with no
    ``;``) is followed by ``rest`` (empty, or starting with ``/``, ``?`` or ``#``)."""
    if rest[:1] == "/" and "#" not in rest and "\x00" not in rest:
        return rest  # nearly every URL's
    if not rest or rest[0] == "#":
        return "/"
    path = rest.partition("#")[0] if "#" in rest else rest
    if "\x00" in path:
        path = path[: path.index("\x00")]  # Google matches a C string
    return path if path[0] == "/" else "/" + path


_PLANS: Final = 300_000
"""Plans (and sites) held at most, the oldest half dropped past it: a plan holds its site's
answer and the rules that decide its paths (about 1 KiB; parsed files are shared by sites that
serve the same ones)."""
_OUTCOMES: Final = 400_000
"""Decisions kept as Arrow data at most; beyond, they are all dropped (between batches)."""
_SHAPES: Final = 16_384
"""Shapes made at most before all are dropped (between batches). A shape holds its parsed
files and their matchers: about 25 KiB for a real robots.txt, so a dataset whose sites each
serve rules of their own (no two alike) is held to about 400 MiB of them; its sites met again
after a drop are planned again. Datasets of shared rules (CMS defaults, blanket 404s) make far
fewer shapes than sites and never reach it."""


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _trimmed(held: dict[K, V]) -> dict[K, V]:
    """``held``, or its newer half once it holds more than :data:`_PLANS` entries (rebuilt at
    once: dropping the oldest entries one by one makes a dict slow to iterate)."""
    if len(held) <= _PLANS:
        return held
    return dict(itertools.islice(held.items(), len(held) - _PLANS // 2, None))


def _copies(copies: Sequence[Snapshot | SiteFile]) -> tuple[Hashable, ...]:
    """What tells copies apart: the record they were read from, and all a row shows of them."""
    return tuple(
        (type(c).__name__, c.url, c.source, c.fetched, c.status, c.note, c.served_by, c.incomplete)
        for c in copies
    )


class _Shape:
    """What decides the bare rows of the sites that share it: the answer they are decided
    against, the key function of each view of its files (``None``: the same for every path),
    and the decisions so far. A shared shape (``scheme`` set) decides for the stand-in site
    (:mod:`reciprocity.corpus.templates`); a site's own shape, for that site."""

    __slots__ = ("choice", "constant", "key", "memo", "scheme")

    def __init__(
        self,
        choice: Choice | None,
        keys: tuple[Callable[[str, str], Hashable] | None, ...],
        scheme: str | None,
    ) -> None:
        self.choice = choice
        self.scheme = scheme
        live = [k for k in keys if k is not None]
        self.key: Callable[[str, str], Hashable] | None = None
        """What decides a URL (and its path) among the shape's files; ``None``: nothing, every
        row of the shape gets one decision."""
        if len(live) == 1:
            self.key = live[0]
        elif live:
            self.key = lambda url, path: tuple([key(url, path) for key in live])
        self.constant: int | None = None
        self.memo: dict[Hashable, int] = {}


class _Chosen:
    """A site's answer, counted for the run record through a source's ``served``."""

    __slots__ = ("choice",)

    def __init__(self, choice: Choice | None) -> None:
        self.choice = choice


class _Plan:
    """One site at one date (or span of dates): its shape, and the index of its own values
    (:data:`~reciprocity.corpus.templates.SITE_SCHEMA`)."""

    __slots__ = ("plain", "shape", "site", "span", "tally")

    def __init__(self, shape: _Shape, site: int, plain: bool) -> None:
        self.shape = shape
        self.site = site
        self.plain = plain
        """Whether the site's authority holds no ``;`` (Google's matcher starts a path there):
        a URL's path is then what follows the authority, read without searching for it."""
        self.span: Span | None = None
        """Row dates the plan was last found to hold for (from the site's answer)."""
        self.tally: Hashable = None
        """What the rows that find this plan made count for the run record: the source's
        count keys (SiteSays.count_keys), a :class:`_Chosen` for a source without them, or
        ``None`` (nothing to count)."""


class UrlRowDecider:
    """Decides batches of URL-only rows into tables of :data:`~reciprocity.corpus.schema.SCHEMA`
    (the rows :func:`~reciprocity.corpus.decide.decide` gives, in order)."""

    def __init__(self, robots: SiteSource | None, policy: AuditPolicy) -> None:
        self._robots = robots
        self._policy = policy
        self._served: Callable[[Choice | None, int], None] | None = getattr(robots, "served", None)
        self._count_keys: Callable[[Choice | None], Hashable] | None = getattr(
            robots, "count_keys", None
        )
        self._count: Callable[[Any, int], None] | None = getattr(robots, "count", None)
        self._prepare: Callable[..., object] | None = getattr(robots, "prepare", None)
        self._sites: dict[str, tuple[str, str | None, str | None]] = {}
        """Per ``scheme://authority`` prefix: host, registrable domain, and the authority its
        values fill stand-ins with (``None``: the URL's origin is spelled otherwise, so the site
        is decided as its own shape)."""
        self._plans: dict[tuple[str, datetime | None], _Plan] = {}
        self._spans: dict[str, _Plan] = {}
        """Per site, its latest plan whose answer holds for a span of dates (Choice.span): the
        rows of a dataset crawled over weeks mostly have dates of their own."""
        self._by_choice: dict[Hashable, _Plan] = {}
        self._reset()

    def _reset(self) -> None:
        # Shapes and plans remember decisions and values by their place in the blocks.
        self._plans.clear()
        self._spans.clear()
        self._by_choice.clear()
        self._shapes: dict[Hashable, _Shape] = {}
        self._made = 0
        """Shapes made since the last drop (shared or a site's own)."""
        self._outcomes = Blocks(_OUTCOME)
        self._values = Blocks(SITE_SCHEMA, site_table)
        self._marked: set[Path] = set()
        """Where a stand-in value sits in some shared decision."""

    def _bound(self) -> None:
        outcomes, values = len(self._outcomes), len(self._values)
        if outcomes > _OUTCOMES or values > _OUTCOMES or self._made > _SHAPES:
            self._reset()
        self._sites = _trimmed(self._sites)
        self._plans = _trimmed(self._plans)
        self._spans = _trimmed(self._spans)
        self._by_choice = _trimmed(self._by_choice)

    def _site(self, url: str, prefix: str) -> tuple[str, str | None, str | None] | None:
        host = host_of(url)
        if host is None:
            return None
        origin = url_origin(url)
        authority = origin.partition("://")[2] if origin == prefix else None
        return host, registrable_domain(host), authority

    def _plan(
        self, url: str, prefix: str, when: datetime | None, site: tuple[str, str | None, str | None]
    ) -> _Plan:
        policy = self._policy
        robots = self._robots
        choice = (
            robots.lookup(url, when=when, as_of=policy.robots_as_of, agent=policy.crawler, links=())
            if robots is not None
            else None
        )
        # Dates that get the same copies share a plan. The signature names the copies by what
        # they are, not by the objects, which a plan does not hold (a parsed file is its
        # shape's: plans stay small however many sites a run meets).
        signature: Hashable = (
            (prefix, *_copies(choice.snapshots), *_copies(choice.files), choice.note)
            if choice is not None
            else (prefix,)
        )
        plan = self._by_choice.get(signature)
        if plan is None:
            authority = site[2]
            scheme = prefix.partition("://")[0]
            key = shape_key(scheme, choice) if authority is not None else None
            shared = self._shapes.get(key) if key is not None else None
            if shared is not None:
                shape = shared
            elif key is None:
                shape = _Shape(choice, bare_keys(url, choice, policy), None)
                self._made += 1
            else:
                template = stand_in(choice)
                keys = bare_keys(f"{scheme}://{SITE_HOST}/", template, policy)
                shape = self._shapes[key] = _Shape(template, keys, scheme)
                self._made += 1
            values = site_values(site[0], site[1], authority, choice)
            plan = _Plan(shape, self._values.add(values), ";" not in prefix)
            if self._count_keys is not None:
                plan.tally = self._count_keys(choice)
            elif self._served is not None:
                plan.tally = _Chosen(choice)
            self._by_choice[signature] = plan
        # Row dates in this span get the same copies, hence this plan, without asking again.
        plan.span = choice.span if choice is not None and when is not None else None
        return plan

    def _outcome(self, shape: _Shape, rows: UrlRows, index: int, rest: str) -> int:
        """Decide row ``index`` (``rest``: its URL after the authority) as ``shape`` does."""
        document = rows.document(index)
        shared = shape.scheme is not None
        if shared:
            document = replace(document, url=f"{shape.scheme}://{SITE_HOST}{rest}")
        row = decide_with(document, shape.choice, self._policy)
        if shared:
            self._marked |= marked(row, _OUTCOME.names)
        return self._outcomes.add(row)

    def decide(self, rows: UrlRows) -> pa.Table:
        """The decision rows of ``rows``."""
        self._bound()
        if self._prepare is not None:
            self._announce(rows)
        plans, spans, authority = self._plans, self._spans, _AUTHORITY.match
        tallies: dict[Hashable, int] = {}
        ids: list[int] = []
        values: list[int] = []
        fast: list[int] = []
        slow: list[dict[str, Any]] = []
        slow_at: list[int] = []
        urls = rows.urls()
        # The loop below runs once per row of a dataset: it asks nothing twice and calls
        # little (a row of a site and span already met costs a path match and dict lookups).
        for index, (url, when) in enumerate(zip(urls, rows.dates(), strict=True)):
            if url is None or (match := authority(url)) is None:
                slow.append(self._alone(rows, index))
                slow_at.append(index)
                continue
            end = match.end()
            prefix = match.group()
            plan = None
            if when is not None:
                plan = spans.get(prefix)
                if plan is not None and (plan.span is None or not within(when, plan.span)):
                    plan = None
            if plan is None:
                plan = plans.get((prefix, when))
            if plan is None:
                plan = self._new_plan(url, prefix, when)  # counted by its lookup
                if plan is None:  # not a URL after all: an error row, as decide makes it
                    slow.append(self._alone(rows, index))
                    slow_at.append(index)
                    continue
            else:
                tallies[plan.tally] = tallies.get(plan.tally, 0) + 1
            shape = plan.shape
            key_of = shape.key
            rest = url[end:]
            if key_of is None:
                found = shape.constant
                if found is None:
                    found = shape.constant = self._outcome(shape, rows, index, rest)
            else:
                path = _path(rest) if plan.plain else path_params_query(url)
                key = key_of(url, path)
                found = shape.memo.get(key)
                if found is None:
                    found = shape.memo[key] = self._outcome(shape, rows, index, rest)
            ids.append(found)
            values.append(plan.site)
            fast.append(index)
        # Rows that found their plan made: counted for the run record here (SiteSays.served).
        for tally, documents in tallies.items():
            if isinstance(tally, _Chosen):
                if self._served is not None:
                    self._served(tally.choice, documents)
            elif tally is not None and self._count is not None:
                self._count(tally, documents)
        table = self._table(rows, fast=fast, ids=ids, values=values, urls=urls)
        if not slow:
            return table
        table = pa.concat_tables([table, pa.Table.from_pylist(slow, schema=SCHEMA)])
        inverse = [0] * len(rows)
        for position, index in enumerate((*fast, *slow_at)):
            inverse[index] = position
        return table.take(pa.array(inverse, pa.int64()))

    def _alone(self, rows: UrlRows, index: int) -> dict[str, Any]:
        """The row of a document that is not a plain http(s) URL row, decided by itself."""
        return decide(rows.document(index), self._robots, self._policy)

    def _new_plan(self, url: str, prefix: str, when: datetime | None) -> _Plan | None:
        """The plan of a row whose site and date no plan holds yet (``None``: ``url`` has no
        usable host after all)."""
        site = self._sites.get(prefix)
        if site is None:
            site = self._site(url, prefix)
            if site is None:
                return None
            self._sites[prefix] = site
        plan = self._plan(url, prefix, when, site)
        if plan.span is not None:
            self._spans[prefix] = plan
        else:
            self._plans[prefix, when] = plan
        return plan

    def _table(
        self, rows: UrlRows, fast: list[int], ids: list[int], values: list[int], urls: list[Any]
    ) -> pa.Table:
        """The rows at positions ``fast`` (decisions ``ids``, site values ``values``; ``urls``:
        every row's URL): their own columns, empty ones, the decision columns."""
        count = len(fast)
        taken = self._outcomes.take(ids)
        own = self._values.take(values)
        if self._marked:
            taken = fill(taken, self._marked, own)
        positions = pa.array(fast, pa.int64())
        if count < len(urls):
            urls = [urls[i] for i in fast]
        known = {
            "source": pa.repeat(pa.scalar(rows.source, pa.string()), count),
            "offset": pc.add(positions, rows.first),
            "record_id": rows.id_column(positions),
            "url": rows.url_column(positions, urls),
            "host": own.column("host"),
            "domain": own.column("domain"),
            "date": rows.date_column(positions),
            "snapshots": own.column("snapshots"),
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
