"""Reading an input file, with the one clear error the CLI shows when that is not possible."""

from __future__ import annotations

from pathlib import Path

from reciprocity.errors import InputError

__all__ = ["read_input"]


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
