"""``noai``, ``noimageai`` and the robots rules that act as AI controls, in HTML metas and headers.

Read from ``<meta name="robots" content=…>`` (every crawler) and crawler-specific meta names
(``<meta name="GPTBot" content="noai">``: that crawler only), and from the ``X-Robots-Tag`` and
``Robots-Tag`` response header fields:

* the legacy comma form, ``X-Robots-Tag: noai, noimageai``, where an ``agent:`` prefix scopes the
  rules after it to that crawler (Google's convention: ``X-Robots-Tag: googlebot: noindex,
  noimageai`` binds googlebot only, up to the next ``agent:`` prefix);
* the Structured Field form of draft-illyes-repext (-03, 2026-04-18, and the -04 editor's copy):
  ``Robots-Tag: *;noai;noimageai, ExampleBot;nosnippet`` — a List of product tokens whose
  Parameters are the rules, ``*`` for every crawler. It is tried when the value holds a ``;``.

Metas accumulate (the draft: a crawler obeys "the sum of negative rules" of its own token and the
global one), header field lines accumulate; a rule repeated inside one meta or field line is one
statement. A ``;`` in the comma form is read as a comma (``noindex; nofollow``), with a diagnostic
only when the value was not a Structured Field either.

What each rule means for the uses is one table, :data:`VOCABULARY`, with a reason and a source per
reading. ``noai`` and friends come from a convention (DeviantArt, 2022-11), not a specification;
search-engine rules are AI controls only for the crawlers whose operators said so (Bing's
``noarchive``/``nocache``, Amazon's ``noarchive``, Google's ``nosnippet``), and are not held
against any other crawler. Rules only ever deny: absence of a rule is not an ``allow``.

A rule scoped to a crawler binds that crawler (the ``user_agent`` asked about) for every use its
reading names. It also binds through the tokens a run honours (``honour``, DESIGN §3.4): robots.txt
speaks per crawler, and a run reads a ``Disallow`` for a token honoured for a use as a ``deny`` of
that use; a rule said to that token (``<meta name="GPTBot" content="noai">``, ``X-Robots-Tag:
GPTBot: noai``) is read the same way, for the uses the token is honoured for and the uses its
reading names, both. Unscoped rules and ``<meta name="robots">`` are read as before: for every
crawler, with a crawler-specific reading (Bing's ``noarchive``) binding that crawler only.

A ``<meta>`` outside ``<head>`` still counts, with a note on its statement: the draft's security
section asks readers to consider only head metas (body content may come from third parties), but
every rule here is a restriction, so reading one can only make a builder more careful.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from reciprocity._frozen import quick_init
from reciprocity._memo import value_cache
from reciprocity.signals.diagnostics import Diagnostic
from reciprocity.signals.html import Meta
from reciprocity.signals.robots import extract_product_token, query_token
from reciprocity.signals.statement import Carrier, Mechanism, Statement
from reciprocity.uses import USES, Stance, Use

__all__ = [
    "HEADER_LIMIT",
    "IGNORED",
    "SPEC_VERSION",
    "VOCABULARY",
    "Directive",
    "HonouredTokens",
    "Reading",
    "RobotsTags",
    "parse_robots_meta",
    "parse_x_robots_tag",
    "read_robots_headers",
    "read_robots_meta",
]

SPEC_VERSION: Final = (
    "noai/noimageai convention (DeviantArt, 2022-11); draft-illyes-repext-03 (Robots-Tag, "
    "2026-04-18); Bing webmaster blog 2023-09 (noarchive/nocache); developer.amazon.com/amazonbot "
    "(noarchive); Google robots meta specification (nosnippet, max-snippet)"
)

HEADER_LIMIT: Final = 8 * 1024
"""Characters of one header field value that are read (draft-illyes-repext: at least 8 KiB)."""

_DENY_AI: Final = ((Use.TRAIN_AI, Stance.DENY), (Use.AI_USE, Stance.DENY))
_DENY_TRAIN: Final = ((Use.TRAIN_AI, Stance.DENY),)
_DENY_AI_USE: Final = ((Use.AI_USE, Stance.DENY),)
_DENY_SEARCH: Final = ((Use.SEARCH, Stance.DENY),)
_BING: Final = frozenset({"bingbot", "msnbot"})
_GOOGLE: Final = frozenset({"googlebot"})


@dataclass(frozen=True, slots=True)
class Reading:
    """What one rule says, for which crawlers and which media, and why we read it so."""

    stances: tuple[tuple[Use, Stance], ...]
    reason: str
    source: str
    agents: frozenset[str] | None = None
    """The product tokens (lower-case) the reading binds; ``None``: every crawler."""
    media: str | None = None
    """``image``: the reading applies to images only."""
    yields_to: str | None = None
    """Another rule that, said to the same crawler, replaces this reading (Bing: ``noarchive``
    together with ``nocache`` is read as ``nocache``)."""


VOCABULARY: Final[dict[str, tuple[Reading, ...]]] = {
    "noai": (
        Reading(
            _DENY_AI,
            "content must not be used for AI: training, and (DESIGN §1) use as model input",
            "DeviantArt 2022-11 convention; signals.md §7.1",
        ),
    ),
    "noimageai": (
        Reading(
            _DENY_AI,
            "the images must not be used for AI; says nothing about the page's text",
            "DeviantArt 2022-11 convention; signals.md §7.1",
            media="image",
        ),
    ),
    "noml": (
        Reading(
            _DENY_TRAIN,
            "'no machine learning' names learning: a training reservation; inference is not "
            "learning, so ai-use is left unknown (seen in the wild, no specification)",
            "signals.md §7.1 [S] (aireadytest.com)",
        ),
    ),
    "noarchive": (
        Reading(
            _DENY_AI,
            "Bing: not used to train Microsoft's generative AI foundation models and not "
            "included in Bing Chat answers",
            "Bing webmaster blog 2023-09; signals.md §7.3",
            agents=_BING,
            yields_to="nocache",
        ),
        Reading(
            _DENY_TRAIN,
            "Amazon: 'do not use the page for model training'",
            "developer.amazon.com/amazonbot; signals.md §7.3",
            agents=frozenset({"amazonbot"}),
        ),
    ),
    "nocache": (
        Reading(
            _DENY_TRAIN,
            "Bing: only URL, title and snippet may be used for training (the content may not); "
            "Bing Chat may still show URL/title/snippet, so ai-use is not denied",
            "Bing webmaster blog 2023-09",
            agents=_BING,
        ),
    ),
    "nosnippet": (
        Reading(
            _DENY_AI_USE,
            "Google: also keeps the content from being a direct input to AI Overviews and AI "
            "Mode; the page is still indexed, so search is not denied",
            "Google robots meta specification; signals.md §7.3",
            agents=_GOOGLE,
        ),
    ),
    "max-snippet:0": (
        Reading(
            _DENY_AI_USE,
            "Google: max-snippet:0 is equivalent to nosnippet",
            "Google robots meta specification; signals.md §7.3",
            agents=_GOOGLE,
        ),
    ),
    "noindex": (
        Reading(
            _DENY_SEARCH,
            "not to be stored in a publicly accessible index: the search use",
            "draft-illyes-repext-03 §2.1.3 (robots controls rules)",
        ),
    ),
    "none": (
        Reading(
            _DENY_SEARCH,
            "equivalent to noindex, nofollow",
            "Google and Bing robots meta specifications",
        ),
    ),
}
"""Rule (lower-case; a rule with a value as ``name:value``) -> readings. Follows SPEC_VERSION."""

IGNORED: Final = frozenset(
    {
        "all", "index", "follow", "nofollow", "noimageindex", "notranslate", "noodp", "noydir",
        "indexifembedded", "nositelinkssearchbox", "noyaca", "max-snippet", "max-image-preview",
        "max-video-preview", "unavailable_after", "unavailable-after",
    }
)  # fmt: skip
"""Rules with no AI or search-index meaning (crawling, previews, translation): read silently."""

# Rules written `name: value`; any other `word:` prefix in a header is a crawler's name.
_VALUE_RULES: Final = frozenset(
    {"max-snippet", "max-image-preview", "max-video-preview", "unavailable_after",
     "unavailable-after"}
)  # fmt: skip
_PREFIX_RE: Final = re.compile(r"([A-Za-z0-9_.*-]+)[ \t]*:[ \t]*(.*)", re.DOTALL)
# Rules are comma-separated; a `;` is read as a comma too (`noindex; nofollow` is common).
_SEPARATORS_RE: Final = re.compile(r"[,;]")
_SF_TOKEN_RE: Final = re.compile(r"[A-Za-z*][A-Za-z0-9!#$%&'*+.^_`|~:/-]*")
_SF_KEY_RE: Final = re.compile(r"[a-z*][a-z0-9_.*-]*")
_HEAD_NOTE: Final = (
    "meta outside <head>: the Robots-Tag draft asks readers to consider head metas only; read "
    "anyway, as every rule here only restricts"
)


@quick_init  # made per meta and field line of every page
@dataclass(frozen=True, slots=True)
class Directive:
    """One rule said to one scope."""

    rule: str
    """Lower-case rule, ``name:value`` for a rule with a value (``max-snippet:0``)."""
    scope: str | None
    """The crawler's product token (lower-case) the rule is said to; ``None``: every crawler."""
    carrier: Carrier
    line: int | None
    raw: str
    """The meta ``content`` or header field value as written."""
    written_scope: str | None
    """The scoping as written: ``robots``, ``gptbot`` (meta names), ``googlebot:`` (legacy
    header prefix), ``*`` / ``ExampleBot`` (Structured Field form); ``None`` for an unscoped
    header."""
    note: str = ""
    diagnostics: tuple[Diagnostic, ...] = ()
    """What was repaired or skipped while reading the same meta or field line."""


_Bound = tuple[tuple[Use, str], ...]
"""(use, name shown in evidence) for each use a token is honoured for."""


class HonouredTokens:
    """The crawler tokens a run honours per use (DESIGN §3.4), as scoped robots rules read them.

    Built from ``{use: {token as robots.txt matching reads it: name shown in evidence}}``, the
    shape of ``reciprocity.robots_uses.DEFAULT_HONOURED``. A rule's scope is reduced to its
    product token as a ``User-agent`` line is (``AI2Bot`` -> ``ai``), so that a token binds in a
    meta or header exactly where it binds in robots.txt.

    Compared by identity: build one per mapping and pass it again, so that the memos keyed by
    it (``reciprocity.evaluate``'s header statements) stay cheap and never mix two mappings.
    """

    __slots__ = ("_by_scope", "_by_token")

    def __init__(self, honour: Mapping[Use, Mapping[str, str]]) -> None:
        by_token: dict[str, list[tuple[Use, str]]] = {}
        for use in USES:
            for token, name in honour.get(use, {}).items():
                by_token.setdefault(token.lower(), []).append((use, name))
        self._by_token: dict[str, _Bound] = {t: tuple(b) for t, b in by_token.items()}
        # Scopes as written (meta names, header prefixes) -> what they bind: a page's every
        # meta name is asked about, so the reduction is remembered (bounded: names come from
        # documents).
        self._by_scope: dict[str, _Bound] = {}

    def bound(self, scope: str) -> _Bound:
        """The (use, name) pairs of the uses ``scope`` (a lower-case crawler name as a rule
        writes it) is honoured for; ``()`` when none."""
        found = self._by_scope.get(scope)
        if found is None:
            found = self._by_token.get(_token(scope), ())
            if len(self._by_scope) < 4096:
                self._by_scope[scope] = found
        return found


def _honoured(
    honour: HonouredTokens | Mapping[Use, Mapping[str, str]] | None,
) -> HonouredTokens | None:
    if honour is None or isinstance(honour, HonouredTokens):
        return honour
    return HonouredTokens(honour)


def _honoured_note(bound: _Bound, stances: tuple[tuple[Use, Stance], ...]) -> str:
    uses = {use for use, _ in stances}
    by_name: dict[str, list[str]] = {}
    for use, name in bound:
        if use in uses:
            by_name.setdefault(name, []).append(use.value)
    return "; ".join(f"{name} is honoured for {' and '.join(u)}" for name, u in by_name.items())


@dataclass(frozen=True, slots=True)
class RobotsTags:
    """The robots rules of one page's metas or one response's headers."""

    directives: tuple[Directive, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()

    def for_agent(self, user_agent: str) -> tuple[Directive, ...]:
        """The directives said to every crawler or to ``user_agent``'s product token."""
        token = _token(user_agent)
        return tuple(d for d in self.directives if d.scope is None or d.scope == token)

    def statements(
        self,
        user_agent: str,
        *,
        media: str | None = None,
        honour: HonouredTokens | Mapping[Use, Mapping[str, str]] | None = None,
    ) -> tuple[Statement, ...]:
        """The statements that bind ``user_agent`` for a document of ``media``.

        ``media`` is ``"image"`` (or an ``image/…`` MIME type) for an image, ``None`` otherwise.
        A rule that binds the crawler but not this media (``noimageai`` on a page) gives a
        statement with no stances and a note, so the evidence shows it was seen.

        ``honour`` (per use, the tokens honoured for it; see :class:`HonouredTokens`): a rule
        scoped to an honoured token other than ``user_agent``'s binds the uses that token is
        honoured for, with a note naming it; a reading for named crawlers only (Google's
        ``nosnippet``) binds through the token only when the token is one of them.
        """
        return _statements(self.directives, user_agent, media, _honoured(honour))


def _statements(
    directives: Sequence[Directive],
    user_agent: str,
    media: str | None,
    honoured: HonouredTokens | None,
) -> tuple[Statement, ...]:
    """:meth:`RobotsTags.statements` of ``directives``."""
    token = _token(user_agent)
    is_image = media is not None and (
        media.lower() == "image" or media.lower().startswith("image/")
    )
    said: dict[str | None, set[str]] | None = None
    statements: list[Statement] = []
    seen: set[tuple[object, ...]] = set()
    for directive in directives:
        scope = directive.scope
        bound: _Bound | None = None
        agent = token
        if scope is not None and scope != token:
            bound = honoured.bound(scope) if honoured is not None else ()
            if not bound:
                continue
            agent = _token(scope)
        for reading, stances, note, yielded in _wordings(directive.rule, agent, bound, is_image):
            key = (directive.rule, directive.written_scope, directive.carrier, directive.line,
                   reading.reason)  # fmt: skip
            if key in seen:
                continue
            seen.add(key)
            if yielded is not None:
                # The rule it yields to counts when said to the same crawler, or to every one.
                if said is None:
                    said = _said(directives, token, honoured)
                here = said.get(token if scope is None else scope, ())
                if reading.yields_to in said[None] or reading.yields_to in here:
                    stances, note = (), yielded
            if directive.note:
                note = f"{note}; {directive.note}"
            statements.append(
                Statement(
                    Mechanism.NOAI,
                    directive.carrier,
                    stances,
                    directive.raw,
                    line=directive.line,
                    rule=directive.written_scope,
                    note=note,
                    diagnostics=directive.diagnostics,
                )
            )
    return tuple(statements)


def _said(
    directives: Sequence[Directive], token: str, honoured: HonouredTokens | None
) -> dict[str | None, set[str]]:
    """The rules said per scope that binds: None for every crawler, ``token`` for the crawler
    asked about, and the honoured tokens."""
    said: dict[str | None, set[str]] = {None: set()}
    for directive in directives:
        scope = directive.scope
        if scope is None or scope == token or (honoured is not None and honoured.bound(scope)):
            said.setdefault(scope, set()).add(directive.rule)
    return said


_Wording = tuple[Reading, tuple[tuple[Use, Stance], ...], str, str | None]
"""(reading, stances, note, note when the reading yields to another rule said with it)."""


@functools.lru_cache(maxsize=1024)
def _wordings(rule: str, agent: str, bound: _Bound | None, is_image: bool) -> tuple[_Wording, ...]:
    """What ``rule`` says to crawler ``agent`` (for the uses ``bound`` when it binds through an
    honoured token) about a document that is an image or not: one wording per reading that
    binds. Remembered: the pages of a site say the same rules to the same crawlers."""
    found: list[_Wording] = []
    for reading in VOCABULARY.get(rule, ()):
        if reading.agents is not None and agent not in reading.agents:
            continue
        stances = reading.stances
        honoured_note = ""
        if bound is not None:
            # As robots.txt: the token speaks for the uses it is honoured for only.
            uses = {use for use, _ in bound}
            stances = tuple((use, stance) for use, stance in stances if use in uses)
            if not stances:
                continue
            honoured_note = f"; {_honoured_note(bound, stances)}"
        note = f"{rule}: {reading.reason}{honoured_note}"
        yielded = None
        if reading.media == "image" and not is_image:
            stances = ()
            note = f"{rule}: applies to images only; this document is not one{honoured_note}"
        elif reading.yields_to is not None:
            yielded = (
                f"{rule}: said together with {reading.yields_to}, which replaces it for this "
                f"crawler ({reading.source}){honoured_note}"
            )
        found.append((reading, stances, note, yielded))
    return tuple(found)


@functools.lru_cache(maxsize=256)
def _token(user_agent: str) -> str:
    """The product token of a crawler name (``GPTBot/1.2`` -> ``gptbot``), read as robots.txt
    queries read it (``Mozilla/5.0 (compatible; GPTBot/1.1)`` -> ``gptbot`` too)."""
    stripped = user_agent.strip()
    if stripped == "*":
        return "*"
    return (query_token(stripped).token or extract_product_token(stripped)).lower()


def _known(rule: str) -> bool:
    return rule in VOCABULARY or rule in IGNORED or rule.partition(":")[0] in _VALUE_RULES


def _rule_with_value(name: str, value: str) -> str:
    return f"{name.lower()}:{' '.join(value.split()).lower()}"


_Rule = tuple[str | None, str | None, str]
"""(scope, written scope, rule) of one rule: see :class:`Directive`."""


def _read_rules(text: str, diagnostics: list[Diagnostic], *, prefixes: bool) -> list[_Rule]:
    """(scope, written scope, rule) for each rule of a legacy comma-separated value.

    With ``prefixes`` (headers), ``agent:`` scopes the rules after it up to the next prefix.
    """
    found: list[_Rule] = []
    scope: str | None = None
    written: str | None = None
    for item in _SEPARATORS_RE.split(text):
        item = item.strip()
        if not item:
            continue
        prefixed = _PREFIX_RE.fullmatch(item)
        if prefixed is not None:
            name, rest = prefixed.group(1), prefixed.group(2).strip()
            if name.lower() in _VALUE_RULES:
                found.append((scope, written, _rule_with_value(name, rest)))
                continue
            if not prefixes:
                diagnostics.append(
                    Diagnostic(0, "unknown-rule", f"{item!r} is not a robots rule; ignored")
                )
                continue
            if name == "*":
                scope, written = None, "*:"
            else:
                scope, written = name.lower(), f"{name}:"
            if not rest:
                continue
            inner = _PREFIX_RE.fullmatch(rest)
            if inner is not None and inner.group(1).lower() in _VALUE_RULES:
                found.append((scope, written, _rule_with_value(inner.group(1), inner.group(2))))
                continue
            item = rest
        words = item.split()
        if len(words) > 1:
            diagnostics.append(
                Diagnostic(0, "space-separated", f"{item!r} read as {len(words)} rules")
            )
        found.extend((scope, written, word.lower()) for word in words)
    return found


def _read_structured(text: str, diagnostics: list[Diagnostic]) -> list[_Rule] | None:
    """The Structured Field List form (draft-illyes-repext), or ``None`` when it is not one."""
    found: list[_Rule] = []
    for member in text.split(","):
        member = member.strip(" \t")
        if not member:
            return None  # an empty list member is not a Structured Field List
        item, *params = member.split(";")
        item = item.strip(" \t")
        if item.startswith('"') and item.endswith('"') and len(item) >= 2:
            item = item[1:-1]
        if not _SF_TOKEN_RE.fullmatch(item) or _known(item.lower()):
            return None  # `noindex; nofollow`: the comma form written with semicolons
        scope, written = (None, "*") if item == "*" else (item.lower(), item)
        for param in params:
            param = param.strip(" \t")
            if not param:
                diagnostics.append(
                    Diagnostic(0, "empty-parameter", f"empty parameter after {item!r} skipped")
                )
                continue
            key, sep, value = param.partition("=")
            key = key.strip()
            if not _SF_KEY_RE.fullmatch(key):
                if not _SF_KEY_RE.fullmatch(key.lower()):
                    return None
                diagnostics.append(
                    Diagnostic(0, "key-case", f"parameter {key!r} read as {key.lower()!r}")
                )
            if sep and value.strip() == "?0":
                continue  # a false Boolean parameter says nothing
            if sep and value.strip() not in ("", "?1"):
                rule = _rule_with_value(key, value.strip().strip('"'))
            else:
                rule = key.lower()
            found.append((scope, written, rule))
    return found


@dataclass(frozen=True, slots=True)
class _Read:
    """What one meta or field value says, wherever it stands: its lines are added by the caller
    (the diagnostics here have line 0), so that the same value on another page reads the same."""

    rules: tuple[_Rule, ...]
    """(scope, written scope, rule) of each known rule."""
    diagnostics: tuple[Diagnostic, ...]
    speaks: bool
    """Whether some rule has a reading in :data:`VOCABULARY` (the others only show it was seen)."""

    def place(
        self,
        line: int,
        raw: str,
        carrier: Carrier,
        note: str,
        *,
        token: str | None = None,
        honoured: HonouredTokens | None = None,
    ) -> tuple[list[Directive], tuple[Diagnostic, ...]]:
        """The directives and diagnostics of this value at ``line``; with ``token``, only the
        directives that can give that crawler (or a token ``honoured``) a statement."""
        # The diagnostics of this meta or field line travel with its directives (a minified page
        # has every meta on line 1, so the line alone would not tell whose they are).
        mine = tuple([d.at(line) for d in self.diagnostics])
        return [
            Directive(rule, scope, carrier, line, raw, written, note, mine)
            for scope, written, rule in self.rules
            if token is None
            or (
                rule in VOCABULARY
                and (
                    scope is None
                    or scope == token
                    or (honoured is not None and bool(honoured.bound(scope)))
                )
            )
        ], mine


def _known_rules(
    rules: Iterable[_Rule],
    diagnostics: list[Diagnostic],
    default_scope: tuple[str | None, str | None] | None = None,
) -> _Read:
    found: list[_Rule] = []
    for scope, written, rule in rules:
        if default_scope is not None and written is None:
            scope, written = default_scope
        if not _known(rule):
            diagnostics.append(Diagnostic(0, "unknown-rule", f"{rule!r} ignored"))
            continue
        found.append((scope, written, rule))
    speaks = any(rule in VOCABULARY for _, _, rule in found)
    return _Read(tuple(found), tuple(diagnostics), speaks)


def _read_value(value: str, field: str) -> _Read:
    """A header field value (or ``http-equiv`` meta content) of ``field``."""
    diagnostics: list[Diagnostic] = []
    if len(value) > HEADER_LIMIT:
        diagnostics.append(
            Diagnostic(0, "size-limit", f"{field} value cut after {HEADER_LIMIT} characters")
        )
        value = value[:HEADER_LIMIT]
    rules = None
    if ";" in value:
        rules = _read_structured(value, diagnostics)
        if rules is None:
            diagnostics.append(
                Diagnostic(0, "not-structured", f"{field}: ';' but no SF List; comma form")
            )
    elif field == "robots-tag":
        diagnostics.append(
            Diagnostic(0, "legacy-form", "Robots-Tag without parameters read in the comma form")
        )
    if rules is None:
        rules = _read_rules(value, diagnostics, prefixes=True)
    return _known_rules(rules, diagnostics)


# Pages of a site repeat their metas on other lines, and headers repeat: a value reads the same
# wherever it stands.
@value_cache(maxsize=4096, longest=1024)
def _read_meta(name: str, content: str, http_equiv: bool, named: bool) -> _Read | None:
    """A meta (``named``: its name is the crawler asked about), or ``None`` when it is not one
    that robots rules are read from."""
    if http_equiv:
        return _read_value(content, name) if name in ("x-robots-tag", "robots-tag") else None
    if name == "robots":
        scope: tuple[str | None, str | None] = (None, "robots")
    elif named or (extract_product_token(name) == name and name and _all_rules(content)):
        scope = (name, name)
    else:
        return None
    diagnostics: list[Diagnostic] = []
    return _known_rules(_read_rules(content, diagnostics, prefixes=False), diagnostics, scope)


def _meta_reading(meta: Meta, named: bool) -> _Read | None:
    return _read_meta(meta.name, meta.content, meta.http_equiv, named)


def read_robots_headers(headers: Iterable[tuple[str, str]]) -> RobotsTags:
    """The ``X-Robots-Tag`` and ``Robots-Tag`` field lines of one response.

    ``line`` of each directive is the 1-based index of its field line in ``headers``.
    """
    directives: list[Directive] = []
    diagnostics: list[Diagnostic] = []
    for index, (name, value) in enumerate(headers, 1):
        field = name.strip().lower()
        if field not in ("x-robots-tag", "robots-tag"):
            continue
        found, mine = _read_value(value, field).place(
            index, value[:HEADER_LIMIT], Carrier.HTTP_HEADER, ""
        )
        directives.extend(found)
        diagnostics.extend(mine)
    return RobotsTags(tuple(directives), tuple(diagnostics))


def _meta_note(meta: Meta) -> str:
    note = "" if meta.in_head else _HEAD_NOTE
    if meta.http_equiv:
        return f"http-equiv {meta.name}" + (f"; {note}" if note else "")
    return note


def _named(name: str, token: str | None, honoured: HonouredTokens | None) -> bool:
    """Whether a meta's name is a crawler asked about: ``user_agent``'s token, or honoured."""
    return name == token or (honoured is not None and bool(honoured.bound(name)))


def read_robots_meta(
    metas: Iterable[Meta],
    *,
    user_agent: str | None = None,
    honour: HonouredTokens | Mapping[Use, Mapping[str, str]] | None = None,
) -> RobotsTags:
    """The robots rules of one page's metas.

    Read: ``<meta name="robots">`` (every crawler), ``<meta name=…>`` naming ``user_agent`` or a
    token of ``honour``, any other meta whose name is a product token and whose content is made
    of robots rules only (``<meta name="GPTBot" content="noai">``; a ``description`` that happens
    to say ``noai`` in a sentence is not read), and ``<meta http-equiv="X-Robots-Tag">`` (read
    like the header).
    """
    wanted = _token(user_agent) if user_agent is not None else None
    honoured = _honoured(honour)
    directives: list[Directive] = []
    diagnostics: list[Diagnostic] = []
    for meta in metas:
        reading = _meta_reading(meta, _named(meta.name, wanted, honoured))
        if reading is None:
            continue
        found, mine = reading.place(meta.line, _raw(meta), Carrier.HTML_META, _meta_note(meta))
        directives.extend(found)
        diagnostics.extend(mine)
    return RobotsTags(tuple(directives), tuple(diagnostics))


def _raw(meta: Meta) -> str:
    return meta.content[:HEADER_LIMIT] if meta.http_equiv else meta.content


def _all_rules(content: str) -> bool:
    """Whether a meta's content is a non-empty list of known robots rules."""
    items = [item.strip() for item in content.split(",")]
    if not any(items):
        return False
    for item in items:
        if not item:
            continue
        name = item.partition(":")[0].strip().lower() if ":" in item else item.lower()
        if not (_known(name) or name in _VALUE_RULES):
            return False
    return True


def parse_robots_meta(
    metas: Iterable[Meta],
    *,
    user_agent: str,
    media: str | None = None,
    honour: HonouredTokens | Mapping[Use, Mapping[str, str]] | None = None,
) -> tuple[Statement, ...]:
    """The statements of a page's robots metas that bind ``user_agent``, or the uses of a token
    of ``honour`` (:meth:`RobotsTags.statements`).

    The same as ``read_robots_meta(metas, user_agent=user_agent, honour=honour).statements(
    user_agent, media=media, honour=honour)``, without making the directives that cannot bind.
    """
    token = _token(user_agent)
    honoured = _honoured(honour)
    bound = honoured.bound if honoured is not None else None
    directives: list[Directive] = []
    for meta in metas:
        # _meta_reading and _named, inlined: this runs for every meta of every page.
        name = meta.name
        named = name == token or (bound is not None and bool(bound(name)))
        reading = _read_meta(name, meta.content, meta.http_equiv, named)
        if reading is None or not reading.speaks:
            continue
        found, _ = reading.place(
            meta.line,
            _raw(meta),
            Carrier.HTML_META,
            _meta_note(meta),
            token=token,
            honoured=honoured,
        )
        directives.extend(found)
    if not directives:
        return ()
    return _statements(directives, user_agent, media, honoured)


def parse_x_robots_tag(
    headers: Sequence[tuple[str, str]],
    *,
    user_agent: str,
    media: str | None = None,
    honour: HonouredTokens | Mapping[Use, Mapping[str, str]] | None = None,
) -> tuple[Statement, ...]:
    """The statements of a response's ``X-Robots-Tag``/``Robots-Tag`` that bind ``user_agent``,
    or the uses of a token of ``honour`` (:meth:`RobotsTags.statements`)."""
    return read_robots_headers(headers).statements(user_agent, media=media, honour=honour)
