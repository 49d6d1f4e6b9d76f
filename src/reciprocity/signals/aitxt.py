"""Spawning ``/ai.txt``: robots.txt-like Allow/Disallow rules about AI training, per file type.

Spawning proposed ai.txt in May 2023 as a file "read when a site's media is downloaded" for
training datasets, to say "whether or not their work is used to train new AI models". No
normative grammar was published; what exists is the generator (Spawning's site and its
WordPress plugin, ``Spawning-Inc/spawning-wp-plugin``, 2023), whose output is the reference::

    # Spawning AI
    User-agent: *
    Disallow: *.jpg
    Allow: *.txt
    Allow: /

The file is read with the robots.txt parser (:meth:`RobotsTxt.parse`): the same lines, groups,
comments, key typos, BOM and size limit, and the same user-agent group selection (groups naming
the agent's product token are merged, else ``*``; for a user agent that carries no product token,
the strictest answer of every selection that could be its own). What differs from robots.txt is
how a rule is chosen:

* ``*.ext`` (an *extension glob*, the form the generator writes) matches a path whose path part
  (before ``?``) ends in ``.ext``, compared case-insensitively (``photo.JPG`` is a JPEG). Any
  other pattern matches as a robots.txt pattern (prefix, ``*``, final ``$``).
* The most specific rule wins, measured as robots.txt measures it: the longest pattern. So an
  extension glob (``*.jpg``, 5) beats the generator's catch-all ``Allow: /`` or ``Disallow: *``
  (1), and a directory (``/private/``, 9) beats an extension glob.
* On a tie the **Disallow** wins, unlike RFC 9309 (allow on ties). See :data:`TIE_BREAK`.

A rule line matched for a path is a statement about ``train-ai`` only (see :data:`USES`).
Lines consisting of a lone ``/``, which the generator writes after its header and after the
``User-agent`` line, are skipped with a ``stray-slash`` diagnostic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from reciprocity.signals.diagnostics import Diagnostic
from reciprocity.signals.robots import RobotsTxt, path_params_query, pattern_matches, query_token
from reciprocity.signals.statement import Carrier, Mechanism, Statement
from reciprocity.uses import Stance, Use

__all__ = [
    "SPEC_VERSION",
    "TIE_BREAK",
    "USES",
    "AiTxt",
    "AiTxtGroup",
    "AiTxtRule",
    "parse_ai_txt",
]

SPEC_VERSION: Final = (
    "Spawning ai.txt (spawning.ai generator and spawning-wp-plugin 1.0, 2023; no normative spec)"
)

# The vocabulary, such as it is: Allow / Disallow speak about these uses.
# Spawning presents ai.txt as permissions for *training* ("whether or not their work is used to
# train new AI models", "read when a site's media is downloaded" for datasets); nothing in its
# texts or generator mentions inference, RAG or search. So a rule is read as a statement about
# train-ai only; ai-use and search stay unknown.
USES: Final[tuple[Use, ...]] = (Use.TRAIN_AI,)
_STANCES: Final = {True: Stance.ALLOW, False: Stance.DENY}

TIE_BREAK: Final[Stance] = Stance.DENY
"""Which rule wins when an Allow and a Disallow are equally specific. RFC 9309 lets the Allow
win; here the Disallow does, because ai.txt states reservations rather than crawl access, and the
generator writes ties only through extensions it lists under two media classes (``*.xml`` under
Text and Code, ``*.ts`` under Video and Code, ``*.rm`` under Audio and Video): when one class was
allowed and the other not, the publisher has not allowed the other class, and an equal Allow
should not cancel that Disallow."""

_EXTENSION_RE: Final = re.compile(r"\*(\.[^*/?$#;]+)")
_WS: Final = " \t\v\f"


@dataclass(frozen=True, slots=True)
class AiTxtRule:
    """One ``Allow`` / ``Disallow`` line."""

    line: int
    allow: bool
    pattern: str
    """The pattern as written."""
    extension: str | None
    """For an extension glob ``*.jpg``: the suffix ``.jpg`` (normalised, lower-cased); else
    ``None``."""
    normalised: str
    """The robots.txt form of the pattern (non-ASCII %-escaped, escapes upper-cased)."""

    @property
    def specificity(self) -> int:
        """The length robots.txt measures specificity by (longest pattern wins)."""
        return len(self.normalised)

    @property
    def raw(self) -> str:
        return f"{'Allow' if self.allow else 'Disallow'}: {self.pattern}"

    def matches(self, path: str) -> bool:
        """Whether this rule matches ``path`` (path, params and query, as
        :func:`~reciprocity.signals.robots.path_params_query` gives it)."""
        if self.extension is not None:
            file_part = path.split("?", 1)[0]
            return file_part.lower().endswith(self.extension)
        return pattern_matches(path, self.normalised)


@dataclass(frozen=True, slots=True)
class AiTxtGroup:
    """A run of ``User-agent`` lines and the rules after them."""

    line: int
    agents: tuple[str, ...]
    tokens: frozenset[str]
    """Lower-cased product tokens, as robots.txt group selection compares them."""
    is_global: bool
    rules: tuple[AiTxtRule, ...]


@dataclass(frozen=True, slots=True)
class AiTxt:
    """A parsed ``/ai.txt``."""

    groups: tuple[AiTxtGroup, ...]
    diagnostics: tuple[Diagnostic, ...] = ()

    def _select(self, token: str) -> tuple[AiTxtGroup, ...]:
        agent = token.lower()
        specific = tuple(g for g in self.groups if agent in g.tokens)
        return specific or tuple(g for g in self.groups if g.is_global)

    def _selections(self, user_agent: str) -> tuple[tuple[AiTxtGroup, ...], ...]:
        """The group selections that can be ``user_agent``'s: one, for its product token; for a
        user agent that carries none, each named crawler's and the ``*`` one (any could apply,
        so the strictest of their answers is taken: failing open would take the ``*`` one)."""
        token = query_token(user_agent).token
        if token is not None:
            return (self._select(token),)
        named = sorted({token for group in self.groups for token in group.tokens})
        return (self._select("*"), *map(self._select, named))

    def groups_for(self, user_agent: str = "*") -> tuple[AiTxtGroup, ...]:
        """The groups that apply: every group naming ``user_agent``'s product token (merged),
        else ``*``; every group that could apply when it carries no product token."""
        selections = self._selections(user_agent)
        if len(selections) == 1:
            return selections[0]
        return tuple(g for g in self.groups if any(g in chosen for chosen in selections))

    def match(self, path: str, user_agent: str = "*") -> tuple[AiTxtGroup, AiTxtRule] | None:
        """The deciding rule for ``path`` (a path or URL, %-encoded) and its group, or ``None``
        when no rule matches: longest pattern, Disallow on ties, then file order."""
        target = path_params_query(path)
        found: tuple[AiTxtGroup, AiTxtRule] | None = None
        for groups in self._selections(user_agent):
            best: tuple[AiTxtGroup, AiTxtRule] | None = None
            best_key = (-1, False)
            for group in groups:
                for rule in group.rules:
                    key = (rule.specificity, rule.allow is (TIE_BREAK is Stance.ALLOW))
                    if key > best_key and rule.matches(target):
                        best, best_key = (group, rule), key
            if best is not None and not best[1].allow:
                return best
            found = found or best
        return found

    def matcher(
        self, user_agent: str = "*"
    ) -> Callable[[str], tuple[AiTxtGroup, AiTxtRule] | None]:
        """:meth:`match` for many paths: the rules are put in deciding order once, and the
        first that matches a path decides it."""
        tie = TIE_BREAK is Stance.ALLOW
        orders = [
            sorted(
                ((group, rule) for group in groups for rule in group.rules),
                key=lambda pair: (pair[1].specificity, pair[1].allow is tie),
                reverse=True,  # a stable sort: file order still breaks the remaining ties
            )
            for groups in self._selections(user_agent)
        ]
        ordered = orders[0]

        def match(path: str) -> tuple[AiTxtGroup, AiTxtRule] | None:
            target = path_params_query(path)
            for group, rule in ordered:
                if rule.matches(target):
                    return group, rule
            return None

        if len(orders) == 1:
            return match

        def strictest(path: str) -> tuple[AiTxtGroup, AiTxtRule] | None:
            target = path_params_query(path)
            found: tuple[AiTxtGroup, AiTxtRule] | None = None
            for each in orders:
                for group, rule in each:
                    if rule.matches(target):
                        if not rule.allow:
                            return group, rule
                        found = found or (group, rule)
                        break
            return found

        return strictest

    def statements(self, path: str, user_agent: str = "*") -> tuple[Statement, ...]:
        """The statement of the deciding rule for ``path``: ``Disallow`` is a deny, ``Allow`` an
        allow, for ``train-ai``; empty when no rule matches (unknown)."""
        found = self.match(path, user_agent)
        if found is None:
            return ()
        group, rule = found
        agents = ", ".join(group.agents)
        kind = "extension glob" if rule.extension is not None else "path pattern"
        return (
            Statement(
                Mechanism.AI_TXT,
                Carrier.AI_TXT,
                tuple((use, _STANCES[rule.allow]) for use in USES),
                rule.raw,
                line=rule.line,
                rule=rule.pattern,
                note=f"User-agent: {agents}; {kind}, most specific rule",
            ),
        )


def _rule(line: int, allow: bool, written: str, normalised: str) -> AiTxtRule:
    glob = _EXTENSION_RE.fullmatch(normalised)
    extension = glob.group(1).lower() if glob is not None else None
    return AiTxtRule(line, allow, written, extension, normalised)


def _lines(data: bytes | bytearray | memoryview | str) -> list[str]:
    # One character per byte for bytes, so that lines split exactly where robots.py splits them.
    text = data if isinstance(data, str) else bytes(data).decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _is_stray_slash(line: str) -> bool:
    for bom in ("\ufeff", "\xef\xbb\xbf"):
        if line.startswith(bom):
            line = line[len(bom) :]
    return line.strip(_WS) == "/"


def parse_ai_txt(data: bytes | bytearray | memoryview | str) -> AiTxt:
    """Parse an ``/ai.txt`` body. Never raises on content; see ``diagnostics``."""
    if not isinstance(data, (bytes, bytearray, memoryview, str)):
        raise TypeError(f"ai.txt must be bytes or str, not {type(data).__name__}")
    robots = RobotsTxt.parse(data)
    lines = _lines(data) if any(d.code == "no-separator" for d in robots.diagnostics) else []
    diagnostics: list[Diagnostic] = []
    for diagnostic in robots.diagnostics:
        line = diagnostic.line
        if (
            diagnostic.code == "no-separator"
            and 0 < line <= len(lines)
            and _is_stray_slash(lines[line - 1])
        ):
            diagnostics.append(
                Diagnostic(line, "stray-slash", "lone '/' line (Spawning generator quirk); skipped")
            )
        else:
            diagnostics.append(diagnostic)
    groups = []
    for group in robots.groups:
        rules = []
        for rule in group.rules:
            if rule.derived:
                continue  # Google's /index.html directory allow is a robots.txt quirk only
            if not rule.pattern:
                continue  # an empty pattern matches nothing, as in robots.txt
            rules.append(_rule(rule.line, rule.allow, rule.raw, rule.pattern))
        groups.append(
            AiTxtGroup(group.line, group.agents, group.tokens, group.is_global, tuple(rules))
        )
    if not any(g.rules for g in groups):
        # Other files share the name (Markdown "ai.txt" guides, `Training: deny` proposals):
        # without Allow/Disallow rules this is not a Spawning ai.txt and says nothing here.
        diagnostics.append(
            Diagnostic(0, "no-rules", "no Allow/Disallow rules: not a Spawning ai.txt, or empty")
        )
    return AiTxt(tuple(groups), tuple(diagnostics))
