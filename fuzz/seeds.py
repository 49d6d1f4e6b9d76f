"""Seed inputs for the fuzz targets: the repository's real corpora and the spec examples its
tests already hold, gathered by code (nothing is copied into ``fuzz/``)."""

from __future__ import annotations

import ast
import base64
import gzip
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from reciprocity.corpus.readers import read_documents

__all__ = [
    "CORPORA",
    "ROOT",
    "SHARED",
    "constants",
    "google_robots",
    "hostile_warcs",
    "protego_robots",
    "sf_raw_values",
    "warc_payloads",
    "warc_samples",
]

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPORA = ROOT / ".cache" / "corpora"

sys.path.append(str(ROOT / "benchmarks"))
import hostile_corpus  # noqa: E402  (shared with the tests and the benchmark)


def constants(test_module: str, keep: Callable[[bytes], bool] = bool) -> Iterator[bytes]:
    """The string and bytes literals of ``tests/<test_module>`` that ``keep`` accepts: the spec
    examples and edge cases the tests were written around."""
    path = ROOT / "tests" / test_module
    if not path.exists():
        return
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            value = node.value
            data = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value
            if keep(data):
                yield data


def protego_robots(step: int = 10) -> Iterator[bytes]:
    """Every ``step``-th real robots.txt of the protego corpus (``scripts/bootstrap.py --test``)."""
    folders = sorted(CORPORA.glob("protego-*/tests/test_data"))
    for folder in folders[:1]:
        for path in sorted(folder.iterdir())[::step]:
            if path.is_file():
                yield path.read_bytes()[: 64 << 10]


def google_robots() -> Iterator[bytes]:
    """The robots.txt bodies of Google's conformance vectors."""
    path = SHARED / "data" / "robots" / "google_conformance.jsonl"
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        yield base64.b64decode(case["robots_txt_b64"]) + b"\0\1" + case["url"].encode()


def sf_raw_values() -> Iterator[bytes]:
    """The field values of the Structured Field test suite (RFC 9651)."""
    for path in sorted((SHARED / "data" / "structured-field-tests").glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            raw = case.get("raw")
            if isinstance(raw, list):
                yield "\n".join(str(v) for v in raw).encode("utf-8", "replace")


def warc_samples(max_size: int = 64 << 10) -> Iterator[bytes]:
    """The real WARC samples small enough to fuzz whole (gzipped as shipped, and inflated)."""
    for path in sorted((SHARED / "data" / "warc").glob("*.warc.gz")):
        data = path.read_bytes()
        if len(data) <= max_size:
            yield data
            yield gzip.decompress(data)[: max_size * 4]


def warc_payloads(limit: int = 200) -> Iterator[tuple[tuple[tuple[str, str], ...], bytes]]:
    """(HTTP headers, body) of the responses in the real WARC samples."""
    count = 0
    for path in sorted((SHARED / "data" / "warc").glob("*.warc.gz")):
        for document in read_documents(path):
            if document.body is not None and count < limit:
                count += 1
                yield document.headers, document.body[: 128 << 10]


def hostile_warcs() -> Iterator[tuple[bool, bytes]]:
    """(gzipped, data) of WARC files mixing good records with every hostile record kind."""
    for gzipped in (False, True):
        yield gzipped, hostile_corpus.mixed_warc(gzipped=gzipped).data
