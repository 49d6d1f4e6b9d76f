"""``report.html`` and ``domain-NAME.html``: the run's figures as one static page each, with the
JSON they are drawn from written beside them.

A page is rendered from the very dictionary its JSON holds (:mod:`.overview`,
:mod:`.publisher`), by Jinja2 with autoescaping on: titles, URLs and statements come from
crawled pages and must stay text. It holds no script and loads nothing (its Content Security
Policy forbids both): the charts are inline SVG drawn when the report is written
(:mod:`.charts`), the style is inline, the fonts are the reader's own. Every number links to
the DuckDB query that lists its rows, shown at the end of the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import jinja2

from reciprocity.report.charts import Chart, bars, draw
from reciprocity.report.files import write_json, write_text
from reciprocity.report.options import ReportOptions
from reciprocity.report.overview import STATES, Scope, figures
from reciprocity.report.run import RunFiles

__all__ = ["HTML", "JSON", "charts", "render", "write", "write_pair"]

HTML: Final = "report.html"
JSON: Final = "report.json"

_ENVIRONMENT: Final = jinja2.Environment(
    loader=jinja2.PackageLoader("reciprocity.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def _number(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def _href(url: object) -> str | None:
    """``url`` when a reader may follow it (http and https only: a crawled ``javascript:``
    URL stays text)."""
    if not isinstance(url, str):
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


_ENVIRONMENT.filters["n"] = _number
_ENVIRONMENT.filters["href"] = _href


class _Queries:
    """The queries a page shows, each once, numbered in the order the page first links them."""

    def __init__(self) -> None:
        self.listed: dict[str, str] = {}

    def __call__(self, sql: str) -> str:
        return self.listed.setdefault(sql, f"q{len(self.listed) + 1}")


def _words(pairs: Sequence[tuple[str, int]]) -> str:
    return "; ".join(f"{name}: {value:,}" for name, value in pairs) or "nothing"


def charts(data: Mapping[str, Any]) -> dict[str, Chart]:
    """The charts of a page, drawn from its data; a chart with nothing to draw is left out."""
    drawn: dict[str, Chart] = {}

    def add(name: str, title: str, alt: str, values: list[dict[str, Any]], **kw: Any) -> None:
        if any(v["value"] for v in values):
            drawn[name] = draw(name, title, alt, bars(values, measure="value", **kw))

    uses = [
        {"use": u["use"], "state": s, "value": u["states"][s]["documents"]}
        for u in data["uses"]
        for s in STATES
    ]
    add(
        "uses",
        "Documents per use and decision",
        "Documents per use and decision. "
        + ". ".join(
            f"{u['use']}: " + _words([(s, u["states"][s]["documents"]) for s in STATES])
            for u in data["uses"]
        ),
        uses,
        category="use",
        part="state",
        parts=STATES,
    )
    excluded = [{"reason": e["reason"], "value": e["documents"]} for e in data["exclusions"]]
    add(
        "exclusions",
        "Documents not kept, by what excluded them",
        "Documents not kept, by what excluded them: "
        + _words([(e["reason"], e["value"]) for e in excluded]),
        excluded,
        category="reason",
    )
    timeline = data["timeline"]
    over_time = [
        {"start": b["start"], "decision": d, "value": b[k]["documents"]}
        for b in timeline["buckets"]
        for d, k in (("kept", "kept"), ("not kept", "excluded"))
    ]
    add(
        "timeline",
        f"Documents kept and not kept, per {timeline['unit']} of capture",
        f"Documents kept and not kept, per {timeline['unit']} of capture: "
        + "; ".join(
            f"{b['start']}: {b['kept']['documents']:,} kept, {b['excluded']['documents']:,} not"
            for b in timeline["buckets"]
        ),
        over_time,
        category="start",
        part="decision",
        parts=("kept", "not kept"),
        vertical=True,
    )
    if "domains" in data:
        measure = data["domains"]["measure"]
        sites = data["domains"]["listed"]
        add(
            "domains",
            f"The sites with the most {measure}, kept and not kept",
            f"The {len(sites)} sites with the most {measure}: "
            + "; ".join(
                f"{d['domain'] or '(no host)'}: {d['kept'][measure] or 0:,} kept, "
                f"{d['excluded'][measure] or 0:,} not"
                for d in sites
            ),
            [
                {"domain": d["domain"] or "(no host)", "decision": h, "value": d[k][measure] or 0}
                for d in sites
                for h, k in (("kept", "kept"), ("not kept", "excluded"))
            ],
            category="domain",
            part="decision",
            parts=("kept", "not kept"),
            axis=measure,
        )
    licences = data["licences"]
    named = [{"licence": c["licence"], "value": c["documents"]} for c in licences["listed"]]
    named.append({"licence": "(none named)", "value": licences["unlicensed"]["documents"]})
    add(
        "licences",
        "Kept documents by the licence they name",
        "Kept documents by the licence they name: "
        + _words([(c["licence"], c["value"]) for c in named]),
        named,
        category="licence",
    )
    pairs = [
        {
            "pair": f"{c['use']}: {c['deny']} denies, {c['allow']} allows",
            "decision": d,
            "value": c["kept"]["documents"]
            if d == "kept"
            else c["documents"]["documents"] - c["kept"]["documents"],
        }
        for c in data["conflicts"]
        for d in ("kept", "not kept")
    ]
    add(
        "conflicts",
        "Documents on which two mechanisms disagree",
        "Documents on which two mechanisms disagree: "
        + "; ".join(
            f"{c['use']}, {c['deny']} denies and {c['allow']} allows: "
            f"{c['documents']['documents']:,} ({c['kept']['documents']:,} kept)"
            for c in data["conflicts"]
        ),
        pairs,
        category="pair",
        part="decision",
        parts=("kept", "not kept"),
    )
    duties = data["obligations"]["by_kind"]
    add(
        "obligations",
        "Kept documents per obligation, by how the run took it on",
        "Kept documents per obligation: "
        + "; ".join(
            f"{o['kind']}: {o['accepted']['documents']:,} accepted, "
            f"{o['with_allow']['documents']:,} with the allow"
            for o in duties
        ),
        [
            {"kind": o["kind"], "how": how, "value": o[key]["documents"]}
            for o in duties
            for how, key in (("accepted", "accepted"), ("with allow", "with_allow"))
        ],
        category="kind",
        part="how",
        parts=("accepted", "with allow"),
    )
    return drawn


def render(data: Mapping[str, Any], template: str, json_name: str) -> str:
    """The page of ``data`` (a run's or a site's figures), whose JSON is ``json_name``."""
    queries = _Queries()
    return _ENVIRONMENT.get_template(template).render(
        data=data,
        charts=charts(data),
        states=STATES,
        json_name=json_name,
        query=queries,
        queries=queries.listed,
    )


def write_pair(html: Path, json_path: Path, data: Mapping[str, Any], template: str) -> list[Path]:
    """Write ``data`` as JSON and as the page ``template`` renders, the JSON first."""
    page = render(data, template, json_path.name)
    return [write_json(json_path, data), write_text(html, page)]


def write(run: RunFiles, folder: Path, options: ReportOptions) -> Sequence[Path]:
    """Write ``folder/report.json`` and ``folder/report.html``."""
    scope = Scope()
    with run.query() as db:
        data = figures(db, run, options, scope)
    return write_pair(folder / HTML, folder / JSON, data, "report.html.j2")
