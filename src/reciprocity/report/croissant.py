"""``croissant.json``: the run's kept data described in Croissant 1.1, with the Responsible AI
fields that the run itself can fill.

The description names the audited inputs (file, size, SHA-256 from ``run.json``) and
``decisions.parquet`` (its SHA-256 computed here), declares the table's main columns as a
RecordSet that Croissant readers load from that file, and says how the documents were selected:
by whom, under which policy, how many were kept and excluded, which licences the kept ones name
and when they were captured. Every number comes from DuckDB aggregates over the table; nothing is
read row by row. docs/croissant.md says where each field comes from.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePath
from typing import Any, Final

from reciprocity._files import sha256_of
from reciprocity.report.files import write_json
from reciprocity.report.options import ReportOptions
from reciprocity.report.run import DECISIONS, RunFiles

__all__ = [
    "CONFORMS_TO",
    "FILE",
    "RECORD_SET",
    "CroissantFacts",
    "Licence",
    "gather",
    "render",
    "write",
]

FILE: Final = "croissant.json"
RECORD_SET: Final = "decisions"
CONFORMS_TO: Final = "http://mlcommons.org/croissant/1.1"
_RAI: Final = "http://mlcommons.org/croissant/RAI/1.0"
_DECISIONS_ID: Final = "decisions.parquet"
_PARQUET: Final = "application/x-parquet"
_VERSION: Final = "1.0.0"

# The recommended context of the specification (Appendix 1), with schema.org as mlcroissant
# expands it (https) and the RAI namespace: a reader that compares contexts finds every key.
_CONTEXT: Final[dict[str, Any]] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/",
    "annotation": "cr:annotation",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "excludes": "cr:excludes",
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "readLines": "cr:readLines",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sdVersion": "cr:sdVersion",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
    "unArchive": "cr:unArchive",
    "value": "cr:value",
}

# An input's format by the end of its name (docs/corpus-inputs.md); a niche format is named by
# the page that defines it, as Croissant asks.
_FORMATS: Final = (
    ((".warc", ".warc.gz", ".warc.zst", ".warc.bz2", ".warc.xz"), "application/warc"),
    ((".arc", ".arc.gz"), "https://archive.org/web/researcher/ArcFileFormat.php"),
    ((".jsonl", ".ndjson"), "application/jsonlines"),
    ((".json",), "application/json"),
    ((".parquet",), _PARQUET),
    ((".arrow",), "application/vnd.apache.arrow.file"),
)
_COMPRESSION: Final = ("", ".gz", ".zst", ".bz2", ".xz")

# The columns described as the RecordSet's fields: (column, data type, is a list, what it says).
_FIELDS: Final = (
    ("source", "sc:Text", False, "The input file the document was read from."),
    ("offset", "sc:Integer", False, "Byte offset of its record, or its line or row number."),
    ("url", "sc:URL", False, "The document's URL."),
    ("domain", "sc:Text", False, "Its registrable domain (eTLD+1)."),
    ("date", "sc:DateTime", False, "When it was captured."),
    ("title", "sc:Text", False, "Its title as the page states it."),
    ("creator", "sc:Text", False, "Its author as the page states it."),
    ("train_ai", "sc:Text", False, "Decision for train-ai: allow, deny, unknown, unavailable."),
    ("ai_use", "sc:Text", False, "Decision for ai-use."),
    ("search", "sc:Text", False, "Decision for search."),
    ("keep", "sc:Boolean", False, "Whether the run keeps the document for its use."),
    ("deciding_mechanism", "sc:Text", False, "The mechanism whose evidence decided the use."),
    ("licenses", "sc:Text", True, "The licences its evidence names, as SPDX ids."),
    ("license_urls", "sc:URL", True, "The licence URLs its evidence names."),
    ("refused", "sc:Text", True, "The refused duties that made an allowed document not kept."),
    ("payload_bytes", "sc:Integer", False, "Bytes of its payload."),
)


@dataclass(frozen=True, slots=True)
class Licence:
    """A licence the kept documents name: its SPDX id, a URL for it and how many name it."""

    spdx: str
    url: str | None
    documents: int


@dataclass(frozen=True, slots=True)
class CroissantFacts:
    """What the description says, computed from the run before it is written."""

    name: str
    use: str
    policy: dict[str, Any]
    inputs: tuple[dict[str, Any], ...]
    tool: str
    created: datetime | None
    decisions_url: str
    decisions_bytes: int
    decisions_sha256: str
    documents: int
    kept: int
    kept_bytes: int
    errors: int
    domains: int
    kept_domains: int
    first: datetime | None
    last: datetime | None
    excluded: tuple[tuple[str, int], ...]
    """Documents not kept, by the state of the run's use (``deny`` …; ``allow``: refused)."""
    licences: tuple[Licence, ...]
    unlicensed: int
    """Kept documents that name no licence."""

    @property
    def excluded_total(self) -> int:
        return self.documents - self.kept


def _tool(manifest: dict[str, Any]) -> str:
    """What audited the inputs, as the run's manifest names it."""
    versions = manifest.get("versions")
    version = versions.get("reciprocity") if isinstance(versions, dict) else None
    return f"reciprocity {version}" if version else "reciprocity"


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(timezone.utc)


def gather(run: RunFiles, folder: Path) -> CroissantFacts:
    """The facts of ``run``'s description, for a ``croissant.json`` written into ``folder``."""
    column = run.use_column  # one of a fixed set of column names, safe to place in SQL
    with run.query() as db:
        totals = db.execute(
            """
            SELECT count(*),
                   count(*) FILTER (WHERE keep),
                   coalesce(sum(payload_bytes) FILTER (WHERE keep), 0),
                   count(*) FILTER (WHERE error IS NOT NULL),
                   count(DISTINCT domain),
                   count(DISTINCT domain) FILTER (WHERE keep),
                   min(date),
                   max(date),
                   count(*) FILTER (WHERE keep AND len(licenses) = 0)
            FROM d
            """
        ).fetchone()
        excluded = db.execute(
            f'SELECT "{column}", count(*) FROM d WHERE NOT keep GROUP BY 1 ORDER BY 2 DESC, 1'
        ).fetchall()
        named = db.execute(
            """
            SELECT license, count(*) FROM (SELECT unnest(licenses) AS license FROM d WHERE keep)
            GROUP BY 1 ORDER BY 2 DESC, 1
            """
        ).fetchall()
        # The URL of each licence is the one its evidence gives (a CC deed …), when it gives one.
        urls = dict(
            db.execute(
                """
                SELECT e.license, min(e.license_url)
                FROM (SELECT unnest(evidence) AS e FROM d WHERE keep AND len(licenses) > 0)
                WHERE e.license IS NOT NULL AND e.license_url IS NOT NULL
                GROUP BY 1
                """
            ).fetchall()
        )
    assert totals is not None  # an aggregate without GROUP BY gives one row
    documents, kept, kept_bytes, errors, domains, kept_domains, first, last, unlicensed = totals
    return CroissantFacts(
        name=run.folder.resolve().name,
        use=str(run.use),
        policy=run.policy,
        inputs=tuple(run.inputs),
        tool=_tool(run.manifest),
        created=run.finished,
        decisions_url=PurePath(os.path.relpath(run.decisions, folder)).as_posix(),
        decisions_bytes=run.decisions.stat().st_size,
        decisions_sha256=sha256_of(run.decisions),
        documents=documents,
        kept=kept,
        kept_bytes=int(kept_bytes),
        errors=errors,
        domains=domains,
        kept_domains=kept_domains,
        first=_utc(first),
        last=_utc(last),
        excluded=tuple((str(state), n) for state, n in excluded),
        licences=tuple(Licence(spdx, urls.get(spdx), n) for spdx, n in named),
        unlicensed=unlicensed,
    )


def _when(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _format(name: str) -> tuple[str, bool]:
    """The encoding format of an input called ``name``, and whether it is a file at all (an
    input without a known ending is a folder of data files)."""
    lower = name.lower()
    for endings, encoding in _FORMATS:
        if any(lower.endswith(end + z) for end in endings for z in _COMPRESSION):
            return encoding, True
    return "application/octet-stream", False


def _input(number: int, entry: dict[str, Any]) -> dict[str, Any]:
    """An input of the run as a resource: a FileObject when run.json gives its checksum."""
    name = PurePath(str(entry.get("path", ""))).name or f"input-{number}"
    encoding, is_file = _format(name)
    checksum = entry.get("sha256")
    if is_file and checksum:
        return {
            "@type": "cr:FileObject",
            "@id": f"input-{number}",
            "name": name,
            "description": "An input of the audit, as run.json names it.",
            "contentUrl": name,
            "contentSize": f"{entry.get('bytes', 0)} B",
            "encodingFormat": encoding,
            "sha256": checksum,
        }
    # A folder's checksum (over its files' names and checksums) is not a file's, and a --limit
    # run takes none: a FileSet carries no checksum, where a FileObject must carry a true one.
    return {
        "@type": "cr:FileSet",
        "@id": f"input-{number}",
        "name": name,
        "description": (
            "An input folder of the audit; run.json's SHA-256 over its files' names and "
            f"checksums is {checksum}."
            if checksum
            else "An input of the audit whose checksum the run did not take."
        ),
        "encodingFormat": encoding,
        "includes": name if is_file else f"{name}/**",
    }


def _distribution(facts: CroissantFacts) -> list[dict[str, Any]]:
    decisions = {
        "@type": "cr:FileObject",
        "@id": _DECISIONS_ID,
        "name": DECISIONS,
        "description": (
            "The audit's table: one row per document of the inputs, with each use's decision, "
            "whether the run keeps it, and the evidence (reciprocity's decisions.md)."
        ),
        "contentUrl": facts.decisions_url,
        "contentSize": f"{facts.decisions_bytes} B",
        "encodingFormat": _PARQUET,
        "sha256": facts.decisions_sha256,
    }
    return [*(_input(n, entry) for n, entry in enumerate(facts.inputs, 1)), decisions]


def _record_set() -> dict[str, Any]:
    fields = []
    for column, data_type, is_list, description in _FIELDS:
        field: dict[str, Any] = {
            "@type": "cr:Field",
            "@id": f"{RECORD_SET}/{column}",
            "name": column,
            "description": description,
            "dataType": data_type,
        }
        if is_list:
            field["isArray"] = True
        field["source"] = {"fileObject": {"@id": _DECISIONS_ID}, "extract": {"column": column}}
        fields.append(field)
    return {
        "@type": "cr:RecordSet",
        "@id": RECORD_SET,
        "name": RECORD_SET,
        "description": (
            "One record per audited document; `keep` selects the documents of this dataset."
        ),
        "field": fields,
    }


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _policy(policy: dict[str, Any]) -> str:
    """The run's policy as the audit options that give it (``--use train-ai --refuse …``)."""
    parts = []
    for key, value in policy.items():
        shown = ",".join(map(str, value)) if isinstance(value, list) else value
        if shown not in (None, ""):
            parts.append(f"--{key.replace('_', '-')} {shown}")
    return " ".join(parts)


_STATES: Final = {
    "deny": "denied by their publishers",
    "unavailable": "unavailable, where no robots.txt could be had or the record could not be read",
    "unknown": "stating nothing, which the policy does not keep",
    "allow": "allowed with a duty the policy refuses",
}


def _licences(facts: CroissantFacts) -> str:
    if not facts.licences:
        return f"None of the {_plural(facts.kept, 'kept document')} names a licence."
    named = ", ".join(
        f"{item.spdx} ({_plural(item.documents, 'document')})" for item in facts.licences
    )
    return (
        f"Licences named by the kept documents: {named}; "
        f"{_plural(facts.unlicensed, 'kept document names', 'kept documents name')} no licence, "
        "their terms are unknown."
    )


def render(facts: CroissantFacts, options: ReportOptions) -> dict[str, Any]:
    """The Croissant JSON-LD document for ``facts``."""
    inputs = _plural(len(facts.inputs), "input file")
    kept = f"{facts.kept:,} of {_plural(facts.documents, 'document')}"
    policy = _policy(facts.policy)
    reasons = "; ".join(f"{n:,} {_STATES.get(state, state)}" for state, n in facts.excluded)
    document: dict[str, Any] = {
        "@context": _CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": [CONFORMS_TO, _RAI],
        "name": f"{facts.name}: documents kept for {facts.use}",
        "description": (
            f"The {kept} of {inputs} that a reciprocity audit keeps for {facts.use}, under "
            "the publishers' stated AI-usage preferences and the run's policy. The record set "
            "reads the audit's decisions.parquet; its `keep` field marks the kept documents."
        ),
        "version": _VERSION,
        "datePublished": _when(options.generated),
        "keywords": ["AI usage preferences", "web crawl", facts.use],
        "license": [item.url or item.spdx for item in facts.licences] or ["unknown"],
        "citeAs": (
            f"@misc{{{facts.name.replace(' ', '-')},\n"
            f"  title = {{{facts.name}: documents kept for {facts.use}}},\n"
            f"  note = {{Audited with {facts.tool}}},\n"
            f"  year = {{{options.generated.year}}}\n}}"
        ),
    }
    if facts.created is not None:
        document["dateCreated"] = _when(facts.created)
    document["rai:dataCollection"] = (
        f"The documents of {inputs} were audited by {facts.tool}: every AI-usage preference "
        "their publishers state (robots.txt, AIPREF Content-Usage, TDMRep, noai, RSL, ai.txt, "
        f"licences …) was read and each document decided per use, with its evidence, under "
        f"the policy `{policy}`."
    )
    document["rai:dataCollectionRawData"] = (
        f"{_plural(facts.documents, 'document')} from "
        f"{_plural(facts.domains, 'registrable domain')} in {inputs} (the distribution's "
        f"inputs); {_plural(facts.errors, 'record')} could not be read."
    )
    if facts.first is not None and facts.last is not None:
        # Start and end, each a DateTime, as the RAI vocabulary's table gives the property.
        document["rai:dataCollectionTimeframe"] = [_when(facts.first), _when(facts.last)]
    document["rai:dataPreprocessingProtocol"] = [
        f"Preference filter for {facts.use} (policy `{policy}`): {kept} kept, from "
        f"{_plural(facts.kept_domains, 'registrable domain')} with "
        f"{facts.kept_bytes:,} payload bytes; {facts.excluded_total:,} excluded"
        + (f": {reasons}." if reasons else "."),
        "decisions.parquet holds every decision with its evidence, as reciprocity's "
        "decisions.md documents it.",
    ]
    document["rai:dataLimitations"] = [_licences(facts)]
    document["rai:personalSensitiveInformation"] = [
        "Unknown: the audit reads the publishers' usage preferences, not what the documents "
        "say; it does not look for personal or sensitive information."
    ]
    document["distribution"] = _distribution(facts)
    document["recordSet"] = [_record_set()]
    return document


def write(run: RunFiles, folder: Path, options: ReportOptions) -> Sequence[Path]:
    """Write ``folder/croissant.json`` for ``run``."""
    return [write_json(folder / FILE, render(gather(run, folder), options))]
