"""One policy, every carrier: what each mechanism must say so that readers get the policy back.

:func:`declare` turns a :class:`~reciprocity.steward.policy.Policy` into a :class:`Declaration`:
per *scope* (``/`` and each ``[[paths]]`` prefix) the response headers and ``<meta>`` tags, and
the site files (robots.txt, ``.well-known/tdmrep.json``, ai.txt, an RSL document), first as data,
then as text (:meth:`Declaration.files`). Each statement is worded in the vocabulary the
project's own parsers read (:mod:`reciprocity.signals`), so that ``reciprocity.evaluate`` on the
declared carriers gives back the policy's stance on every use and path.

A mechanism that cannot say a stance says nothing about it, never something else: silence
"neither grants nor restricts", a wrong word would be a conflict. So a ``deny unless credit``
reaches readers through AIPREF's CC signals exception only; TDMRep, with one reservation for
training and AI use together, speaks only where both stances are the same plain one; a file
whose rules match by prefix (tdmrep.json, ai.txt, RSL) has no way to be silent under a rule it
wrote for a shorter prefix, so it writes a rule for a scope only when every scope below it can be
said too. Each file names what it leaves out in a comment (JSON has none: the notes say it), and
``docs/declare.md`` has the table.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Final
from xml.sax.saxutils import escape, quoteattr

from reciprocity.obligations import Duty
from reciprocity.signals import aipref, content_signals, rsl
from reciprocity.steward.declare_merge import merge_robots
from reciprocity.steward.declare_servers import server_snippets
from reciprocity.steward.policy import DENY, Policy, Preference
from reciprocity.uses import USES, Stance, Use

__all__ = [
    "Declaration",
    "ScopeHeaders",
    "declare",
]

# The words each vocabulary has for our uses and duties: inverted from the parsers' own tables,
# so that what is written is what is read (one registry per vocabulary).
_CC_SIGNAL: Final[dict[frozenset[Duty], str]] = {
    frozenset(o.duty for o in obligations): name
    for name, obligations in aipref.CC_EXCEPTIONS.items()
}
_CONTENT_SIGNAL: Final[dict[Use, str]] = {
    use: name for name, use in content_signals.SIGNALS.items()
}
_RSL_USAGE: Final[dict[Use, tuple[str, ...]]] = {
    use: tuple(
        token
        for token, meaning in rsl.USAGE_TOKENS.items()
        if meaning.rank == 2 and meaning.uses == frozenset({use})
    )
    for use in USES
}

HEADER_NAMES: Final = (
    "Content-Usage",
    "Content-Signal",
    "X-Robots-Tag",
    "tdm-reservation",
    "tdm-policy",
    "Link",
)
"""Every response header a declaration may set, in the order it writes them."""


@dataclass(frozen=True, slots=True)
class ScopeHeaders:
    """The response headers and ``<meta>`` tags for the URLs of one scope."""

    scope: str
    headers: tuple[tuple[str, str], ...]
    meta: tuple[str, ...]
    """HTML tags for the page's ``<head>``."""


@dataclass(frozen=True, slots=True)
class Declaration:
    """Everything one policy declares, as data; :meth:`files` gives the text of each file."""

    policy: Policy
    scopes: tuple[ScopeHeaders, ...]
    """Most specific last; a URL takes the longest scope its path starts with."""
    robots_txt: str
    tdmrep_json: str | None
    """``None`` when no path can have a rule (the file is then not written)."""
    ai_txt: str | None
    """``None`` when no path can have a rule (the file is then not written)."""
    rsl_xml: str | None
    """``None`` when the policy names no RSL URL."""
    notes: tuple[str, ...] = ()
    """What some mechanism cannot say, and where a blocked crawler overrides the policy."""
    files: Mapping[str, str] = field(default_factory=dict)
    """Relative path -> text of every file to write (robots.txt, headers, snippets …)."""

    def for_path(self, path: str) -> ScopeHeaders:
        """The headers and tags for a URL path: those of the longest scope it starts with."""
        return max((s for s in self.scopes if path.startswith(s.scope)), key=lambda s: len(s.scope))


# -- per-mechanism wording -----------------------------------------------------------------------


def _content_usage(policy: Policy, scope: str) -> str:
    """The AIPREF dictionary for a scope: ``y``/``n``, a CC signal on a conditional ``n``."""
    members = []
    for use in USES:
        said = policy.stance(use, scope)
        if said is None:
            continue
        if said.stance is Stance.ALLOW:
            members.append(f"{use.value}=y")
        elif said.plain:
            members.append(f"{use.value}=n")
        elif said.unless in _CC_SIGNAL:
            members.append(f"{use.value}=n;exceptions={_CC_SIGNAL[said.unless]}")
    return ", ".join(members)


def _content_signal(stances: Mapping[Use, Preference | None]) -> str:
    members = []
    for use in USES:  # search, ai-input, ai-train in the policy's own order of uses
        said = stances.get(use)
        if said is not None and said.plain:
            members.append(
                f"{_CONTENT_SIGNAL[use]}={'yes' if said.stance is Stance.ALLOW else 'no'}"
            )
    return ", ".join(members)


def _stances(policy: Policy, scope: str) -> dict[Use, Preference | None]:
    return {use: policy.stance(use, scope) for use in USES}


def _robots_rules(stances: Mapping[Use, Preference | None]) -> tuple[str, ...]:
    """``noai``/``noimageai`` (train-ai and ai-use denied: they deny both), ``noindex``."""
    rules: list[str] = []
    if stances[Use.TRAIN_AI] == DENY and stances[Use.AI_USE] == DENY:
        rules += ["noai", "noimageai"]
    if stances[Use.SEARCH] == DENY:
        rules.append("noindex")
    return tuple(rules)


def _tdm_reservation(stances: Mapping[Use, Preference | None]) -> int | None:
    """TDMRep's one reservation covers train-ai and ai-use together: 1 or 0 when both agree."""
    train, use = stances[Use.TRAIN_AI], stances[Use.AI_USE]
    if train is None or use is None or not (train.plain and use.plain):
        return None
    if train.stance is not use.stance:
        return None
    return 1 if train.stance is Stance.DENY else 0


def _licence_mark(policy: Policy, stances: Mapping[Use, Preference | None]) -> str | None:
    """``<link rel=license>`` where it says nothing against the policy: a CC licence reads as an
    allow of every use, so it is marked only where every use is allowed outright."""
    licence = policy.license
    if licence is None:
        return None
    if licence.kind != "other" and not all(
        s is not None and s.plain and s.stance is Stance.ALLOW for s in stances.values()
    ):
        return None
    if licence.url:
        return f'<link rel="license" href={quoteattr(licence.url)}>'
    return f'<meta name="license" content={quoteattr(licence.license)}>'


def _writable(policy: Policy, said: Callable[[str], bool]) -> tuple[str, ...]:
    """The scopes a prefix-matched file can have a rule for: those that can be said, with every
    scope below them (a rule for ``/`` would otherwise speak for a ``/blog/`` it cannot)."""
    scopes = policy.scopes
    return tuple(
        scope
        for scope in scopes
        if said(scope) and all(said(s) for s in scopes if s != scope and s.startswith(scope))
    )


_WHY: Final = {
    "tdmrep.json": "one reservation covers train-ai and ai-use together: both must be the same "
    "plain allow or deny",
    "ai.txt": "it says a plain allow or deny of train-ai only",
    "license.xml": "a <content> needs a plain allow or deny of every use",
}


def _left_out(policy: Policy, kept: tuple[str, ...], file: str) -> list[str]:
    """A note per scope a prefix-matched file has no rule for, saying why."""
    return [
        f"{file}: no rule for {scope} ({_WHY[file]}, here and on every path below)"
        for scope in policy.scopes
        if scope not in kept
    ]


# -- robots.txt ----------------------------------------------------------------------------------


def _usage_lines(policy: Policy) -> list[str]:
    """The group lines every crawler that may crawl must see: robots.txt groups do not
    inherit from ``*``, so each group we write repeats them."""
    lines = []
    for scope in policy.scopes:
        value = _content_usage(policy, scope)
        if value:
            lines.append(
                f"Content-Usage: {value}" if scope == "/" else f"Content-Usage: {scope} {value}"
            )
    # Content-Signal has no path: only the uses stated alike on every path.
    same: dict[Use, Preference | None] = {}
    for use in USES:
        values = {policy.stance(use, scope) for scope in policy.scopes}
        same[use] = values.pop() if len(values) == 1 else None
    signal = _content_signal(same)
    if signal:
        lines.append(f"Content-Signal: {signal}")
    return lines


def _robots_comments(policy: Policy) -> list[str]:
    comments = []
    for scope in policy.scopes:
        for use in USES:
            said = policy.stance(use, scope)
            if said is not None and not said.plain and said.unless not in _CC_SIGNAL:
                comments.append(
                    f"Content-Usage cannot say '{said}' for {use.value} on {scope}: left unstated"
                )
    for use in USES:
        values = {policy.stance(use, scope) for scope in policy.scopes}
        one = next(iter(values)) if len(values) == 1 else None
        if len(values) > 1:
            comments.append(
                f"Content-Signal has no paths: {use.value} differs by path, so it is left to "
                "Content-Usage and the headers"
            )
        elif one is not None and not one.plain:
            comments.append(
                f"Content-Signal has yes/no only: {use.value} ('{one}') is left to Content-Usage"
            )
    return comments


def _robots_txt(policy: Policy, name: str) -> str:
    lines = [
        f"# Declared by reciprocity from {name} (policy version {policy.version}).",
        "# AI usage: IETF AIPREF Content-Usage (vocab-08, attach-05) with CC signals exceptions,",
        "# Cloudflare Content-Signal; RSL License. Groups do not inherit from '*': each repeats",
        "# the usage lines.",
    ]
    lines += [f"# {c}" for c in _robots_comments(policy)]
    lines.append("")
    if policy.rsl:
        lines += [f"License: {policy.rsl}", ""]
    usage = _usage_lines(policy)
    for crawler in policy.crawlers:
        lines.append(f"User-agent: {crawler.token}")
        if crawler.crawl:
            lines += ["Allow: /", *usage, ""]
        else:
            lines += ["Disallow: /", ""]
    lines += ["User-agent: *", "Allow: /", *usage]
    return "\n".join(lines) + "\n"


# -- headers and tags ----------------------------------------------------------------------------


def _scope_headers(policy: Policy, scope: str) -> ScopeHeaders:
    stances = _stances(policy, scope)
    headers: list[tuple[str, str]] = []
    meta: list[str] = []
    usage = _content_usage(policy, scope)
    if usage:
        headers.append(("Content-Usage", usage))
    signal = _content_signal(stances)
    if signal:
        headers.append(("Content-Signal", signal))
    rules = _robots_rules(stances)
    if rules:
        headers.append(("X-Robots-Tag", ", ".join(rules)))
        meta.append(f'<meta name="robots" content="{", ".join(rules)}">')
    reservation = _tdm_reservation(stances)
    if reservation is not None:
        headers.append(("tdm-reservation", str(reservation)))
        meta.append(f'<meta name="tdm-reservation" content="{reservation}">')
        if reservation == 1 and policy.tdm_policy:
            headers.append(("tdm-policy", policy.tdm_policy))
            meta.append(f'<meta name="tdm-policy" content={quoteattr(policy.tdm_policy)}>')
    if policy.rsl:
        headers.append(("Link", f'<{policy.rsl}>; rel="license"; type="{rsl.RSL_MEDIA_TYPE}"'))
        meta.append(
            f'<link rel="license" type="{rsl.RSL_MEDIA_TYPE}" href={quoteattr(policy.rsl)}>'
        )
    mark = _licence_mark(policy, stances)
    if mark:
        meta.append(mark)
    return ScopeHeaders(scope, tuple(headers), tuple(meta))


def _headers_txt(scopes: tuple[ScopeHeaders, ...]) -> str:
    lines = [
        "# The response headers of each path prefix (a URL takes the longest prefix it starts",
        "# with; a prefix sends only its own lines). Server snippets: headers.nginx.conf,",
        "# headers.apache.conf, headers.Caddyfile, _headers.",
    ]
    for scope in scopes:
        lines += ["", f"[{scope.scope}]", *(f"{name}: {value}" for name, value in scope.headers)]
    return "\n".join(lines) + "\n"


def _meta_html(scopes: tuple[ScopeHeaders, ...]) -> str:
    lines = ["<!-- Tags for the <head> of the pages under each path prefix (the longest wins). -->"]
    for scope in scopes:
        lines += ["", f"<!-- {scope.scope} -->", *scope.meta]
    return "\n".join(lines) + "\n"


# -- site files ----------------------------------------------------------------------------------


def _tdmrep(policy: Policy) -> tuple[str, list[str]]:
    def value(scope: str) -> int | None:
        return _tdm_reservation(_stances(policy, scope))

    kept = _writable(policy, lambda s: value(s) is not None)
    rules = []
    # The first matching rule wins: the most specific prefix first.
    for scope in sorted(kept, key=lambda s: (-len(s), s)):
        reservation = value(scope)
        rule: dict[str, object] = {"location": scope, "tdm-reservation": reservation}
        if reservation == 1 and policy.tdm_policy:
            rule["tdm-policy"] = policy.tdm_policy
        rules.append(rule)
    return json.dumps(rules, indent=2) + "\n", _left_out(policy, kept, "tdmrep.json")


def _ai_txt(policy: Policy) -> tuple[str, list[str]]:
    def said(scope: str) -> bool:
        found = policy.stance(Use.TRAIN_AI, scope)
        return found is not None and found.plain

    kept = _writable(policy, said)
    lines = [
        "# Spawning ai.txt, declared by reciprocity: it speaks about AI training",
        "# only (the most specific rule wins).",
    ]
    left = _left_out(policy, kept, "ai.txt")
    lines += [f"# {n}" for n in left]
    lines.append("User-agent: *")
    for scope in kept:
        found = policy.stance(Use.TRAIN_AI, scope)
        assert found is not None
        lines.append(f"{'Allow' if found.stance is Stance.ALLOW else 'Disallow'}: {scope}")
    return "\n".join(lines) + "\n", left


def _rsl_said(policy: Policy, scope: str) -> bool:
    for use in USES:
        found = policy.stance(use, scope)
        if found is None:
            return False  # a <content> speaks for every use: it cannot leave one unstated
        if not found.plain:
            return False  # RSL's attribution is a term of a grant, not what lifts a refusal
    return True


def _rsl_licences(policy: Policy, scope: str) -> list[str]:
    allowed: list[str] = []
    denied: list[str] = []
    for use in USES:
        found = policy.stance(use, scope)
        assert found is not None
        tokens = _RSL_USAGE[use]
        if found.stance is Stance.ALLOW:
            allowed += tokens
        else:
            denied += tokens
    prohibits = f'<prohibits type="usage">{" ".join(denied)}</prohibits>' if denied else ""
    licences = []
    licence = policy.license
    if allowed:
        standard = licence.url if licence is not None and licence.url else None
        attribution = licence is not None and any(
            o.duty is Duty.ATTRIBUTION for o in licence.obligations
        )
        payment = f'<payment type="{"attribution" if attribution else "free"}"'
        payment += f"><standard>{escape(standard)}</standard></payment>" if standard else "/>"
        body = [f'<permits type="usage">{" ".join(allowed)}</permits>', prohibits, payment]
        licences.append(body)
    if not licences:
        # Every use denied: a licence that prohibits them all (a <permits> list is required
        # to grant nothing; a licence without one permits what it does not prohibit).
        licences.append(['<prohibits type="usage">all</prohibits>'])
    out = []
    for body in licences:
        out += ["    <license>", *(f"      {line}" for line in body if line), "    </license>"]
    return out


def _rsl_xml(policy: Policy) -> tuple[str, list[str]]:
    kept = _writable(policy, lambda s: _rsl_said(policy, s))
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!-- RSL 1.0 licence, declared by reciprocity. A <content> speaks for",
        "     every use; a path whose stances RSL cannot say (a 'deny unless credit': RSL's",
        "     attribution is a condition of a grant, not of lifting a refusal) has none. -->",
    ]
    left = _left_out(policy, kept, "license.xml")
    lines += [f"<!-- {n} -->" for n in left]
    lines.append(f'<rsl xmlns="{rsl.RSL_NAMESPACE}">')
    for scope in sorted(kept, key=lambda s: (-len(s), s)):
        lines.append(f"  <content url={quoteattr(scope)}>")
        lines += _rsl_licences(policy, scope)
        lines.append("  </content>")
    lines.append("</rsl>")
    return "\n".join(lines) + "\n", left


# -- the whole declaration -----------------------------------------------------------------------


def declare(policy: Policy, *, merge: str | None = None, name: str | None = None) -> Declaration:
    """Every carrier of ``policy``. ``merge`` is a site's existing robots.txt, whose groups,
    rules and comments are kept (:func:`reciprocity.steward.declare_merge.merge_robots`);
    ``name`` names the policy file in comments."""
    label = name or policy.source or "policy.toml"
    notes = list(policy.notes)
    rsl_xml, rsl_notes = _rsl_xml(policy) if policy.rsl else (None, [])
    asked = policy
    if policy.rsl and len(rsl_notes) == len(policy.scopes):
        # An RSL document with no <content> licenses nothing: pointing readers to one would say
        # less than nothing, so neither it nor the links to it are written.
        notes.append(
            f"license.xml: not written, nor the License line and Link header for {policy.rsl}: "
            "RSL can say this policy on no path"
        )
        rsl_xml, rsl_notes, policy = None, [], replace(policy, rsl=None)
    scopes = tuple(_scope_headers(policy, scope) for scope in policy.scopes)
    robots_txt = _robots_txt(policy, label)
    if merge is not None:
        robots_txt, merged = merge_robots(
            merge, policy, label, _usage_lines(policy), _robots_comments(policy)
        )
        notes += merged
    tdm_text, tdm_notes = _tdmrep(policy)
    ai_text, ai_notes = _ai_txt(policy)
    # A file without a rule says nothing, and an empty ai.txt reads as "not an ai.txt".
    tdmrep_json = tdm_text if len(tdm_notes) < len(policy.scopes) else None
    ai_txt = ai_text if len(ai_notes) < len(policy.scopes) else None
    notes += tdm_notes + ai_notes + rsl_notes
    files: dict[str, str] = {
        "robots.txt": robots_txt,
        "headers.txt": _headers_txt(scopes),
        **server_snippets(scopes),
        "meta.html": _meta_html(scopes),
    }
    if tdmrep_json is not None:
        files[".well-known/tdmrep.json"] = tdmrep_json
    if ai_txt is not None:
        files["ai.txt"] = ai_txt
    if rsl_xml is not None:
        files["license.xml"] = rsl_xml
    return Declaration(asked, scopes, robots_txt, tdmrep_json, ai_txt, rsl_xml, tuple(notes), files)
