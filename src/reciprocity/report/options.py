"""What every output of a report is written with: its date, the builder's size class, the tool."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from reciprocity._version import __version__

__all__ = ["ReportOptions"]


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """Options shared by the report's outputs."""

    generated: datetime = field(default_factory=_now)
    """The report's own date, written into each document (tests fix it)."""
    sme: bool = False
    """The builder is a small or medium enterprise: the EU summary lists the top 5% of domains
    by content size (at most 1,000) instead of the top 10% (docs/eu-summary.md)."""
    tool: str = f"reciprocity {__version__}"
    """What wrote the documents, as they name it."""
