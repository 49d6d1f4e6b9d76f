"""One document in, one decision row out: the join of a record with its host's signals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Final, Protocol

from reciprocity.corpus.document import Document
from reciprocity.corpus.policy import AsOf, AuditPolicy, State
from reciprocity.corpus.schema import COLUMNS as SCHEMA_COLUMNS
from reciprocity.corpus.schema import USE_COLUMNS
from reciprocity.evaluate import evaluate
from reciprocity.resolve import COLUMN, Decision, Evidence, resolve
from reciprocity.signals.html import HtmlSignals, charset, is_html_type, scan_html
from reciprocity.signals.robots import RobotsTxt
from reciprocity.signals.statement import Carrier
from reciprocity.urls import host_of, registrable_domain
from reciprocity.uses import Stance, Use

__all__ = ["COLUMNS", "RobotsSource", "decide", "evidence_records"]

COLUMNS: Final = SCHEMA_COLUMNS
"""The columns of ``decisions.parquet``, in order (``corpus/schema.py``, ``docs/decisions.md``)."""


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
    document: Document,
    page: HtmlSignals | None,
    robots: RobotsTxt | None,
    fetched: datetime | None,
    policy: AuditPolicy,
) -> Decision:
    honour = {policy.use: policy.honour} if policy.honour is not None else None
    stamps = {"document": _iso(document.date), "robots.txt": _iso(fetched)}
    return evaluate(
        document.url,
        robots_txt=robots,
        headers=document.headers,
        html=page,
        user_agent=policy.crawler,
        media=document.content_type,
        accept=policy.accept,
        honour=honour,
        fetched={k: v for k, v in stamps.items() if v is not None},
    )


def _decision(
    document: Document,
    page: HtmlSignals | None,
    snapshots: Sequence[Snapshot],
    policy: AuditPolicy,
) -> Decision:
    if not snapshots:
        return _evaluate(document, page, None, None, policy)
    first = _evaluate(document, page, snapshots[0].robots, snapshots[0].fetched, policy)
    if len(snapshots) == 1:
        return first
    # "strictest": the robots.txt of crawl time and the latest one both apply, most-restrictively.
    others: list[Evidence] = []
    # Only their robots.txt evidence is kept, which needs neither the headers nor the HTML:
    # leaving them out spares scanning the page again.
    bare = replace(document, headers=(), body=None)
    for snapshot in snapshots[1:]:
        extra = _evaluate(bare, None, snapshot.robots, snapshot.fetched, policy)
        others.extend(e for e in extra.evidence if e.statement.carrier is Carrier.ROBOTS_TXT)
    return resolve(document.url, (*first.evidence, *others), accept=policy.accept)


# Evidence from a site's own files is shared by its pages (reciprocity.site_evidence): its record
# is built once. An entry holds its evidence, so no other object can take its id.
_SITE_CARRIERS: Final = frozenset({Carrier.ROBOTS_TXT, Carrier.AI_TXT, Carrier.RSL_XML})
_RECORDS: dict[int, tuple[Evidence, dict[str, Any]]] = {}
_RECORDS_LIMIT: Final = 8192


def evidence_records(evidence: Sequence[Evidence]) -> list[dict[str, Any]]:
    """The ``evidence`` column of a row: :meth:`Evidence.to_dict` of each piece."""
    records = []
    for item in evidence:
        known = _RECORDS.get(id(item))
        if known is not None and known[0] is item:
            records.append(known[1])
            continue
        record = item.to_dict()
        if item.statement.carrier in _SITE_CARRIERS:
            if len(_RECORDS) >= _RECORDS_LIMIT:
                _RECORDS.clear()
            _RECORDS[id(item)] = (item, record)
        records.append(record)
    return records


def _snapshot_records(choice: Choice | None) -> list[dict[str, Any]]:
    if choice is None:
        return []
    extra = getattr(choice, "note", "")
    return [
        {
            "kind": "robots.txt",
            "url": getattr(s, "url", None),
            "source": getattr(s, "source", None),
            "offset": getattr(s, "offset", None),
            "date": s.fetched,
            "status": getattr(s, "status", None),
            "note": "; ".join(n for n in (getattr(s, "note", ""), extra) if n) or None,
        }
        for s in choice.snapshots
    ]


def _licences(evidence: Sequence[Evidence]) -> tuple[list[str], list[str]]:
    """The licence ids and licence URLs the evidence names, each once, in order."""
    ids: dict[str, None] = {}
    urls: dict[str, None] = {}
    for item in evidence:
        statement = item.statement
        named = statement.license
        if named:
            # TDMRep and RSL may name a licence by its URL only.
            (urls if named.startswith(("http://", "https://")) else ids)[named] = None
        if statement.license_url:
            urls[statement.license_url] = None
    return list(ids), list(urls)


def _unreadable(row: dict[str, Any], document: Document) -> dict[str, Any]:
    """The row of a document with nothing trustworthy to decide on: recorded, never kept."""
    for column in USE_COLUMNS:
        row[column] = "unavailable"
        row[f"{column}_detail"] = {"state": "unavailable"}
    row["keep"] = False
    row["error"] = document.error or "record has no URL"
    return row


def decide(document: Document, robots: RobotsSource | None, policy: AuditPolicy) -> dict[str, Any]:
    """The decision row of one document (the columns of :data:`~.schema.SCHEMA`)."""
    host = host_of(document.url) if document.url else ""
    if document.url and host is None:  # e.g. an unclosed IPv6 bracket: the URL itself is unusable
        document = replace(document, error=document.error or f"invalid URL {document.url!r}")
    body = document.body
    row: dict[str, Any] = {
        "source": document.source,
        "offset": document.offset,
        "record_id": document.record_id,
        "url": document.url,
        "host": host or "",
        "domain": registrable_domain(host) if host else None,
        "date": document.date,
        "status": document.status,
        "content_type": document.content_type,
        "payload_digest": document.payload_digest,
        "payload_bytes": len(body) if body is not None else None,
        "record_bytes": document.length,
        "error": document.error,
    }
    if document.error is not None or not document.url:
        return _unreadable(row, document)
    choice = (
        robots.lookup(document.url, when=document.date, as_of=policy.robots_as_of)
        if robots is not None
        else None
    )
    # A snapshot whose redirect leads out of our copy says nothing: as if there were none.
    snapshots = [s for s in choice.snapshots if not s.incomplete] if choice is not None else []
    page = None
    if body is not None and _is_html(document):
        page = scan_html(body, encoding=charset(document.content_type))
        row["title"], row["creator"] = page.credit()
    decision = _decision(document, page, snapshots, policy)
    evidence = decision.evidence
    index = {id(e): position for position, e in enumerate(evidence)}
    states: dict[Use, State] = {}
    for decided in decision.uses:
        state: State = decided.stance.value
        if not snapshots and decided.stance is not Stance.DENY:
            # No robots.txt could be had for the host: what it would have said is unknown.
            state = "unavailable"
        states[decided.use] = state
        column = COLUMN[decided.use]
        row[column] = state
        detail = decided.to_dict(index)
        detail["state"] = state
        row[f"{column}_detail"] = detail
    chosen = decision.decision(policy.use)
    state = states[policy.use]
    keep = policy.keeps(state)
    refused: list[str] = []
    if state == "allow" and policy.refuse:
        refused = sorted({o.duty.value for o in chosen.obligations if o.duty in policy.refuse})
        keep = not refused
    row["keep"] = keep
    row["refused"] = refused
    if refused:
        row["deciding_mechanism"] = "policy"
    elif chosen.deciding and state in ("allow", "deny"):
        row["deciding_mechanism"] = chosen.deciding[0].mechanism.value
    row["exceptions"] = [o.to_dict() for o in chosen.exceptions]
    row["obligations"] = [o.to_dict() for o in chosen.obligations] if state == "allow" else []
    row["licenses"], row["license_urls"] = _licences(evidence)
    row["evidence"] = evidence_records(evidence)
    row["conflicts"] = [c.to_dict(index) for c in decision.conflicts]
    row["snapshots"] = _snapshot_records(choice)
    return row
