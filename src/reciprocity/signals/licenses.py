"""Licence marks in a page: ``rel=license`` links, Creative Commons badges, licence metas -> SPDX.

Read from what :func:`reciprocity.signals.html.scan_html` returns:

* ``<a rel="license" href=…>`` / ``<link rel="license" href=…>`` (HTML Living Standard link type;
  the ccREL/RDFa spellings ``cc:license``, ``dc:license``, ``dcterms:license``, ``xhtml:license``
  too). A ``rel=license`` link of ``type="application/rsl+xml"`` is an RSL licence, left to the
  RSL parser;
* Creative Commons badge images (``i.creativecommons.org/l/by-sa/4.0/88x31.png``, the same paths on
  ``licensebuttons.net``, the press-kit buttons): weaker evidence, reported only when no link or
  meta already names the same licence;
* ``<meta name="license"|"licence"|"dc.rights"|"dc.license"|"dcterms.license"|"dcterms.rights">``
  whose content is a licence URL, an SPDX licence expression (``MIT OR Apache-2.0``) or a CC short
  name (``CC BY-SA 4.0``, ``CC0``).

Creative Commons URLs are normalised with the grammar of signals.md §9.2 (``http``/``https``,
``www.``, ``deed.*``, ``legalcode*``, ``rdf``, query and fragment dropped) and mapped to SPDX ids
with the rules of §9.3: ``CC-<CODE>-<version>[-<JURISDICTION>]``, ``CC0-1.0``, ``CC-PDM-1.0``,
``CC-PDDC``. Every id is checked against the SPDX License List as bundled with the
``license-expression`` package; a CC tool the list lacks (most ports, the 1.0 non-BY tools,
sampling, devnations) becomes ``LicenseRef-CC-…`` (never the generic id: ports differ legally).

What a licence means for the uses is one table, :data:`READINGS`; the obligations its elements
bring are another, :data:`OBLIGATIONS` (duties of :mod:`reciprocity.obligations`, each carrying
the licence's canonical URL). Both say why.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urljoin

from reciprocity._memo import value_cache
from reciprocity.obligations import Duty, Obligation
from reciprocity.signals.diagnostics import Diagnostic
from reciprocity.signals.html import LicenceUrl, Link, Meta
from reciprocity.signals.statement import Carrier, Mechanism, Statement
from reciprocity.uses import USES, Stance, Use

__all__ = [
    "LICENCE_METAS",
    "OBLIGATIONS",
    "READINGS",
    "SPEC_VERSION",
    "Licence",
    "LicenceMarks",
    "LicenceReading",
    "licence_from_text",
    "licence_from_url",
    "licence_statements",
    "read_licences",
    "spdx_id",
]

SPEC_VERSION: Final = (
    "CC licence URL grammar and SPDX mapping of signals.md §9.2-9.3 (SPDX License List XML "
    "@ 2026-07-16); ids checked against the list bundled with license-expression; HTML Living "
    "Standard rel=license; ccREL (W3C Member Submission 2008-05-01)"
)

OBLIGATIONS: Final[dict[str, tuple[Duty, str]]] = {
    "by": (Duty.ATTRIBUTION, "BY: credit the author and keep the licence notice"),
    "sa": (Duty.SHARE_ALIKE, "SA: share adaptations under the same or a compatible licence"),
    "nc": (Duty.NON_COMMERCIAL, "NC: no use primarily intended for commercial advantage"),
    "nd": (Duty.NO_DERIVATIVES, "ND: adapted material may not be shared"),
    "sampling": (Duty.ATTRIBUTION, "Sampling licences are attribution licences"),
    "devnations": (Duty.ATTRIBUTION, "Developing Nations is an attribution licence"),
}
"""CC licence element -> (duty, reason), per ``obligations.SPEC_VERSIONS["cc-licences"]``. Each
obligation carries the licence's canonical URL: every CC licence asks for its URI with every
copy, and the URL says which licence's terms the duty comes from."""

_ALL_ALLOW: Final = tuple((use, Stance.ALLOW) for use in USES)


@dataclass(frozen=True, slots=True)
class LicenceReading:
    """What a kind of licence says about the uses, in short (for notes) and why."""

    stances: tuple[tuple[Use, Stance], ...]
    summary: str
    reason: str


READINGS: Final[dict[str, LicenceReading]] = {
    "cc-licence": LicenceReading(
        _ALL_ALLOW,
        "a CC licence allows every use on its conditions (the obligations)",
        "a CC licence grants every use copyright governs, AI training included, on its "
        "conditions (CC's 2021 statement on TDM and its AI FAQ); the conditions are listed as "
        "obligations. Whether NC or ND reach training is a legal question: they are not read "
        "as a deny (signals.md §9.1: no NC/ND -> deny without a policy switch); a builder "
        "filters on the obligations (non-commercial, no-derivatives)",
    ),
    "cc-public-domain": LicenceReading(
        _ALL_ALLOW,
        "a CC public-domain tool allows every use",
        "CC0, the Public Domain Mark and the retired public-domain dedication waive or disclaim "
        "copyright: every use, no conditions",
    ),
    "other": LicenceReading(
        (),
        "not a CC tool: its terms are not read (no stance)",
        "the terms of other licences are not read here; the SPDX id or URL is kept as evidence",
    ),
}
"""Kind of licence -> reading."""

LICENCE_METAS: Final = frozenset(
    {"license", "licence", "dc.rights", "dc.license", "dcterms.license", "dcterms.rights"}
)
"""Meta names read as licence statements."""

_CODES: Final = frozenset(
    {"by", "by-sa", "by-nd", "by-nc", "by-nc-sa", "by-nc-nd", "by-nd-nc", "sa", "nd", "nc",
     "nc-sa", "nd-nc", "sampling", "sampling+", "nc-sampling+", "devnations"}
)  # fmt: skip
# Path order fixed by SPDX: the 1.0 tools wrote ND before NC.
_CODE_ORDER: Final = {"by-nd-nc": "by-nc-nd", "nd-nc": "nc-nd"}

_CC_URL_RE: Final = re.compile(
    r"""^(?:(?:https?:)?//)?(?:www\.)?creativecommons\.org/
    (?:licenses/(?P<code>[a-z+-]+)/(?P<ver>1\.0|2\.0|2\.1|2\.5|3\.0|4\.0)
        (?:/(?P<juris>[a-z]{2}(?:-[a-z]{2})?|igo|scotland))?
      |licenses/(?P<pddc>publicdomain)
      |publicdomain/(?P<pd>zero|mark)/(?P<pdver>\d\.\d))
    (?:/(?:legalcode(?:\.[a-z_-]+)*|deed(?:\.[a-z_-]+)*|rdf|index\.html?))?/?$""",
    re.VERBOSE,
)
_BADGE_RE: Final = re.compile(
    r"""^(?:https?:)?//(?:i\.)?(?:creativecommons\.org|licensebuttons\.net)/
    (?:l/(?P<code>[a-z+-]+)/(?P<ver>1\.0|2\.0|2\.1|2\.5|3\.0|4\.0)/(?:(?P<juris>[a-z]{2}(?:-[a-z]{2})?|igo|scotland)/)?
      |p/(?P<pd>zero|mark)/(?P<pdver>\d\.\d)/)
    [^/]+$""",
    re.VERBOSE,
)
_PRESSKIT_RE: Final = re.compile(
    r"^(?:https?:)?//mirrors\.creativecommons\.org/presskit/buttons/[^/]+/[a-z]+/"
    r"(?P<code>[a-z+-]+?)(?:\.eu|\.us|-eu|-us)?\.(?:png|svg)$"
)
_SPDX_URL_RE: Final = re.compile(
    r"^(?:https?:)?//(?:www\.)?(?:spdx\.org/licenses/(?P<spdx>[A-Za-z0-9.+-]+?)(?:\.html|\.json)?"
    r"|opensource\.org/licenses?/(?P<osi>[A-Za-z0-9.+-]+?)(?:\.php|\.html)?)/?$"
)
# A CC short name: `CC BY-SA 4.0`, `CC-BY-NC-ND-3.0-DE`, `cc by 4.0 de`, `CC0 1.0`, `CC0`.
_CC_NAME_RE: Final = re.compile(
    r"^(?:creative\s+commons\s*|cc[\s-]*)(?P<code>by(?:[\s-]*(?:nc|sa|nd)){0,2})[\s-]*"
    r"(?P<ver>1\.0|2\.0|2\.1|2\.5|3\.0|4\.0)(?:[\s-]*(?P<juris>[a-z]{2}|igo))?$"
    r"|^cc[\s-]*(?P<zero>0|zero)(?:[\s-]*1\.0)?$",
    re.IGNORECASE,
)
_URL_SCHEME_RE: Final = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_LICENCE_RELS: Final = frozenset(
    {"license", "cc:license", "dc:license", "dcterms:license", "xhtml:license"}
)


def _license_expression() -> Any:
    # Imported on first use: most pages name no licence, and the import costs tens of ms.
    return importlib.import_module("license_expression")


@functools.cache
def _spdx_ids() -> tuple[dict[str, str], dict[str, str]]:
    """SPDX licence ids and exception ids of the list bundled with license-expression, keyed
    lower-case. Only the list's own ids: scancode's aliases (``GPL``, ``GPL 2.0``) and its
    ``LicenseRef-scancode-…`` keys are not SPDX ids."""
    licences: dict[str, str] = {}
    exceptions: dict[str, str] = {}
    for entry in _license_expression().get_license_index():
        key = entry.get("spdx_license_key") or ""
        if not key or key.startswith("LicenseRef-"):
            continue
        (exceptions if entry.get("is_exception") else licences)[key.lower()] = key
    return licences, exceptions


def spdx_id(text: str) -> str | None:
    """The SPDX licence id ``text`` names (case-insensitive), as the list spells it, or ``None``."""
    return _spdx_ids()[0].get(text.strip().lower())


_EXPRESSION_TOKEN_RE: Final = re.compile(r"[()]|[^\s()]+")


def _spdx_expression(text: str) -> str | None:
    """``text`` as an SPDX licence expression (ids spelled as the list does, operators upper
    case) when it is one and every id in it is on the list; ``None`` otherwise."""
    licences, exceptions = _spdx_ids()
    out: list[str] = []
    operand, after_with, depth = True, False, 0
    for token in _EXPRESSION_TOKEN_RE.findall(text):
        upper = token.upper()
        if token == "(":
            if not operand or after_with:
                return None
            depth += 1
            out.append(token)
        elif token == ")":
            depth -= 1
            if operand or depth < 0:
                return None
            out.append(token)
        elif upper in ("AND", "OR", "WITH"):
            if operand:
                return None
            operand, after_with = True, upper == "WITH"
            out.append(upper)
        else:
            ident = (exceptions if after_with else licences).get(token.lower())
            if not operand or ident is None:
                return None
            operand, after_with = False, False
            out.append(ident)
    if operand or depth:
        return None
    return " ".join(out).replace("( ", "(").replace(" )", ")")


@dataclass(frozen=True, slots=True)
class Licence:
    """A licence identified from a URL or a name."""

    license: str
    """The SPDX id (``CC-BY-SA-4.0``), a ``LicenseRef-CC-…`` for a CC tool SPDX does not list,
    an SPDX expression (``MIT OR Apache-2.0``), or the URL when nothing fits."""
    url: str | None = None
    """The canonical licence URL (``https://creativecommons.org/licenses/by-sa/4.0/``)."""
    kind: str = "other"
    """A key of :data:`READINGS`: ``cc-licence``, ``cc-public-domain`` or ``other``."""
    obligations: tuple[Obligation, ...] = ()
    listed: bool = False
    """Whether ``license`` is on the SPDX License List (an expression: every licence in it)."""
    note: str = ""


def _cc_licence(
    code: str | None,
    ver: str | None,
    juris: str | None = None,
    *,
    pd: str | None = None,
    pdver: str | None = None,
    pddc: str | None = None,
) -> Licence | None:
    if pddc:
        url = "https://creativecommons.org/licenses/publicdomain/"
        return Licence("CC-PDDC", url, "cc-public-domain", (), spdx_id("CC-PDDC") is not None)
    if pd:
        if pdver != "1.0":
            return None
        url = f"https://creativecommons.org/publicdomain/{pd}/1.0/"
        ident = "CC0-1.0" if pd == "zero" else "CC-PDM-1.0"
        listed = spdx_id(ident) is not None
        if not listed:
            ident = f"LicenseRef-{ident}"
        return Licence(ident, url, "cc-public-domain", (), listed)
    if code is None or ver is None or code not in _CODES:
        return None
    url = f"https://creativecommons.org/licenses/{code}/{ver}/" + (f"{juris}/" if juris else "")
    spdx_code = _CODE_ORDER.get(code, code).upper().replace("+", "PLUS")
    candidate = f"CC-{spdx_code}-{ver}" + (f"-{juris.upper()}" if juris else "")
    listed_id = spdx_id(candidate)
    note = ""
    if listed_id is None:
        listed_id = f"LicenseRef-{candidate}"
        note = "no SPDX id for this CC tool" + (
            " (a port; the generic id is not used: ports differ legally)" if juris else ""
        )
    return Licence(listed_id, url, "cc-licence", _obligations(code, url), not note, note)


def _obligations(code: str, url: str | None) -> tuple[Obligation, ...]:
    """The obligations of a CC licence's elements, in the order the code names them."""
    found: dict[Duty, None] = {}
    for element in code.rstrip("+").split("-"):
        known = OBLIGATIONS.get(element.rstrip("+"))
        if known is not None:
            found[known[0]] = None
    return tuple([Obligation(duty, url) for duty in found])


def _clean_url(url: str) -> str:
    url = url.strip()
    for mark in ("#", "?"):
        cut = url.find(mark)
        if cut >= 0:
            url = url[:cut]
    return url.lower()


# Pages of one site repeat the same licence URL; the mapping is a pure function of the text.
@functools.lru_cache(maxsize=4096)
def licence_from_url(url: str) -> Licence | None:
    """The licence a URL names: a CC licence or public-domain tool (any of its deed, legal code
    or RDF pages, a badge image), an ``spdx.org/licenses/…`` or ``opensource.org/licenses/…``
    page. ``None`` for any other URL."""
    clean = _clean_url(url)
    for pattern in (_CC_URL_RE, _BADGE_RE):  # deeds and legal code, then badge images
        found = pattern.match(clean)
        if found is not None:
            parts = found.groupdict()
            return _cc_licence(
                parts["code"],
                parts["ver"],
                parts["juris"],
                pd=parts["pd"],
                pdver=parts["pdver"],
                pddc=parts.get("pddc"),  # the old public-domain dedication has no badge
            )
    found = _SPDX_URL_RE.match(url.strip())
    if found is not None:
        ident = spdx_id(found.group("spdx") or found.group("osi") or "")
        if ident is not None:
            return Licence(ident, url.strip(), _kind(ident), _id_obligations(ident), True)
    return None


def _kind(ident: str) -> str:
    if ident in ("CC0-1.0", "CC-PDM-1.0", "CC-PDDC"):
        return "cc-public-domain"
    if ident.startswith("CC-"):
        return "cc-licence"
    return "other"


# An SPDX id of a CC licence: CC-<CODE>-<version>[-<JURISDICTION>] (signals.md §9.3).
_CC_ID_RE: Final = re.compile(r"CC-(?P<code>[A-Z+-]+?)-(?P<ver>\d\.\d)(?:-(?P<juris>[A-Z-]+))?")


def _id_obligations(ident: str) -> tuple[Obligation, ...]:
    """Obligations of a CC licence named by its SPDX id (``CC-BY-NC-4.0``), with the canonical
    URL of the licence the id reads back to."""
    if not ident.startswith("CC-") or _kind(ident) != "cc-licence":
        return ()
    found = _CC_ID_RE.fullmatch(ident.replace("PLUS", "+"))
    if found is not None:
        juris = found.group("juris")
        code, ver = found.group("code").lower(), found.group("ver")
        licence = _cc_licence(code, ver, juris.lower() if juris else None)
        if licence is not None and licence.license == ident:
            return licence.obligations
    # An id this grammar cannot read back (none on the bundled list): the duties, without URL.
    parts = ident[3:].lower().split("-")
    return _obligations("-".join(p for p in parts if p in OBLIGATIONS), None)


def licence_from_text(text: str) -> Licence | None:
    """The licence a meta's text names: a URL (as :func:`licence_from_url`), a CC short name
    (``CC BY-SA 4.0``, ``CC0``) or an SPDX licence expression. ``None`` for anything else."""
    text = text.strip()
    if not text:
        return None
    if _URL_SCHEME_RE.match(text) or text.startswith("//") or "creativecommons.org/" in text:
        return licence_from_url(text)
    name = _CC_NAME_RE.match(text)
    if name is not None:
        if name.group("zero"):
            return _cc_licence(None, None, pd="zero", pdver="1.0")
        code = "-".join(re.split(r"[\s-]+", name.group("code").lower()))
        juris = name.group("juris")
        return _cc_licence(code, name.group("ver"), juris.lower() if juris else None)
    if len(text) > 200:
        return None  # prose, not an expression
    expression = _spdx_expression(text)
    if expression is None:
        return None
    single = spdx_id(expression)
    if single is not None:
        return Licence(single, None, _kind(single), _id_obligations(single), True)
    return Licence(expression, None, "other", (), True, "an SPDX licence expression")


@dataclass(frozen=True, slots=True)
class LicenceMarks:
    """The licence statements of one page, with what could not be read."""

    marks: tuple[Statement, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()

    def statements(self) -> tuple[Statement, ...]:
        return self.marks

    @property
    def licences(self) -> tuple[str, ...]:
        """The distinct licences named, in document order."""
        return tuple(dict.fromkeys(m.license for m in self.marks if m.license))


def _statement(
    licence: Licence,
    carrier: Carrier,
    raw: str,
    line: int,
    rule: str,
    *,
    note: str = "",
    diagnostics: tuple[Diagnostic, ...] = (),
) -> Statement:
    reading = READINGS[licence.kind]
    notes = [n for n in (reading.summary, licence.note, note) if n]
    return Statement(
        Mechanism.LICENSE,
        carrier,
        reading.stances,
        raw,
        line=line,
        rule=rule,
        obligations=licence.obligations,
        license=licence.license,
        license_url=licence.url,
        note="; ".join(notes),
        diagnostics=diagnostics,
    )


_HTTP: Final = ("http://", "https://")


def _absolute(base_url: str | None, href: str) -> str:
    # Most licence links are absolute already; urljoin would return them unchanged, slowly.
    if not base_url or href[:8].lower().startswith(_HTTP):
        return href
    return urljoin(base_url, href)


_NO_MARKS: Final = LicenceMarks()


def _is_licence_link(link: Link) -> bool:
    if link.type is not None and "rsl" in link.type:
        return False  # RSL 1.0 uses rel=license with type=application/rsl+xml
    return not _LICENCE_RELS.isdisjoint(link.rel)


# What one link, meta or badge says, without its line (a template with line 0, its
# diagnostics too), the page's diagnostic, and the licence it names (badges after a link to the
# same licence are not repeated): the pages of a site repeat these on other lines.
_Mark = tuple[Statement | None, Diagnostic | None, str | None]


def _unknown_mark(url: str, written: str, carrier: Carrier, rule: str) -> _Mark:
    licence, diagnostic = _unknown(url, 0)
    mine = (diagnostic,) if diagnostic else ()
    return _statement(licence, carrier, written, 0, rule, diagnostics=mine), diagnostic, None


@value_cache(maxsize=4096, longest=2048)
def _link_mark(tag: str, rel: tuple[str, ...], href: str, base_url: str | None) -> _Mark:
    rule = f"{tag} rel={' '.join(rel)}"
    other_scheme = _URL_SCHEME_RE.match(href) is not None and not _is_http(href)
    if not href or href.startswith("#") or other_scheme:  # javascript:, mailto: …
        skipped = f"rel=license href {href!r} skipped"
        return None, Diagnostic(0, "not-a-licence-url", skipped), None
    absolute = _absolute(base_url, href)
    licence = licence_from_url(absolute)
    if licence is None:
        return _unknown_mark(absolute, href, Carrier.HTML_LINK, rule)
    return _statement(licence, Carrier.HTML_LINK, href, 0, rule), None, licence.license


@value_cache(maxsize=1024, longest=2048)
def _meta_mark(name: str, written: str, base_url: str | None) -> _Mark:
    content = written.strip()
    rule = f"meta name={name}"
    if base_url and content.startswith(("/", "./", "../")):
        content = _absolute(base_url, content)
    licence = licence_from_text(content)
    if licence is not None:
        return _statement(licence, Carrier.HTML_META, written, 0, rule), None, licence.license
    if _is_http(content):
        return _unknown_mark(content, written, Carrier.HTML_META, rule)
    unread = f"<meta {name}> {_short(content)!r} names no licence we know"
    return None, Diagnostic(0, "unrecognised-licence", unread), None


@value_cache(maxsize=1024, longest=2048)
def _badge_mark(tag: str, url: str) -> _Mark:
    licence = licence_from_url(url)
    if licence is None:
        licence = _presskit(url)
    if licence is None:
        return None, Diagnostic(0, "unknown-badge", f"badge {_short(url)!r} not read"), None
    note = "badge image: weaker evidence than rel=license"
    statement = _statement(licence, Carrier.HTML_LINK, url, 0, f"{tag} src", note=note)
    return statement, None, licence.license


def _placed(template: Statement, line: int) -> Statement:
    t = template
    diagnostics = tuple([d.at(line) for d in t.diagnostics]) if t.diagnostics else ()
    return Statement(
        t.mechanism, t.carrier, t.stances, t.raw, line, t.rule, t.exceptions, t.obligations,
        t.license, t.license_url, t.note, diagnostics,
    )  # fmt: skip


def read_licences(
    links: Iterable[Link],
    licence_urls: Iterable[LicenceUrl] = (),
    metas: Iterable[Meta] = (),
    *,
    base_url: str | None = None,
) -> LicenceMarks:
    """The licence marks of one page (see the module docstring).

    ``base_url`` (the page's URL, or its ``<base href>``) resolves relative ``href`` values;
    without it they are kept as written.
    """
    found = _found(links, licence_urls, metas, base_url)
    if not found:
        return _NO_MARKS
    marks = [_placed(template, line) for (template, _, _), line in found if template is not None]
    diagnostics = [diagnostic.at(line) for (_, diagnostic, _), line in found if diagnostic]
    distinct = {m.license for m in marks if m.license}
    if len(distinct) > 1:
        diagnostics.append(
            Diagnostic(
                0, "several-licences", f"the page names {len(distinct)} licences: all are kept"
            )
        )
    return LicenceMarks(tuple(marks), tuple(diagnostics))


def _found(
    links: Iterable[Link],
    licence_urls: Iterable[LicenceUrl],
    metas: Iterable[Meta],
    base_url: str | None,
) -> list[tuple[_Mark, int]]:
    """Each mark of the page, unplaced, with its line, in the order they are kept."""
    found: list[tuple[_Mark, int]] = []
    named: set[str] = set()
    for link in links:
        if not _is_licence_link(link):
            continue
        href = link.href
        # The page's URL matters only to a relative href: keep it out of the memo's key then.
        base = base_url if base_url and not href[:8].lower().startswith(_HTTP) else None
        mark = _link_mark(link.tag, link.rel, href, base)
        found.append((mark, link.line))
        if mark[2] is not None:
            named.add(mark[2])

    for meta in metas:
        if meta.http_equiv or meta.name not in LICENCE_METAS or not meta.content.strip():
            continue
        relative = meta.content.strip().startswith(("/", "./", "../"))
        mark = _meta_mark(meta.name, meta.content, base_url if relative else None)
        found.append((mark, meta.line))
        if mark[2] is not None:
            named.add(mark[2])

    for badge in licence_urls:
        mark = _badge_mark(badge.tag, badge.url)
        if mark[2] is not None:
            if mark[2] in named:
                continue  # the link around the badge already said it
            named.add(mark[2])
        found.append((mark, badge.line))
    return found


def _is_http(url: str) -> bool:
    return url[:6].lower() in ("http:/", "https:")


def _unknown(url: str, line: int) -> tuple[Licence, Diagnostic | None]:
    """A licence URL that maps to no id: kept as the URL, with a diagnostic if it looked CC."""
    if "creativecommons.org" in url.lower():
        return Licence(url), Diagnostic(
            line, "unknown-cc-url", f"{_short(url)!r} is not a CC licence URL we can read"
        )
    return Licence(url), None


def _presskit(url: str) -> Licence | None:
    """A press-kit button (``…/presskit/buttons/88x31/png/by-nc.png``): the elements are known,
    the version is not, so there is no licence id."""
    found = _PRESSKIT_RE.match(_clean_url(url))
    if found is None:
        return None
    code = found.group("code")
    if code in ("cc-zero", "zero", "cc0"):
        return _cc_licence(None, None, pd="zero", pdver="1.0")
    if code not in _CODES:
        return None
    return Licence(
        url.strip(),
        None,
        "cc-licence",
        _obligations(code, None),  # the version, and so the licence's URL, is not known
        False,
        "press-kit badge: the licence version is not in the image",
    )


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def licence_statements(
    links: Iterable[Link],
    licence_urls: Iterable[LicenceUrl] = (),
    metas: Iterable[Meta] = (),
    *,
    base_url: str | None = None,
) -> tuple[Statement, ...]:
    """The licence statements of one page (:func:`read_licences` without the diagnostics)."""
    found = _found(links, licence_urls, metas, base_url)
    return tuple([_placed(template, line) for (template, _, _), line in found if template])
