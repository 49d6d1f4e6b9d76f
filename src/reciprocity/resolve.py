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

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Literal

from reciprocity._frozen import quick_init
from reciprocity.obligations import Duty, Obligation, parse_duties
from reciprocity.signals.statement import Mechanism, Statement
from reciprocity.uses import USES, Stance, Use

__all__ = ["Conflict", "Decision", "Evidence", "UseDecision", "resolve"]

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

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready record: mechanism, source, line, rule, raw text, stance per use …"""
        s = self.statement
        record: dict[str, object] = {
            "mechanism": s.mechanism.value,
            "carrier": s.carrier.value,
            "source": self.source,
            "line": s.line,
            "rule": s.rule,
            "raw": s.raw,
            "stances": {use.value: stance.value for use, stance in s.stances},
        }
        if self.fetched:
            record["fetched"] = self.fetched
        if s.exceptions:
            record["exceptions"] = [o.to_dict() for o in s.exceptions]
        if s.obligations:
            record["obligations"] = [o.to_dict() for o in s.obligations]
        if s.license:
            record["license"] = s.license
        if s.note:
            record["note"] = s.note
        if s.diagnostics:
            record["diagnostics"] = [str(d) for d in s.diagnostics]
        return record

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

    def to_dict(self) -> dict[str, object]:
        return {
            "use": self.use.value,
            "deny": self.deny.describe(),
            "allow": self.allow.describe(),
            "mechanisms": [self.deny.mechanism.value, self.allow.mechanism.value],
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

    def to_dict(self) -> dict[str, object]:
        """The decision, the deciding evidence described, and exceptions or obligations as
        :meth:`Obligation.to_dict` records (when there are any)."""
        record: dict[str, object] = {
            "decision": self.stance.value,
            "deciding": [e.describe() for e in self.deciding],
        }
        if self.exceptions:
            record["exceptions"] = [o.to_dict() for o in self.exceptions]
        if self.obligations:
            record["obligations"] = [o.to_dict() for o in self.obligations]
        return record


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

    def to_dict(self) -> dict[str, object]:
        return {
            "url": self.url,
            "uses": {d.use.value: d.to_dict() for d in self.uses},
            "obligations": [o.to_dict() for o in self.obligations],
            "accepted": sorted(duty.value for duty in self.accepted),
            "conflicts": [c.to_dict() for c in self.conflicts],
            "evidence": [e.to_dict() for e in self.evidence],
        }


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
