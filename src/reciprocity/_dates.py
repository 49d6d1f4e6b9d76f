"""Dates as reciprocity stores and compares them: aware, in UTC."""

from __future__ import annotations

from datetime import datetime, timezone

__all__ = ["utc"]


def utc(when: datetime) -> datetime:
    """``when`` in UTC; a naive datetime is taken to be UTC already (as WARC dates are)."""
    if when.tzinfo is None:
        return when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)
