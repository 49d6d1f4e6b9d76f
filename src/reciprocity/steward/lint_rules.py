"""The lint rules: one table, each rule with its stable id, severity, the specification it comes
from, a one-line description and its place in ``docs/lint.md``.

A rule id never changes meaning once released (code hosts key their inline annotations on it);
a check that changes meaning gets a new id. The parsers' own diagnostic codes are mapped onto these
rules in :mod:`reciprocity.steward.lint`, never re-invented there.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = ["DOCS_URL", "RULES", "LintRule", "Severity", "rule"]

DOCS_URL: Final = "https://github.com/reciprocity-dev/reciprocity/blob/main/docs/lint.md"


class Severity(str, enum.Enum):
    """How bad a finding is: ``error`` voids a preference (or part of it) for some reader;
    ``warning`` is read, but not as every reader reads it, or not as the publisher meant."""

    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class LintRule:
    """One check a site can fail."""

    id: str
    severity: Severity
    spec: str
    """The specification (and section) the rule comes from."""
    summary: str
    """One line: what is wrong when the rule fires."""
    contradiction: bool = False
    """True for a disagreement between two mechanisms (the finding has two locations)."""

    @property
    def help_url(self) -> str:
        return f"{DOCS_URL}#{self.id}"


_E, _W = Severity.ERROR, Severity.WARNING
_RFC9309 = "RFC 9309"
_ATTACH = "draft-ietf-aipref-attach-05"
_VOCAB = "draft-ietf-aipref-vocab-08"
_CS = "Cloudflare Content Signals Policy (contentsignals.org, 2025-09)"
_TDM = "W3C TDMRep CG Final Report 2024-05-10"
_RSL = "RSL 1.0"
_AITXT = "Spawning ai.txt (generator, 2023)"

_TABLE: Final[tuple[LintRule, ...]] = (
    # robots.txt as a file
    LintRule("robots-html", _E, f"{_RFC9309} §2.3 (text/plain)",
             "an HTML page is served as robots.txt: no rule in it is read"),
    LintRule("robots-bom", _W, f"{_RFC9309} §2.2; Google robots.txt spec",
             "robots.txt starts with a byte order mark, which parsers other than Google's read "
             "into the first key"),
    LintRule("robots-size", _W, f"{_RFC9309} §2.5",
             "robots.txt is larger than 500 KiB: the rules after the limit are not read"),
    LintRule("robots-line-skipped", _W, f"{_RFC9309} §2.2",
             "a line of robots.txt is not a record (no key, no separator) and is skipped"),
    LintRule("robots-nonstandard-line", _W, f"{_RFC9309} §2.2; Google robots.txt spec",
             "a line is read only by lenient parsers (missing colon, misspelt key, agent that is "
             "not a product token, not UTF-8)"),
    LintRule("robots-rule-outside-group", _E, f"{_RFC9309} §2.2",
             "an Allow/Disallow line comes before any User-agent line and applies to nobody"),
    LintRule("robots-unknown-key", _W, f"{_RFC9309} §2.2.4",
             "a key no mechanism defines (often a misspelt Content-Usage, Content-Signal or "
             "License)"),
    LintRule("robots-merged-group", _E, f"{_RFC9309} §2.2.4; Google robots.txt spec",
             "User-agent lines followed only by extension lines are merged with the next group, "
             "whose Allow/Disallow rules then apply to them too"),
    # AIPREF Content-Usage (robots.txt rule or HTTP header)
    LintRule("aipref-syntax", _E, f"{_VOCAB} §6.5; RFC 9651 §4.2",
             "a Content-Usage value is not a Structured Fields Dictionary: all of it is ignored"),
    LintRule("aipref-value", _E, f"{_VOCAB} §6.5",
             "a Content-Usage preference is not the token y or n (train-ai=yes): it is unknown"),
    LintRule("aipref-ignored", _W, f"{_VOCAB} §6.4",
             "part of a Content-Usage value is ignored or read with an earlier draft's meaning "
             "(unknown or legacy label, repeated key)"),
    LintRule("cc-signals-exception", _W, "CC signals 0.1",
             "an exceptions= parameter names no CC signal, or qualifies a y"),
    # Cloudflare Content Signals
    LintRule("content-signal-value", _E, f"{_CS}, syntax",
             "a Content-Signal member is not key=yes or key=no: that signal says nothing"),
    LintRule("content-signal-key", _W, f"{_CS}, syntax",
             "a Content-Signal key is unknown or repeated"),
    LintRule("content-signal-unread", _W, f"{_CS}; {_RFC9309} §2.2.1",
             "a Content-Signal line sits in a group that no catalogued AI crawler reads"),
    # TDMRep
    LintRule("tdmrep-syntax", _E, f"{_TDM}, tdmrep.json",
             "tdmrep.json is not a JSON array of rules with a location: rules are lost"),
    LintRule("tdmrep-value", _E, f"{_TDM}, tdm-reservation",
             "a tdm-reservation is missing or not 0/1, or tdm-policy is not a URL: the "
             "reservation is unset"),
    LintRule("tdmrep-lenient", _W, f"{_TDM}, tdmrep.json",
             "tdmrep.json is read only by lenient readers (trailing comma, \"1\" as a string, "
             "key spelling, relative location)"),
    # RSL
    LintRule("rsl-license-missing", _E, f"{_RSL} §4.4",
             "a robots.txt License: line points to a document that is not there"),
    LintRule("rsl-syntax", _E, f"{_RSL} §3, §4.3",
             "the licence a License: line points to is not an RSL document (not XML, no "
             "<content>), or the line holds no HTTP URL"),
    LintRule("rsl-lenient", _W, f"{_RSL} §3",
             "the RSL document is read only leniently (namespace variant, RSL 0.9 syntax, "
             "unknown element or token, relative URL)"),
    # ai.txt
    LintRule("aitxt-no-rules", _E, _AITXT,
             "ai.txt holds no Allow/Disallow rule (not Spawning's format, or an HTML page)"),
    LintRule("aitxt-syntax", _W, _AITXT, "a line of ai.txt is skipped or read leniently"),
    # the site's files together
    LintRule("site-file-blocked", _W, f"{_RFC9309} §2.2.2",
             "robots.txt disallows a preference file (ai.txt, tdmrep.json, the RSL licence) "
             "for AI crawlers it lets into the site"),
    LintRule("aitxt-shadowed", _W, "DESIGN §3.2 (most restrictive wins)",
             "ai.txt allows a use that robots.txt denies the AI crawlers for the same path",
             contradiction=True),
    LintRule("tdmrep-conflict", _W, f"{_TDM}, tdm-reservation; DESIGN §3.2",
             "TDMRep says the opposite of another mechanism for the same use and path",
             contradiction=True),
    LintRule("mechanism-conflict", _W, "DESIGN §3.2 (most restrictive wins)",
             "two mechanisms say opposite things about one use on one path",
             contradiction=True),
)  # fmt: skip

RULES: Final[Mapping[str, LintRule]] = MappingProxyType({r.id: r for r in _TABLE})
"""Every rule by id, in the order the docs list them."""


def rule(rule_id: str) -> LintRule:
    """The rule ``rule_id`` (``KeyError`` for an unknown id: a bug in the caller)."""
    return RULES[rule_id]
