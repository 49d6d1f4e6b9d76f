"""The small real sample corpus shipped with reciprocity, for the first audit and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import as_file, files
from pathlib import Path

__all__ = ["Sample", "sample_corpus"]

_INPUTS = (
    "cc-main-2020-34.resiliparse-warcfile.warc.gz",
    "cc-main-2024-22.whirlwind.warc.gz",
    "wget.dolma-sample-0001.warc.gz",
)
_ROBOTS = ("robots-snapshot.warc.gz",)


@dataclass(frozen=True, slots=True)
class Sample:
    inputs: tuple[Path, ...]
    robots: tuple[Path, ...]


def sample_corpus() -> Sample:
    """Paths of the sample WARCs and of their robots.txt snapshot (see samples/PROVENANCE.md)."""
    root = files("reciprocity") / "samples"
    with as_file(root) as folder:  # a real folder: the package is installed from files
        base = Path(folder)
    return Sample(tuple(base / n for n in _INPUTS), tuple(base / n for n in _ROBOTS))
