"""Which licences let anyone redistribute a document and train on it: the open export's rule.

The rule is one table, :data:`OPEN_LICENCES` (SPDX id -> why it is open), and one reading of
the ``LicenseRef-CC-…`` ids this project writes for Creative Commons tools the SPDX list lacks
(ports, the 1.0 tools without BY: see :mod:`reciprocity.signals.licenses`). A licence is open
when it allows copies to be shared and adaptations to be made and shared, by anyone, for any
purpose, with no condition beyond credit and share-alike. docs/export.md gives the reasoning.

SPDX expressions (``CC-BY-4.0 OR MIT``) are parsed with ``license-expression``: ``AND`` is open
only when all its parts are, ``OR`` when any one is (the recipient may choose it), and
``X WITH exception`` as ``X`` (an SPDX exception only adds permissions).
"""

from __future__ import annotations

import enum
import functools
import importlib
import re
from types import MappingProxyType
from typing import Any, Final

__all__ = ["OPEN_LICENCES", "Verdict", "verdict"]


class Verdict(enum.IntEnum):
    """What a licence means for the open export. The values rank how far a licence falls
    short, so that a document under several licences reports the furthest (the one a reader
    most needs to hear): an unknown licence may still be open, NC or ND never are."""

    OPEN = 0
    UNKNOWN = 1
    """Not in the table: its terms are not known to allow redistribution and adaptation
    (another licence, a restricted CC tool, a licence named only by its URL, no id at all)."""
    NO_DERIVATIVES = 2
    NON_COMMERCIAL = 3


_PUBLIC_DOMAIN = (
    "public domain: copyright waived (CC0) or stated to be absent (the marks); any use, "
    "no condition"
)
_BY = "attribution only: any use, including adaptations, on condition of credit"
_BY_SA = "attribution and share-alike: any use, adaptations shared under the same terms"
_SA = "share-alike without attribution (CC 1.0): any use, adaptations shared alike"
_DATA_PD = "Open Data Commons public-domain dedication: any use, no condition"
_DATA_BY = "Open Data Commons attribution licence: any use, on condition of credit"
_DATA_SA = "Open Data Commons ODbL: any use, on condition of credit and share-alike"
_CDLA = "Community Data Licence Agreement: sharing and modification allowed; results of "
_CDLA_PERMISSIVE = _CDLA + "computational use (a trained model) are not restricted"
_CDLA_SHARING = _CDLA + "computational use are not restricted; the data shared alike"

_TABLE: Final = (
    (_PUBLIC_DOMAIN, ("CC0-1.0", "CC-PDM-1.0", "CC-PDDC")),
    (_BY, ("CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-2.5-AU", "CC-BY-3.0", "CC-BY-3.0-AT",
           "CC-BY-3.0-AU", "CC-BY-3.0-DE", "CC-BY-3.0-IGO", "CC-BY-3.0-NL", "CC-BY-3.0-US",
           "CC-BY-4.0")),
    (_BY_SA, ("CC-BY-SA-1.0", "CC-BY-SA-2.0", "CC-BY-SA-2.0-UK", "CC-BY-SA-2.1-JP",
              "CC-BY-SA-2.5", "CC-BY-SA-3.0", "CC-BY-SA-3.0-AT", "CC-BY-SA-3.0-DE",
              "CC-BY-SA-3.0-IGO", "CC-BY-SA-4.0")),
    (_SA, ("CC-SA-1.0",)),
    (_DATA_PD, ("PDDL-1.0",)),
    (_DATA_BY, ("ODC-By-1.0",)),
    (_DATA_SA, ("ODbL-1.0",)),
    (_CDLA_PERMISSIVE, ("CDLA-Permissive-1.0", "CDLA-Permissive-2.0")),
    (_CDLA_SHARING, ("CDLA-Sharing-1.0",)),
)  # fmt: skip

OPEN_LICENCES: Final = MappingProxyType({ident: why for why, ids in _TABLE for ident in ids})
"""SPDX id (as the SPDX License List spells it) -> why it lets a document be redistributed
and trained on. Software licences are left out on purpose (docs/export.md)."""

_BY_KEY: Final = {ident.lower(): ident for ident in OPEN_LICENCES}
_REF: Final = "licenseref-"
# A CC tool's id: CC-<elements>-<version>[-<jurisdiction>] (signals.md §9.3).
_CC_ID: Final = re.compile(r"cc-(?P<code>[a-z+-]+?)-\d\.\d(?:-[a-z-]+)?")
# Elements that keep a CC tool open; any other (SAMPLING, SAMPLINGPLUS, DEVNATIONS) restricts
# who may use the work or how, so such a tool is not open.
_OPEN_ELEMENTS: Final = frozenset({"by", "sa"})


def _single(ident: str) -> Verdict:
    """The verdict of one licence id (a listed SPDX id or a ``LicenseRef-``)."""
    key = ident.strip().lower()
    if key in _BY_KEY:
        return Verdict.OPEN
    ref = key.startswith(_REF)
    name = key.removeprefix(_REF)
    if ref and name in _BY_KEY:  # a public-domain tool written as a LicenseRef by an older list
        return Verdict.OPEN
    found = _CC_ID.fullmatch(name)
    if found is None:
        return Verdict.UNKNOWN
    elements = frozenset(found.group("code").split("-"))
    if "nc" in elements:
        return Verdict.NON_COMMERCIAL
    if "nd" in elements:
        return Verdict.NO_DERIVATIVES
    # A port (CC-BY-SA-3.0-FR) keeps its tool's terms in another jurisdiction's law; the table
    # names SPDX's listed CC ids, so a listed id not in it (a future version) stays unknown.
    if ref and elements <= _OPEN_ELEMENTS:
        return Verdict.OPEN
    return Verdict.UNKNOWN


@functools.cache
def _licensing() -> Any:
    # Imported on first use, as signals.licenses does: most documents name no expression, and
    # building the SPDX symbols costs ~0.1 s.
    return importlib.import_module("license_expression").get_spdx_licensing()


def _tree(node: Any) -> Verdict:
    licensing = _licensing()
    if isinstance(node, licensing.AND):
        return max(_tree(part) for part in node.args)
    if isinstance(node, licensing.OR):
        return min(_tree(part) for part in node.args)
    symbol = getattr(node, "license_symbol", node)  # X WITH exception -> X
    return _single(str(symbol.key))


@functools.lru_cache(maxsize=4096)
def verdict(licence: str) -> Verdict:
    """The verdict on one entry of a document's licences: an SPDX id, a ``LicenseRef-``, an
    SPDX expression, or a licence URL (no id fits it: :attr:`Verdict.UNKNOWN`)."""
    text = licence.strip()
    if not text or "://" in text:
        return Verdict.UNKNOWN
    if " " not in text and "(" not in text:
        return _single(text)
    try:
        parsed = _licensing().parse(text, validate=False)
    except Exception:  # license-expression raises several kinds for text that is no expression
        return Verdict.UNKNOWN
    return Verdict.UNKNOWN if parsed is None else _tree(parsed)
