"""Licence facts: which ids are open, for which content, and why a licence falls short.

The tables are the Model Openness Tool's own: the SPDX list it ships (``licenses.json``, with the
``isOsiApproved`` / ``isFsfLibre`` flags), its overlay ``mof-licenses.json`` (content types), and
the two id lists of its ``LicenseHandler``. Matching is exact and case-sensitive, as in the MOT,
so that MOF classes agree with the tool; readers of looser formats call :func:`normalise` first.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = [
    "OPEN_DATA_LICENCES",
    "OPEN_MODEL_LICENCES",
    "LicenceInfo",
    "describe",
    "is_mot_open",
    "is_osi_approved",
    "normalise",
    "shortfall",
]

# LicenseHandler::OPEN_DATA_LICENSES at the pinned MOT commit. Kept verbatim, quirks included:
# "ODC-PDDL-1.0" is not an SPDX id, so the SPDX "PDDL-1.0" is not open for the MOT.
OPEN_DATA_LICENCES: frozenset[str] = frozenset(
    {
        "CC0-1.0",
        "CC-BY-1.0",
        "CC-BY-2.0",
        "CC-BY-2.5",
        "CC-BY-2.5-AU",
        "CC-BY-3.0",
        "CC-BY-3.0-AT",
        "CC-BY-3.0-AU",
        "CC-BY-3.0-DE",
        "CC-BY-3.0-IGO",
        "CC-BY-3.0-NL",
        "CC-BY-3.0-US",
        "CC-BY-4.0",
        "CC-BY-SA-1.0",
        "CC-BY-SA-2.0",
        "CC-BY-SA-2.0-UK",
        "CC-BY-SA-2.1-JP",
        "CC-BY-SA-2.5",
        "CC-BY-SA-3.0",
        "CC-BY-SA-3.0-AT",
        "CC-BY-SA-4.0",
        "CDLA-Permissive-1.0",
        "CDLA-Permissive-2.0",
        "CDLA-Sharing-1.0",
        "ODC-PDDL-1.0",
        "ODC-By-1.0",
        "ODbL-1.0",
        "GFDL-1.3",
        "OGL-Canada-2.0",
        "OGL-UK-2.0",
        "OGL-UK-3.0",
    }
)
# LicenseHandler::OPEN_LICENSES: licences meant for every kind of model material.
OPEN_MODEL_LICENCES: frozenset[str] = frozenset({"OpenMDW-1.0"})

# Hugging Face licence ids that are not SPDX ids but name one SPDX licence unambiguously
# (hub-docs repositories-licenses.md). Ambiguous ones ("bsd", "gpl", "cc") stay as written.
_HF_ALIASES: dict[str, str] = {
    "odc-by": "ODC-By-1.0",
    "pddl": "PDDL-1.0",
    "apache 2.0": "Apache-2.0",
    "apache license 2.0": "Apache-2.0",
}

# Families of custom model licences whose use restrictions are the reason they are not open.
_CUSTOM_FAMILIES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"llama"), "a Llama community licence: use is bound by an acceptable-use policy"),
    (re.compile(r"rail"), "a RAIL licence: it carries use-based restrictions"),
    (re.compile(r"gemma"), "the Gemma terms: use is bound by a prohibited-use policy"),
    (
        re.compile(r"non[- ]?commercial|research[- ]only|research purposes"),
        "a licence that allows non-commercial or research use only",
    ),
)


@dataclass(frozen=True, slots=True)
class LicenceInfo:
    """What the MOT's tables say about one licence id."""

    licence_id: str
    known: bool
    """The id is in the SPDX list or the MOF overlay."""
    name: str | None
    osi_approved: bool
    fsf_libre: bool
    open_data: bool
    open_model: bool
    content_types: frozenset[str]

    @property
    def mot_open(self) -> bool:
        """The MOT's ``isOpenSourceLicense``: FSF-free, open data, OSI-approved, or OpenMDW."""
        return self.fsf_libre or self.open_data or self.osi_approved or self.open_model


def _read_json(filename: str) -> Any:
    path = resources.files("reciprocity.openness").joinpath("data").joinpath(filename)
    return json.loads(path.read_text("utf-8"))


@functools.cache
def _table() -> dict[str, tuple[str, bool, bool, bool, frozenset[str]]]:
    """licence id -> (name, osi, fsf, deprecated, content types).

    The MOT imports the SPDX list, then the overlay, each entry replacing the stored one with the
    same id, flags included; an overlay id listed twice (CC0-1.0, CC-PDDC) keeps its last type.
    """
    table: dict[str, tuple[str, bool, bool, bool, frozenset[str]]] = {}
    for filename in ("licenses.json", "mof-licenses.json"):
        for entry in _read_json(filename)["licenses"]:
            kinds = entry.get("ContentType") or []
            if isinstance(kinds, str):
                kinds = [kinds]
            table[str(entry["licenseId"])] = (
                str(entry.get("name", "")),
                bool(entry.get("isOsiApproved") or False),
                bool(entry.get("isFsfLibre") or False),
                bool(entry.get("isDeprecatedLicenseId") or False),
                frozenset(str(k) for k in kinds if k),
            )
    return table


@functools.cache
def describe(licence_id: str) -> LicenceInfo:
    row = _table().get(licence_id)
    name, osi, fsf, _deprecated, kinds = row if row else (None, False, False, False, frozenset())
    return LicenceInfo(
        licence_id=licence_id,
        known=row is not None,
        name=name,
        osi_approved=osi,
        fsf_libre=fsf,
        open_data=licence_id in OPEN_DATA_LICENCES,
        open_model=licence_id in OPEN_MODEL_LICENCES,
        content_types=kinds,
    )


def is_mot_open(licence_id: str) -> bool:
    return describe(licence_id).mot_open


def is_osi_approved(licence_id: str) -> bool:
    return describe(licence_id).osi_approved


@functools.cache
def _lookup() -> dict[str, str]:
    """Lower-cased id or full name -> SPDX id; current ids win over deprecated ones."""
    found: dict[str, str] = {}
    rows = sorted(_table().items(), key=lambda item: item[1][3])  # non-deprecated first
    for licence_id, (name, *_rest) in rows:
        found.setdefault(licence_id.lower(), licence_id)
        if name:
            found.setdefault(name.lower(), licence_id)
    for alias, licence_id in _HF_ALIASES.items():
        found.setdefault(alias, licence_id)
    return found


def normalise(raw: str) -> str | None:
    """The SPDX id that ``raw`` names unambiguously (any case, or its full SPDX name), else None."""
    return _lookup().get(" ".join(raw.split()).lower())


def shortfall(licence_id: str) -> str:
    """Why ``licence_id`` is not an open licence, in a few words for a report."""
    info = describe(licence_id)
    upper = licence_id.upper()
    if info.known:
        if "-NC" in upper:
            return f"{licence_id} allows non-commercial use only"
        if "-ND" in upper:
            return f"{licence_id} forbids derivative works"
        return f"{licence_id} is neither OSI-approved, FSF-free nor an open data licence"
    lowered = licence_id.lower()
    for pattern, reason in _CUSTOM_FAMILIES:
        if pattern.search(lowered):
            return f"{licence_id!r} is {reason}"
    hint = normalise(licence_id)
    if hint is not None:
        return f"{licence_id!r} is not an SPDX id (the MOT matches ids exactly; SPDX: {hint})"
    return f"{licence_id!r} is not an SPDX licence id: a custom licence whose terms are not checked"
