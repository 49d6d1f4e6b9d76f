"""One document in, one decision row out: the join of a record with its host's signals."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

from reciprocity.corpus.document import Document
from reciprocity.corpus.policy import AuditPolicy, State
from reciprocity.evaluate import evaluate
from reciprocity.resolve import Decision, Evidence, resolve
from reciprocity.signals.aitxt import AiTxt
from reciprocity.signals.html import is_html_type
from reciprocity.signals.rsl import RslDocument
from reciprocity.signals.statement import Carrier, Mechanism
from reciprocity.signals.tdmrep import TdmRepFile
from reciprocity.sources.site import SiteSource
from reciprocity.sources.site_files import FileKind, SiteFile, rsl_links
from reciprocity.sources.snapshots import Snapshot
from reciprocity.uses import USES, Stance, Use

__all__ = ["COLUMNS", "SiteSource", "decide"]

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


def _evaluate(document: Document, view: _View, policy: AuditPolicy) -> Decision:
    honour = {policy.use: policy.honour} if policy.honour is not None else None
    snapshot, files = view
    stamps = {"document": document.date.isoformat() if document.date is not None else None}
    if snapshot is not None:
        stamps["robots.txt"] = snapshot.stamp
    for kind, copy in files.items():
        stamps[kind] = copy.stamp
    tdmrep, ai_txt, rsl = (files.get(kind) for kind in ("tdmrep.json", "ai.txt", "rsl"))
    return evaluate(
        document.url,
        robots_txt=snapshot.robots if snapshot is not None else None,
        tdmrep_json=_parsed(tdmrep, TdmRepFile),
        ai_txt=_parsed(ai_txt, AiTxt),
        rsl_xml=_parsed(rsl, RslDocument),
        rsl_url=rsl.url if rsl is not None else None,
        headers=document.headers,
        html=document.body if document.body is not None and _is_html(document) else None,
        user_agent=policy.crawler,
        media=_media(document),
        accept=policy.accept,
        honour=honour,
        fetched={k: v for k, v in stamps.items() if v is not None},
    )


_SITE_FILES: Final = frozenset(
    {Carrier.ROBOTS_TXT, Carrier.TDMREP_JSON, Carrier.AI_TXT, Carrier.RSL_XML}
)


def _decision(
    document: Document,
    snapshots: Sequence[Snapshot],
    policy: AuditPolicy,
    files: Sequence[SiteFile] = (),
) -> Decision:
    views = _views(snapshots, files)
    first = _evaluate(document, views[0], policy)
    if len(views) == 1:
        return first
    # "strictest": the site's files of crawl time and the latest ones all apply, most-restrictively.
    others: list[Evidence] = []
    # Only their site files' evidence is kept. It needs neither the headers nor the HTML (leaving
    # them out spares scanning the page again), except for a tdmrep.json: the page's own
    # tdm-reservation header or meta overrides the file's rule (TDMRep's processing priority).
    bare = replace(document, headers=(), body=None)
    for view in views[1:]:
        extra = _evaluate(document if "tdmrep.json" in view[1] else bare, view, policy)
        others.extend(e for e in extra.evidence if e.statement.carrier in _SITE_FILES)
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


def decide(document: Document, robots: SiteSource | None, policy: AuditPolicy) -> dict[str, Any]:
    """The decision row of one document (columns :data:`COLUMNS`)."""
    try:
        host = (urlsplit(document.url).hostname or "") if document.url else ""
    except ValueError:  # e.g. an unclosed IPv6 bracket: the URL itself is unusable
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
    # A snapshot whose redirect leads out of our copy says nothing: as if there were none.
    snapshots = [s for s in choice.snapshots if not s.incomplete] if choice is not None else []
    decision = _decision(document, snapshots, policy, choice.files if choice is not None else ())
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
