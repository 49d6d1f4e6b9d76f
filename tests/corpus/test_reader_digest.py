"""Every field of every document the WARC reader gives for the real samples, pinned by digest.

The digests were taken before the reader was made faster (issue 14), so that a change to how
records are read shows here as soon as any field of any document differs: url, offset, record
id, date, status, headers (order, case, repeats), content type, body, payload digest, length,
error. A deliberate change to what the reader gives updates the table, with the reason in the
commit (print the new values with ``python tests/corpus/test_reader_digest.py``).
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from conftest import SHARED, require

from reciprocity.corpus.document import Document
from reciprocity.corpus.readers import read_documents
from reciprocity.corpus.samples import sample_corpus

WARC = SHARED / "data" / "warc"

# The documents' fields (see _digest) of each file of shared/data/warc and of the bundled robots
# snapshot; "plain": the file decompressed into an uncompressed WARC (the other framing path).
DIGESTS = {
    "cc-main-2020-34.resiliparse-warcfile": "d8599b1b8b7e4287a2c41d81c91f784a",
    "cc-main-2020-34.resiliparse-warcfile (plain)": "d4515006125584324581682c74a0253d",
    "cc-main-2024-22.whirlwind": "70c596c548cae0e20081e77378cc7ef9",
    "cc-main-2024-22.whirlwind (plain)": "30d7710569a41bf63fe7eb09efddf9de",
    "clueweb09-warc018.resiliparse-clueweb-quirk": "991e0c60c784a996448ab344faba7e4b",
    "clueweb09-warc018.resiliparse-clueweb-quirk (plain)": "fdca7fb6b672e89d6b165e492c1186c4",
    "webrecorder.warcio-example": "410b60171705ad9d7f5be005d91dc9e2",
    "webrecorder.warcio-example (plain)": "4419c8e02a234a8c6ea5fe6a3607f76a",
    "wget.dolma-sample-0000": "6f0d8839fe346ad6854a1d9291f4c2d6",
    "wget.dolma-sample-0000 (plain)": "776e3372ef4b6c6e2a18b666c1f6d37c",
    "wget.dolma-sample-0001": "d16703982cec5e16e6b8d35e653e3c5d",
    "wget.dolma-sample-0001 (plain)": "364cb7fa5c10f4d62a7c5529f223a115",
    "robots-snapshot": "a729d0e9c45a6cb015ae98520d98d092",
    "robots-snapshot (plain)": "3f54f13c0bc34e067cf00b11a8c71982",
}


def _field(value: object) -> bytes:
    """One field, typed and length-prefixed, so that no two different values encode alike."""
    if value is None:
        return b"N"
    if isinstance(value, bool):
        return b"B1" if value else b"B0"
    if isinstance(value, int):
        return b"I" + str(value).encode() + b";"
    if isinstance(value, bytes):
        return b"Y" + str(len(value)).encode() + b":" + value
    if isinstance(value, str):
        raw = value.encode("utf-8", "surrogatepass")
        return b"S" + str(len(raw)).encode() + b":" + raw
    if isinstance(value, datetime):
        return b"D" + _field(value.isoformat()) + _field(str(value.tzinfo))
    if isinstance(value, tuple):
        return b"T" + str(len(value)).encode() + b"(" + b"".join(map(_field, value)) + b")"
    raise TypeError(f"no encoding for {type(value).__name__}")


def _digest(documents: Iterable[Document], source: str) -> str:
    digest = hashlib.sha256()
    for document in documents:
        assert document.source == source
        for field in dataclasses.fields(document):
            if field.name != "source":  # the path, which differs between machines
                digest.update(_field(field.name) + _field(getattr(document, field.name)))
    return digest.hexdigest()[:32]


def _inputs(folder: Path) -> dict[str, Path]:
    """Each real sample as stored, and decompressed into a plain WARC."""
    stored = [*sorted(WARC.glob("*.warc.gz")), *sample_corpus().robots]
    paths: dict[str, Path] = {}
    for path in stored:
        name = path.name.removesuffix(".warc.gz")
        plain = folder / f"{name}.warc"
        plain.write_bytes(gzip.decompress(path.read_bytes()))
        paths[name] = path
        paths[f"{name} (plain)"] = plain
    return paths


def _digests(folder: Path) -> dict[str, str]:
    return {
        name: _digest(read_documents(path), str(path)) for name, path in _inputs(folder).items()
    }


def test_reader_documents_unchanged(tmp_path: Path) -> None:
    require(WARC, "WARC samples")
    assert _digests(tmp_path) == DIGESTS


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as out:
        for key, value in _digests(Path(out)).items():
            print(f'    "{key}": "{value}",')
    sys.exit(0)
