"""The parts of the EU AI Office's public summary of training content that a dataset can answer
(``eu_summary.json`` and ``eu_summary.md``).

The template (C(2025) 5235, re-adopted as C(2025) 8311) is a model provider's document: who
they are, which model, every source of its training data. A run knows one source, the documents
it kept, and answers from its table what the template asks of them: modalities and size bands
(1.3), crawler, collection period and top domains (2.3), and the measures taken to respect
reservations of rights (3.1). Every other field is written as the builder's to fill
(``{"to_fill": true, "prompt": ...}``), so that nothing the run cannot know is stated for it.

The JSON is the data; the Markdown is rendered from it and says the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import duckdb

from reciprocity.report.domains import TopDomains, top_domains
from reciprocity.report.files import write_json, write_text
from reciprocity.report.options import ReportOptions
from reciprocity.report.run import DECISIONS, MANIFEST, RunFiles
from reciprocity.report.tally import exclusions, refused, totals
from reciprocity.signals.statement import Mechanism

__all__ = ["JSON", "MARKDOWN", "TEMPLATE", "render_markdown", "summary_data", "write"]

JSON: Final = "eu_summary.json"
MARKDOWN: Final = "eu_summary.md"
TEMPLATE: Final = (
    "Template for the Public Summary of Training Content for general-purpose AI models, "
    "C(2025) 5235 final (re-adopted as C(2025) 8311 final)"
)

# Below this many bytes a text is below a billion tokens: every token of a byte-level or
# byte-fallback vocabulary covers at least one byte, and extraction only removes bytes.
_TOKENS_BAND_BYTES: Final = 1_000_000_000
_IMAGE_BANDS: Final = (
    (1_000_000, "Less than 1 million images"),
    (1_000_000_000, "1 million to 1 billion images"),
)

# Modality of a document from its media type. A dataset row (no WARC record) with a payload and
# no media type holds the dataset's text column.
_MIME: Final = "lower(trim(split_part(content_type, ';', 1)))"
_MODALITY: Final = (
    f"CASE WHEN {_MIME} LIKE 'image/%' THEN 'image'"
    f" WHEN {_MIME} LIKE 'audio/%' THEN 'audio'"
    f" WHEN {_MIME} LIKE 'video/%' THEN 'video'"
    f" WHEN {_MIME} LIKE 'text/%' OR {_MIME} LIKE '%+xml' OR {_MIME} LIKE '%+json'"
    f" OR {_MIME} IN ('application/xml', 'application/json') THEN 'text'"
    " WHEN content_type IS NULL AND record_bytes IS NULL AND payload_bytes IS NOT NULL"
    " THEN 'text'"
    " WHEN content_type IS NULL THEN 'unknown' ELSE 'other' END"
)
_MODALITY_ORDER: Final = ("text", "image", "audio", "video", "other", "unknown")


def to_fill(prompt: str) -> dict[str, Any]:
    """A field the run cannot answer: the builder fills it."""
    return {"to_fill": True, "prompt": prompt}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _band(modality: str, documents: int, size: int) -> Any:
    if modality == "text":
        if size < _TOKENS_BAND_BYTES:
            return {
                "band": "Less than 1 billion tokens",
                "basis": f"{size:,} payload bytes before extraction, and a tokenizer whose "
                "tokens cover a byte or more makes no more tokens than bytes",
            }
        return to_fill(
            f"{size:,} payload bytes: tokenize the text as trained on and tick the band "
            "(1 billion to 10 trillion tokens, or more)"
        )
    if modality == "image":
        for bound, band in _IMAGE_BANDS:
            if documents < bound:
                return {"band": band, "basis": f"{documents:,} image documents"}
        return {"band": "More than 1 billion images", "basis": f"{documents:,} image documents"}
    if modality in ("audio", "video"):
        return to_fill(f"{documents:,} {modality} documents: state their hours and tick the band")
    return to_fill(f"{documents:,} documents: give their size in a unit that fits")


def _modalities(db: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    rows = db.execute(
        f"SELECT {_MODALITY} AS modality, coalesce({_MIME}, '(none)') AS mime, count(*) AS n,"
        " coalesce(sum(payload_bytes), 0) FROM d WHERE keep GROUP BY ALL ORDER BY n DESC, mime"
    ).fetchall()
    found: dict[str, list[tuple[str, int, int]]] = {}
    for modality, mime, n, size in rows:
        found.setdefault(str(modality), []).append((str(mime), int(n), int(size)))
    listed = []
    for modality in _MODALITY_ORDER:
        types = found.get(modality)
        if not types:
            continue
        documents = sum(n for _, n, _ in types)
        size = sum(s for _, _, s in types)
        listed.append(
            {
                "modality": modality,
                "documents": documents,
                "bytes": size,
                "training_data_size": _band(modality, documents, size),
                "media_types": [
                    {"media_type": mime, "documents": n, "bytes": s} for mime, n, s in types
                ],
            }
        )
    return listed


def _top_domains(top: TopDomains) -> dict[str, Any]:
    percent = round(top.share * 100)
    rule = (
        f"the top {percent}% of the domains of the kept documents"
        + (f" (at most {top.cap:,})" if top.cap is not None else "")
        + f", ranked by {top.measure}, largest first, ties by name"
    )
    if top.measure == "documents":
        rule += "; by documents because some kept documents state no size (URL-only rows)"
    return {
        "rule": rule,
        "measure": top.measure,
        "share": top.share,
        **({"cap": top.cap} if top.cap is not None else {}),
        "domains": top.domains,
        "listed": len(top.listed),
        "share_of_content_listed": round(top.covered, 4),
        "domains_holding_the_share_of_content": top.covering,
        "list": [
            {"rank": d.rank, "domain": d.domain, "documents": d.documents, "bytes": d.bytes}
            for d in top.listed
        ],
    }


def _measures(db: duckdb.DuckDBPyConnection, run: RunFiles) -> dict[str, Any]:
    policy = run.policy
    stated = dict(
        db.execute(
            "SELECT m, count(*) FROM (SELECT unnest(list_distinct("
            " list_transform(evidence, lambda e: e.mechanism))) AS m FROM d) GROUP BY m"
        ).fetchall()
    )
    excluded = {c.name: c for c in exclusions(db, run.use_column)}
    protocols = []
    for mechanism in Mechanism:
        count = excluded.pop(mechanism.value, None)
        protocols.append(
            {
                "mechanism": mechanism.value,
                "documents_stating": int(stated.get(mechanism.value, 0)),
                "documents_excluded": count.documents if count else 0,
                "bytes_excluded": count.bytes if count else 0,
            }
        )
    (urls, copies, first, last, without) = db.execute(
        "SELECT count(DISTINCT s.url),"
        " count(DISTINCT s.url || ' ' || coalesce(CAST(s.date AS VARCHAR), '')),"
        " min(s.date), max(s.date),"
        " (SELECT count(*) FROM d WHERE NOT list_contains("
        "  list_transform(snapshots, lambda x: x.kind), 'robots.txt'))"
        " FROM (SELECT unnest(snapshots) AS s FROM d) WHERE s.kind = 'robots.txt'"
    ).fetchone() or (0, 0, None, None, 0)
    served = db.execute(
        "SELECT s.served_by, count(DISTINCT s.url || ' ' || coalesce(CAST(s.date AS VARCHAR), ''))"
        " FROM (SELECT unnest(snapshots) AS s FROM d) WHERE s.kind = 'robots.txt'"
        " GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    files = [Path(str(s.get("path"))).name for s in run.manifest.get("snapshots", [])]
    return {
        "use": run.use.value,
        "crawler": policy.get("crawler"),
        "robots_tokens_honoured": policy.get("honour", "catalogue"),
        "robots_as_of": policy.get("robots_as_of"),
        "no_statement": policy.get("unknown"),
        "no_robots_txt": policy.get("unavailable"),
        "obligations_accepted": list(policy.get("accept", [])),
        "obligations_refused": list(policy.get("refuse", [])),
        "opt_out_protocols": protocols,
        "other_exclusions": [
            {"reason": c.name, "documents": c.documents, "bytes": c.bytes}
            for c in excluded.values()
        ],
        "refused_obligations": [
            {"duty": c.name, "documents": c.documents, "bytes": c.bytes} for c in refused(db)
        ],
        "robots_txt": {
            "snapshot_files": files,
            "fetched_live": bool(run.manifest.get("online")),
            "hosts": int(urls),
            "copies": int(copies),
            "copies_by_source": [{"served_by": str(s), "copies": int(n)} for s, n in served],
            "earliest_copy": _iso(first),
            "latest_copy": _iso(last),
            "documents_without_robots_txt": int(without),
        },
    }


def summary_data(run: RunFiles, options: ReportOptions) -> dict[str, Any]:
    """The summary as data: what the JSON file holds and the Markdown renders."""
    with run.query() as db:
        t = totals(db, run.use_column)
        modalities = _modalities(db)
        top = top_domains(db, sme=options.sme)
        measures = _measures(db, run)
    kept = f"the {t.kept:,} documents kept for {run.use.value}"
    inputs = [{"file": Path(str(i.get("path"))).name, "bytes": i.get("bytes")} for i in run.inputs]
    return {
        "template": TEMPLATE,
        "scope": f"One dataset: {kept} by the audit run {run.folder.resolve().name!r}. A model "
        "trained on more than this dataset needs the other sources in the same sections.",
        "generated": options.generated.isoformat(),
        "tool": options.tool,
        "from": [DECISIONS, MANIFEST],
        "sme": options.sme,
        "header": {
            "version": to_fill("Version of the summary (e.g. V1)"),
            "last_update": to_fill("Date of this version"),
        },
        "sections": [
            {
                "section": "1.1",
                "title": "Provider identification",
                "provider": to_fill("Provider name and contact details"),
                "authorised_representative": to_fill(
                    "Authorised representative name and contact details, where there is one"
                ),
            },
            {
                "section": "1.2",
                "title": "Model identification",
                "model": to_fill("Versioned model name(s)"),
                "model_dependencies": to_fill(
                    "If fine-tuned from another general-purpose AI model: its name and a link to "
                    "its summary"
                ),
                "placement_on_the_union_market": to_fill("Date"),
            },
            {
                "section": "1.3",
                "title": "Modalities, overall training data size and other characteristics",
                "measured_on": f"{kept}, before any further pre-processing",
                "modalities": modalities,
                "types_of_content": to_fill(
                    "Types of content per modality (e.g. fiction, scientific text, photography)"
                ),
                "latest_collection_date": _iso(t.last_date),
                "collection_ongoing": to_fill("Whether data is still collected for the model"),
                "linguistic_characteristics": to_fill(
                    "Languages of the training data (not detected by the audit)"
                ),
                "other_characteristics": to_fill("Other relevant characteristics (optional)"),
            },
            {
                "section": "2.1",
                "title": "Publicly available datasets",
                "audited_inputs": inputs,
                "used": to_fill(
                    "Yes/No. If the audited inputs are a dataset compiled by a third party (e.g. "
                    "Common Crawl), name it here: the template counts it here, not under 2.3"
                ),
            },
            {
                "section": "2.2",
                "title": "Private non-publicly available datasets obtained from third parties",
                "licensed_from_rightsholders": to_fill("Yes/No; modalities"),
                "other_private_datasets": to_fill("Yes/No; modalities; list if publicly known"),
            },
            {
                "section": "2.3",
                "title": "Data crawled and scraped from online sources",
                "crawlers_used": to_fill(
                    "Yes/No: whether the audited inputs were crawled by you or on your behalf"
                ),
                "crawler": measures["crawler"],
                "crawler_note": "the robots.txt product token whose rules the audit applied",
                "purposes": to_fill("Purposes of the crawler(s)"),
                "behaviour": to_fill(
                    "General description of crawler behaviour (robots.txt, paywalls, logins)"
                ),
                "collection_period": {
                    "from": _iso(t.first_date),
                    "to": _iso(t.last_date),
                    "documents_without_date": t.no_date,
                },
                "content_description": to_fill(
                    "Comprehensive description of the type of content and online sources crawled"
                ),
                "modalities": [m["modality"] for m in modalities],
                "top_domains": _top_domains(top),
            },
            {
                "section": "2.4",
                "title": "User data",
                "used": to_fill("Yes/No, for user interactions and for other services"),
            },
            {
                "section": "2.5",
                "title": "Synthetic data",
                "used": to_fill("Yes/No; the models that generated it"),
            },
            {
                "section": "2.6",
                "title": "Other sources of data",
                "used": to_fill("Yes/No; a narrative description"),
            },
            {
                "section": "3.1",
                "title": "Respect of reservation of rights from the text and data mining "
                "exception or limitation",
                "code_of_practice_signatory": to_fill("Yes/No"),
                "measures": measures,
                "kept": {"documents": t.kept, "bytes": t.kept_bytes},
                "excluded": {"documents": t.excluded, "bytes": t.excluded_bytes},
                "other_measures": to_fill(
                    "Measures before and during collection not seen in this run (crawl-time "
                    "robots.txt, datasets obtained from third parties)"
                ),
            },
            {
                "section": "3.2",
                "title": "Removal of illegal content",
                "measures": to_fill("General description of the measures taken"),
            },
            {
                "section": "3.3",
                "title": "Other information",
                "other": to_fill("Other relevant information about data processing (optional)"),
            },
        ],
    }


# Markdown: one rendering of any value of the data, so both files say the same.


def _is_fill(value: Any) -> bool:
    return isinstance(value, dict) and value.get("to_fill") is True


def _cell(value: Any) -> str:
    if _is_fill(value):
        return f"_to fill: {value['prompt']}_"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{100 * value:.2f}%"
    if value is None:
        return "unknown"
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value) or "none"
    return str(value).replace("|", "\\|")


def _label(key: str) -> str:
    return key.replace("_", " ")


def _render(value: Any, depth: int) -> list[str]:
    indent = "  " * depth
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        head = list(value[0])
        if all(list(v) == head for v in value) and not any(
            isinstance(x, (dict, list)) and not _is_fill(x) for v in value for x in v.values()
        ):
            return [
                "",
                "| " + " | ".join(_label(k) for k in head) + " |",
                "|" + "---|" * len(head),
                *("| " + " | ".join(_cell(v[k]) for k in head) + " |" for v in value),
                "",
            ]
        lines = []
        for item in value:
            # The item's first field names it on the bullet; the others follow beneath.
            first, *rest = item.items()
            lines.append(f"{indent}- {_label(first[0])}: {_cell(first[1])}")
            lines += _render(dict(rest), depth + 1)
        return lines
    if isinstance(value, dict) and not _is_fill(value):
        lines = []
        for key, item in value.items():
            if isinstance(item, (dict, list)) and not _is_fill(item) and _nested(item):
                lines.append(f"{indent}- {_label(key)}:")
                lines += _render(item, depth + 1)
            else:
                lines.append(f"{indent}- {_label(key)}: {_cell(item)}")
        return lines
    return [f"{indent}{_cell(value)}"]


def _nested(value: Any) -> bool:
    if isinstance(value, dict):
        return True
    return isinstance(value, list) and any(isinstance(v, dict) for v in value)


def render_markdown(data: dict[str, Any]) -> str:
    lines = [
        "# Public summary of training content: the parts this dataset answers",
        "",
        f"Sections and fields of the {data['template']}. {data['scope']} Figures are computed "
        f"from {' and '.join(f'`{name}`' for name in data['from'])} by {data['tool']} on "
        f"{data['generated']}; fields marked _to fill_ are the provider's.",
        "",
        "## Header",
        "",
        *_render(data["header"], 0),
    ]
    for section in data["sections"]:
        lines += ["", f"## {section['section']} {section['title']}", ""]
        body = {k: v for k, v in section.items() if k not in ("section", "title")}
        lines += _render(body, 0)
    text = "\n".join(lines) + "\n"
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


def write(run: RunFiles, folder: Path, options: ReportOptions) -> Sequence[Path]:
    """Write ``folder/eu_summary.json`` and ``folder/eu_summary.md``."""
    folder.mkdir(parents=True, exist_ok=True)
    data = summary_data(run, options)
    return [write_json(folder / JSON, data), write_text(folder / MARKDOWN, render_markdown(data))]
