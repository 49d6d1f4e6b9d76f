"""Writing a report's files whole or not at all."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic", "atomic_path", "write_json", "write_text"]


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary name beside ``path`` to write it under (by another library): renamed into
    place when the block ends without an exception, removed otherwise."""
    temporary = path.with_name(f".{path.name}.partial")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """A file to write ``path`` through, whole or not at all (see :func:`atomic_path`)."""
    with (
        atomic_path(path) as temporary,
        open(temporary, mode, encoding=None if "b" in mode else "utf-8", newline="") as fh,
    ):
        yield fh


def write_text(path: Path, text: str) -> Path:
    with atomic(path) as fh:
        fh.write(text)
    return path


def write_json(path: Path, data: Any) -> Path:
    """``data`` as indented JSON with a final newline, keys in the order given (readable diffs)."""
    return write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
