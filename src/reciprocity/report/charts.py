"""The charts of the report's web pages: Vega-Lite specifications drawn to SVG when the report
is written, so that a page needs no script, font or network when it is read.

The specifications are plain Vega-Lite dictionaries drawn by ``vl-convert-python`` (the Vega
project's own renderer, one wheel with no dependencies): altair would only build the same
dictionaries through a schema-validating API and bring jsonschema and narwhals with it. Each
chart is drawn from the page's JSON, the same figures its tables state, and carries a text
alternative that says them in words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import vl_convert

__all__ = ["COLOURS", "Chart", "bars", "draw"]

# Okabe and Ito's palette, told apart by people with any common colour-vision deficiency.
COLOURS: Final[Mapping[str, str]] = {
    "allow": "#009E73",
    "kept": "#009E73",
    "deny": "#D55E00",
    "not kept": "#D55E00",
    "unknown": "#999999",
    "unavailable": "#E69F00",
    "accepted": "#0072B2",
    "with allow": "#56B4E9",
}
_BAR: Final = "#0072B2"
_WIDTH: Final = 480
_SCHEMA: Final = "https://vega.github.io/schema/vega-lite/v5.json"


@dataclass(frozen=True, slots=True)
class Chart:
    """One drawn chart: its SVG and the sentence that says what it shows."""

    name: str
    title: str
    alt: str
    svg: str


def bars(
    values: Sequence[Mapping[str, Any]],
    *,
    category: str,
    measure: str,
    part: str | None = None,
    parts: Sequence[str] = (),
    vertical: bool = False,
    axis: str = "documents",
) -> dict[str, Any]:
    """A bar chart of ``measure`` per ``category``, stacked by ``part`` (in the order
    ``parts``, coloured by :data:`COLOURS`) when given; categories in the order given."""
    order = list(dict.fromkeys(str(v[category]) for v in values))
    band = {
        "field": category,
        "type": "nominal",
        "sort": order,
        "title": None,
        "axis": {"labelLimit": 220, "labelAngle": -45 if vertical else 0},
    }
    # Documents are whole: no tick between two of them; bytes in SI steps (12k, 3.4M).
    ticks: dict[str, Any] = (
        {"format": "~s"} if axis == "bytes" else {"format": ",d", "tickMinStep": 1}
    )
    if axis != "bytes":
        totals: dict[str, float] = {}
        for v in values:
            totals[str(v[category])] = totals.get(str(v[category]), 0) + float(v[measure] or 0)
        largest = int(max(totals.values(), default=0))
        if largest <= 10:
            # Vega places ticks at halves on short scales (whatever tickMinStep says), which
            # ",d" prints twice over (0 1 1 2 2): the whole numbers are given instead.
            ticks["values"] = list(range(largest + 1))
    amount = {
        "field": measure,
        "type": "quantitative",
        "title": axis,
        "stack": "zero",
        "axis": ticks,
    }
    encoding: dict[str, Any] = {"x": band, "y": amount} if vertical else {"y": band, "x": amount}
    if part is not None:
        encoding["color"] = {
            "field": part,
            "type": "nominal",
            "sort": list(parts),
            "scale": {"domain": list(parts), "range": [COLOURS[p] for p in parts]},
            "legend": {"orient": "bottom", "title": None},
        }
        encoding["order"] = {"field": "_order", "type": "quantitative"}
    mark = {"type": "bar", **({} if part is not None else {"color": _BAR})}
    rows = [{**v, "_order": list(parts).index(v[part]) if part is not None else 0} for v in values]
    # Vertical bars (a timeline) narrow as they multiply; the chart keeps about its width.
    step = max(4, min(40, _WIDTH // max(1, len(order))))
    size = {"width": {"step": step}} if vertical else {"width": _WIDTH, "height": {"step": 22}}
    return {
        "$schema": _SCHEMA,
        "data": {"values": rows},
        "mark": mark,
        "encoding": encoding,
        **size,
        "config": {"font": "sans-serif", "view": {"stroke": None}},
    }


def draw(name: str, title: str, alt: str, spec: Mapping[str, Any]) -> Chart:
    """The chart ``spec`` drawn to SVG, hidden from assistive technology: the page labels the
    figure with ``alt`` and states its figures in a table beside it."""
    svg = vl_convert.vegalite_to_svg(dict(spec))
    # The page gives the figure its text alternative; the SVG's own marks would repeat it.
    svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    return Chart(name, title, alt, svg)
