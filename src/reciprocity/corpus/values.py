"""Field values as corpora write them: header text, dates in every form, target URIs.

Shared by the corpus readers (``readers``) and the record framing (``framing``). Pure functions;
a value that cannot be read gives ``None``, never an exception.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

__all__ = ["header_text", "is_web", "parse_date", "unwrap_uri"]

_ISO_DATE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?")
_WEB = ("http://", "https://")


def header_text(raw: bytes) -> str:
    """A header name or value as text: UTF-8, else Latin-1."""
    # HTTP header values are mostly ASCII; UTF-8 is what servers send beyond it today, and
    # Latin-1 (the historic reading) decodes anything else without loss.
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def unwrap_uri(value: str | None) -> str:
    """A WARC-Target-URI without the ``<...>`` wget puts around it (WARC 1.1 writes it bare)."""
    text = (value or "").strip()
    if len(text) >= 2 and text[0] == "<" and text[-1] == ">":
        text = text[1:-1].strip()
    return text


def is_web(url: str) -> bool:
    # Lower-cased only when needed: most URLs are written in lower case already.
    return url.startswith(_WEB) or url[:8].lower().startswith(_WEB)


def parse_date(value: object) -> datetime | None:
    """An aware datetime from the date forms corpora use; ``None`` when it is not a date."""
    if isinstance(value, str):  # the common case first (no type below is also a str)
        return _date_of_text(value)
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return _from_epoch(float(value))
    if isinstance(value, bytes):
        return _date_of_text(header_text(value))
    return None


def _date_of_text(value: str) -> datetime | None:
    text = value.strip()
    if len(text) == 20 and text[19] == "Z" and text[10] == "T":
        # WARC-Date as WARC writers put it (YYYY-MM-DDThh:mm:ssZ): read by the C parser when the
        # separators are where that form has them; whatever it refuses takes the general way.
        when = _warc_form(text)
        if when is not None:
            return when
    try:
        return _parse_date_text(text)
    except (ValueError, OverflowError):
        return None


def _warc_form(text: str) -> datetime | None:
    if text[4] != "-" or text[7] != "-" or text[13] != ":" or text[16] != ":":
        return None
    try:
        # Every other character is then an ASCII digit (fromisoformat takes nothing else
        # there), which the general way reads the same; a date that does not exist raises in
        # both. (Python 3.10's fromisoformat knows no "Z": there the general way reads it.)
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _parse_date_text(text: str) -> datetime | None:
    if match := _ISO_DATE.fullmatch(text):
        year, month, day, hour, minute, second, fraction, zone = match.groups()
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            micro,
            tzinfo=_zone(zone),
        )
    if match := _COMPACT_DATE.fullmatch(text):
        # 14-digit WARC/ARC/CDX stamps (also 8 and 12 digits), always UTC.
        year, month, day, hour, minute, second = (int(p) if p else 0 for p in match.groups())
        return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return _from_epoch(float(text))
    if "," in text or text[:3].isalpha():
        when = parsedate_to_datetime(text)  # RFC 9110 HTTP-date and its obsolete forms
        return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)
    return None


def _zone(text: str | None) -> timezone:
    if text is None or text in ("Z", "z", "UTC"):
        return timezone.utc  # WARC dates are UTC; naive dates in datasets are taken as UTC too
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _from_epoch(seconds: float) -> datetime | None:
    # Datasets store POSIX time in s, ms, µs or ns; no capture is dated after the year 5000, so
    # the magnitude tells the unit.
    for _ in range(3):
        if abs(seconds) < 1e11:
            break
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None
