"""Which dated copy of a site's file applies to a document (``--robots-as-of``, DESIGN §3.6).

A snapshot, a record of the corpus and a live fetch each show a site's file as it was on one
date. A document crawled at ``when`` is decided by the copy in force then (``crawl``), by the
newest one (``latest``), or by both, most restrictively (``strictest``). robots.txt and the site
files beside it (tdmrep.json, ai.txt, an RSL licence) are chosen by the same rule.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Final, Literal, TypeVar

from reciprocity._dates import utc

__all__ = ["AS_OF", "AsOf", "Span", "choose", "span", "within"]

AsOf = Literal["crawl", "latest", "strictest"]
"""Which copy applies to a document: the one in force at crawl time, the newest one, or both
(the caller combines them most-restrictively)."""

AS_OF: Final[tuple[AsOf, ...]] = ("crawl", "latest", "strictest")

T = TypeVar("T")

Span = tuple[datetime | None, datetime | None]
"""Document dates ``[start, end)`` that a choice holds for (``None``: unbounded)."""


def choose(
    copies: Sequence[T],
    date: Callable[[T], datetime | None],
    when: datetime | None,
    as_of: AsOf,
    *,
    noun: str = "snapshot",
) -> tuple[tuple[T, ...], tuple[str, ...]]:
    """The copies that apply to a document dated ``when``, and notes on the choice.

    ``copies`` are in date order, undated ones first (in load order). ``crawl``: the latest copy
    dated at or before ``when`` (none: the earliest later one, with a note; ``when`` unknown:
    the latest). ``latest``: the newest. ``strictest``: the crawl-time one and the latest one
    (one copy when they are the same). Undated copies count only when none is dated; then the
    last one loaded is used. ``copies`` must not be empty.
    """
    if as_of not in AS_OF:
        raise ValueError(f"as_of must be crawl, latest or strictest, not {as_of!r}")
    dated = [(stamp, copy) for copy in copies if (stamp := date(copy)) is not None]
    if not dated:
        return (copies[-1],), (f"{noun} date unknown: the last one loaded is used",)
    latest = dated[-1][1]
    if as_of == "latest":
        return (latest,), ()
    notes: list[str] = []
    if when is None:
        at_crawl = latest
        notes.append(f"document date unknown: the latest {noun} is used")
    else:
        when = utc(when)
        at = bisect.bisect_right([stamp for stamp, _ in dated], when)
        if at == 0:
            first, at_crawl = dated[0]
            # The document's date is its row's own: the note names only what is the same for
            # every document it applies to, so that they share one decision (corpus/plans.py).
            notes.append(
                f"no {noun} at or before the document's date: "
                f"the earliest later one ({first.isoformat()}) is used"
            )
        else:
            at_crawl = dated[at - 1][1]
    if as_of == "crawl" or at_crawl is latest:
        if as_of == "strictest" and len(dated) > 1:
            notes.append(f"the crawl-time {noun} is also the latest")
        return (at_crawl,), tuple(notes)
    return (at_crawl, latest), tuple(notes)


def span(copies: Sequence[T], date: Callable[[T], datetime | None], when: datetime) -> Span:
    """The document dates that get the copies (and notes) :func:`choose` gives ``when``, under
    any ``as_of``: those between the same two dated copies. A caller deciding many documents of
    one site asks once per span rather than once per date."""
    stamps = [stamp for copy in copies if (stamp := date(copy)) is not None]
    if not stamps:
        return (None, None)
    at = bisect.bisect_right(stamps, utc(when))
    return (stamps[at - 1] if at else None, stamps[at] if at < len(stamps) else None)


def within(when: datetime, bounds: Span) -> bool:
    """Whether ``when`` falls in ``bounds`` (a naive ``when`` is UTC, as in :func:`choose`)."""
    start, end = bounds
    if when.tzinfo is None:
        when = utc(when)
    return (start is None or start <= when) and (end is None or when < end)
