"""One document in, one decision row out: the join of a record with its host's signals."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Final, TypeVar

from reciprocity.corpus.document import Document
from reciprocity.corpus.policy import AuditPolicy, State
from reciprocity.corpus.schema import COLUMNS as SCHEMA_COLUMNS
from reciprocity.corpus.schema import USE_COLUMNS
from reciprocity.evaluate import bare_key, evaluate
from reciprocity.resolve import COLUMN, Decision, Evidence, resolve
from reciprocity.signals.aitxt import AiTxt
from reciprocity.signals.html import HtmlSignals, charset, is_html_type, scan_html
from reciprocity.signals.rsl import RslDocument
from reciprocity.signals.statement import Carrier
from reciprocity.signals.tdmrep import TdmRepFile
from reciprocity.sources.site import SiteSource
from reciprocity.sources.site_files import FileKind, SiteFile, rsl_links
from reciprocity.sources.snapshots import Choice, Snapshot
from reciprocity.urls import host_of, registrable_domain
from reciprocity.urls import origin as url_origin
from reciprocity.uses import Stance, Use

__all__ = ["COLUMNS", "SiteSource", "bare_keys", "decide", "decide_with", "evidence_records"]

COLUMNS: Final = SCHEMA_COLUMNS
"""The columns of ``decisions.parquet``, in order (``corpus/schema.py``, ``docs/decisions.md``)."""


def _is_html(document: Document) -> bool:
    if document.content_type:
        return is_html_type(document.content_type)
    head = (document.body or b"")[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


_MEDIA_TYPES: Final = ("image/", "video/", "audio/", "application/pdf")
# Containers recognised from their first bytes when the record names no type.
_MEDIA_MAGIC: Final = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF8", b"II*\x00", b"MM\x00*")


def _media(document: Document) -> str | bytes | None:
    """What ``evaluate`` gets as ``media``: the payload of an image (video, audio, PDF) record,
    whose embedded IPTC / C2PA statements are then read, else the record's media type."""
    body = document.body
    if body:
        kind = (document.content_type or "").lstrip()[:16].lower()
        if kind.startswith(_MEDIA_TYPES) if kind else body.startswith(_MEDIA_MAGIC):
            return body
        if not kind and body[:4] == b"RIFF" and body[8:12] == b"WEBP":
            return body
    return document.content_type


P = TypeVar("P", TdmRepFile, AiTxt, RslDocument)

# One evaluation per dated copy: the robots.txt snapshot and the site files of one date.
_View = tuple[Snapshot | None, Mapping[FileKind, SiteFile]]


def _views(snapshots: Sequence[Snapshot], files: Sequence[SiteFile]) -> list[_View]:
    """Copies grouped by date: the first view holds the crawl-time (or only) copy of each kind,
    the second the latest one under ``strictest``. Absent copies say nothing and are left out."""
    robots: list[Snapshot | None] = list(snapshots) or [None]
    views: list[dict[FileKind, SiteFile]] = [{} for _ in robots]
    seen: dict[FileKind, int] = {}
    for copy in files:
        at = seen[copy.kind] = seen.get(copy.kind, -1) + 1
        if copy.parsed is None:
            continue
        while len(views) <= at:
            views.append({})
            robots.append(None)
        views[at][copy.kind] = copy
    return list(zip(robots, views, strict=True))


def _parsed(copy: SiteFile | None, kind: type[P]) -> P | None:
    return copy.parsed if copy is not None and isinstance(copy.parsed, kind) else None


def _site_arguments(view: _View, policy: AuditPolicy, date: datetime | None) -> dict[str, Any]:
    """What ``evaluate`` is told of the site's files in ``view`` and of the policy, for a
    document dated ``date``."""
    snapshot, files = view
    stamps = {"document": date.isoformat() if date is not None else None}
    if snapshot is not None:
        stamps["robots.txt"] = snapshot.stamp
    for kind, copy in files.items():
        stamps[kind] = copy.stamp
    tdmrep, ai_txt, rsl = (files.get(kind) for kind in ("tdmrep.json", "ai.txt", "rsl"))
    return {
        "robots_txt": snapshot.robots if snapshot is not None else None,
        "tdmrep_json": _parsed(tdmrep, TdmRepFile),
        "ai_txt": _parsed(ai_txt, AiTxt),
        "rsl_xml": _parsed(rsl, RslDocument),
        "rsl_url": rsl.url if rsl is not None else None,
        "user_agent": policy.crawler,
        "honour": {policy.use: policy.honour} if policy.honour is not None else None,
        "fetched": {k: v for k, v in stamps.items() if v is not None},
    }


def _evaluate(
    document: Document, page: HtmlSignals | None, view: _View, policy: AuditPolicy
) -> Decision:
    return evaluate(
        document.url,
        headers=document.headers,
        html=page,
        media=_media(document),
        accept=policy.accept,
        **_site_arguments(view, policy, document.date),
    )


def bare_keys(
    url: str, choice: Choice | None, policy: AuditPolicy
) -> tuple[Callable[[str, str], Hashable] | None, ...]:
    """For the documents of ``url``'s site that ``choice`` decides and that bring no statement
    of their own (no headers, payload or media: a URL-only dataset's rows), one function per
    view of the site's files (:func:`~reciprocity.evaluate.bare_key`; ``None`` for a view
    whose answer is the same for all): two such documents whose functions all answer the same
    get the same decision columns."""
    snapshots = [s for s in choice.snapshots if not s.incomplete] if choice is not None else []
    files = choice.files if choice is not None else ()
    origin = url_origin(url) or ""
    return tuple(
        bare_key(origin, **_site_arguments(view, policy, None)) for view in _views(snapshots, files)
    )


_SITE_FILES: Final = frozenset(
    {Carrier.ROBOTS_TXT, Carrier.TDMREP_JSON, Carrier.AI_TXT, Carrier.RSL_XML}
)


def _decision(
    document: Document,
    page: HtmlSignals | None,
    snapshots: Sequence[Snapshot],
    policy: AuditPolicy,
    files: Sequence[SiteFile] = (),
) -> Decision:
    views = _views(snapshots, files)
    first = _evaluate(document, page, views[0], policy)
    if len(views) == 1:
        return first
    # "strictest": the site's files of crawl time and the latest ones all apply, most-restrictively.
    others: list[Evidence] = []
    # Only their site files' evidence is kept. It needs neither the headers nor the HTML (leaving
    # them out spares scanning the page again), except for a tdmrep.json: the page's own
    # tdm-reservation header or meta overrides the file's rule (TDMRep's processing priority).
    bare = replace(document, headers=(), body=None)
    for view in views[1:]:
        tdm = "tdmrep.json" in view[1]
        extra = _evaluate(document if tdm else bare, page if tdm else None, view, policy)
        others.extend(e for e in extra.evidence if e.statement.carrier in _SITE_FILES)
    return resolve(document.url, (*first.evidence, *others), accept=policy.accept)


# Evidence from a site's own files is shared by its pages (reciprocity.site_evidence): its record
# is built once. An entry holds its evidence, so no other object can take its id. (A tdmrep.json
# statement is made anew for each page, with the page's own header and meta: never shared.)
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


def decide(document: Document, robots: SiteSource | None, policy: AuditPolicy) -> dict[str, Any]:
    """The decision row of one document (the columns of :data:`~.schema.SCHEMA`)."""
    host = host_of(document.url) if document.url else ""
    if document.url and host is None:  # e.g. an unclosed IPv6 bracket: the URL itself is unusable
        document = replace(document, error=document.error or f"invalid URL {document.url!r}")
    row = _facts(document, host)
    if document.error is not None or not document.url:
        return _unreadable(row, document)
    choice = (
        robots.lookup(
            document.url,
            when=document.date,
            as_of=policy.robots_as_of,
            agent=policy.crawler,
            links=rsl_links(document.headers, document.url),
        )
        if robots is not None
        else None
    )
    return _decided(row, document, choice, policy)


def decide_with(document: Document, choice: Choice | None, policy: AuditPolicy) -> dict[str, Any]:
    """The decision row of a readable document (URL set, no error) whose site's answer
    (``SiteSource.lookup``) is ``choice``: :func:`decide` when the caller asked already."""
    return _decided(_facts(document, host_of(document.url)), document, choice, policy)


def _facts(document: Document, host: str | None) -> dict[str, Any]:
    """The columns a row takes from the record itself."""
    body = document.body
    return {
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


def _decided(
    row: dict[str, Any], document: Document, choice: Choice | None, policy: AuditPolicy
) -> dict[str, Any]:
    body = document.body
    # A snapshot whose redirect leads out of our copy says nothing: as if there were none.
    snapshots = [s for s in choice.snapshots if not s.incomplete] if choice is not None else []
    page = None
    if body is not None and _is_html(document):
        page = scan_html(body, encoding=charset(document.content_type))
        row["title"], row["creator"] = page.credit()
    files = choice.files if choice is not None else ()
    decision = _decision(document, page, snapshots, policy, files)
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
    row["snapshots"] = choice.provenance() if choice is not None else []
    return row
