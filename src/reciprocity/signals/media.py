"""Preferences embedded in media files: IPTC ``plus:DataMining`` (XMP) and CAWG training-mining.

Two vocabularies travel inside images (and video, audio, PDF) rather than beside them:

* **IPTC Photo Metadata Standard 2023.1** (approved 2023-10-04; the same XMP property is in IPTC
  Video Metadata Hub 1.5) adopted the PLUS Coalition's *Data Mining* property:
  ``plus:DataMining`` in the namespace ``http://ns.useplus.org/ldf/xmp/1.0/``, whose value is one
  URI of the PLUS Data Mining vocabulary (``http://ns.useplus.org/ldf/vocab/DMI-…``), with the
  companion ``plus:OtherConstraints`` (human-readable text). :func:`parse_iptc_data_mining` reads
  it from an XMP packet; :func:`read_xmp` finds the packet in a file.
* **CAWG Training and Data Mining assertion 1.1** (DIF ratified 2025-05-16), an assertion
  labelled ``cawg.training-mining`` inside a C2PA manifest, with entries
  ``cawg.ai_generative_training``, ``cawg.ai_training``, ``cawg.ai_inference`` and
  ``cawg.data_mining`` whose ``use`` is ``allowed``, ``notAllowed`` or ``constrained``.
  :func:`parse_cawg_training_mining` reads the assertion's JSON. Reading it from a file takes
  the optional ``c2pa-python`` package (``pip install 'reciprocity[media]'``), which also
  checks the manifest's signature and hashes; without it a file that carries a manifest yields
  a statement without stances that says so.

:func:`read_media` reads both from a file's bytes (:func:`media_statements` returns only the
statements). Where the XMP packet is looked for:

* JPEG: the APP1 segment ``http://ns.adobe.com/xap/1.0/\\0`` (the standard packet; Extended XMP
  segments are not reassembled: they hold what did not fit in 64 KiB, not the rights fields);
* PNG: the ``iTXt`` chunk ``XML:com.adobe.xmp`` (compressed or not; ``tEXt``/``zTXt`` with that
  keyword too, with a diagnostic);
* WebP: the ``XMP `` RIFF chunk; TIFF (and DNG and other TIFF-based raws): tag 700 of IFD0;
* anything else (GIF, PDF, MP4/HEIF, SVG …): the first ``<?xpacket begin`` … ``<?xpacket end``
  (or ``<x:xmpmeta>`` … ``</x:xmpmeta>``) in the bytes, which finds uncompressed packets only.

Scanning is bounded (:data:`MEDIA_SCAN_LIMIT` bytes of a file, :data:`XMP_SIZE_LIMIT` bytes of
a packet), and nothing here raises on content: damaged containers, bad CRCs, malformed XML and
bad JSON become diagnostics. XMP is parsed with the standard library's expat with DTDs and
entity declarations refused (an XMP packet has no use for either, and refusing them rules out
entity-expansion attacks).

What each value means for the uses (``train-ai``, ``ai-use``, ``search``) is one table per
vocabulary, :data:`DATA_MINING` and :data:`CAWG_VOCABULARY`, with the reason for every reading.
"""

from __future__ import annotations

import importlib
import io
import json
import re
import struct
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any, Final
from xml.parsers import expat

from reciprocity.obligations import Duty, Obligation
from reciprocity.signals.diagnostics import Diagnostic
from reciprocity.signals.statement import Carrier, Mechanism, Statement
from reciprocity.uses import Stance, Use

__all__ = [
    "C2PA_INSTALL_HINT",
    "CAWG_SIZE_LIMIT",
    "CAWG_SPEC_VERSION",
    "CAWG_VOCABULARY",
    "DATA_MINING",
    "IPTC_SPEC_VERSION",
    "MEDIA_SCAN_LIMIT",
    "PLUS_NS",
    "PLUS_VOCAB",
    "SPEC_VERSION",
    "XMP_SIZE_LIMIT",
    "CawgEntry",
    "CawgTrainingMining",
    "DataMiningValue",
    "IptcDataMining",
    "MediaMetadata",
    "Reading",
    "XmpPacket",
    "media_statements",
    "parse_cawg_training_mining",
    "parse_iptc_data_mining",
    "read_media",
    "read_xmp",
]

IPTC_SPEC_VERSION: Final = (
    "IPTC Photo Metadata Standard 2023.1 (2023-10-04), PLUS LDF Data Mining vocabulary; "
    "IPTC Video Metadata Hub 1.5"
)
CAWG_SPEC_VERSION: Final = (
    "CAWG Training and Data Mining Assertion 1.1 (DIF ratified 2025-05-16); "
    "C2PA 1.4 c2pa.training-mining read as its predecessor"
)
SPEC_VERSION: Final = f"{IPTC_SPEC_VERSION}; {CAWG_SPEC_VERSION}"

PLUS_NS: Final = "http://ns.useplus.org/ldf/xmp/1.0/"
PLUS_VOCAB: Final = "http://ns.useplus.org/ldf/vocab/"
_IPTC_EXT_NS: Final = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
_RDF_NS: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XML_NS: Final = "http://www.w3.org/XML/1998/namespace"
# Photoshop keeps the XMP of placed documents in xmpMM:Pantry: their properties are not the
# file's own (an ingredient's licence is not the composite's).
_PANTRY: Final = "http://ns.adobe.com/xap/1.0/mm/ Pantry"

MEDIA_SCAN_LIMIT: Final = 16 * 1024 * 1024
"""Bytes of a file that are examined for metadata (metadata sits near the start of a file, or
is found by following the container's own offsets within this window)."""

XMP_SIZE_LIMIT: Final = 4 * 1024 * 1024
"""Bytes of one XMP packet that are read (a JPEG's standard packet is at most 64 KiB)."""

CAWG_SIZE_LIMIT: Final = 1024 * 1024
"""Bytes of a training-mining assertion's JSON that are read."""

C2PA_INSTALL_HINT: Final = "pip install 'reciprocity[media]'"
"""The message of the diagnostic given when a C2PA manifest is present but cannot be read."""

_RAW_LIMIT: Final = 2000
_TEXT_LIMIT: Final = 500

_DENY: Final = Stance.DENY
_ALLOW: Final = Stance.ALLOW
_TRAIN: Final = Use.TRAIN_AI
_AI_USE: Final = Use.AI_USE
_SEARCH: Final = Use.SEARCH


@dataclass(frozen=True, slots=True)
class Reading:
    """What one value says about the uses, and why we read it so."""

    stances: tuple[tuple[Use, Stance], ...]
    label: str
    """The value's name in its specification (IPTC: the label ExifTool writes and accepts)."""
    reason: str
    exceptions: tuple[Obligation, ...] = ()
    """Obligations that would lift the deny: a licence on the terms of the property named."""
    draft: bool = False
    """A value of a public draft that did not make it into the final vocabulary."""
    fallback: bool = False
    """CAWG: a general entry that speaks only for the uses no specific entry speaks for."""


# -- IPTC / PLUS Data Mining: the vocabulary --------------------------------------------------

_ALL_DENY: Final = ((_TRAIN, _DENY), (_AI_USE, _DENY), (_SEARCH, _DENY))

# Each "Prohibited, see <property>" value (obligations.SPEC_VERSIONS["iptc"]) is the duty to
# obtain a licence on the terms of the property it names, the obligation's detail.
_SEE_CONSTRAINTS: Final = Obligation(Duty.LICENCE, detail="plus:OtherConstraints")
_SEE_EMBEDDED: Final = Obligation(Duty.LICENCE, detail="iptcExt:EmbdEncRightsExpr")
_SEE_LINKED: Final = Obligation(Duty.LICENCE, detail="iptcExt:LinkedEncRightsExpr")

# IPTC_SPEC_VERSION. The values' meaning comes from their labels; the property is "Data Mining",
# and the vocabulary's own value "Prohibited except for search engine indexing" shows that search
# indexing counts as data mining (it is excepted from a prohibition), as do AI/ML training and,
# by the DSM Directive's definition of TDM (automated analysis "to generate information which
# includes … patterns, trends and correlations"), using the asset as input to a model. So:
# - a prohibition that names no narrower use denies all three uses;
# - "…AI/ML training" and "…Generative AI/ML training" deny train-ai only (DESIGN.md: IPTC DMI
#   `*TRAINING` -> train-ai; train-ai follows AIPREF vocab-08, whose AI training is generative
#   training, so the generative value is the exact match and the general one covers it);
# - "see <property>" values are prohibitions whose conditions are stated elsewhere: a deny that
#   the builder can lift only by meeting what that property says (DESIGN.md §1, exceptions).
# PLUS comments that a prohibition "may or may not" bind under regional laws that permit some
# mining (research, search indexing): a legal question, not one of the vocabulary; not read here.
DATA_MINING: Final[Mapping[str, Reading]] = {
    "DMI-UNSPECIFIED": Reading(
        (),
        "Unspecified - no prohibition defined",
        "says nothing either way: every use stays unknown (kept as evidence)",
    ),
    "DMI-ALLOWED": Reading(
        ((_TRAIN, _ALLOW), (_AI_USE, _ALLOW), (_SEARCH, _ALLOW)),
        "Allowed",
        "data mining allowed: covers training, model input and search indexing",
    ),
    "DMI-PROHIBITED-AIMLTRAINING": Reading(
        ((_TRAIN, _DENY),),
        "Prohibited for AI/ML training",
        "AI/ML training prohibited (generative or not); other mining not addressed",
    ),
    "DMI-PROHIBITED-GENAIMLTRAINING": Reading(
        ((_TRAIN, _DENY),),
        "Prohibited for Generative AI/ML training",
        "generative AI/ML training prohibited (train-ai as in AIPREF vocab-08); "
        "non-generative training and other mining not addressed",
    ),
    "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING": Reading(
        ((_TRAIN, _DENY), (_AI_USE, _DENY), (_SEARCH, _ALLOW)),
        "Prohibited except for search engine indexing",
        "all data mining prohibited except search engine indexing, which is allowed",
    ),
    "DMI-PROHIBITED": Reading(
        _ALL_DENY,
        "Prohibited",
        "all data mining prohibited, search indexing included (the vocabulary has a separate "
        "value that excepts it)",
    ),
    "DMI-PROHIBITED-SEECONSTRAINT": Reading(
        _ALL_DENY,
        "Prohibited, see plus:OtherConstraints",
        "prohibited unless the constraints in plus:OtherConstraints are met",
        exceptions=(_SEE_CONSTRAINTS,),
    ),
    "DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR": Reading(
        _ALL_DENY,
        "Prohibited, see iptcExt:EmbdEncRightsExpr",
        "prohibited unless the embedded encoded rights expression is met",
        exceptions=(_SEE_EMBEDDED,),
    ),
    "DMI-PROHIBITED-SEELINKEDRIGHTSEXPR": Reading(
        _ALL_DENY,
        "Prohibited, see iptcExt:LinkedEncRightsExpr",
        "prohibited unless the linked encoded rights expression is met",
        exceptions=(_SEE_LINKED,),
    ),
    # The PLUS public draft of 2023 (published for comment with the IPTC) named values that the
    # final vocabulary replaced. Writers built against the draft may still emit them; they keep
    # the meaning the draft gave them, with a `draft-value` diagnostic.
    "DMI-ALLOWED-NOAITRAINING": Reading(
        ((_TRAIN, _DENY), (_AI_USE, _ALLOW), (_SEARCH, _ALLOW)),
        "Allowed except for AI/ML training",
        "PLUS 2023 draft: data mining allowed, AI/ML training excepted",
        draft=True,
    ),
    "DMI-ALLOWED-NOAIGENTRAINING": Reading(
        ((_TRAIN, _DENY), (_AI_USE, _ALLOW), (_SEARCH, _ALLOW)),
        "Allowed except for AI/ML generative training",
        "PLUS 2023 draft: data mining allowed, generative AI/ML training excepted",
        draft=True,
    ),
    "DMI-SEE-CONSTRAINT": Reading(
        _ALL_DENY,
        "Allowed with constraints expressed in Other Constraints property",
        "PLUS 2023 draft of DMI-PROHIBITED-SEECONSTRAINT: constrained, so not allowed unless "
        "the constraints are met",
        exceptions=(_SEE_CONSTRAINTS,),
        draft=True,
    ),
    "DMI-SEE-EMBEDDEDRIGHTSEXPR": Reading(
        _ALL_DENY,
        "Allowed with constraints expressed in IPTC Embedded Encoded Rights Expression property",
        "PLUS 2023 draft of DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR",
        exceptions=(_SEE_EMBEDDED,),
        draft=True,
    ),
    "DMI-SEE-LINKEDRIGHTSEXPR": Reading(
        _ALL_DENY,
        "Allowed with constraints expressed in IPTC Linked Encoded Rights Expression property",
        "PLUS 2023 draft of DMI-PROHIBITED-SEELINKEDRIGHTSEXPR",
        exceptions=(_SEE_LINKED,),
        draft=True,
    ),
}
"""PLUS Data Mining vocabulary term (last segment of the URI, upper case) -> its reading."""

# ExifTool's labels, which its users type and some tools write into files instead of the URI.
# Matched as written (en dash or hyphen, any run of spaces) but case-sensitively: a lower-case
# `allowed` is one of the invalid values seen in the wild, and an invalid value never allows.
_LABELS: Final = {re.sub(r"\s+", " ", reading.label): key for key, reading in DATA_MINING.items()}


# -- CAWG training-mining: the vocabulary -----------------------------------------------------

_CAWG_USES: Final = ("allowed", "notAllowed", "constrained")

# CAWG_SPEC_VERSION, "Assertion definition". `constrained` "shall be treated as equivalent to
# notAllowed" in the absence of additional information; the constraint is kept as the exception
# that would lift the deny (a licence on the terms of its constraint_info, the obligation's
# detail), since the spec invites the consumer to obtain permission on those terms.
# - cawg.ai_generative_training is train-ai exactly (AIPREF vocab-08's AI training is generative).
# - cawg.ai_training is *non-generative* training. Its refusal is read as a train-ai deny: a
#   publisher who refuses classifiers refuses the use CAWG itself calls more consequential. Its
#   permission is not read as a train-ai allow: it says nothing about generative training, and
#   missing information is never read as an allow.
# - cawg.ai_inference is ai-use.
# - cawg.data_mining is TDM in general ("patterns, trends, and correlations"), which covers
#   training and model input (as TDMRep's reservation does here) but not search indexing. Since
#   the assertion has entries of its own for those uses, it is the *general* entry: it speaks for
#   train-ai or ai-use only when no specific entry of the same assertion gives that use a stance.
CAWG_VOCABULARY: Final[Mapping[tuple[str, str], Reading]] = {
    ("cawg.ai_generative_training", "allowed"): Reading(
        ((_TRAIN, _ALLOW),), "allowed", "generative AI/ML training allowed"
    ),
    ("cawg.ai_generative_training", "notAllowed"): Reading(
        ((_TRAIN, _DENY),), "notAllowed", "generative AI/ML training not allowed"
    ),
    ("cawg.ai_generative_training", "constrained"): Reading(
        ((_TRAIN, _DENY),), "constrained", "generative AI/ML training only on constraints"
    ),
    ("cawg.ai_training", "allowed"): Reading(
        (),
        "allowed",
        "non-generative AI/ML training allowed; says nothing about generative training, "
        "so train-ai stays unknown",
    ),
    ("cawg.ai_training", "notAllowed"): Reading(
        ((_TRAIN, _DENY),),
        "notAllowed",
        "even non-generative AI/ML training not allowed: read as a train-ai deny",
    ),
    ("cawg.ai_training", "constrained"): Reading(
        ((_TRAIN, _DENY),),
        "constrained",
        "non-generative AI/ML training only on constraints: read as a train-ai deny",
    ),
    ("cawg.ai_inference", "allowed"): Reading(
        ((_AI_USE, _ALLOW),), "allowed", "use as input to an AI/ML model allowed"
    ),
    ("cawg.ai_inference", "notAllowed"): Reading(
        ((_AI_USE, _DENY),), "notAllowed", "use as input to an AI/ML model not allowed"
    ),
    ("cawg.ai_inference", "constrained"): Reading(
        ((_AI_USE, _DENY),), "constrained", "use as input to an AI/ML model only on constraints"
    ),
    ("cawg.data_mining", "allowed"): Reading(
        ((_TRAIN, _ALLOW), (_AI_USE, _ALLOW)),
        "allowed",
        "text and data mining allowed (general entry)",
        fallback=True,
    ),
    ("cawg.data_mining", "notAllowed"): Reading(
        ((_TRAIN, _DENY), (_AI_USE, _DENY)),
        "notAllowed",
        "text and data mining not allowed (general entry)",
        fallback=True,
    ),
    ("cawg.data_mining", "constrained"): Reading(
        ((_TRAIN, _DENY), (_AI_USE, _DENY)),
        "constrained",
        "text and data mining only on constraints (general entry)",
        fallback=True,
    ),
}
"""(entry name, ``use`` value) -> reading. Entry names in their CAWG 1.1 spelling."""

_CAWG_ENTRY_NAMES: Final = frozenset(name for name, _ in CAWG_VOCABULARY)
_CAWG_LABEL_RE: Final = re.compile(r"^(cawg|c2pa)\.training-mining(?:\.v\d+)?(?:__\d+)?$")


# -- results ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class XmpPacket:
    """An XMP packet found in a file."""

    data: bytes
    """The packet, at most :data:`XMP_SIZE_LIMIT` bytes (trailing padding removed)."""
    container: str
    """``jpeg``, ``png``, ``webp``, ``tiff`` or ``scan`` (found by scanning the bytes)."""
    offset: int
    """Byte offset of the packet in the file."""
    diagnostics: tuple[Diagnostic, ...] = ()
    location: str = ""
    """Where in the container: ``JPEG APP1``, ``PNG iTXt``, ``WebP XMP``, ``TIFF tag 700`` …"""

    @property
    def where(self) -> str:
        return f"XMP {self.location or 'packet'} at byte {self.offset}"


@dataclass(frozen=True, slots=True)
class DataMiningValue:
    """One ``plus:DataMining`` value as found."""

    value: str
    """As written (whitespace trimmed)."""
    term: str | None
    """The vocabulary term it was read as (a key of :data:`DATA_MINING`), or ``None``."""
    line: int
    """Line in the XMP packet."""
    form: str
    """``attribute``, ``element``, ``resource`` (``rdf:resource``), ``item`` (``rdf:li``) or
    ``recovered`` (found by a text search after the XML failed to parse)."""


@dataclass(frozen=True, slots=True)
class IptcDataMining:
    """The IPTC/PLUS data-mining properties of one XMP packet."""

    values: tuple[DataMiningValue, ...]
    other_constraints: str | None = None
    """``plus:OtherConstraints`` (the ``x-default`` alternative, or the first)."""
    linked_rights: tuple[str, ...] = ()
    """``Iptc4xmpExt:LinkedRightsExpr`` URLs."""
    diagnostics: tuple[Diagnostic, ...] = ()

    def statements(self, *, context: str = "") -> tuple[Statement, ...]:
        """One statement per distinct value (cardinality is 0..1; several are all reported)."""
        seen: set[str] = set()
        out: list[Statement] = []
        for found in self.values:
            key = found.term or found.value
            if key in seen:
                continue
            seen.add(key)
            out.append(self._statement(found, context))
        return tuple(out)

    def _statement(self, found: DataMiningValue, context: str) -> Statement:
        raw = _render_dmi(found)
        if found.term is None:
            note = f"IPTC Data Mining value {found.value!r} is not in the PLUS vocabulary"
            return Statement(
                Mechanism.MEDIA,
                Carrier.MEDIA,
                (),
                raw,
                line=found.line,
                rule="plus:DataMining",
                note=_join(note, context),
                diagnostics=self.diagnostics,
            )
        reading = DATA_MINING[found.term]
        note = f"IPTC Data Mining: {reading.label} ({reading.reason})"
        licence = None
        exceptions = reading.exceptions
        if _SEE_CONSTRAINTS in exceptions and self.other_constraints:
            note += f"; plus:OtherConstraints: {_clip(self.other_constraints)}"
        if _SEE_LINKED in exceptions and self.linked_rights:
            licence = self.linked_rights[0]
            note += f"; linked rights expression: {licence}"
            # The expression's URL is where the licence's terms are.
            exceptions = tuple(
                [replace(o, url=licence) if o == _SEE_LINKED else o for o in exceptions]
            )
        return Statement(
            Mechanism.MEDIA,
            Carrier.MEDIA,
            reading.stances,
            raw,
            line=found.line,
            rule="plus:DataMining",
            exceptions=exceptions,
            license=licence,
            note=_join(note, context),
            diagnostics=self.diagnostics,
        )


@dataclass(frozen=True, slots=True)
class CawgEntry:
    """One entry of a training-mining assertion."""

    key: str
    """As written (``cawg.ai_training``, ``c2pa.ai_training``, a custom label …)."""
    name: str | None
    """The CAWG 1.1 entry it was read as (``cawg.ai_training`` …), ``None`` for custom keys."""
    use: str | None
    """``allowed``, ``notAllowed``, ``constrained``, or ``None`` (missing or invalid)."""
    constraint_info: str | None
    raw: str
    """The entry as compact JSON."""
    diagnostics: tuple[Diagnostic, ...] = ()
    unverified: bool = False
    """An ``allowed`` in a C2PA manifest that does not validate: not read as a permission."""


@dataclass(frozen=True, slots=True)
class CawgTrainingMining:
    """A CAWG (or C2PA 1.x) training-mining assertion."""

    label: str | None
    """The assertion's label when it was given (``cawg.training-mining`` …)."""
    entries: tuple[CawgEntry, ...]
    diagnostics: tuple[Diagnostic, ...] = ()

    def statements(self, *, context: str = "") -> tuple[Statement, ...]:
        """One statement per known entry (rule: the entry key); custom entries are skipped."""
        known = [e for e in self.entries if e.name is not None]
        covered: set[Use] = set()
        for entry in known:
            reading = _cawg_reading(entry)
            if reading is not None and not reading.fallback:
                covered.update(use for use, _ in reading.stances)
        label = self.label or "training-mining"
        out: list[Statement] = []
        for entry in known:
            reading = _cawg_reading(entry)
            diagnostics = self.diagnostics + entry.diagnostics
            if reading is None:
                note = (
                    f"{label}: {entry.key} {entry.use} not read: the C2PA manifest does not "
                    "validate, so it may restrict but not permit"
                    if entry.unverified
                    else f"{label}: {entry.key} has no valid use value"
                )
                out.append(_cawg_statement(entry, (), (), _join(note, context), diagnostics))
                continue
            stances = reading.stances
            note = f"{label}: {entry.key} {reading.label} ({reading.reason})"
            if reading.fallback:
                stances = tuple((u, s) for u, s in stances if u not in covered)
                if len(stances) < len(reading.stances):
                    named = ", ".join(sorted(u.value for u in covered))
                    note += f"; {named} set by the assertion's own entries"
            exceptions: tuple[Obligation, ...] = ()
            if entry.use == "constrained" and any(s is _DENY for _, s in stances):
                info = entry.constraint_info
                # Its terms are the constraint (obligations.SPEC_VERSIONS["cawg"]).
                exceptions = (Obligation(Duty.LICENCE, detail=_clip(info) if info else None),)
                note += "; not allowed unless the constraint is met"
                if info:
                    note += f": {_clip(info)}"
            out.append(
                _cawg_statement(entry, stances, exceptions, _join(note, context), diagnostics)
            )
        return tuple(out)


@dataclass(frozen=True, slots=True)
class MediaMetadata:
    """What a media file says about AI use, from its XMP and its C2PA manifest."""

    container: str
    """``jpeg``, ``png``, ``webp``, ``tiff``, ``gif``, ``pdf``, ``bmff``, ``riff`` or
    ``unknown``."""
    xmp: XmpPacket | None
    iptc: IptcDataMining | None
    c2pa: str
    """``absent`` (no manifest seen), ``read``, ``unavailable`` (seen, ``c2pa-python`` not
    installed) or ``error`` (seen, could not be read)."""
    cawg: tuple[CawgTrainingMining, ...] = ()
    c2pa_note: str = ""
    diagnostics: tuple[Diagnostic, ...] = ()

    def statements(self) -> tuple[Statement, ...]:
        out: list[Statement] = []
        if self.iptc is not None and self.xmp is not None:
            found = self.xmp.diagnostics  # what the container said about the packet
            for statement in self.iptc.statements(context=self.xmp.where):
                out.append(replace(statement, diagnostics=found + statement.diagnostics))
        for assertion in self.cawg:
            out.extend(assertion.statements(context=self.c2pa_note))
        if self.c2pa in ("unavailable", "error"):
            out.append(
                Statement(
                    Mechanism.MEDIA,
                    Carrier.MEDIA,
                    (),
                    "C2PA manifest store",
                    rule="c2pa",
                    note=self.c2pa_note,
                    diagnostics=tuple(
                        d for d in self.diagnostics if d.code in ("c2pa-unavailable", "c2pa-error")
                    ),
                )
            )
        return tuple(out)


# -- small helpers ----------------------------------------------------------------------------


def _clip(text: str, limit: int = _TEXT_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _join(note: str, context: str) -> str:
    return f"{note}; {context}" if context else note


def _render_dmi(found: DataMiningValue) -> str:
    value = found.value[:_RAW_LIMIT]
    if found.form == "attribute":
        return f'plus:DataMining="{value}"'
    if found.form == "resource":
        return f'<plus:DataMining rdf:resource="{value}"/>'
    if found.form == "item":
        return f"<plus:DataMining><rdf:li>{value}</rdf:li></plus:DataMining>"
    return f"<plus:DataMining>{value}</plus:DataMining>"


def _cawg_reading(entry: CawgEntry) -> Reading | None:
    if entry.name is None or entry.use is None or entry.unverified:
        return None
    return CAWG_VOCABULARY.get((entry.name, entry.use))


def _cawg_statement(
    entry: CawgEntry,
    stances: tuple[tuple[Use, Stance], ...],
    exceptions: tuple[Obligation, ...],
    note: str,
    diagnostics: tuple[Diagnostic, ...],
) -> Statement:
    return Statement(
        Mechanism.MEDIA,
        Carrier.MEDIA,
        stances,
        entry.raw,
        rule=entry.key,
        exceptions=exceptions,
        note=note,
        diagnostics=diagnostics,
    )


# -- IPTC: reading plus:DataMining from XMP ---------------------------------------------------


def _dmi_term(value: str) -> tuple[str | None, str | None]:
    """(vocabulary term, diagnostic code or None) for a ``plus:DataMining`` value."""
    text = value.strip()
    if text.startswith(PLUS_VOCAB) and text[len(PLUS_VOCAB) :] in DATA_MINING:
        term = text[len(PLUS_VOCAB) :]
        return term, ("draft-value" if DATA_MINING[term].draft else None)
    # Bare terms (`DMI-PROHIBITED`), https or other-case URIs, a trailing slash.
    last = text.rstrip("/").rsplit("/", 1)[-1].strip().upper()
    if last in DATA_MINING:
        return last, ("draft-value" if DATA_MINING[last].draft else "non-canonical-value")
    label = re.sub(r"\s+", " ", text.replace("–", "-"))
    if label in _LABELS:
        return _LABELS[label], "non-canonical-value"
    return None, "unknown-value"


class _Refused(Exception):
    """Raised from an expat handler to stop at a DTD or an entity declaration."""


@dataclass(slots=True)
class _Capture:
    kind: str
    depth: int
    line: int
    form: str
    text: list[str]
    items: list[tuple[str, str | None, int]]
    item: list[str] | None = None
    item_lang: str | None = None
    item_line: int = 0
    item_depth: int = 0


class _XmpReader:
    """expat handlers collecting the properties we read."""

    def __init__(self) -> None:
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.buffer_text = True
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = self._refuse
        self.parser.EntityDeclHandler = self._refuse
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.depth = 0
        self.pantry = 0
        self.capture: _Capture | None = None
        self.values: list[DataMiningValue] = []
        self.constraints: list[tuple[str, str | None]] = []
        self.linked: list[str] = []
        self.diagnostics: list[Diagnostic] = []

    def _refuse(self, *args: object) -> None:
        raise _Refused

    def _property(self, name: str) -> str | None:
        uri, _, local = name.rpartition(" ")
        if local in ("DataMining", "OtherConstraints") and _is_plus(uri):
            if uri != PLUS_NS:
                self.diagnostics.append(
                    Diagnostic(
                        self.parser.CurrentLineNumber,
                        "non-canonical-namespace",
                        f"plus:{local} read in namespace {uri!r} (expected {PLUS_NS!r})",
                    )
                )
            return local
        if local == "LinkedRightsExpr" and uri == _IPTC_EXT_NS:
            return local
        return None

    def _add_value(self, value: str, line: int, form: str) -> None:
        text = value.strip()
        if not text:
            self.diagnostics.append(Diagnostic(line, "empty-value", "plus:DataMining is empty"))
            return
        term, code = _dmi_term(text)
        if code == "unknown-value":
            self.diagnostics.append(
                Diagnostic(line, code, f"plus:DataMining {_clip(text, 200)!r} is not a PLUS term")
            )
        elif code == "draft-value":
            self.diagnostics.append(
                Diagnostic(line, code, f"{text!r} is a PLUS 2023 draft term, read as the draft")
            )
        elif code is not None:
            self.diagnostics.append(
                Diagnostic(line, code, f"{_clip(text, 200)!r} read as {PLUS_VOCAB}{term}")
            )
        self.values.append(DataMiningValue(text[:_RAW_LIMIT], term, line, form))

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        line = self.parser.CurrentLineNumber
        if self.pantry:
            if "DataMining" in name or any("DataMining" in key for key in attrs):
                self.diagnostics.append(
                    Diagnostic(line, "ingredient-ignored", "plus:DataMining of a placed document")
                )
            return
        if name == _PANTRY:
            self.pantry = self.depth
            return
        capture = self.capture
        if capture is not None:
            if name in (f"{_RDF_NS} li", f"{_RDF_NS} value"):
                resource = attrs.get(f"{_RDF_NS} resource")
                if resource is not None:
                    capture.items.append((resource, None, line))
                else:
                    capture.item = []
                    capture.item_lang = attrs.get(f"{_XML_NS} lang")
                    capture.item_line = line
                    capture.item_depth = self.depth
            return
        for key, value in attrs.items():
            prop = self._property(key)
            if prop == "DataMining":
                self._add_value(value, line, "attribute")
            elif prop == "OtherConstraints":
                self.constraints.append((value, None))
            elif prop == "LinkedRightsExpr":
                self.linked.append(value.strip())
        prop = self._property(name)
        if prop is not None:
            resource = attrs.get(f"{_RDF_NS} resource")
            form = "resource" if resource is not None else "element"
            self.capture = _Capture(prop, self.depth, line, form, [], [])
            if resource is not None:
                self.capture.items.append((resource, None, line))

    def _text(self, data: str) -> None:
        if self.pantry:
            return
        capture = self.capture
        if capture is None:
            return
        if capture.item is not None:
            capture.item.append(data)
        else:
            capture.text.append(data)

    def _end(self, name: str) -> None:
        if self.pantry:
            if self.depth == self.pantry:
                self.pantry = 0
            self.depth -= 1
            return
        capture = self.capture
        if capture is not None and capture.item is not None and self.depth == capture.item_depth:
            capture.items.append(("".join(capture.item), capture.item_lang, capture.item_line))
            capture.item = None
        if capture is not None and self.depth == capture.depth:
            self.capture = None
            self._finish(capture)
        self.depth -= 1

    def _finish(self, capture: _Capture) -> None:
        if capture.kind == "DataMining":
            if capture.items:
                if len(capture.items) > 1:
                    self.diagnostics.append(
                        Diagnostic(
                            capture.line,
                            "multiple-values",
                            "plus:DataMining holds several values (cardinality 0..1); "
                            "each is reported",
                        )
                    )
                form = capture.form if capture.form == "resource" else "item"
                for value, _, line in capture.items:
                    self._add_value(value, line, form)
            else:
                self._add_value("".join(capture.text), capture.line, capture.form)
        elif capture.kind == "OtherConstraints":
            if capture.items:
                self.constraints.extend((text, lang) for text, lang, _ in capture.items)
            else:
                self.constraints.append(("".join(capture.text), None))
        else:
            values = [text for text, _, _ in capture.items] or ["".join(capture.text)]
            self.linked.extend(v.strip() for v in values if v.strip())


def _is_plus(uri: str) -> bool:
    return uri.rstrip("/").split("://", 1)[-1] == "ns.useplus.org/ldf/xmp/1.0"


# A value is recovered only when it ends where a value ends (a quote or a tag): in a cut file,
# `DMI-ALLOWED-noaitraining` cut to `DMI-ALLOWED` must not be read as the broader term.
_RECOVER_RE: Final = re.compile(
    r"DataMining\b[^<>]{0,200}?(?:=\s*[\"']|>)\s*"
    r"((?:https?://ns\.useplus\.org/ldf/vocab/)?DMI-[A-Za-z-]+)\s*[\"'<]",
)


def parse_iptc_data_mining(xmp: bytes | str) -> IptcDataMining:
    """Read ``plus:DataMining`` (and ``plus:OtherConstraints``, the linked rights expression)
    from an XMP packet. Never raises on content; a DTD or entity declaration is refused.

    Values are read in attribute form (``plus:DataMining="…"``), element form
    (``<plus:DataMining>…</plus:DataMining>``), as ``rdf:resource``, and inside an
    ``rdf:Alt``/``Bag``/``Seq`` or ``rdf:value``. A value is the PLUS URI; a bare term
    (``DMI-PROHIBITED``), another case or scheme, or ExifTool's label is accepted with a
    ``non-canonical-value`` diagnostic; anything else is kept with ``unknown-value``.
    When the XML does not parse, PLUS terms next to ``DataMining`` are recovered from the text.
    """
    if isinstance(xmp, str):
        data = xmp.encode("utf-8", "surrogatepass")
    elif isinstance(xmp, (bytes, bytearray, memoryview)):
        data = bytes(xmp)
    else:
        raise TypeError(f"xmp must be bytes or str, not {type(xmp).__name__}")
    diagnostics: list[Diagnostic] = []
    if len(data) > XMP_SIZE_LIMIT:
        diagnostics.append(Diagnostic(0, "too-large", f"XMP packet cut at {XMP_SIZE_LIMIT} bytes"))
        data = data[:XMP_SIZE_LIMIT]
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        diagnostics.append(
            Diagnostic(0, "dtd-refused", "XMP packet with a DTD or entity declaration not read")
        )
        return IptcDataMining((), diagnostics=tuple(diagnostics))
    reader = _XmpReader()
    try:
        reader.parser.Parse(data, True)
    except _Refused:
        diagnostics.append(
            Diagnostic(
                reader.parser.CurrentLineNumber,
                "dtd-refused",
                "XMP packet with a DTD or entity declaration not read",
            )
        )
        return IptcDataMining((), diagnostics=tuple(diagnostics))
    except (expat.ExpatError, ValueError, RecursionError) as error:
        line = getattr(error, "lineno", 0) or 0
        diagnostics.append(Diagnostic(line, "xml-error", f"XMP is not well-formed XML: {error}"))
        diagnostics.extend(reader.diagnostics)
        values = list(reader.values)
        if not values:
            values = _recover(data, diagnostics)
        return IptcDataMining(tuple(values), diagnostics=tuple(diagnostics))
    diagnostics.extend(reader.diagnostics)
    terms = {v.term or v.value for v in reader.values}
    if len(reader.values) > len(terms):
        diagnostics.append(Diagnostic(0, "duplicate", "plus:DataMining given more than once"))
    if len(terms) > 1:
        diagnostics.append(
            Diagnostic(
                0,
                "conflicting-values",
                "plus:DataMining has different values: " + ", ".join(sorted(terms)),
            )
        )
    return IptcDataMining(
        tuple(reader.values),
        _other_constraints(reader.constraints),
        tuple(dict.fromkeys(reader.linked)),
        tuple(diagnostics),
    )


def _other_constraints(found: list[tuple[str, str | None]]) -> str | None:
    texts = [(text.strip(), lang) for text, lang in found if text.strip()]
    if not texts:
        return None
    for text, lang in texts:
        if lang == "x-default":
            return text[:_RAW_LIMIT]
    return texts[0][0][:_RAW_LIMIT]


def _recover(data: bytes, diagnostics: list[Diagnostic]) -> list[DataMiningValue]:
    text = data.decode("utf-8", "replace")
    values: list[DataMiningValue] = []
    for match in _RECOVER_RE.finditer(text):
        term, code = _dmi_term(match.group(1))
        if term is None:
            continue
        line = text.count("\n", 0, match.start()) + 1
        values.append(DataMiningValue(match.group(1), term, line, "recovered"))
        diagnostics.append(
            Diagnostic(line, "recovered", f"plus:DataMining {match.group(1)!r} read from the text")
        )
        if code == "draft-value":
            diagnostics.append(Diagnostic(line, code, f"{match.group(1)!r} is a PLUS draft term"))
    return values


# -- CAWG: reading a training-mining assertion ------------------------------------------------


class _Pairs(dict[str, Any]):
    """A JSON object that remembers the keys it saw twice (the last value is kept)."""

    duplicates: tuple[str, ...] = ()


def _pairs(items: list[tuple[str, Any]]) -> _Pairs:
    obj = _Pairs(items)
    if len(obj) < len(items):
        seen: set[str] = set()
        twice: list[str] = []
        for key, _ in items:
            if key in seen:
                twice.append(key)
            seen.add(key)
        obj.duplicates = tuple(twice)
    return obj


def _entry_name(key: str) -> tuple[str | None, str | None]:
    """(CAWG 1.1 entry name, diagnostic code or None) for an entry key."""
    if key in _CAWG_ENTRY_NAMES:
        return key, None
    folded = key.strip().lower().replace("-", "_")
    prefix, _, rest = folded.partition(".")
    if prefix in ("cawg", "c2pa") and f"cawg.{rest}" in _CAWG_ENTRY_NAMES:
        code = "legacy-label" if key == f"c2pa.{rest}" else "non-canonical-key"
        return f"cawg.{rest}", code
    return None, None


def _use_value(value: object) -> tuple[str | None, str | None]:
    if isinstance(value, str):
        if value in _CAWG_USES:
            return value, None
        folded = re.sub(r"[\s_-]", "", value).lower()
        for known in _CAWG_USES:
            if known.lower() == folded:
                return known, "non-canonical-value"
    return None, "invalid-value"


def parse_cawg_training_mining(assertion: Mapping[str, Any] | bytes | str) -> CawgTrainingMining:
    """Read a CAWG training-mining assertion: the assertion object (``{"label", "data"}``), its
    data (``{"entries": …}``), or the v1.0 shape without ``entries``; a mapping or JSON text.
    Never raises on content.

    Keys ``cawg.*`` and the C2PA 1.x ``c2pa.*`` are read alike (``legacy-label`` diagnostic for
    the latter); ``constraint_info`` (the CDDL) and ``constraints_info`` (the prose) both name
    the constraint.
    """
    diagnostics: list[Diagnostic] = []
    obj: object
    if isinstance(assertion, Mapping):
        obj = assertion
    elif isinstance(assertion, (str, bytes, bytearray, memoryview)):
        data = (
            assertion.encode("utf-8", "surrogatepass")
            if isinstance(assertion, str)
            else bytes(assertion)
        )
        if len(data) > CAWG_SIZE_LIMIT:
            diagnostics.append(
                Diagnostic(0, "too-large", f"assertion larger than {CAWG_SIZE_LIMIT} bytes")
            )
            return CawgTrainingMining(None, (), tuple(diagnostics))
        try:
            obj = json.loads(data.decode("utf-8-sig"), object_pairs_hook=_pairs)
        except (ValueError, RecursionError) as error:
            line = getattr(error, "lineno", 0) or 0
            diagnostics.append(
                Diagnostic(line, "invalid-json", f"not JSON: {_clip(str(error), 200)}")
            )
            return CawgTrainingMining(None, (), tuple(diagnostics))
    else:
        raise TypeError(
            f"assertion must be a mapping, bytes or str, not {type(assertion).__name__}"
        )
    if not isinstance(obj, Mapping):
        diagnostics.append(Diagnostic(0, "not-an-object", "the assertion is not a JSON object"))
        return CawgTrainingMining(None, (), tuple(diagnostics))

    label: str | None = None
    body: object = obj
    if "label" in obj or "data" in obj:
        raw_label = obj.get("label")
        if isinstance(raw_label, str):
            label = raw_label[:200]
            match = _CAWG_LABEL_RE.match(raw_label)
            if match is None:
                diagnostics.append(
                    Diagnostic(
                        0, "unexpected-label", f"label {label!r} is not cawg.training-mining"
                    )
                )
            elif match.group(1) == "c2pa":
                diagnostics.append(
                    Diagnostic(0, "legacy-label", f"{label!r}: the C2PA 1.x label, read as CAWG's")
                )
        body = obj.get("data")
    if not isinstance(body, Mapping):
        diagnostics.append(Diagnostic(0, "no-entries", "the assertion has no data object"))
        return CawgTrainingMining(label, (), tuple(diagnostics))

    entries_obj: object = body.get("entries")
    if entries_obj is None:
        if any(_entry_name(k)[0] is not None for k in body):
            # CAWG 1.0's CDDL omitted the wrapper; 1.1 says it SHOULD be used.
            diagnostics.append(
                Diagnostic(0, "no-entries-map", "entries given without the `entries` map (1.0)")
            )
            entries_obj = {k: v for k, v in body.items() if k != "metadata"}
        else:
            diagnostics.append(Diagnostic(0, "no-entries", "the assertion has no entries"))
            return CawgTrainingMining(label, (), tuple(diagnostics))
    if not isinstance(entries_obj, Mapping):
        diagnostics.append(Diagnostic(0, "no-entries", "`entries` is not an object"))
        return CawgTrainingMining(label, (), tuple(diagnostics))
    for source in (obj, body, entries_obj):
        for key in getattr(source, "duplicates", ()):
            diagnostics.append(Diagnostic(0, "duplicate", f"{key!r} given twice; the last is read"))

    entries: list[CawgEntry] = []
    names: dict[str, str] = {}
    for key, value in entries_obj.items():
        if not isinstance(key, str):
            continue
        entry = _cawg_entry(key, value)
        if entry.name is not None:
            if entry.name in names:
                diagnostics.append(
                    Diagnostic(
                        0, "duplicate", f"{key!r} and {names[entry.name]!r} name the same entry"
                    )
                )
            names[entry.name] = key
        entries.append(entry)
    return CawgTrainingMining(label, tuple(entries), tuple(diagnostics))


def _cawg_entry(key: str, value: object) -> CawgEntry:
    diagnostics: list[Diagnostic] = []
    try:
        raw = json.dumps({key: value}, ensure_ascii=False, separators=(",", ":"), default=str)
    except (ValueError, TypeError, RecursionError):
        raw = f"{key}: {value!r}"
    raw = raw[:_RAW_LIMIT]
    name, code = _entry_name(key)
    if name is None:
        diagnostics.append(
            Diagnostic(0, "unknown-entry", f"custom entry {_clip(key, 100)!r} not read")
        )
        return CawgEntry(key, None, None, None, raw, tuple(diagnostics))
    if code == "legacy-label":
        diagnostics.append(Diagnostic(0, code, f"{key!r}: the C2PA 1.x key, read as {name!r}"))
    elif code is not None:
        diagnostics.append(Diagnostic(0, code, f"{key!r} read as {name!r}"))
    use_raw: object
    info: str | None = None
    if isinstance(value, Mapping):
        use_raw = value.get("use")
        for spelling in ("constraint_info", "constraints_info"):
            text = value.get(spelling)
            if text is None:
                continue
            if not isinstance(text, str) or not text.strip():
                diagnostics.append(
                    Diagnostic(0, "invalid-constraint", f"{key}: {spelling} is not a text")
                )
            elif info is None:
                info = text.strip()[:_RAW_LIMIT]
            elif text.strip() != info:
                diagnostics.append(
                    Diagnostic(
                        0,
                        "duplicate",
                        f"{key}: constraint_info and constraints_info differ; "
                        "constraint_info (the CDDL spelling) is read",
                    )
                )
    else:
        use_raw = value
        diagnostics.append(Diagnostic(0, "not-a-map", f"{key}: the entry is not a map"))
    use, use_code = _use_value(use_raw)
    if use_code == "invalid-value":
        shown = _clip(str(use_raw), 100) if use_raw is not None else "missing"
        diagnostics.append(
            Diagnostic(0, use_code, f"{key}: use {shown} is not allowed/notAllowed/constrained")
        )
    elif use_code is not None:
        diagnostics.append(Diagnostic(0, use_code, f"{key}: use {use_raw!r} read as {use!r}"))
    return CawgEntry(key, name, use, info, raw, tuple(diagnostics))


# -- containers -------------------------------------------------------------------------------

_JPEG_XMP: Final = b"http://ns.adobe.com/xap/1.0/\x00"
_JPEG_XMP_EXT: Final = b"http://ns.adobe.com/xmp/extension/\x00"
_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_PNG_XMP_KEYWORD: Final = b"XML:com.adobe.xmp"
# The JUMBF description box of a C2PA Manifest Store: `jumd` and the store's UUID
# 63327061-0011-0010-8000-00AA00389B71 (its first four bytes spell "c2pa"). It opens the store
# in every container (JPEG APP11, PNG caBX, WebP C2PA, BMFF uuid, TIFF tag, sidecar).
_C2PA_SIGNATURE: Final = b"jumd" + bytes.fromhex("6332706100110010800000AA00389B71")
_XPACKET_BEGIN: Final = b"<?xpacket begin"
_XPACKET_END: Final = b"<?xpacket end"
_XMPMETA_BEGIN: Final = b"<x:xmpmeta"
_XMPMETA_END: Final = b"</x:xmpmeta>"


@dataclass(slots=True)
class _Scan:
    container: str
    limit: int
    packet: bytes | None = None
    offset: int = 0
    where: str = ""
    diagnostics: list[Diagnostic] | None = None

    def note(self, code: str, message: str) -> None:
        if self.diagnostics is None:
            self.diagnostics = []
        if len(self.diagnostics) < 50:
            self.diagnostics.append(Diagnostic(0, code, message))

    def found(self, packet: bytes, offset: int, where: str) -> None:
        if self.packet is not None:
            self.note("duplicate", f"another XMP packet at byte {offset} ignored")
            return
        if len(packet) > XMP_SIZE_LIMIT:
            self.note("too-large", f"XMP packet at byte {offset} cut at {XMP_SIZE_LIMIT} bytes")
            packet = packet[:XMP_SIZE_LIMIT]
        self.packet, self.offset, self.where = packet, offset, where


def _sniff(data: bytes) -> str:
    if data.startswith(b"\xff\xd8"):
        return "jpeg"
    if data.startswith(_PNG_SIGNATURE):
        return "png"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"RIFF"):
        return "riff"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data[4:8] == b"ftyp":
        return "bmff"
    return "unknown"


def _scan_jpeg(data: bytes, scan: _Scan) -> None:
    pos, n = 2, scan.limit
    while pos + 4 <= n:
        if data[pos] != 0xFF:
            scan.note("corrupt", f"JPEG: no marker at byte {pos}")
            return
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no metadata after this
            return
        length = (data[pos + 2] << 8) | data[pos + 3]
        if length < 2:
            scan.note("corrupt", f"JPEG: segment length {length} at byte {pos}")
            return
        end = pos + 2 + length
        if end > len(data):
            scan.note("truncated", f"JPEG: segment at byte {pos} runs past the end of the file")
        if marker == 0xE1:
            start = pos + 4
            if data.startswith(_JPEG_XMP, start):
                body = start + len(_JPEG_XMP)
                scan.found(data[body:end], body, "JPEG APP1")
            elif data.startswith(_JPEG_XMP_EXT, start):
                scan.note("extended-xmp", "JPEG Extended XMP segments are not read")
        pos = end


def _scan_png(data: bytes, scan: _Scan) -> None:
    pos, n = len(_PNG_SIGNATURE), scan.limit
    while pos + 8 <= n:
        length = struct.unpack_from(">I", data, pos)[0]
        kind = data[pos + 4 : pos + 8]
        if length > 0x7FFFFFFF:
            scan.note("corrupt", f"PNG: chunk length {length} at byte {pos}")
            return
        start, end = pos + 8, pos + 8 + length
        if end + 4 > len(data):
            scan.note("truncated", f"PNG: {kind!r} chunk at byte {pos} runs past the end")
        if kind in (b"iTXt", b"tEXt", b"zTXt") and data.startswith(
            _PNG_XMP_KEYWORD + b"\x00", start
        ):
            body = data[start:end]
            stored = data[end : end + 4]
            if len(stored) == 4 and zlib.crc32(kind + body) != struct.unpack(">I", stored)[0]:
                scan.note("crc-mismatch", f"PNG: {kind.decode()} chunk at byte {pos}: bad CRC")
            packet = _png_text(kind, body, scan)
            if packet is not None:
                if kind != b"iTXt":
                    scan.note(
                        "non-standard-chunk", f"PNG: XMP in a {kind.decode()} chunk (not iTXt)"
                    )
                scan.found(packet, start, f"PNG {kind.decode()}")
        if kind == b"IEND":
            return
        pos = end + 4


def _png_text(kind: bytes, body: bytes, scan: _Scan) -> bytes | None:
    rest = body[len(_PNG_XMP_KEYWORD) + 1 :]
    compressed = False
    if kind == b"iTXt":
        if len(rest) < 2:
            scan.note("corrupt", "PNG: iTXt chunk too short")
            return None
        compressed = rest[0] == 1
        lang_end = rest.find(b"\x00", 2)
        translated_end = rest.find(b"\x00", lang_end + 1) if lang_end >= 0 else -1
        if translated_end < 0:
            scan.note("corrupt", "PNG: iTXt chunk without its language fields")
            return None
        text = rest[translated_end + 1 :]
    elif kind == b"zTXt":
        compressed, text = True, rest[1:]
    else:
        text = rest
    if not compressed:
        return text
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(text, XMP_SIZE_LIMIT)
    except zlib.error as error:
        scan.note("corrupt", f"PNG: compressed XMP does not inflate: {error}")
        return None
    if inflater.unconsumed_tail:
        scan.note("too-large", f"PNG: XMP inflates past {XMP_SIZE_LIMIT} bytes; cut")
    return out


def _scan_webp(data: bytes, scan: _Scan) -> None:
    pos, n = 12, scan.limit
    while pos + 8 <= n:
        kind = data[pos : pos + 4]
        length = struct.unpack_from("<I", data, pos + 4)[0]
        start, end = pos + 8, pos + 8 + length
        if end > len(data):
            scan.note("truncated", f"WebP: {kind!r} chunk at byte {pos} runs past the end")
        if kind == b"XMP ":
            scan.found(data[start:end], start, "WebP XMP")
        pos = end + (length & 1)


def _scan_tiff(data: bytes, scan: _Scan) -> None:
    order = "<" if data.startswith(b"II") else ">"
    ifd = struct.unpack_from(order + "I", data, 4)[0] if len(data) >= 8 else 0
    if not 8 <= ifd <= len(data) - 2:
        scan.note("corrupt", f"TIFF: first IFD offset {ifd} is outside the file")
        return
    count = struct.unpack_from(order + "H", data, ifd)[0]
    for index in range(min(count, 4096)):
        entry = ifd + 2 + 12 * index
        if entry + 12 > len(data):
            scan.note("truncated", "TIFF: IFD0 runs past the end of the file")
            return
        tag, kind, length = struct.unpack_from(order + "HHI", data, entry)
        if tag != 700:
            continue
        if kind not in (1, 7):
            scan.note("corrupt", f"TIFF: XMP tag of type {kind}")
        # A value of four bytes or fewer sits in the entry itself, a longer one at an offset.
        start = entry + 8 if length <= 4 else struct.unpack_from(order + "I", data, entry + 8)[0]
        if start + length > len(data):
            scan.note("truncated", "TIFF: XMP runs past the end of the file")
        scan.found(data[start : start + length], start, "TIFF tag 700")
        return


def _scan_raw(data: bytes, scan: _Scan) -> None:
    n = scan.limit
    starts = [
        i for i in (data.find(_XPACKET_BEGIN, 0, n), data.find(_XMPMETA_BEGIN, 0, n)) if i >= 0
    ]
    if not starts:
        return
    start = min(starts)
    end = -1
    if data.startswith(_XPACKET_BEGIN, start):
        closing = data.find(_XPACKET_END, start, n)
        if closing >= 0:
            tail = data.find(b"?>", closing, n)
            end = tail + 2 if tail >= 0 else -1
    if end < 0:
        closing = data.find(_XMPMETA_END, start, min(n, start + XMP_SIZE_LIMIT))
        end = closing + len(_XMPMETA_END) if closing >= 0 else -1
    if end < 0:
        scan.note("truncated", f"XMP packet at byte {start} has no end")
        end = min(n, start + XMP_SIZE_LIMIT)
    scan.found(data[start:end], start, f"packet in {scan.container} bytes")


_SCANNERS: Final[Mapping[str, Callable[[bytes, _Scan], None]]] = {
    "jpeg": _scan_jpeg,
    "png": _scan_png,
    "webp": _scan_webp,
    "tiff": _scan_tiff,
}


def _clean_packet(packet: bytes) -> bytes:
    # Writers pad packets with spaces and NULs; the packet ends at its trailer when it has one.
    closing = packet.find(_XPACKET_END)
    if closing >= 0:
        tail = packet.find(b"?>", closing)
        if tail >= 0:
            packet = packet[: tail + 2]
    return packet.strip(b"\x00 \t\r\n")


def _scan(data: bytes) -> _Scan:
    container = _sniff(data)
    scan = _Scan(container, min(len(data), MEDIA_SCAN_LIMIT))
    scanner = _SCANNERS.get(container)
    try:
        if scanner is not None:
            scanner(data, scan)
        if scanner is None or (scan.packet is None and container == "tiff"):
            _scan_raw(data, scan)
    except (struct.error, IndexError, ValueError) as error:  # a damaged container
        scan.note("corrupt", f"{container}: {error}")
    return scan


def read_xmp(data: bytes) -> XmpPacket | None:
    """The XMP packet of a media file, or ``None``. Bounded; never raises on content."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    data = bytes(data)
    scan = _scan(data)
    return _packet(scan)


def _packet(scan: _Scan) -> XmpPacket | None:
    if scan.packet is None:
        return None
    container = "scan" if scan.where.startswith("packet") else scan.container
    return XmpPacket(
        _clean_packet(scan.packet),
        container,
        scan.offset,
        tuple(scan.diagnostics or ()),
        scan.where,
    )


# -- C2PA (optional) --------------------------------------------------------------------------

# What c2pa-python may do while reading: nothing over the network (this layer does no I/O).
_C2PA_SETTINGS: Final = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
_MIME: Final = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "tiff": "image/tiff",
    "gif": "image/gif",
    "pdf": "application/pdf",
}
# Validation codes that say nothing about whether the manifest matches the asset.
_BENIGN_CODES: Final = frozenset({"signingCredential.untrusted", "timeStamp.untrusted"})


def _import_c2pa() -> ModuleType | None:
    """The optional ``c2pa`` module (from ``c2pa-python``), or ``None`` when not installed."""
    try:
        return importlib.import_module("c2pa")
    except ImportError:
        return None


def _read_c2pa(
    module: ModuleType, data: bytes, media_type: str | None, container: str
) -> tuple[dict[str, Any] | None, str]:
    """The manifest store as JSON, or ``None`` and why not."""
    # A MIME type is a hint; anything else ("image") would only make the reader fail.
    fmt = media_type if media_type and "/" in media_type else _MIME.get(container)
    try:
        context = module.Context.from_dict(_C2PA_SETTINGS)
        reader = module.Reader.try_create(fmt, io.BytesIO(data), None, context)
        if reader is None:
            return None, "no manifest found by c2pa-python"
        with reader:
            store = json.loads(reader.json())
    except Exception as error:  # c2pa-python raises its own errors for damaged manifests
        return None, f"{type(error).__name__}: {_clip(str(error), 300)}"
    if not isinstance(store, dict):
        return None, "c2pa-python returned no manifest store"
    return store, ""


def _cawg_from_store(
    store: Mapping[str, Any],
) -> tuple[list[CawgTrainingMining], str, list[Diagnostic]]:
    """The training-mining assertions of the active manifest, a note, and diagnostics."""
    diagnostics: list[Diagnostic] = []
    active = store.get("active_manifest")
    manifests = store.get("manifests")
    manifest = manifests.get(active) if isinstance(manifests, Mapping) else None
    if not isinstance(manifest, Mapping):
        diagnostics.append(Diagnostic(0, "c2pa-error", "the manifest store has no active manifest"))
        return [], "", diagnostics
    state = store.get("validation_state")
    codes = [
        str(s.get("code"))
        for s in store.get("validation_status") or ()
        if isinstance(s, Mapping) and s.get("code") not in _BENIGN_CODES
    ]
    invalid = state == "Invalid" or (state is None and bool(codes))
    note = f"C2PA manifest {active}"
    if isinstance(state, str):
        note += f" ({state})"
    if invalid:
        shown = ", ".join(codes[:5]) or "invalid"
        diagnostics.append(
            Diagnostic(
                0,
                "manifest-invalid",
                f"the C2PA manifest does not validate ({shown}): its denies are kept, "
                "its allows are not read",
            )
        )
    found: list[CawgTrainingMining] = []
    for assertion in manifest.get("assertions") or ():
        if not isinstance(assertion, Mapping):
            continue
        label = assertion.get("label")
        if isinstance(label, str) and _CAWG_LABEL_RE.match(label):
            parsed = parse_cawg_training_mining(assertion)
            if invalid:
                parsed = _without_allows(parsed)
            found.append(replace(parsed, diagnostics=parsed.diagnostics + tuple(diagnostics)))
    return found, note, diagnostics


def _without_allows(parsed: CawgTrainingMining) -> CawgTrainingMining:
    """An unverified manifest may restrict but not permit: its allows are dropped."""
    entries = tuple(
        replace(e, unverified=True) if e.use == "allowed" else e for e in parsed.entries
    )
    return replace(parsed, entries=entries)


# -- the whole file ---------------------------------------------------------------------------


def read_media(data: bytes, *, media_type: str | None = None) -> MediaMetadata:
    """Read the AI-use preferences embedded in a media file. Never raises on content.

    ``media_type`` (a MIME type) is a hint for the C2PA reader; the container is recognised
    from the bytes. XMP is always read (standard library); the C2PA manifest only when
    ``c2pa-python`` is installed (``pip install 'reciprocity[media]'``).
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    data = bytes(data)
    scan = _scan(data)
    diagnostics = list(scan.diagnostics or ())
    xmp = _packet(scan)
    iptc = parse_iptc_data_mining(xmp.data) if xmp is not None else None

    c2pa_at = data.find(_C2PA_SIGNATURE, 0, MEDIA_SCAN_LIMIT)
    status, note = "absent", ""
    cawg: list[CawgTrainingMining] = []
    if c2pa_at >= 0 or len(data) > MEDIA_SCAN_LIMIT:
        module = _import_c2pa()
        if module is None:
            if c2pa_at >= 0:
                status = "unavailable"
                note = (
                    f"a C2PA manifest store (JUMBF, at byte {c2pa_at}) is embedded but was not "
                    "read: the optional c2pa-python package is not installed"
                )
                diagnostics.append(Diagnostic(0, "c2pa-unavailable", C2PA_INSTALL_HINT))
        else:
            store, why = _read_c2pa(module, data, media_type, scan.container)
            if store is None:
                if c2pa_at >= 0:
                    status = "error"
                    note = f"the C2PA manifest store at byte {c2pa_at} could not be read: {why}"
                    diagnostics.append(Diagnostic(0, "c2pa-error", why))
            else:
                status = "read"
                cawg, note, more = _cawg_from_store(store)
                diagnostics.extend(more)
    return MediaMetadata(scan.container, xmp, iptc, status, tuple(cawg), note, tuple(diagnostics))


def media_statements(data: bytes, *, media_type: str | None = None) -> tuple[Statement, ...]:
    """The statements of :func:`read_media` (mechanism ``media-metadata``, carrier ``media``)."""
    return read_media(data, media_type=media_type).statements()
