"""The one shape every mechanism's parser reports in: what was said, about which uses, where.

A parser reads its own format into its own frozen result (with diagnostics); that result then
yields :class:`Statement` objects, the common currency the resolver combines. A statement knows
*where inside its carrier* it was said (line, rule); *which* carrier instance (URL, archive offset,
fetch date) is added by the caller as provenance, because parsers do no I/O and know no corpus.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from reciprocity._frozen import quick_init
from reciprocity.obligations import Obligation
from reciprocity.signals.diagnostics import Diagnostic
from reciprocity.uses import Stance, Use

__all__ = ["Carrier", "Mechanism", "Statement"]


class Mechanism(str, enum.Enum):
    """The preference mechanisms reciprocity reads (see DESIGN.md §2)."""

    ROBOTS = "robots.txt"
    AIPREF = "aipref"
    CC_SIGNALS = "cc-signals"
    CONTENT_SIGNALS = "content-signals"
    RSL = "rsl"
    TDMREP = "tdmrep"
    NOAI = "noai"
    AI_TXT = "ai.txt"
    MEDIA = "media-metadata"
    LICENSE = "license"

    def __str__(self) -> str:
        return self.value


class Carrier(str, enum.Enum):
    """Where in a site or a document a statement was found."""

    ROBOTS_TXT = "robots.txt"
    HTTP_HEADER = "http-header"
    HTML_META = "html-meta"
    HTML_LINK = "html-link"
    TDMREP_JSON = "tdmrep.json"
    AI_TXT = "ai.txt"
    RSL_XML = "rsl-xml"
    MEDIA = "media"

    def __str__(self) -> str:
        return self.value


@quick_init
@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of one mechanism about some uses.

    ``stances`` names only the uses the statement speaks about; any other use is ``unknown``.
    ``exceptions`` are obligations that would lift a ``deny`` if the builder commits to all
    their duties (CC signals' ``exceptions=cc-cr``, RSL terms); ``obligations`` come with an
    ``allow`` (a CC BY licence asks for attribution) and are listed whatever the stance. Both
    use the one vocabulary of :mod:`reciprocity.obligations`.
    """

    mechanism: Mechanism
    carrier: Carrier
    stances: tuple[tuple[Use, Stance], ...]
    raw: str
    """The statement as written (a header value, a robots.txt line, a meta tag's content …)."""
    line: int | None = None
    """Line (robots.txt, ai.txt, HTML), or 1-based field-line index (HTTP headers)."""
    rule: str | None = None
    """What selected this statement inside its carrier: a path pattern, a user agent, a JSON
    location, ``googlebot:`` scoping …"""
    exceptions: tuple[Obligation, ...] = ()
    obligations: tuple[Obligation, ...] = ()
    license: str | None = None
    """An SPDX id, or a licence URL when no SPDX id fits."""
    license_url: str | None = None
    """The canonical URL of the licence the statement names (a CC deed), when known."""
    note: str = ""
    diagnostics: tuple[Diagnostic, ...] = ()
    """What was repaired or ignored while reading ``raw`` (unknown keys, invalid values …)."""

    def stance(self, use: Use) -> Stance:
        for known, stance in self.stances:
            if known is use:
                return stance
        return Stance.UNKNOWN
