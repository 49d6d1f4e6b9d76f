"""Licence requirements over MOF component results, shared by OSAID 1.0 and the truly-open check.

Each requirement names components and a licence rule; its status comes from the components' MOF
results (so the licence each one resolves to is the same one the MOF class used).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reciprocity.openness.licenses import describe, shortfall
from reciprocity.openness.model import (
    CheckStatus,
    ComponentResult,
    ComponentStatus,
    MofResult,
    Requirement,
    Verdict,
)

__all__ = ["Rule", "open_terms", "osi_approved", "require", "verdict"]

Rule = Callable[[str], "str | None"]
"""A licence rule: None when the licence satisfies it, else the reason it does not."""


def osi_approved(licence: str) -> str | None:
    info = describe(licence)
    if info.osi_approved:
        return None
    if info.mot_open:
        return f"{licence} is an open licence but not OSI-approved"
    return shortfall(licence)


def open_terms(licence: str) -> str | None:
    """Free terms for non-code material: OSI-approved, FSF-free, or an open data licence."""
    return None if describe(licence).mot_open else shortfall(licence)


def _outcome(result: ComponentResult, rule: Rule) -> tuple[CheckStatus, str]:
    if result.status is ComponentStatus.MISSING:
        why = f" ({result.evidence})" if result.evidence else ""
        return CheckStatus.MISSING, f"{result.name}: not listed{why}"
    if result.status is ComponentStatus.UNKNOWN:
        why = f" ({result.evidence})" if result.evidence else ""
        return CheckStatus.UNKNOWN, f"{result.name}: listed{why}, licence not stated"
    where = f" [{result.licence_source}]" if result.licence_source else ""
    if result.licence is None:
        return CheckStatus.NOT_MET, f"{result.name}: no licence{where}, so no freedom is granted"
    shortfall = rule(result.licence)
    if shortfall is None:
        return CheckStatus.MET, f"{result.name}: {result.licence}{where}"
    return CheckStatus.NOT_MET, f"{result.name}: {shortfall}{where}"


_ALL_ORDER = (CheckStatus.NOT_MET, CheckStatus.MISSING, CheckStatus.UNKNOWN, CheckStatus.MET)
_ANY_ORDER = (CheckStatus.MET, CheckStatus.UNKNOWN, CheckStatus.MISSING, CheckStatus.NOT_MET)


def require(
    mof: MofResult,
    key: str,
    title: str,
    *,
    rule_text: str,
    names: Sequence[str],
    rule: Rule,
    any_of: bool = False,
    required: bool = True,
) -> Requirement:
    results = [next(c for c in mof.components if c.name == name) for name in names]
    outcomes = [(result, *_outcome(result, rule)) for result in results]
    order = _ANY_ORDER if any_of else _ALL_ORDER
    status = next(s for s in order if any(o[1] is s for o in outcomes))
    if status is CheckStatus.MET:
        shown = [o for o in outcomes if o[1] is CheckStatus.MET][: 1 if any_of else None]
    else:
        shown = [o for o in outcomes if o[1] is not CheckStatus.MET]
    deciding = next((o[0].licence for o in shown if o[0].licence), None)
    return Requirement(
        key=key,
        title=title,
        rule=rule_text,
        status=status,
        components=tuple(names),
        licence=deciding,
        reason="; ".join(o[2] for o in shown),
        required=required,
    )


def verdict(requirements: Sequence[Requirement]) -> Verdict:
    counted = [r for r in requirements if r.required or r.status is not CheckStatus.MISSING]
    if any(r.status is CheckStatus.NOT_MET for r in counted):
        return Verdict.FAIL
    if all(r.status is CheckStatus.MET for r in counted):
        return Verdict.PASS
    return Verdict.INCOMPLETE
