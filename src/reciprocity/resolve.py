"""From the statements found for one document to one decision per use, with evidence.

The rules (DESIGN.md §3):

* inside a mechanism its own rules have already chosen the statement(s) that apply;
* across mechanisms the most restrictive stance wins: ``deny`` > ``allow`` > ``unknown``
  (as AIPREF vocab §5.1 and RSL combine); every disagreement is kept as a :class:`Conflict`;
* a ``deny`` that lists ``exceptions`` (CC signals' ``exceptions=cc-cr``, RSL payment terms) stays
  a ``deny`` naming what would lift it, and becomes an ``allow`` carrying those obligations only
  when the caller accepts the duty of each (``accept={"credit"}``: a duty accepted is accepted
  whatever its URL or detail) — the promise is then recorded;
* obligations that come with an ``allow`` (a CC BY licence asks for attribution) are always listed.

Nothing here does I/O: deciding needs no network.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from reciprocity._frozen import quick_init
from reciprocity.obligations import Duty, Obligation, parse_duties
from reciprocity.signals.statement import Mechanism, Statement
from reciprocity.uses import USES, Stance, Use

__all__ = ["COLUMN", "Conflict", "Decision", "Evidence", "UseDecision", "resolve"]

COLUMN: Final = {use: use.value.replace("-", "_") for use in USES}
"""Each use's name in records and in ``decisions.parquet`` (``train-ai`` -> ``train_ai``)."""

_DENY, _ALLOW = Stance.DENY, Stance.ALLOW


@quick_init
@dataclass(frozen=True, slots=True)
class Evidence:
    """A statement together with where its carrier came from."""

    statement: Statement
    source: str
    """URL of the robots.txt / tdmrep.json / ai.txt / RSL file, or the document's own URL or
    archive location (``file.warc.gz@offset``) for headers and HTML."""
    fetched: str | None = None
    """When the carrier was fetched or crawled (ISO 8601), when known."""

    @property
    def mechanism(self) -> Mechanism:
        return self.statement.mechanism

    def stance(self, use: Use) -> Stance:
        return self.statement.stance(use)

    def to_dict(self) -> dict[str, Any]:
        """The record ``decisions.parquet`` stores for this evidence (its ``evidence`` struct,
        ``docs/decisions.md``): mechanism, carrier, source, line, rule, raw text, the stance on
        every use (``unknown`` where it says nothing), when fetched, licence, obligations,
        exceptions, note and diagnostics."""
        s = self.statement
        stances = dict.fromkeys(COLUMN.values(), "unknown")
        for use, stance in s.stances:
            stances[COLUMN[use]] = stance.value
        return {
            "mechanism": s.mechanism.value,
            "carrier": s.carrier.value,
            "source": self.source,
            "line": s.line,
            "rule": s.rule,
            "raw": s.raw,
            "stances": stances,
            "fetched": self.fetched,
            "license": s.license,
            "license_url": s.license_url,
            "obligations": [o.to_dict() for o in s.obligations],
            "exceptions": [o.to_dict() for o in s.exceptions],
            "note": s.note or None,
            "diagnostics": [
                {"line": d.line, "code": d.code, "message": d.message} for d in s.diagnostics
            ],
        }

    def describe(self) -> str:
        """One line for people: ``robots.txt line 12 (https://x/robots.txt): Disallow: /``."""
        s = self.statement
        where = f"{s.mechanism.value}"
        if s.line is not None:
            where += f" {'field' if s.carrier.value == 'http-header' else 'line'} {s.line}"
        rule = f" [{s.rule}]" if s.rule else ""
        return f"{where} ({self.source}): {s.raw}{rule}"


@quick_init
@dataclass(frozen=True, slots=True)
class Conflict:
    """Two pieces of evidence from different mechanisms disagreeing about one use."""

    use: Use
    deny: Evidence
    allow: Evidence

    def to_dict(self, index: Mapping[int, int]) -> dict[str, Any]:
        """The record ``decisions.parquet`` stores (its ``conflicts`` struct): the use, the
        denying and the allowing mechanism, and their evidence as positions in the decision's
        evidence (``index``: ``id(evidence)`` -> position)."""
        return {
            "use": self.use.value,
            "deny_mechanism": self.deny.mechanism.value,
            "allow_mechanism": self.allow.mechanism.value,
            "deny_evidence": index.get(id(self.deny)),
            "allow_evidence": index.get(id(self.allow)),
        }


@quick_init
@dataclass(frozen=True, slots=True)
class UseDecision:
    """The decision for one use."""

    use: Use
    stance: Stance
    deciding: tuple[Evidence, ...]
    """The evidence that holds the winning stance (empty when unknown)."""
    exceptions: tuple[Obligation, ...] = ()
    """For a deny: obligations that would lift it if the caller accepted their duties (all)."""
    obligations: tuple[Obligation, ...] = ()
    """For an allow: obligations that come with it, including accepted exceptions."""

    def to_dict(self, index: Mapping[int, int]) -> dict[str, Any]:
        """The record ``decisions.parquet`` stores (its ``<use>_detail`` struct): the state, the
        deciding evidence as positions in the decision's evidence (``index``: ``id(evidence)``
        -> position), what would lift a deny, and what comes with an allow."""
        return {
            "state": self.stance.value,
            "deciding": [index[id(e)] for e in self.deciding if id(e) in index],
            "exceptions": [o.to_dict() for o in self.exceptions],
            "obligations": [o.to_dict() for o in self.obligations],
        }


@quick_init
@dataclass(frozen=True, slots=True)
class Decision:
    """What may be done with one document, per use, and why."""

    url: str
    uses: tuple[UseDecision, ...]
    evidence: tuple[Evidence, ...]
    accepted: frozenset[Duty] = frozenset()
    """The duties the caller committed to meet."""
    _conflicts: tuple[Conflict, ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def conflicts(self) -> tuple[Conflict, ...]:
        """Every disagreement between mechanisms about a denied use: one per pair of a mechanism
        that denies and one that allows, naming the first evidence of each. Worked out from the
        evidence when first asked (most callers never ask)."""
        found = self._conflicts
        if found is None:
            found = _conflicts(*_sort(self.evidence, self.accepted))
            object.__setattr__(self, "_conflicts", found)
        return found

    def decision(self, use: Use | str) -> UseDecision:
        wanted = Use(use)
        for decided in self.uses:
            if decided.use is wanted:
                return decided
        raise KeyError(wanted)  # pragma: no cover - every use is always decided

    def for_use(self, use: Use | str) -> Literal["allow", "deny", "unknown"]:
        """``allow``, ``deny`` or ``unknown`` for ``train-ai``, ``ai-use`` or ``search``."""
        stance = self.decision(use).stance
        if stance is Stance.ALLOW:
            return "allow"
        if stance is Stance.DENY:
            return "deny"
        return "unknown"

    @property
    def obligations(self) -> tuple[Obligation, ...]:
        """Every obligation attached to an allowed use, in first-seen order."""
        seen: dict[Obligation, None] = {}
        for decided in self.uses:
            if decided.stance is Stance.ALLOW:
                seen.update(dict.fromkeys(decided.obligations))
        return tuple(seen)

    def to_dict(self) -> dict[str, Any]:
        """The decision as ``decisions.parquet`` says it (``docs/decisions.md``), in the same
        names and shapes: the state of each use (``train_ai`` …) and its ``<use>_detail``, the
        evidence records, the conflicts (pointing into the evidence by position), the
        obligations of the allowed uses and what the caller accepted."""
        index = {id(e): position for position, e in enumerate(self.evidence)}
        record: dict[str, Any] = {"url": self.url}
        for decided in self.uses:
            record[COLUMN[decided.use]] = decided.stance.value
        for decided in self.uses:
            record[f"{COLUMN[decided.use]}_detail"] = decided.to_dict(index)
        record["obligations"] = [o.to_dict() for o in self.obligations]
        record["accepted"] = sorted(duty.value for duty in self.accepted)
        record["evidence"] = [e.to_dict() for e in self.evidence]
        record["conflicts"] = [c.to_dict(index) for c in self.conflicts]
        return record


_UNKNOWN: dict[Use, UseDecision] = {use: UseDecision(use, Stance.UNKNOWN, ()) for use in USES}


_Sorted = tuple[dict[Use, list[Evidence]], dict[Use, list[tuple[Evidence, bool]]]]


def _sort(found: tuple[Evidence, ...], accepted: frozenset[Duty]) -> _Sorted:
    """Per use, the evidence that denies it and the evidence that allows it (with whether the
    allow is a deny lifted by accepted obligations)."""
    # One pass over the stances actually stated (most statements speak about one or two uses).
    denies: dict[Use, list[Evidence]] = {use: [] for use in USES}
    allows: dict[Use, list[tuple[Evidence, bool]]] = {use: [] for use in USES}
    deny, allow = _DENY, _ALLOW
    for item in found:
        statement = item.statement
        for use, stance in statement.stances:
            if stance is deny:
                exceptions = statement.exceptions
                if exceptions and accepted.issuperset([o.duty for o in exceptions]):
                    allows[use].append((item, True))
                else:
                    denies[use].append(item)
            elif stance is allow:
                allows[use].append((item, False))
    return denies, allows


def _conflicts(
    denies: dict[Use, list[Evidence]], allows: dict[Use, list[tuple[Evidence, bool]]]
) -> tuple[Conflict, ...]:
    conflicts: list[Conflict] = []
    for use in USES:
        denied, allowed = denies[use], allows[use]
        if not denied or not allowed:
            continue
        first_allows: dict[Mechanism, Evidence] = {}
        for allow, _ in allowed:
            first_allows.setdefault(allow.statement.mechanism, allow)
        first_denies: dict[Mechanism, Evidence] = {}
        for deny in denied:
            first_denies.setdefault(deny.statement.mechanism, deny)
        for deny_mechanism, deny in first_denies.items():
            for allow_mechanism, allow in first_allows.items():
                if deny_mechanism is not allow_mechanism:
                    conflicts.append(Conflict(use, deny, allow))
    return tuple(conflicts)


def resolve(
    url: str, evidence: Iterable[Evidence], *, accept: str | Collection[str | Duty] = frozenset()
) -> Decision:
    """Combine the evidence found for one document into a decision per use. ``accept`` names
    the duties the caller commits to meet (see :func:`~reciprocity.obligations.parse_duties`;
    an unknown name raises ``ValueError``)."""
    found = tuple(evidence)
    accepted = parse_duties(accept)
    denies, allows = _sort(found, accepted)
    decisions = []
    for use in USES:
        denied = denies[use]
        if denied:
            lift: tuple[Obligation, ...] = ()
            # A deny can be lifted only if every deny names exceptions; list what would do it.
            if all(d.statement.exceptions for d in denied):
                named: dict[Obligation, None] = {}
                for d in denied:
                    named.update(dict.fromkeys(d.statement.exceptions))
                lift = tuple(named)
            decisions.append(UseDecision(use, _DENY, tuple(denied), lift))
            continue
        allowed = allows[use]
        if not allowed:
            decisions.append(_UNKNOWN[use])
            continue
        obligations: dict[Obligation, None] = {}
        for item, lifted in allowed:
            statement = item.statement
            if lifted:
                obligations.update(dict.fromkeys(statement.exceptions))
            if statement.obligations:
                obligations.update(dict.fromkeys(statement.obligations))
        deciding = tuple([item for item, _ in allowed])
        decisions.append(UseDecision(use, _ALLOW, deciding, (), tuple(obligations)))
    return Decision(url, tuple(decisions), found, accepted)
