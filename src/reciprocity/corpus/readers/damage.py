"""Error documents: what a reader yields for bad content instead of raising."""

from __future__ import annotations

from typing import Any

from reciprocity.corpus.document import Document


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())  # pyarrow messages run over several lines
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _error(source: str, offset: int, message: str, **known: Any) -> Document:
    fields: dict[str, Any] = {"record_id": None, "url": "", "date": None}
    fields.update(known)
    return Document(source=source, offset=offset, error=message, **fields)
