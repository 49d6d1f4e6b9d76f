"""The exception tree of reciprocity.

Every error the package raises on purpose derives from :class:`ReciprocityError`::

    ReciprocityError
    ├── UsageError        the caller asked for something that cannot be done (bad option, bad value)
    ├── InputError        an input file is missing, unreadable or not what it claims to be
    │   └── ArchiveError  a WARC/ARC/JSONL/Parquet record cannot be read
    └── FetchError        a network fetch failed in a way the caller must hear about

Parsers never raise on bad *content*: they return diagnostics. These exceptions are for the
layers around them (files, archives, network, command line). Each class has a fixed ``slug``
and ``exit_code`` that the CLI prints and returns.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ArchiveError",
    "FetchError",
    "InputError",
    "ReciprocityError",
    "UsageError",
]


class ReciprocityError(Exception):
    """Base of every error reciprocity raises on purpose."""

    slug = "error"
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(ReciprocityError):
    """The request cannot be carried out as given (unknown option value, conflicting flags)."""

    slug = "usage"
    exit_code = 2


class InputError(ReciprocityError):
    """An input file is missing, unreadable, or malformed beyond repair."""

    slug = "input"
    exit_code = 3

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        offset: int | None = None,
        line: int | None = None,
    ) -> None:
        self.path = None if path is None else str(path)
        self.offset = offset
        self.line = line
        where = []
        if self.path is not None:
            where.append(self.path)
        if line is not None:
            where.append(f"line {line}")
        if offset is not None:
            where.append(f"offset {offset}")
        super().__init__(f"{':'.join(where)}: {message}" if where else message)


class ArchiveError(InputError):
    """A record of an archive or dataset cannot be read."""

    slug = "archive"


class FetchError(ReciprocityError):
    """A network fetch failed (after retries) in a way that is not a robots.txt access rule."""

    slug = "fetch"
    exit_code = 4

    def __init__(self, message: str, *, url: str | None = None) -> None:
        self.url = url
        super().__init__(f"{url}: {message}" if url else message)
