"""One document in, one decision row out: the join of a record with its host's signals."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Final, Protocol

from reciprocity.corpus.document import Document
from reciprocity.corpus.policy import AsOf, AuditPolicy, State
from reciprocity.evaluate import evaluate
from reciprocity.resolve import Decision, Evidence, resolve
from reciprocity.signals.html import is_html_type
from reciprocity.signals.robots import RobotsTxt
from reciprocity.signals.statement import Carrier, Mechanism
from reciprocity.urls import host_of
from reciprocity.uses import USES, Stance, Use

__all__ = ["COLUMNS", "RobotsSource", "decide"]

COLUMNS = (
    "source",
    "offset",
    "record_id",
    "url",
    "host",
    "date",
    "train_ai",
    "ai_use",
    "search",
    "keep",
    "decided_by",
    "evidence",
    "conflict",
    "license",
    "obligations",
    "bytes",
    "error",
)
"""The columns of ``decisions.parquet``, in order (issue 5)."""


class Snapshot(Protocol):
    @property
    def robots(self) -> RobotsTxt: ...
    @property
    def fetched(self) -> datetime | None: ...
    @property
    def incomplete(self) -> bool: ...


class Choice(Protocol):
    @property
    def snapshots(self) -> Sequence[Snapshot]: ...


class RobotsSource(Protocol):
    """Where the robots.txt of a document's host comes from: snapshots, the live fetcher, or
    snapshots first and the fetcher for the hosts they miss.

    A source may also have ``prepare(urls)``: the audit calls it with the URLs of the next
    documents before asking about any of them, so that a fetcher can get their hosts at once
    (concurrently) instead of one lookup at a time.
    """

    def lookup(self, url: str, *, when: datetime | None, as_of: AsOf) -> Choice | None: ...


def _is_html(document: Document) -> bool:
    if document.content_type:
        return is_html_type(document.content_type)
    head = (document.body or b"")[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


def _evaluate(
    document: Document, robots: RobotsTxt | None, fetched: datetime | None, policy: AuditPolicy
) -> Decision:
    honour = {policy.use: policy.honour} if policy.honour is not None else None
    stamps = {"document": _iso(document.date), "robots.txt": _iso(fetched)}
    return evaluate(
        document.url,
        robots_txt=robots,
        headers=document.headers,
        html=document.body if document.body is not None and _is_html(document) else None,
        user_agent=policy.crawler,
        media=document.content_type,
        accept=policy.accept,
        honour=honour,
        fetched={k: v for k, v in stamps.items() if v is not None},
    )


def _decision(document: Document, snapshots: Sequence[Snapshot], policy: AuditPolicy) -> Decision:
    if not snapshots:
        return _evaluate(document, None, None, policy)
    first = _evaluate(document, snapshots[0].robots, snapshots[0].fetched, policy)
    if len(snapshots) == 1:
        return first
    # "strictest": the robots.txt of crawl time and the latest one both apply, most-restrictively.
    others: list[Evidence] = []
    # Only their robots.txt evidence is kept, which needs neither the headers nor the HTML:
    # leaving them out spares scanning the page again.
    bare = replace(document, headers=(), body=None)
    for snapshot in snapshots[1:]:
        extra = _evaluate(bare, snapshot.robots, snapshot.fetched, policy)
        others.extend(e for e in extra.evidence if e.statement.carrier is Carrier.ROBOTS_TXT)
    return resolve(document.url, (*first.evidence, *others), accept=policy.accept)


_ENCODE: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# Evidence from a site's own files is shared by its pages (reciprocity.site_evidence): each
# piece is written once. An entry holds its evidence, so no other object can take its id.
_SITE_CARRIERS: Final = frozenset({Carrier.ROBOTS_TXT, Carrier.AI_TXT, Carrier.RSL_XML})
_WRITTEN: dict[int, tuple[Evidence, str]] = {}
_WRITTEN_LIMIT: Final = 8192


def _evidence_json(evidence: Sequence[Evidence]) -> str:
    """The evidence column: a JSON list of :meth:`Evidence.to_dict` records."""
    parts = []
    for item in evidence:
        written = _WRITTEN.get(id(item))
        if written is not None and written[0] is item:
            parts.append(written[1])
            continue
        text = _ENCODE(item.to_dict())
        if item.statement.carrier in _SITE_CARRIERS:
            if len(_WRITTEN) >= _WRITTEN_LIMIT:
                _WRITTEN.clear()
            _WRITTEN[id(item)] = (item, text)
        parts.append(text)
    return f"[{','.join(parts)}]"


def _decided_by(decision: Decision, use: Use) -> str | None:
    deciding = decision.decision(use).deciding
    if not deciding:
        return None
    statement = deciding[0].statement
    where = f" line {statement.line}" if statement.line is not None else ""
    rule = statement.rule or statement.raw
    return f"{statement.mechanism.value}{where}: {rule}"


def decide(document: Document, robots: RobotsSource | None, policy: AuditPolicy) -> dict[str, Any]:
    """The decision row of one document (columns :data:`COLUMNS`)."""
    host = host_of(document.url) if document.url else ""
    if host is None:  # e.g. an unclosed IPv6 bracket: the URL itself is unusable
        host = ""
        document = replace(document, error=document.error or f"invalid URL {document.url!r}")
    row: dict[str, Any] = {
        "source": document.source,
        "offset": document.offset,
        "record_id": document.record_id,
        "url": document.url,
        "host": host,
        "date": document.date,
        "bytes": document.length,
        "error": document.error,
        "conflict": False,
        "license": None,
        "obligations": [],
        "decided_by": None,
        "evidence": "[]",
    }
    if document.error is not None or not document.url:
        # Nothing trustworthy to decide on: recorded, and never kept (fail closed).
        for use in USES:
            row[use.value.replace("-", "_")] = "unavailable"
        row["keep"] = False
        row["error"] = document.error or "record has no URL"
        return row
    choice = (
        robots.lookup(document.url, when=document.date, as_of=policy.robots_as_of)
        if robots is not None
        else None
    )
    # A snapshot whose redirect leads out of our copy says nothing: as if there were none.
    snapshots = [s for s in choice.snapshots if not s.incomplete] if choice is not None else []
    decision = _decision(document, snapshots, policy)
    states: dict[Use, State] = {}
    for use in USES:
        stance = decision.decision(use).stance
        state: State = stance.value
        if not snapshots and stance is not Stance.DENY:
            # No robots.txt could be had for the host: what it would have said is unknown.
            state = "unavailable"
        states[use] = state
        row[use.value.replace("-", "_")] = state
    row["keep"] = policy.keeps(states[policy.use])
    row["decided_by"] = _decided_by(decision, policy.use)
    row["evidence"] = _evidence_json(decision.evidence)
    row["conflict"] = bool(decision.conflicts)
    licences = [e.statement.license for e in decision.evidence if e.mechanism is Mechanism.LICENSE]
    row["license"] = next((lic for lic in licences if lic), None)
    chosen = decision.decision(policy.use)
    row["obligations"] = list(chosen.obligations) if chosen.stance is Stance.ALLOW else []
    return row
