"""IETF AIPREF ``Content-Usage`` (HTTP header and robots.txt rule), with CC signals' exceptions.

Follows draft-ietf-aipref-vocab-08 (labels ``train-ai``, ``ai-use``, ``search``) and
draft-ietf-aipref-attach-05 (the header, and the path-scoped robots.txt rule). A value is an
RFC 9651 Dictionary; only the Tokens ``y`` and ``n`` are preferences, anything else (a Boolean, a
String, ``yes``) leaves the category unknown, and a Dictionary that fails to parse (an upper-case
key, a trailing comma) says nothing at all (vocab §6.5).

Labels of earlier drafts keep their meaning (DESIGN.md §3): ``train-genai=n`` (drafts -02/-03,
and CC signals' own examples) still reserves training. A current label beats a legacy one for the
same use; each legacy label read is reported with the draft it comes from.

CC signals 0.1 put an ``exceptions`` parameter on a value: ``train-ai=n;exceptions=cc-cr`` is
"no, unless you give credit". It stays a deny whose ``exceptions`` name the obligations that
would lift it (DESIGN.md §1; their duties are those of :mod:`reciprocity.obligations`); the
vocabulary drafts ignore parameters, CC-aware readers do not.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from reciprocity.obligations import Duty, Obligation
from reciprocity.signals.diagnostics import Diagnostic
from reciprocity.signals.robots import RobotsTxt, normalise_pattern, path_params_query
from reciprocity.signals.robots import pattern_matches as _matches
from reciprocity.signals.statement import Carrier, Mechanism, Statement
from reciprocity.signals.structured_fields import Item, Token, parse_dictionary
from reciprocity.uses import USES, Stance, Use

__all__ = [
    "CC_EXCEPTIONS",
    "CC_SIGNALS_VERSION",
    "LABELS",
    "SPEC_VERSION",
    "ContentUsage",
    "Label",
    "UsageRule",
    "applicable_rules",
    "header_statements",
    "parse_content_usage",
    "robots_rules",
    "robots_statements",
    "rule_statements",
]

SPEC_VERSION: Final = "draft-ietf-aipref-vocab-08 (2026-09-13), draft-ietf-aipref-attach-05"
CC_SIGNALS_VERSION: Final = "CC signals 0.1 (creativecommons/cc-signals, 2025-06)"


@dataclass(frozen=True, slots=True)
class Label:
    """A usage category label and the uses it speaks about."""

    uses: tuple[Use, ...]
    drafts: str
    legacy: bool
    reason: str


_ALL: Final = USES

LABELS: Final[dict[str, Label]] = {
    "train-ai": Label((Use.TRAIN_AI,), "vocab-02 to -08", False, "AI Training"),
    "ai-use": Label((Use.AI_USE,), "vocab-02, vocab-08", False, "AI Use (input at inference)"),
    "search": Label((Use.SEARCH,), "vocab-01 to -08", False, "Search"),
    # Legacy labels: vocab-07 says to ignore them; we keep what their publishers meant.
    "train-genai": Label(
        (Use.TRAIN_AI,),
        "vocab-02/-03",
        True,
        "generative AI training; vocab-08's train-ai is training of generative models",
    ),
    "genai": Label((Use.TRAIN_AI,), "vocab-01", True, "generative AI training"),
    "ai": Label((Use.TRAIN_AI,), "vocab-01", True, "AI training"),
    "inference": Label((Use.AI_USE,), "vocab-01", True, "use of a trained model on the content"),
    "ai-output": Label(
        (Use.AI_USE, Use.SEARCH), "vocab-04", True, "AI output; search was a subset of it"
    ),
    "tdm": Label(_ALL, "vocab-01", True, "text and data mining, parent of every category"),
    "all": Label(_ALL, "vocab-02", True, "automated processing, parent of every category"),
    "bots": Label(_ALL, "vocab-03/-04", True, "automated processing, parent of every category"),
}
"""Every label read, current and legacy (``legacy=True``), with the drafts that defined it."""

# Credit is in every signal; Direct Contribution, Ecosystem Contribution and Open add to it.
_CREDIT: Final = Obligation(Duty.ATTRIBUTION)
CC_EXCEPTIONS: Final[dict[str, tuple[Obligation, ...]]] = {
    "cc-cr": (_CREDIT,),
    "cc-cr-dc": (_CREDIT, Obligation(Duty.DIRECT_CONTRIBUTION)),
    "cc-cr-ec": (_CREDIT, Obligation(Duty.ECOSYSTEM_CONTRIBUTION)),
    "cc-cr-op": (_CREDIT, Obligation(Duty.OPEN)),
}
"""CC signal -> the obligations that lift the reservation it qualifies (the four signals of
``obligations.SPEC_VERSIONS["cc-signals"]``). The only place CC signal names are read."""

_VALUES: Final = {"y": Stance.ALLOW, "n": Stance.DENY}


@dataclass(frozen=True, slots=True)
class ContentUsage:
    """One ``Content-Usage`` value, read: per use, the stance, the label and the exceptions."""

    raw: str
    parsed: bool
    """False when the value is not a valid Dictionary: then every use is unknown."""
    stances: tuple[tuple[Use, Stance, str, tuple[Obligation, ...]], ...]
    """(use, stance, label that said it, CC exceptions) for each use the value speaks about."""
    diagnostics: tuple[Diagnostic, ...]

    def statements(
        self, carrier: Carrier, *, line: int | None, rule: str | None = None
    ) -> tuple[Statement, ...]:
        """One statement per use stated (their exceptions may differ), or one without stances
        when nothing could be read, so that the unreadable value still shows as evidence."""
        if not self.stances:
            note = "no usage preference could be read" if self.raw.strip() else "empty value"
            return (
                Statement(
                    Mechanism.AIPREF,
                    carrier,
                    (),
                    self.raw,
                    line=line,
                    rule=rule,
                    note=note,
                    diagnostics=self.diagnostics,
                ),
            )
        statements = []
        for use, stance, label, exceptions in self.stances:
            mechanism = Mechanism.CC_SIGNALS if exceptions else Mechanism.AIPREF
            note = f"label {label!r}"
            if LABELS[label].legacy:
                note += f" from draft {LABELS[label].drafts} ({LABELS[label].reason})"
            if exceptions:
                note += f"; CC signal: denied unless you accept {', '.join(map(str, exceptions))}"
            statements.append(
                Statement(
                    mechanism,
                    carrier,
                    ((use, stance),),
                    self.raw,
                    line=line,
                    rule=rule,
                    exceptions=exceptions,
                    note=note,
                    diagnostics=self.diagnostics,
                )
            )
        return tuple(statements)


def _exceptions(
    item: Item, label: str, line: int, notes: list[Diagnostic]
) -> tuple[Obligation, ...]:
    value = item.params.get("exceptions")
    if value is None:
        return ()
    name = str(value) if isinstance(value, (Token, str)) else None
    found = CC_EXCEPTIONS.get(name) if name is not None else None
    if found is None:
        notes.append(
            Diagnostic(line, "unknown-exception", f"{label}: exceptions={value!r} ignored")
        )
        return ()
    if item.value != Token("n"):
        notes.append(
            Diagnostic(line, "exception-on-allow", f"{label}: an exception only qualifies 'n'")
        )
        return ()
    return found


def parse_content_usage(
    value: str | bytes | Iterable[str | bytes], *, line: int = 1
) -> ContentUsage:
    """Read a ``Content-Usage`` value (several field lines combine, as HTTP says)."""
    lines = (value,) if isinstance(value, (str, bytes)) else tuple(value)
    return _parse_content_usage(lines, line)


# A header value or robots.txt rule repeats on every page of a site: read it once.
@functools.lru_cache(maxsize=4096)
def _parse_content_usage(lines: tuple[str | bytes, ...], line: int) -> ContentUsage:
    raw = ", ".join(v.decode("latin-1") if isinstance(v, bytes) else v for v in lines)
    result = parse_dictionary(lines, first_line=line)
    notes = list(result.diagnostics)
    if result.value is None:
        return ContentUsage(raw, False, (), tuple(notes))
    current: dict[Use, tuple[Stance, str, tuple[Obligation, ...]]] = {}
    legacy: dict[Use, tuple[Stance, str, tuple[Obligation, ...]]] = {}
    for key, member in result.value.items():
        label = LABELS.get(key)
        if label is None:
            hint = " (a Content Signals key?)" if key in ("ai-train", "ai-input") else ""
            notes.append(Diagnostic(line, "unknown-label", f"{key!r} ignored{hint}"))
            continue
        if not isinstance(member, Item) or not isinstance(member.value, Token):
            notes.append(Diagnostic(line, "invalid-value", f"{key}: not the token y or n; unknown"))
            continue
        stance = _VALUES.get(member.value.value)
        if stance is None:
            notes.append(
                Diagnostic(line, "invalid-value", f"{key}={member.value}: not y or n; unknown")
            )
            continue
        if label.legacy:
            notes.append(
                Diagnostic(line, "legacy-label", f"{key!r} is a label of draft {label.drafts}")
            )
        exceptions = _exceptions(member, key, line, notes)
        target = legacy if label.legacy else current
        for use in label.uses:
            held = target.get(use)
            # Two legacy labels for one use: the more restrictive one stands.
            if held is None or (held[0] is Stance.ALLOW and stance is Stance.DENY):
                target[use] = (stance, key, exceptions)
    stances = []
    for use in USES:
        found = current.get(use) or legacy.get(use)
        if found is not None:
            stances.append((use, *found))
    return ContentUsage(raw, True, tuple(stances), tuple(notes))


def header_statements(headers: Iterable[tuple[str, str]]) -> tuple[Statement, ...]:
    """The ``Content-Usage`` header: all its field lines read as one Dictionary (RFC 9651 §4.2)."""
    values: list[str] = []
    first = 0
    for index, (name, value) in enumerate(headers, 1):
        if name.strip().lower() == "content-usage":
            values.append(value)
            first = first or index
    if not values:
        return ()
    usage = parse_content_usage(values, line=first)
    return usage.statements(Carrier.HTTP_HEADER, line=first, rule="Content-Usage")


def _split_rule(value: str) -> tuple[str, str]:
    # attach-05 §3: a value starting with "/" has a path, which ends at the first SP or HTAB.
    if value.startswith("/"):
        for i, char in enumerate(value):
            if char in " \t":
                return value[:i], value[i:].strip(" \t")
        return value, ""
    return "", value


UsageRule = tuple[int, str, str]
"""(line, normalised path pattern, preference) of a robots.txt ``Content-Usage`` rule."""


def robots_rules(robots: RobotsTxt, user_agent: str) -> tuple[UsageRule, ...]:
    """(line, normalised path pattern, preference) of each ``Content-Usage`` rule of the groups
    that apply to ``user_agent``, in file order."""
    rules = []
    for record in robots.records_for(user_agent, "content-usage"):
        pattern, preference = _split_rule(record.value)
        rules.append((record.line, normalise_pattern(pattern), preference))
    return tuple(rules)


def applicable_rules(rules: tuple[UsageRule, ...], path: str) -> tuple[UsageRule, ...]:
    """The rules of :func:`robots_rules` that apply to ``path``: the longest matching path
    (attach-05 §3.2); rules with equally long paths all apply; a rule without a path matches
    every path."""
    best: list[UsageRule] = []
    longest = -1
    for rule in rules:
        pattern = rule[1]
        if pattern and not _matches(path, pattern):
            continue
        if len(pattern) > longest:
            best, longest = [], len(pattern)
        if len(pattern) == longest:
            best.append(rule)
    return tuple(best)


def rule_statements(rules: tuple[UsageRule, ...]) -> tuple[Statement, ...]:
    """The statements of the rules :func:`applicable_rules` chose (they combine
    most-restrictively)."""
    statements: list[Statement] = []
    for line, pattern, preference in rules:
        usage = parse_content_usage(preference, line=line)
        rule = f"path {pattern}" if pattern else "all paths"
        statements.extend(usage.statements(Carrier.ROBOTS_TXT, line=line, rule=rule))
    return tuple(statements)


def robots_statements(robots: RobotsTxt, user_agent: str, url: str) -> tuple[Statement, ...]:
    """The ``Content-Usage`` rules of the groups that apply to ``user_agent``, for ``url``."""
    rules = robots_rules(robots, user_agent)
    return rule_statements(applicable_rules(rules, path_params_query(url))) if rules else ()
