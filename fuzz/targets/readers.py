"""The corpus readers (WARC plain and gzipped, ARC, JSON lines), as ``reciprocity audit``
reads a file: the first byte picks the file name's suffix, the rest is the file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from fuzz.seeds import hostile_warcs, warc_samples
from reciprocity.corpus.readers import read_documents
from reciprocity.errors import InputError

SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz", ".jsonl", ".jsonl.gz", ".warc.zst", ".json")
# One file rewritten for every input, in memory where the system has a tmpfs.
_SHM = "/dev/shm" if os.path.isdir("/dev/shm") else None
_FOLDER = Path(tempfile.mkdtemp(prefix="fuzz-readers-", dir=_SHM))


def seeds() -> Iterator[bytes]:
    for data in warc_samples():
        yield bytes([0 if data.startswith(b"WARC") else 1]) + data
    for gzipped, data in hostile_warcs():
        yield bytes([int(gzipped)]) + data
    yield bytes([4]) + b'{"url": "https://example.com/", "text": "hello"}\n{"url": 3}\n'


def one_input(data: bytes) -> None:
    if not data:
        return
    path = _FOLDER / ("input" + SUFFIXES[data[0] % len(SUFFIXES)])
    path.write_bytes(data[1:])
    try:
        for document in read_documents(path):
            assert document.offset >= 0
    except InputError:
        pass  # a file of no known format: refused with a clear message, as intended
