"""``lint``: the mistakes that make a site's AI-usage preferences silently void, found in its files
one by one and across them.

:func:`lint_site` takes a :class:`Site` (the bytes of its robots.txt, tdmrep.json, ai.txt, RSL
licences, a page's headers and HTML, however they were obtained:
:mod:`reciprocity.steward.lint_sources` reads a folder or fetches a live site) and returns
:class:`Finding` s, each naming a rule of :data:`~reciprocity.steward.lint_rules.RULES`.
It does no I/O and never raises on content.

Per file, the findings are the project's parsers' own diagnostics mapped onto rules (the tables
below), plus what no single parser can see: an HTML page served as robots.txt, ``User-agent`` lines
that Google's grouping merges into the next group, a ``Content-Signal`` no catalogued AI crawler
reads, a ``License:`` whose document is missing, a preference file robots.txt keeps crawlers from.
Across files, the site is decided by :func:`reciprocity.evaluate` on a set of probe paths (the
root and a path for each rule pattern) and every conflict the resolver reports between two
mechanisms becomes one contradiction finding with both locations.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlsplit

from reciprocity.evaluate import evaluate
from reciprocity.resolve import Evidence
from reciprocity.signals.agents import AGENTS
from reciprocity.signals.aipref import ContentUsage, parse_content_usage
from reciprocity.signals.aitxt import AiTxt, parse_ai_txt
from reciprocity.signals.content_signals import parse_content_signal
from reciprocity.signals.diagnostics import Diagnostic
from reciprocity.signals.robots import Group, RobotsTxt
from reciprocity.signals.rsl import RslDocument, license_urls_from_robots, parse_rsl
from reciprocity.signals.statement import Carrier, Mechanism
from reciprocity.signals.tdmrep import TdmRepFile, parse_tdmrep_headers, parse_tdmrep_json
from reciprocity.steward.lint_rules import RULES, Severity
from reciprocity.uses import USES

__all__ = [
    "Finding",
    "Licence",
    "Location",
    "Site",
    "SiteFile",
    "count_by_rule",
    "is_html",
    "lint_site",
    "read_header_lines",
]


# -- input ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SiteFile:
    """One file of the site as served: where it is shown to be (a path or URL), its bytes, and
    the media type it was served as (``None`` for a file on disk)."""

    name: str
    body: bytes
    content_type: str | None = None


@dataclass(frozen=True, slots=True)
class Licence:
    """A licence document a robots.txt ``License:`` line points to: the file, or why not."""

    url: str
    file: SiteFile | None
    problem: str | None = None
    """Why the document could not be read (``None`` with no file: not checked, e.g. another
    site's licence in an offline folder)."""


@dataclass(frozen=True, slots=True)
class Site:
    """A site's preference files. ``origin`` is the ``scheme://host`` its paths are decided on
    (RSL ``<content url>`` names it)."""

    origin: str
    robots: SiteFile | None = None
    tdmrep: SiteFile | None = None
    ai_txt: SiteFile | None = None
    licences: tuple[Licence, ...] = ()
    headers: SiteFile | None = None
    """The response headers of the site's root page, one ``Name: value`` per line."""
    html: SiteFile | None = None
    """The site's root page."""


# -- output --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in one file: 1-based line and column when known."""

    file: str
    line: int | None = None
    column: int | None = None
    note: str = field(default="", compare=False)
    """What is at this place (for the second location of a contradiction)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule broken at one place (and, for a contradiction, the places it disagrees with)."""

    rule: str
    severity: Severity
    location: Location
    message: str
    related: tuple[Location, ...] = ()

    def sort_key(self) -> tuple[str, int, int, str, str]:
        where = self.location
        return (where.file, where.line or 0, where.column or 0, self.rule, self.message)


# -- diagnostic codes -> rules ----------------------------------------------------------------

# Codes that are not mistakes of the publisher's (a generator's harmless quirk, an extension
# the spec lets a reader ignore) give no finding.
_SKIP: Final = frozenset({"stray-slash", "extension-ignored", "extension-token"})

_ROBOTS_CODES: Final[Mapping[str, str]] = {
    "bom": "robots-bom",
    "size-limit": "robots-size",
    "no-separator": "robots-line-skipped",
    "empty-key": "robots-line-skipped",
    "line-too-long": "robots-line-skipped",
    "missing-colon": "robots-nonstandard-line",
    "key-typo": "robots-nonstandard-line",
    "agent-token": "robots-nonstandard-line",
    "invalid-utf8": "robots-nonstandard-line",
    "rule-outside-group": "robots-rule-outside-group",
    "unknown-record": "robots-unknown-key",
}

_AIPREF_CODES: Final[Mapping[str, str]] = {
    "invalid-value": "aipref-value",
    "unknown-exception": "cc-signals-exception",
    "exception-on-allow": "cc-signals-exception",
}
"""Codes of a Content-Usage value that parsed; any other such code is ``aipref-ignored``, and
every code of a value that did not parse is ``aipref-syntax``."""

_CONTENT_SIGNAL_CODES: Final[Mapping[str, str]] = {
    "invalid-value": "content-signal-value",
    "no-value": "content-signal-value",
    "unknown-signal": "content-signal-key",
    "repeated-signal": "content-signal-key",
}

_TDMREP_ERRORS: Final[Mapping[str, str]] = {
    "empty": "tdmrep-syntax",
    "invalid-json": "tdmrep-syntax",
    "invalid-rule": "tdmrep-syntax",
    "missing-location": "tdmrep-syntax",
    "invalid-location": "tdmrep-syntax",
    "empty-location": "tdmrep-syntax",
    "invalid-reservation": "tdmrep-value",
    "missing-reservation": "tdmrep-value",
    "invalid-policy": "tdmrep-value",
    "conflicting-values": "tdmrep-value",
}
"""Any other tdmrep.json or header code is ``tdmrep-lenient`` (the value was read, leniently)."""

_RSL_ERRORS: Final = frozenset({"xml-syntax", "dtd-refused", "not-rsl", "no-content", "size-limit"})
_LICENSE_LINE_ERRORS: Final = frozenset({"empty-value", "not-http"})
"""RSL codes that leave no licence (any other is ``rsl-lenient``)."""

# What to do, where the parser's message says only what it did.
_ADVICE: Final[Mapping[str, str]] = {
    "robots-bom": "parsers other than Google's read it into the first key: save without it",
    "robots-line-skipped": "no crawler reads this line",
    "robots-nonstandard-line": "strict parsers read it differently or not at all",
    "robots-rule-outside-group": "put a User-agent line before it",
    "robots-unknown-key": "no mechanism defines this key; check its spelling",
    "robots-size": "crawlers stop reading at 500 KiB",
}

_HTML_START_RE: Final = re.compile(rb"\s*<(?:!doctype\s+html|html|head|body|!--)", re.IGNORECASE)

# The product tokens of the catalogued AI crawlers, as robots.txt matching reads them.
_AI_TOKENS: Final = tuple(sorted({a.google_token for a in AGENTS.values() if a.google_token}))

_PROBE_LIMIT: Final = 64
"""Paths decided per user agent when looking for contradictions (the root first)."""


class _Findings:
    """Findings as they are found, each rule's severity from the registry."""

    def __init__(self) -> None:
        self.found: list[Finding] = []

    def add(
        self,
        rule_id: str,
        file: str,
        line: int | None,
        message: str,
        *,
        column: int | None = None,
        related: Iterable[Location] = (),
    ) -> None:
        where = Location(file, line or None, column)
        self.found.append(Finding(rule_id, RULES[rule_id].severity, where, message, tuple(related)))

    def diagnostics(
        self, file: str, diagnostics: Iterable[Diagnostic], rules: Mapping[str, str], other: str
    ) -> None:
        """One finding per diagnostic: its code's rule, else ``other`` (``""``: none)."""
        for diagnostic in diagnostics:
            if diagnostic.code in _SKIP:
                continue
            rule_id = rules.get(diagnostic.code, other)
            if rule_id:
                advice = _ADVICE.get(rule_id)
                message = f"{diagnostic.message}; {advice}" if advice else diagnostic.message
                self.add(rule_id, file, diagnostic.line, message)


def is_html(file: SiteFile) -> bool:
    """Whether ``file`` is an HTML page (served as one, or starting like one)."""
    kind = (file.content_type or "").split(";", 1)[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        return True
    return _HTML_START_RE.match(file.body.removeprefix(b"\xef\xbb\xbf")[:1024]) is not None


HeaderLines = tuple[tuple[str, str], ...]
_SECTION = re.compile(r"\[\s*(/[^\]\s]*)\s*\]")


def read_header_sections(body: bytes) -> tuple[tuple[str, HeaderLines], ...]:
    """The headers of each path prefix, as ``reciprocity declare`` writes ``headers.txt``
    (a ``[/prefix]`` line opens a prefix's lines; a URL takes the longest prefix it starts
    with); a file without such lines is one block, for ``/``. Each block keeps every line of
    the file in place (others blank), so that reported lines are the file's."""
    lines = body.decode("utf-8", "replace").splitlines()
    starts = [
        (i, m.group(1)) for i, line in enumerate(lines) if (m := _SECTION.fullmatch(line.strip()))
    ]
    if not starts:
        return (("/", read_header_lines(body)),)
    pairs = read_header_lines(body)
    blank = ("", "")
    sections = []
    for n, (start, prefix) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        sections.append(
            (prefix, tuple(pair if start < i < end else blank for i, pair in enumerate(pairs)))
        )
    return tuple(sections)


def headers_for(path: str, sections: tuple[tuple[str, HeaderLines], ...]) -> HeaderLines | None:
    """The headers a URL path gets: its longest prefix's (``None``: no prefix holds it)."""
    best: tuple[str, HeaderLines] | None = None
    for prefix, pairs in sections:
        if path.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, pairs)
    return None if best is None else best[1]


def read_header_lines(body: bytes) -> HeaderLines:
    """``Name: value`` lines as header field lines, placed so that field *n* is line *n* (other
    lines are blank fields), which is how the header parsers number what they report."""
    pairs: list[tuple[str, str]] = []
    for line in body.decode("utf-8", "replace").splitlines():
        name, colon, value = line.partition(":")
        if colon and name.strip() and not name.lstrip().startswith("#"):
            pairs.append((name.strip().lower(), value.strip()))
        else:
            pairs.append(("", ""))
    return tuple(pairs)


# -- robots.txt --------------------------------------------------------------------------------


def _usage_findings(out: _Findings, file: str, usage: ContentUsage, line: int, where: str) -> None:
    if not usage.parsed:
        why = "; ".join(d.message for d in usage.diagnostics) or "not a Dictionary"
        out.add(
            "aipref-syntax",
            file,
            line,
            f"{where} {usage.raw!r} does not parse ({why}): every use stays unknown",
        )
        return
    for diagnostic in usage.diagnostics:
        rule_id = _AIPREF_CODES.get(diagnostic.code, "aipref-ignored")
        message = f"{where}: {diagnostic.message}"
        if rule_id == "aipref-value":
            message += " (write y or n)"
        out.add(rule_id, file, diagnostic.line or line, message)


def _split_usage(value: str) -> tuple[str, str]:
    # attach-05 §3: a rule value starting with "/" has a path, ended by the first space or tab.
    if value.startswith("/"):
        path, _, rest = value.replace("\t", " ").partition(" ")
        return path, rest.strip()
    return "", value


def _merged_groups(out: _Findings, file: str, robots: RobotsTxt) -> None:
    """User-agent lines whose only rules are extension lines: Google's grouping (which knows only
    Allow/Disallow) runs them into the next group, so that group's rules bind them too."""
    groups = robots.groups
    record_groups = robots.record_groups
    if len(record_groups) == len(groups):
        return

    def google_group(line: int) -> Group:
        return next(g for g in reversed(groups) if g.line <= line)

    for before, after in itertools.pairwise(record_groups):
        merged = google_group(before.line)
        if merged is not google_group(after.line) or not merged.lines:
            continue
        first_rule = merged.lines[0][0]
        agents = ", ".join(before.agents)
        out.add(
            "robots-merged-group",
            file,
            before.line,
            f"User-agent: {agents} has no Allow/Disallow of its own; Google's grouping runs it "
            f"into the group at line {after.line} (User-agent: {', '.join(after.agents)}), so "
            f"the rules from line {first_rule} bind {agents} too (add an Allow/Disallow line, "
            "or a blank Disallow:, after its extension lines)",
            related=(
                Location(file, after.line, note="the group it is merged into"),
                Location(file, first_rule, note="its first rule"),
            ),
        )


def _content_signals(out: _Findings, file: str, robots: RobotsTxt) -> None:
    records = robots.records_named("content-signal")
    if not records:
        return
    read: set[int] = set()
    for token in _AI_TOKENS:
        read.update(r.line for r in robots.records_for(token, "content-signal"))
    for record in records:
        signal = parse_content_signal(record.value, line=record.line)
        out.diagnostics(file, signal.diagnostics, _CONTENT_SIGNAL_CODES, "")
        if record.line in read:
            continue
        if record.group is None:
            where = "before any User-agent line"
        else:
            agents = robots.record_groups[record.group].agents
            where = f"in the group of User-agent: {', '.join(agents)}"
        out.add(
            "content-signal-unread",
            file,
            record.line,
            f"Content-Signal {where}: no catalogued AI crawler selects that group, so none reads "
            "it (put it under User-agent: * or under the AI crawlers' own groups)",
        )


def _robots(out: _Findings, site: Site, robots_file: SiteFile) -> RobotsTxt | None:
    file = robots_file.name
    if is_html(robots_file):
        served = f" (served as {robots_file.content_type})" if robots_file.content_type else ""
        out.add(
            "robots-html",
            file,
            1,
            f"robots.txt is an HTML page{served}: crawlers find no rule in it; serve the plain "
            "text file as text/plain",
        )
        return None
    robots = RobotsTxt.parse(robots_file.body)
    out.diagnostics(file, robots.diagnostics, _ROBOTS_CODES, "")
    _merged_groups(out, file, robots)
    for record in robots.records_named("content-usage"):
        path, preference = _split_usage(record.value)
        if record.group is None:
            out.add(
                "robots-rule-outside-group",
                file,
                record.line,
                "Content-Usage before any User-agent line applies to no crawler",
            )
        usage = parse_content_usage(preference, line=record.line)
        _usage_findings(out, file, usage, record.line, f"Content-Usage{' ' + path if path else ''}")
    _content_signals(out, file, robots)
    links = license_urls_from_robots(robots, base_url=f"{site.origin}/robots.txt")
    for diagnostic in links.diagnostics:
        rule_id = "rsl-syntax" if diagnostic.code in _LICENSE_LINE_ERRORS else "rsl-lenient"
        out.add(rule_id, file, diagnostic.line, f"License: {diagnostic.message}")
    return robots


# -- the other files ---------------------------------------------------------------------------


def _tdmrep(out: _Findings, tdm_file: SiteFile) -> TdmRepFile:
    parsed = parse_tdmrep_json(tdm_file.body)
    for diagnostic in parsed.diagnostics:
        rule_id = _TDMREP_ERRORS.get(diagnostic.code, "tdmrep-lenient")
        # A lone rule object without brackets is read as one rule; no array at all is lost.
        if diagnostic.code == "not-array" and not parsed.rules:
            rule_id = "tdmrep-syntax"
        message = diagnostic.message
        out.add(rule_id, tdm_file.name, diagnostic.line, message)
    return parsed


def _ai_txt(out: _Findings, ai_file: SiteFile) -> AiTxt:
    parsed = parse_ai_txt(ai_file.body)
    out.diagnostics(
        ai_file.name, parsed.diagnostics, {"no-rules": "aitxt-no-rules"}, "aitxt-syntax"
    )
    return parsed


def _licence(
    out: _Findings, site: Site, robots_file: SiteFile, robots: RobotsTxt, licence: Licence
) -> RslDocument | None:
    links = license_urls_from_robots(robots, base_url=f"{site.origin}/robots.txt").links
    line = next((link.line for link in links if link.url == licence.url), None)
    if licence.file is None:
        if licence.problem is not None:
            out.add(
                "rsl-license-missing",
                robots_file.name,
                line,
                f"License: {licence.url} cannot be read ({licence.problem}): the site is "
                "unlicensed for RSL purposes",
            )
        return None
    document = parse_rsl(licence.file.body)
    for diagnostic in document.diagnostics:
        if diagnostic.code in _SKIP:
            continue
        rule_id = "rsl-syntax" if diagnostic.code in _RSL_ERRORS else "rsl-lenient"
        related = (
            (Location(robots_file.name, line, note=f"License: {licence.url}"),)
            if rule_id == "rsl-syntax"
            else ()
        )
        out.add(
            rule_id,
            licence.file.name,
            diagnostic.line,
            diagnostic.message,
            related=related,
        )
    return document if document.is_rsl else None


def _headers(out: _Findings, headers_file: SiteFile) -> tuple[tuple[str, HeaderLines], ...]:
    sections = read_header_sections(headers_file.body)
    for _, pairs in sections:
        _header_block(out, headers_file.name, pairs)
    return sections


def _header_block(out: _Findings, file: str, pairs: HeaderLines) -> None:
    usage_lines = [(i, v) for i, (n, v) in enumerate(pairs, 1) if n == "content-usage"]
    if usage_lines:
        first = usage_lines[0][0]
        usage = parse_content_usage([v for _, v in usage_lines], line=first)
        _usage_findings(out, file, usage, first, "Content-Usage header")
    for index, (name, value) in enumerate(pairs, 1):
        if name == "content-signal":
            signal = parse_content_signal(value, line=index)
            out.diagnostics(file, signal.diagnostics, _CONTENT_SIGNAL_CODES, "")
    tdm = parse_tdmrep_headers(pairs)
    out.diagnostics(file, tdm.diagnostics, _TDMREP_ERRORS, "tdmrep-lenient")


# -- the files together ------------------------------------------------------------------------


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _blocked_files(out: _Findings, site: Site, robots_file: SiteFile, robots: RobotsTxt) -> None:
    """Preference files a crawler that obeys robots.txt may not fetch, though it may enter the
    site: it never reads what they reserve (RFC 9309 exempts only /robots.txt itself)."""
    targets: list[tuple[SiteFile, str]] = []
    if site.ai_txt is not None:
        targets.append((site.ai_txt, "/ai.txt"))
    if site.tdmrep is not None:
        targets.append((site.tdmrep, "/.well-known/tdmrep.json"))
    for licence in site.licences:
        if licence.file is not None and licence.url.startswith(site.origin + "/"):
            targets.append((licence.file, _path_of(licence.url)))
    for target, path in targets:
        blocked = [
            token
            for token in _AI_TOKENS
            if robots.allowed("/", token) and not robots.allowed(path, token)
        ]
        if not blocked:
            continue
        match = robots.match(path, blocked[0])
        shown = ", ".join(AGENTS[t].token if t in AGENTS else t for t in blocked[:3])
        more = f" and {len(blocked) - 3} more" if len(blocked) > 3 else ""
        out.add(
            "site-file-blocked",
            robots_file.name,
            match.line,
            f"{path} is disallowed for {shown}{more}, which may crawl the site: they never "
            f"read what {target.name} says (Allow: {path} in their group fixes it)",
            related=(Location(target.name, None, note="the file they cannot fetch"),),
        )


def _probe_paths(robots: RobotsTxt | None, tdm: TdmRepFile | None, ai: AiTxt | None) -> list[str]:
    """The root, then one concrete path per rule pattern of the files, in file order."""
    patterns: list[str] = []
    if robots is not None:
        patterns += [value for group in robots.groups for _, _, value in group.lines]
        patterns += [_split_usage(r.value)[0] for r in robots.records_named("content-usage")]
    if tdm is not None:
        patterns += [rule.pattern for rule in tdm.rules]
    if ai is not None:
        for group in ai.groups:
            for rule in group.rules:
                patterns.append(f"/file{rule.extension}" if rule.extension else rule.pattern)
    paths = {"/": None}
    for pattern in patterns:
        if not pattern.startswith("/"):
            continue
        path = pattern.removesuffix("$").replace("*", "x")
        paths.setdefault(path, None)
        if len(paths) >= _PROBE_LIMIT:
            break
    return list(paths)


def _agents(robots: RobotsTxt | None) -> list[str]:
    """The crawlers the site is decided for: any crawler (``*``), and each catalogued AI crawler
    a record group names (their Content-Usage and Content-Signal lines are theirs alone)."""
    agents = ["*"]
    if robots is not None and (
        robots.records_named("content-usage") or robots.records_named("content-signal")
    ):
        named = {token for group in robots.record_groups for token in group.tokens}
        agents += [token for token in _AI_TOKENS if token in named]
    return agents


def _place(site: Site, evidence: Evidence) -> Location:
    statement = evidence.statement
    carrier = statement.carrier
    files: Mapping[Carrier, SiteFile | None] = {
        Carrier.ROBOTS_TXT: site.robots,
        Carrier.TDMREP_JSON: site.tdmrep,
        Carrier.AI_TXT: site.ai_txt,
        Carrier.HTTP_HEADER: site.headers,
        Carrier.HTML_META: site.html,
        Carrier.HTML_LINK: site.html,
    }
    found = files.get(carrier)
    if carrier is Carrier.RSL_XML:
        found = next((lic.file for lic in site.licences if lic.url == evidence.source), None)
    name = found.name if found is not None else evidence.source
    note = f"{statement.mechanism.value}: {statement.raw}"
    return Location(name, statement.line, note=note)


def _conflict_rule(deny: Mechanism, allow: Mechanism) -> str:
    if allow is Mechanism.AI_TXT and deny is Mechanism.ROBOTS:
        return "aitxt-shadowed"
    if Mechanism.TDMREP in (deny, allow):
        return "tdmrep-conflict"
    return "mechanism-conflict"


@dataclass(frozen=True, slots=True)
class _Parsed:
    """The site's files as their parsers read them (``None``: absent or unreadable)."""

    robots: RobotsTxt | None = None
    tdm: TdmRepFile | None = None
    ai: AiTxt | None = None
    rsl: tuple[str, RslDocument] | None = None
    """The first licence that parsed, with its URL."""
    headers: tuple[tuple[str, HeaderLines], ...] | None = None
    """The response headers per path prefix."""


def _contradictions(out: _Findings, site: Site, parsed: _Parsed) -> None:
    robots, tdm, ai, rsl, headers = parsed.robots, parsed.tdm, parsed.ai, parsed.rsl, parsed.headers
    others = tdm or ai or rsl or headers is not None or site.html is not None
    # robots.txt alone can only deny (an Allow is no statement about a use): a conflict needs a
    # Content-Usage or Content-Signal line to disagree with it.
    if (
        robots is not None
        and not others
        and not (robots.records_named("content-usage") or robots.records_named("content-signal"))
    ):
        return
    paths = _probe_paths(robots, tdm, ai)
    for prefix, _ in headers or ():
        if prefix not in paths and len(paths) < _PROBE_LIMIT:
            paths.append(prefix)
    seen: dict[tuple[Location, Location], tuple[str, list[str], str, str]] = {}
    for agent in _agents(robots):
        for path in paths:
            root = path == "/"
            decision = evaluate(
                site.origin + path,
                robots_txt=robots,
                tdmrep_json=tdm,
                ai_txt=ai,
                rsl_xml=rsl[1] if rsl is not None else None,
                rsl_url=rsl[0] if rsl is not None else None,
                headers=headers_for(path, headers) if headers is not None else None,
                html=site.html.body if root and site.html is not None else None,
                user_agent=agent,
            )
            for conflict in decision.conflicts:
                denial = conflict.deny.statement
                if denial.mechanism is Mechanism.ROBOTS and len(denial.stances) == len(USES):
                    # The collecting crawler may not fetch the path: usage preferences apply only
                    # to what may be crawled (attach-05 §3.1), so a crawl ban contradicts none.
                    continue
                allow, deny = _place(site, conflict.allow), _place(site, conflict.deny)
                key = (allow, deny)
                held = seen.get(key)
                if held is None:
                    rule_id = _conflict_rule(conflict.deny.mechanism, conflict.allow.mechanism)
                    seen[key] = (rule_id, [conflict.use.value], path, agent)
                elif conflict.use.value not in held[1]:
                    held[1].append(conflict.use.value)
    for (allow, deny), (rule_id, uses, path, agent) in seen.items():
        ordered = [u.value for u in USES if u.value in uses]
        who = "" if agent == "*" else f" for {AGENTS[agent].token if agent in AGENTS else agent}"
        out.add(
            rule_id,
            allow.file,
            allow.line,
            f"{allow.note} allows {', '.join(ordered)} on {path}{who}, but {deny.note} "
            f"({deny.file}{':' + str(deny.line) if deny.line else ''}) denies it; the denial "
            "wins, so the allowance says nothing: make the two agree",
            related=(deny,),
        )


# -- the whole site ----------------------------------------------------------------------------


def lint_site(site: Site) -> tuple[Finding, ...]:
    """Every finding for ``site``, sorted by file, line and rule. Pure; never raises on content."""
    out = _Findings()
    robots = _robots(out, site, site.robots) if site.robots is not None else None
    tdm = _tdmrep(out, site.tdmrep) if site.tdmrep is not None else None
    ai = _ai_txt(out, site.ai_txt) if site.ai_txt is not None else None
    rsl: tuple[str, RslDocument] | None = None
    if site.robots is not None and robots is not None:
        for licence in site.licences:
            document = _licence(out, site, site.robots, robots, licence)
            if document is not None and rsl is None:
                rsl = (licence.url, document)
        _blocked_files(out, site, site.robots, robots)
    headers = _headers(out, site.headers) if site.headers is not None else None
    _contradictions(out, site, _Parsed(robots, tdm, ai, rsl, headers))
    return tuple(sorted(set(out.found), key=Finding.sort_key))


def count_by_rule(findings: Iterable[Finding]) -> dict[str, int]:
    """How many findings each rule has (rules without findings left out), in registry order."""
    counts = dict.fromkeys(RULES, 0)
    for finding in findings:
        counts[finding.rule] += 1
    return {rule_id: n for rule_id, n in counts.items() if n}
