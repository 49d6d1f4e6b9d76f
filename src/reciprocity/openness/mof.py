"""The Model Openness Framework class of a release, computed as the Model Openness Tool does.

Reference: ``lfai/model_openness_tool`` ``ModelEvaluator.php`` and ``LicenseHandler.php``. The
rules, in short:

* a component's licence is its own if the release gives one, else the release-wide licence for
  its content type, else the distribution licence;
* a listed component is *open* when that licence is in the MOT's open lists, *unlicensed* when
  there is none, *invalid* otherwise; an unlisted one is *missing*;
* classes are cumulative (II needs III's components, I needs all); a class's progress is the share
  of its required components that are open, and is 0 unless every class above it is complete;
* the research paper may stand in for a technical report that is not open (classes II and III),
  and then class I needs one component fewer;
* the class is the lowest one at 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass

from reciprocity.openness.catalogue import ComponentSpec, components
from reciprocity.openness.licenses import describe
from reciprocity.openness.model import (
    ClassProgress,
    ComponentResult,
    ComponentStatus,
    LicenceState,
    MofResult,
    Release,
)

__all__ = ["CLASS_LABELS", "evaluate"]

CLASS_LABELS: dict[int, str] = {
    0: "Unclassified",
    1: "Class I - Open Science Model",
    2: "Class II - Open Tooling Model",
    3: "Class III - Open Model",
}
_REPORT = "Technical report"
_PAPER = "Research paper"


def evaluate(release: Release) -> MofResult:
    results = {spec.name: _component(spec, release) for spec in components()}
    tally = _Tally.of({name: result.status for name, result in results.items()})
    progress = tuple(tally.progress(c) for c in (3, 2, 1))
    mof_class = min((p.mof_class for p in progress if p.progress == 100.0), default=0)
    ordered = sorted(components(), key=lambda spec: -spec.mof_class)
    return MofResult(
        mof_class=mof_class,
        label=CLASS_LABELS[mof_class],
        progress=progress,
        components=tuple(results[spec.name] for spec in ordered),
        paper_stands_in_for_report=tally.stands_in,
        not_type_appropriate=tuple(
            spec.name for spec in ordered if results[spec.name].type_appropriate is False
        ),
    )


def _component(spec: ComponentSpec, release: Release) -> ComponentResult:
    def result(
        status: ComponentStatus,
        *,
        licence: str | None = None,
        source: str | None = None,
        appropriate: bool | None = None,
        evidence: str = "",
    ) -> ComponentResult:
        return ComponentResult(
            name=spec.name,
            cid=spec.cid,
            mof_class=spec.mof_class,
            content_type=spec.content_type,
            required=spec.required,
            status=status,
            licence=licence,
            licence_source=source,
            type_appropriate=appropriate,
            evidence=evidence,
        )

    fact = release.component(spec.name)
    if fact is None:
        return result(ComponentStatus.MISSING, evidence=dict(release.absences).get(spec.name, ""))
    if fact.state is LicenceState.UNKNOWN:
        return result(ComponentStatus.UNKNOWN, evidence=fact.evidence)
    licence: str | None
    if fact.state is LicenceState.STATED:
        licence, source = fact.licence, fact.licence_field
    elif fact.state is LicenceState.UNLICENSED:
        licence, source = None, "component"
    else:
        typed = release.licences.for_type(spec.content_type)
        if typed:
            licence, source = typed, f"release.license.{spec.content_type}"
        elif release.licences.distribution:
            licence, source = release.licences.distribution, "release.license.distribution"
        else:
            licence, source = None, None
    if licence is None or licence == "unlicensed":
        return result(ComponentStatus.UNLICENSED, source=source, evidence=fact.evidence)
    info = describe(licence)
    if not info.mot_open:
        return result(
            ComponentStatus.INVALID, licence=licence, source=source, evidence=fact.evidence
        )
    return result(
        ComponentStatus.OPEN,
        licence=licence,
        source=source,
        appropriate=spec.content_type in info.content_types,
        evidence=fact.evidence,
    )


@dataclass(frozen=True, slots=True)
class _Tally:
    """Open counts per class, kept the way the MOT keeps them."""

    status: dict[str, ComponentStatus]
    required: dict[int, tuple[str, ...]]
    """Required components of each class alone."""
    cumulative: dict[int, tuple[str, ...]]
    """Required components of each class and every class above it."""
    counted: dict[int, int]
    stands_in: bool

    @classmethod
    def of(cls, status: dict[str, ComponentStatus]) -> _Tally:
        levels = (1, 2, 3)
        required = {
            c: tuple(s.name for s in components() if s.mof_class == c and s.required)
            for c in levels
        }
        cumulative = {c: tuple(n for k in range(3, c - 1, -1) for n in required[k]) for c in levels}
        counted = {c: sum(status[n] is ComponentStatus.OPEN for n in cumulative[c]) for c in levels}
        # The MOT counts a listed paper in classes III and II when the report is not open; only
        # an open paper changes a count.
        stands_in = (
            status[_REPORT] is not ComponentStatus.OPEN and status[_PAPER] is ComponentStatus.OPEN
        )
        if stands_in:
            counted[3] += 1
            counted[2] += 1
        return cls(status, required, cumulative, counted, stands_in)

    def progress(self, target: int) -> ClassProgress:
        total = 0
        included = 0
        reached = 3
        for level in range(3, target - 1, -1):
            reached = level
            total += len(self.required[level])
            included = self.counted[level]
            if included < total:
                break
        if target == 1 and self.stands_in:
            total -= 1
        # A lower class shows no progress until every class above it is complete.
        gated = reached > target
        value = 0.0 if gated else min(100.0, included / total * 100)
        names = list(self.cumulative[target])
        if self.stands_in:
            names.remove(_REPORT)
            if _PAPER not in names:
                names.append(_PAPER)
        blocking = tuple(n for n in names if self.status[n] is not ComponentStatus.OPEN)
        return ClassProgress(
            mof_class=target,
            progress=value,
            open_count=len(names) - len(blocking),
            total=len(names),
            required=tuple(names),
            blocking=blocking,
            gated=gated,
        )
