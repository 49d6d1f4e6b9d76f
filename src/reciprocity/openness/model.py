"""The data of an openness assessment: what a release states, and what each framework concludes.

Facts (:class:`Release`) come out of the readers; verdicts (:class:`Assessment`) come out of
:func:`reciprocity.openness.assess`. Both are frozen, so a renderer cannot change what it shows.
A fact the input does not state is kept as *missing* or *unknown*, never filled in.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = [
    "Assessment",
    "CheckStatus",
    "ClassProgress",
    "ComponentFact",
    "ComponentResult",
    "ComponentStatus",
    "Diagnostic",
    "EuCategoryScore",
    "EuIndexResult",
    "EuParamScore",
    "FrameworkResult",
    "GlobalLicences",
    "Grade",
    "LicenceState",
    "MofResult",
    "Release",
    "Requirement",
    "SourceFormat",
    "Verdict",
]


class SourceFormat(str, enum.Enum):
    """The description formats the readers understand."""

    MOF = "mof"
    """Model Openness Framework release YAML (as in ``lfai/model_openness_tool`` ``models/``)."""
    EU_OSAI = "eu-osai"
    """A European Open Source AI Index record (``main-database`` YAML)."""
    HF_CARD = "hf-card"
    """A Hugging Face model card: ``README.md`` with a YAML header."""

    def __str__(self) -> str:
        return self.value


class LicenceState(str, enum.Enum):
    """What the input says about the licence of one component."""

    STATED = "stated"
    """The input names a licence for this component."""
    UNLICENSED = "unlicensed"
    """The input says the component is released without a licence."""
    INHERIT = "inherit"
    """No licence of its own: the release-wide licence for its content type (or the distribution
    licence) applies, as the MOF format defines."""
    UNKNOWN = "unknown"
    """The input lists the component but does not say under which licence it is released."""

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """Something in the input that was skipped or read in a particular way; ``where`` locates it."""

    code: str
    message: str
    where: str = ""

    def __str__(self) -> str:
        text = f"{self.code}: {self.message}"
        return f"{self.where}: {text}" if self.where else text


@dataclass(frozen=True, slots=True)
class ComponentFact:
    """One MOF component that the input lists, with what it says about its licence."""

    name: str
    """The exact MOF component name (e.g. ``Model parameters (Final)``)."""
    state: LicenceState
    licence: str | None = None
    """The licence id when ``state`` is STATED (SPDX id where the input gives one)."""
    raw_licence: str | None = None
    """The licence as written in the input, when a reader normalised it."""
    evidence: str = ""
    """Where the input says the component is released (field path, grade, link)."""
    licence_field: str = "component"
    """Where a STATED licence comes from in the input."""
    path: str | None = None
    licence_path: str | None = None


@dataclass(frozen=True, slots=True)
class GlobalLicences:
    """Release-wide licences by content type; ``distribution`` applies where no typed one is set."""

    distribution: str | None = None
    code: str | None = None
    data: str | None = None
    document: str | None = None

    def for_type(self, content_type: str) -> str | None:
        value: str | None = getattr(self, content_type, None)
        return value


@dataclass(frozen=True, slots=True)
class Grade:
    """One parameter of a European Open Source AI Index record, as the index graded it."""

    param: str
    grade: str | None
    """``open``, ``partial``, ``closed``, or None when the record leaves it empty or omits it."""
    links: tuple[str, ...] = ()
    notes: str = ""
    raw: str | None = None
    """The class as written, when it is not one of the three grades."""


@dataclass(frozen=True, slots=True)
class Release:
    """What one model release description states, in a form every framework can read."""

    source: str
    source_format: SourceFormat
    name: str | None
    version: str | None = None
    producer: str | None = None
    date: str | None = None
    base_model: str | None = None
    types: tuple[str, ...] = ()
    licences: GlobalLicences = GlobalLicences()
    components: tuple[ComponentFact, ...] = ()
    absences: tuple[tuple[str, str], ...] = ()
    """(component, evidence) for components the input shows as not released (an EU index grade
    of closed, or none); the MOF reports them as missing either way."""
    grades: tuple[Grade, ...] | None = None
    """EU index grades; None when the input carries none (it is not an index record)."""
    notes: tuple[str, ...] = ()
    """Facts worth showing that no framework scores (gated downloads, base model, ...)."""
    diagnostics: tuple[Diagnostic, ...] = ()

    def component(self, name: str) -> ComponentFact | None:
        return next((c for c in self.components if c.name == name), None)


class ComponentStatus(str, enum.Enum):
    """MOF status of one component, as the Model Openness Tool names them (plus ``unknown``)."""

    OPEN = "open"
    UNLICENSED = "unlicensed"
    INVALID = "invalid"
    """Listed under a licence that is not an open licence in the MOT's lists."""
    MISSING = "missing"
    """Not listed in the input."""
    UNKNOWN = "unknown"
    """Listed, but the input does not say under which licence (never from MOF YAML)."""

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class ComponentResult:
    """One of the 17 MOF components, with its status and the licence that decided it."""

    name: str
    cid: int
    mof_class: int
    content_type: str
    required: bool
    status: ComponentStatus
    licence: str | None
    licence_source: str | None
    """Which field the licence came from: ``component``, ``release.license.code``, ...;
    None when no licence was found or the component is missing."""
    type_appropriate: bool | None
    """Whether the licence is meant for this content type (MOT warning only); None if not open."""
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class ClassProgress:
    """Progress towards one MOF class, computed as the Model Openness Tool does."""

    mof_class: int
    progress: float
    """The MOT's percentage (0 while a class above is incomplete)."""
    open_count: int
    total: int
    required: tuple[str, ...]
    """Required components of this class and every class above it; an open research paper
    replaces a technical report that is not open."""
    blocking: tuple[str, ...]
    """Required components that are not open."""
    gated: bool
    """True when the progress is 0 only because a class above is incomplete."""


@dataclass(frozen=True, slots=True)
class MofResult:
    mof_class: int
    label: str
    progress: tuple[ClassProgress, ...]
    """Classes III, II, I in that order."""
    components: tuple[ComponentResult, ...]
    paper_stands_in_for_report: bool
    """True when an open research paper counts for a technical report that is not open (MOT)."""
    not_type_appropriate: tuple[str, ...]

    def progress_of(self, mof_class: int) -> ClassProgress:
        return next(p for p in self.progress if p.mof_class == mof_class)


class CheckStatus(str, enum.Enum):
    """Outcome of one requirement of OSAID 1.0 or the truly-open criteria."""

    MET = "met"
    NOT_MET = "not-met"
    MISSING = "missing"
    """The component is not listed in the input."""
    UNKNOWN = "unknown"
    """The component is listed but its licence is not stated."""

    def __str__(self) -> str:
        return self.value


class Verdict(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    """At least one requirement is not met on the evidence given."""
    INCOMPLETE = "incomplete"
    """Nothing failed, but the input does not show every requirement (missing or unknown)."""

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Requirement:
    """One requirement and the components behind its status."""

    key: str
    title: str
    rule: str
    status: CheckStatus
    components: tuple[str, ...]
    licence: str | None
    """The licence that decided the status (the first satisfying one for any-of rules)."""
    reason: str
    required: bool = True
    """False for a requirement that applies only if the component exists (OSAID's "if used"):
    its absence does not count against the verdict, a listed component that fails does."""


@dataclass(frozen=True, slots=True)
class FrameworkResult:
    """OSAID 1.0 or truly-open: a verdict and the requirements that led to it."""

    framework: str
    verdict: Verdict
    requirements: tuple[Requirement, ...]


@dataclass(frozen=True, slots=True)
class EuParamScore:
    param: str
    name: str
    category: str
    grade: str | None
    weight: float
    links: tuple[str, ...]
    notes: str


@dataclass(frozen=True, slots=True)
class EuCategoryScore:
    category: str
    name: str
    score: float | None
    """Mean of the category's applicable parameters; None when none applies to the model's type."""


@dataclass(frozen=True, slots=True)
class EuIndexResult:
    assessable: bool
    score: float | None
    categories: tuple[EuCategoryScore, ...]
    params: tuple[EuParamScore, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class Assessment:
    """Every framework's verdict on one release, with the facts it was computed from."""

    release: Release
    mof: MofResult
    osaid: FrameworkResult
    truly_open: FrameworkResult
    eu_index: EuIndexResult
