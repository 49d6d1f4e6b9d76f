"""Reading an input file, with the one clear error the CLI shows when that is not possible;
its checksum, read in blocks."""

from __future__ import annotations

import hashlib
from pathlib import Path

from reciprocity.errors import InputError

__all__ = ["read_input", "sha256_of"]


def read_input(path: str | Path, *, what: str = "a file") -> bytes:
    """The bytes of ``path``; :class:`InputError` naming the file when it cannot be read."""
    file = Path(path)
    try:
        return file.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=file) from None
    except IsADirectoryError:
        raise InputError(f"is a directory, expected {what}", path=file) from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), path=file) from None


def sha256_of(path: Path) -> str:
    """The SHA-256 of the file at ``path`` (hex), read a MiB at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
