"""The obligations a use comes with or can be earned by: one vocabulary, beside the uses.

Mechanisms name the same duty in their own words (CC signals ``cc-cr`` "credit", a CC licence's
BY element, RSL's ``attribution`` payment): each word maps here, once, to a :class:`Duty`. A duty
that needs a parameter (where to obtain a licence, which payment) carries it as a field of its
:class:`Obligation`, never packed into a string. Like ``uses``, this module is a bottom floor: it
imports nothing of reciprocity but the frozen-dataclass helper.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from reciprocity._frozen import quick_init

__all__ = [
    "DUTIES",
    "SPEC_VERSIONS",
    "Duty",
    "DutyInfo",
    "Obligation",
    "parse_duties",
    "parse_duty",
]


class Duty(str, enum.Enum):
    """A kind of obligation, whatever the mechanism that asks for it calls it."""

    ATTRIBUTION = "attribution"
    SHARE_ALIKE = "share-alike"
    NON_COMMERCIAL = "non-commercial"
    NO_DERIVATIVES = "no-derivatives"
    DIRECT_CONTRIBUTION = "direct-contribution"
    ECOSYSTEM_CONTRIBUTION = "ecosystem-contribution"
    OPEN = "open"
    PAYMENT = "payment"
    LICENCE = "licence-or-policy"
    REPORTING = "reporting"
    REUSE = "reuse"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class DutyInfo:
    """What a duty asks of a builder, the words that name it, and the specs it comes from."""

    meaning: str
    aliases: tuple[str, ...]
    """Other names accepted for it on the command line and in the API (``credit``)."""
    sources: tuple[str, ...]
    """Mechanism and spec section of each word that maps to it."""


SPEC_VERSIONS: Final = {
    "cc-signals": "CC signals 0.1 (creativecommons/cc-signals, 2025-06): the four signals",
    "cc-licences": "CC legal code 4.0 §3 (and the same elements of 1.0-3.0)",
    "rsl": "RSL-SPEC-1.0 (Recommendation 2025-11-06, errata to 2026-08-07): §3.7 payment "
    "types, §3.9 reporting, §3.3 licence server",
    "tdmrep": "W3C TDMRep Community Group Final Report, 2024-05-10: tdm-policy",
    "iptc": "IPTC Photo Metadata Standard 2023.1 (2023-10-04), PLUS LDF Data Mining vocabulary; "
    "IPTC Video Metadata Hub 1.5: DMI-PROHIBITED-SEE*",
    "cawg": "CAWG Training and Data Mining Assertion 1.1 (DIF ratified 2025-05-16); C2PA 1.4 "
    "c2pa.training-mining read as its predecessor: constrained",
    "content-signals": "Cloudflare Content Signals Policy (contentsignals.org, 2025-09; use= "
    "2026-07): use=",
}
"""The version of each vocabulary whose words map to duties here: the mechanism module's own
version string, then the part of the spec those words come from. The first word of every
:attr:`DutyInfo.sources` entry is a key of this table."""

DUTIES: Final[dict[Duty, DutyInfo]] = {
    Duty.ATTRIBUTION: DutyInfo(
        "credit the source (author, title, link) and keep its licence notice",
        ("credit", "by", "cc-cr"),
        (
            "cc-signals cc-cr (Credit)",
            "cc-licences BY element",
            "rsl payment type attribution",
        ),
    ),
    Duty.SHARE_ALIKE: DutyInfo(
        "share adaptations under the same or a compatible licence",
        ("sa",),
        ("cc-licences SA element",),
    ),
    Duty.NON_COMMERCIAL: DutyInfo(
        "no use primarily intended for commercial advantage",
        ("nc",),
        ("cc-licences NC element",),
    ),
    Duty.NO_DERIVATIVES: DutyInfo(
        "share no adapted material", ("nd",), ("cc-licences ND element",)
    ),
    Duty.DIRECT_CONTRIBUTION: DutyInfo(
        "give monetary or in-kind support to the party who declared the preference",
        ("dc", "cc-dc", "contribution"),
        ("cc-signals cc-cr-dc (Direct Contribution)", "rsl payment type contribution"),
    ),
    Duty.ECOSYSTEM_CONTRIBUTION: DutyInfo(
        "give monetary or in-kind support to the commons the content comes from",
        ("ec", "cc-ec"),
        ("cc-signals cc-cr-ec (Ecosystem Contribution)",),
    ),
    Duty.OPEN: DutyInfo(
        "release the model openly (weights and what is needed to use them)",
        ("op", "cc-op"),
        ("cc-signals cc-cr-op (Open)",),
    ),
    Duty.PAYMENT: DutyInfo(
        "pay the rights holder (the kind of payment is the detail)",
        ("pay",),
        (
            "rsl payment types purchase, subscription, training, crawl, use (and any other "
            "type, such as the RSL Collective's royalty: rights are never expanded)",
        ),
    ),
    Duty.LICENCE: DutyInfo(
        "obtain a licence on the terms found at the URL (or in the named field)",
        ("licence", "license", "license-or-policy", "policy", "tdm-policy", "licence-server"),
        (
            "tdmrep tdm-policy",
            "rsl <content server> licence server",
            "iptc DMI-PROHIBITED-SEE* (the terms are in another field)",
            "cawg constrained (the terms are its constraint_info)",
        ),
    ),
    Duty.REPORTING: DutyInfo(
        "report use back to the rights holder (the kind of report is the detail)",
        ("report",),
        ("rsl <reporting type> telemetry, provenance, audit (url: its profile)",),
    ),
    Duty.REUSE: DutyInfo(
        "keep to the stated reuse level (the level is the detail)",
        ("use",),
        ("content-signals use=",),
    ),
}
"""Every duty, with its meaning, aliases and sources."""

_NAMES: Final[dict[str, Duty]] = {
    **{alias: duty for duty, info in DUTIES.items() for alias in info.aliases},
    **{duty.value: duty for duty in Duty},
}


def parse_duty(text: str) -> Duty:
    """The :class:`Duty` that ``text`` names (its value or an alias, case-insensitive, ``_``
    for ``-``, ``licence``/``license`` alike). Raises ``ValueError`` naming the accepted values."""
    if isinstance(text, Duty):
        return text
    key = text.strip().lower().replace("_", "-")
    found = _NAMES.get(key)
    if found is None:
        accepted = ", ".join(d.value for d in Duty)
        raise ValueError(
            f"unknown obligation {text!r}; expected one of: {accepted} (or an alias such as credit)"
        )
    return found


def parse_duties(names: str | Iterable[str | Duty]) -> frozenset[Duty]:
    """The duties named by ``names``: a comma-separated string (as ``--accept credit,open``
    gives it) or an iterable of names and duties, each read by :func:`parse_duty`; empty names
    are skipped."""
    if isinstance(names, frozenset) and all(isinstance(name, Duty) for name in names):
        return names  # already read: resolve gets what evaluate read
    if isinstance(names, str):
        # A Duty is a str too: it is one name, never a list of them.
        names = (names,) if isinstance(names, Duty) else names.split(",")
    return frozenset(parse_duty(name) for name in names if name.strip())


@quick_init
@dataclass(frozen=True, slots=True)
class Obligation:
    """One obligation: its duty, and the parameters that make it concrete.

    ``url`` is where its terms are (the licence a CC element belongs to, a TDMRep policy, an
    RSL licence server); ``detail`` is what the duty's own vocabulary says more (the payment
    type, the report type, the reuse level, the metadata field that holds the terms).
    """

    duty: Duty
    url: str | None = None
    detail: str | None = None

    def __str__(self) -> str:
        text = self.duty.value
        if self.detail:
            text += f" ({self.detail})"
        if self.url:
            text += f" <{self.url}>"
        return text

    def to_dict(self) -> dict[str, str | None]:
        """The record the audit's table and every JSON output write: kind, url, detail."""
        return {"kind": self.duty.value, "url": self.url, "detail": self.detail}
