"""One release in, every framework's verdict out."""

from __future__ import annotations

from reciprocity.openness import eu_index, mof, osaid, truly_open
from reciprocity.openness.model import Assessment, Release

__all__ = ["assess"]


def assess(release: Release) -> Assessment:
    """Assess ``release`` against the MOF, OSAID 1.0, the truly-open criteria and the EU index."""
    classes = mof.evaluate(release)
    return Assessment(
        release=release,
        mof=classes,
        osaid=osaid.evaluate(classes),
        truly_open=truly_open.evaluate(classes),
        eu_index=eu_index.score(release),
    )
