"""What the fetcher returns: a site's signal files read by their parsers, with provenance.

* :class:`RobotsFetch` — ``/robots.txt`` mapped to the RFC 9309 access rule by
  :meth:`RobotsTxt.from_fetch` (2xx: its rules; 4xx or more than five redirects: allow all;
  5xx, 429, no response: complete disallow);
* :class:`SiteSignals` — that, plus ``/.well-known/tdmrep.json`` (W3C TDMRep), ``/ai.txt``
  (Spawning) and the RSL licence document (RSL 1.0 §4.4-4.5), each ``None`` unless a 2xx body
  arrived, and the dates ``reciprocity.evaluate`` cites as evidence;
* :class:`PageFetch` — one page's response headers and the bytes of its HTML head.

Every result keeps the :class:`FetchRecord` s it was read from (status, final URL, redirects,
error kind), so a decision can say what was fetched, when, and what happened.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from reciprocity.fetcher.records import ErrorKind, FetchRecord
from reciprocity.signals.aitxt import AiTxt
from reciprocity.signals.robots import RobotsTxt
from reciprocity.signals.rsl import RslDocument
from reciprocity.signals.tdmrep import TdmRepFile
from reciprocity.urls import origin

__all__ = [
    "CARRIERS",
    "PageFetch",
    "RobotsFetch",
    "SiteSignals",
    "iso_date",
    "origin_of",
    "robots_from_record",
]

CARRIERS = ("robots.txt", "tdmrep.json", "ai.txt", "rsl")
"""The keys of :attr:`SiteSignals.fetched`: the carriers ``reciprocity.evaluate`` dates."""


def origin_of(origin_or_url: str) -> str:
    """``scheme://host[:port]`` of a URL or origin, as :func:`reciprocity.urls.origin` spells it
    (the spelling of snapshot keys, evidence sources and the audit's hosts).

    A bare host name (``example.com``) is read as ``https://example.com``. Anything that is not
    an origin (a bad port, an unreadable host) is returned as the scheme and authority it has,
    for the guard to refuse."""
    text = origin_or_url.strip()
    if "://" not in text:
        text = "https://" + text
    found = origin(text)
    if found is not None:
        return found
    scheme, _, rest = text.partition("://")
    return f"{scheme.lower()}://{re.split(r'[/?#]', rest, maxsplit=1)[0]}"


def iso_date(when: datetime) -> str:
    """``when`` as ISO 8601 to the second (UTC): the form evidence carries."""
    return when.isoformat(timespec="seconds")


def robots_from_record(record: FetchRecord) -> RobotsTxt:
    """The robots.txt in force after ``record`` (RFC 9309 §2.3 via ``RobotsTxt.from_fetch``).

    An unreachable error counts as no response (complete disallow), even when a status line had
    arrived; a refusal by the guard too (fail closed: the file could not be read)."""
    if record.error is ErrorKind.REFUSED:
        return RobotsTxt.disallow_all(f"robots.txt not fetched ({record.detail}): fail closed")
    return RobotsTxt.from_fetch(record.answered, record.body, redirects=record.redirects)


class _FromRecord:
    """What a result reads off the fetch it came from (shared by the result classes)."""

    __slots__ = ()
    record: FetchRecord

    @property
    def url(self) -> str:
        return self.record.url

    @property
    def fetched(self) -> datetime:
        """When it was fetched (UTC), also for a cached answer."""
        return self.record.fetched

    @property
    def status(self) -> int | None:
        return self.record.status

    @property
    def final_url(self) -> str:
        return self.record.final_url

    @property
    def redirects(self) -> int:
        return self.record.redirects

    @property
    def error(self) -> ErrorKind | None:
        return self.record.error

    @property
    def truncated(self) -> bool:
        return self.record.truncated

    @property
    def from_cache(self) -> bool:
        return self.record.from_cache


@dataclass(frozen=True, slots=True)
class RobotsFetch(_FromRecord):
    """A site's robots.txt as fetched (or read from the cache) and the access rule it gives."""

    origin: str
    robots: RobotsTxt
    record: FetchRecord


@dataclass(frozen=True, slots=True)
class PageFetch(_FromRecord):
    """A page's response: status, headers, and its HTML (to the end of its head by default)."""

    record: FetchRecord

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        """The response's header fields, (lower-cased name, value), in order."""
        return self.record.headers

    @property
    def head(self) -> bytes:
        """The HTML read: up to the end of its ``</head>`` tag (or ``<body``) when fetched head
        only (the default), else the whole page; cut at the cap either way."""
        return self.record.body


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class SiteSignals:
    """Every site-wide signal file of one origin, parsed, with when and how each was fetched."""

    origin: str
    robots: RobotsTxt
    tdmrep: TdmRepFile | None
    ai_txt: AiTxt | None
    rsl: RslDocument | None
    rsl_url: str | None
    """Where the RSL document came from (robots.txt ``License:`` or a ``Link`` header)."""
    fetched: Mapping[str, str] = field(default_factory=lambda: _frozen({}))
    """Carrier (``robots.txt``, ``tdmrep.json``, ``ai.txt``, ``rsl``) -> ISO 8601 fetch time,
    for each carrier fetched (whatever the answer)."""
    records: Mapping[str, FetchRecord] = field(default_factory=lambda: _frozen({}))
    """Carrier -> the fetch it was read from (absent: not fetched)."""

    @property
    def robots_fetch(self) -> RobotsFetch:
        return RobotsFetch(self.origin, self.robots, self.records["robots.txt"])

    def evaluate_arguments(self) -> dict[str, Any]:
        """Keyword arguments for ``reciprocity.evaluate`` (``robots_txt``, ``tdmrep_json``,
        ``ai_txt``, ``rsl_xml``, ``rsl_url``, ``fetched``)."""
        return {
            "robots_txt": self.robots,
            "tdmrep_json": self.tdmrep,
            "ai_txt": self.ai_txt,
            "rsl_xml": self.rsl,
            "rsl_url": self.rsl_url if self.rsl is not None else None,
            "fetched": dict(self.fetched),
        }
