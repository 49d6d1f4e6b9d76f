"""RSL 1.0 (Really Simple Licensing): where a site's licence lives, and what it says per use.

Three pure readers, per RSL-SPEC-1.0 (Recommendation, 2025-11-06, with the errata to 2026-08):

* :func:`license_urls_from_robots` — robots.txt ``License:`` lines (§4.4), scoped the way the
  1.0 errata (2026-01-16) clarified: the lines inside the groups that apply to a crawler, else
  the global ones.
* :func:`license_urls_from_link_headers` — RFC 8288 ``Link`` header fields with
  ``rel="license"`` (§4.5); ``type="application/rsl+xml"`` tells an RSL licence from an ordinary
  licence link (§9).
* :func:`parse_rsl` — an RSL XML document (§3): ``<content url>`` elements, their
  ``<license>`` term sets (``<permits>``/``<prohibits>`` by usage, user and geography,
  ``<payment>``, ``<reporting>``, ``<legal>``) and the licence ``server``.

:meth:`RslDocument.statements` then answers, for one URL, what the licence says about each of
our uses, by the evaluation rules of §3.1.1 (narrower scope beats broader; permitted and
prohibited at the same scope is not licensed; a ``<permits>`` list allows only what it lists;
when in doubt, rights are never expanded). Terms a builder must take on to be licensed
(payment, a licence server, reporting) make a ``deny`` that lists them as ``exceptions``; the
resolver turns it into an ``allow`` only when the caller accepts their duties (DESIGN §1). Each
term is an :class:`~reciprocity.obligations.Obligation` whose parameter (the payment type, the
report type and profile, the server) is a field of it.

XML is read with the standard library's expat parser, guarded: a document type declaration
(and with it every entity declaration, the billion-laughs and external-entity attacks) is
refused before expat reads it, and documents over :data:`MAX_RSL_BYTES` are not read.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final, NamedTuple
from urllib.parse import urljoin, urlsplit
from xml.parsers import expat

from reciprocity.obligations import Duty, Obligation
from reciprocity.signals.diagnostics import Diagnostic
from reciprocity.signals.robots import (
    RobotsTxt,
    normalise_pattern,
    path_params_query,
    pattern_matches,
)
from reciprocity.signals.statement import Carrier, Mechanism, Statement
from reciprocity.uses import USES, Stance, Use

__all__ = [
    "DEFAULT_MAX_AGE_DAYS",
    "EU_MEMBERS",
    "LEGACY_PAYMENT_TYPES",
    "LEGACY_USAGE_TOKENS",
    "MAX_RSL_BYTES",
    "NAMESPACE_VARIANTS",
    "PAYMENT_TYPES",
    "RSL_MEDIA_TYPE",
    "RSL_NAMESPACE",
    "SPEC_VERSION",
    "USAGE_TOKENS",
    "USER_CLASSES",
    "Amount",
    "LicenseLink",
    "LicenseLinks",
    "Payment",
    "Reporting",
    "RslContent",
    "RslDocument",
    "RslLicense",
    "UsageToken",
    "license_urls_from_link_headers",
    "license_urls_from_robots",
    "parse_rsl",
]

SPEC_VERSION: Final = "RSL-SPEC-1.0 (Recommendation 2025-11-06, errata to 2026-08-07)"
RSL_NAMESPACE: Final = "https://rslstandard.org/rsl"
RSL_MEDIA_TYPE: Final = "application/rsl+xml"
DEFAULT_MAX_AGE_DAYS: Final = 30
"""How long a client may cache a document without ``max-age`` (§3.2.1)."""
MAX_RSL_BYTES: Final = 4 * 1024 * 1024
"""Documents larger than this are not read (a licence file is a few KiB; an RSS feed with
``rsl:`` items may be larger, never this large)."""

# Spellings of the namespace seen in the wild that name RSL unmistakably. The spec requires the
# exact URI; reading these (with a diagnostic) keeps a publisher's typo from silently dropping
# its prohibitions. Any other namespace is not RSL.
NAMESPACE_VARIANTS: Final = frozenset(
    {
        "http://rslstandard.org/rsl",
        "https://rslstandard.org/rsl/",
        "http://rslstandard.org/rsl/",
        "https://www.rslstandard.org/rsl",
        "http://www.rslstandard.org/rsl",
    }
)


class UsageToken(NamedTuple):
    """What an RSL usage token means for our uses."""

    uses: frozenset[Use]
    rank: int
    """Breadth, for "narrower scope beats broader" (§3.1.1): 0 ``all``, 1 ``ai-all``, 2 a
    single usage."""
    reason: str


_AI: Final = frozenset({Use.TRAIN_AI, Use.AI_USE})

# The usage vocabulary of RSL-SPEC-1.0 §3.4.1.1 (consolidated by the 2026-01-16 erratum) read
# onto our uses. This table is the only place RSL usage words are interpreted.
USAGE_TOKENS: Final[dict[str, UsageToken]] = {
    "all": UsageToken(frozenset(USES), 0, "any automated processing, AI and search included"),
    "ai-all": UsageToken(_AI, 1, "any AI use: ai-train, ai-input, ai-index and future AI uses"),
    "ai-train": UsageToken(frozenset({Use.TRAIN_AI}), 2, "training or fine-tuning AI models"),
    "ai-input": UsageToken(
        frozenset({Use.AI_USE}), 2, "input to AI models: RAG, grounding, generative answers"
    ),
    # Reading chosen where the spec has no counterpart use: an AI system's retrieval index is
    # the store our ai-use (RAG, grounding) reads from, so prohibiting it prohibits ai-use.
    "ai-index": UsageToken(
        frozenset({Use.AI_USE}), 2, "inclusion in an AI system's index or retrieval database"
    ),
    "search": UsageToken(
        frozenset({Use.SEARCH}), 2, "search index, links and short excerpts (no AI summaries)"
    ),
}

# Tokens that are not RSL 1.0 but appear in RSL's own guides and in deployed files. They keep
# the meaning their source gave them (as DESIGN §3 does for legacy AIPREF labels), with a
# diagnostic naming the source.
LEGACY_USAGE_TOKENS: Final[dict[str, tuple[str, str]]] = {
    "train-ai": ("ai-train", "rslstandard.org guide templates and RSL Collective examples"),
    "ai-use": ("ai-input", "RSL drafts before 1.0 and editors built on them"),
}

USER_CLASSES: Final = frozenset(
    {"commercial", "non-commercial", "education", "government", "personal"}
)
"""The user vocabulary of §3.4.1.2 (the entity responsible for the use)."""

# ISO 3166-1 alpha-2 codes of the EU member states (2026), for the geo value ``EU``.
EU_MEMBERS: Final = frozenset(
    {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "IE", "IT", "LV",
     "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}
)  # fmt: skip

# Payment types of §3.7 (obligations.SPEC_VERSIONS["rsl"]) and the term each puts on a builder.
# ``None``: no term (free). ``obligation``: a term a builder meets by itself and that comes with
# an allow (attribution: visible credit and a functional link, like a CC BY licence).
# ``exception``: a term that makes a deny the builder can lift only by taking it on (paying,
# contributing). A type missing here is a payment too (never expand rights): Payment.term.
PAYMENT_TYPES: Final[dict[str, tuple[str, Obligation] | None]] = {
    "free": None,
    "attribution": ("obligation", Obligation(Duty.ATTRIBUTION)),
    # "good-faith monetary or in-kind support": CC signals' Direct Contribution, in RSL's words.
    "contribution": ("exception", Obligation(Duty.DIRECT_CONTRIBUTION, detail="contribution")),
    "purchase": ("exception", Obligation(Duty.PAYMENT, detail="purchase")),
    "subscription": ("exception", Obligation(Duty.PAYMENT, detail="subscription")),
    "training": ("exception", Obligation(Duty.PAYMENT, detail="training")),
    "crawl": ("exception", Obligation(Duty.PAYMENT, detail="crawl")),
    "use": ("exception", Obligation(Duty.PAYMENT, detail="use")),
}

# Payment types outside RSL 1.0: 0.9's ``inference`` became ``use``; the RSL Collective's
# ``royalty`` is a payment. Any other unknown type is read as a payment (never expand rights).
LEGACY_PAYMENT_TYPES: Final[dict[str, tuple[str, str]]] = {
    "inference": ("use", "RSL 0.9 name of 'use'"),
    "royalty": ("royalty", "RSL Collective examples; not an RSL 1.0 type"),
}

_PERMISSION_TYPES: Final = ("usage", "user", "geo")
_LEGAL_TYPES: Final = frozenset({"warranty", "disclaimer", "attestation", "contact", "proof"})
_REPORTING_TYPES: Final = frozenset({"telemetry", "provenance", "audit"})
_RAW_LIMIT: Final = 4000


# -- discovery -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LicenseLink:
    """A place that names a licence document: a robots.txt ``License`` line or a ``Link``."""

    url: str
    """The licence URL (resolved against ``base_url`` when one was given and it was relative)."""
    carrier: Carrier
    line: int
    """robots.txt line, or 1-based index of the header field line among the headers given."""
    raw: str
    rsl: bool
    """True for robots.txt ``License`` lines and links typed ``application/rsl+xml``; a
    ``rel="license"`` link without that type is an ordinary licence link (§9)."""
    media_type: str | None = None
    agents: tuple[str, ...] = ()
    """robots.txt: the user agents of the group the line sits in (empty: outside any group)."""
    anchor: str | None = None
    """``Link``: the ``anchor`` parameter (the link is about that resource, not this one)."""


@dataclass(frozen=True, slots=True)
class LicenseLinks:
    """The licence links found in one carrier, in order, and what was skipped or repaired."""

    links: tuple[LicenseLink, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def rsl_urls(self) -> tuple[str, ...]:
        """The RSL licence URLs, in order, each once."""
        return tuple(dict.fromkeys(link.url for link in self.links if link.rsl))

    def __iter__(self) -> Iterator[LicenseLink]:
        return iter(self.links)

    def __len__(self) -> int:
        return len(self.links)


def _check_url(value: str, line: int, base_url: str | None, diagnostics: list[Diagnostic]) -> str:
    try:
        parts = urlsplit(value)
        absolute = bool(parts.scheme and parts.netloc)
    except ValueError:  # unbalanced brackets in the authority: not a URL
        absolute = False
    if absolute:
        if not value.lower().startswith(("http://", "https://")):
            diagnostics.append(Diagnostic(line, "not-http", f"{value!r} is not an HTTP(S) URL"))
        return value
    if base_url:
        resolved = urljoin(base_url, value)
        diagnostics.append(
            Diagnostic(line, "relative-url", f"{value!r} is not absolute; read as {resolved!r}")
        )
        return resolved
    diagnostics.append(Diagnostic(line, "relative-url", f"{value!r} is not an absolute URL"))
    return value


def license_urls_from_robots(
    robots: RobotsTxt, user_agent: str | None = None, *, base_url: str | None = None
) -> LicenseLinks:
    """The ``License`` lines of a robots.txt (RSL 1.0 §4.4), in file order.

    Without ``user_agent``, every line. With one, the candidate set of §4.4.2-4.4.3: the lines in
    the groups that apply to that crawler (RFC 9309 selection: named groups merged, else ``*``);
    when those groups have none, the lines outside any group and those of the ``*`` group.
    A line belongs to the ``User-agent`` lines just before it (a group rule: a ``User-agent``
    line after it starts another group, see :attr:`RobotsTxt.record_groups`).
    (Reading chosen: the pre-1.0 guide called ``License`` global, so files written to it put the
    line anywhere, often at the end of the ``*`` group; such a line is read as global.)
    """
    if not isinstance(robots, RobotsTxt):
        raise TypeError(f"expected a RobotsTxt, not {type(robots).__name__}")
    records = robots.records_named("license")
    if user_agent is not None:
        selected = robots.records_for(user_agent, "license")
        if not selected:
            selected = tuple(
                r for r in records if r.group is None or robots.record_groups[r.group].is_global
            )
        records = selected
    diagnostics: list[Diagnostic] = []
    links: list[LicenseLink] = []
    seen: set[str] = set()
    for record in records:
        value = record.value.strip()
        if not value:
            diagnostics.append(Diagnostic(record.line, "empty-value", "License line has no URL"))
            continue
        url = _check_url(value, record.line, base_url, diagnostics)
        if url in seen:
            diagnostics.append(Diagnostic(record.line, "duplicate", f"{url!r} named again"))
            continue
        seen.add(url)
        agents = robots.record_groups[record.group].agents if record.group is not None else ()
        links.append(
            LicenseLink(url, Carrier.ROBOTS_TXT, record.line, value, True, RSL_MEDIA_TYPE, agents)
        )
    return LicenseLinks(tuple(links), tuple(diagnostics))


_TCHAR: Final = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_OWS: Final = " \t"


def _skip_to_comma(value: str, i: int) -> int:
    """The index of the next link-value separator: a comma outside ``<...>`` and quotes."""
    n = len(value)
    while i < n:
        char = value[i]
        if char == ",":
            return i
        if char == "<":
            end = value.find(">", i + 1)
            i = n if end < 0 else end + 1
            continue
        if char == '"':
            i = _quoted(value, i)[1]
            continue
        i += 1
    return n


def _quoted(value: str, i: int) -> tuple[str | None, int]:
    """A quoted-string starting at ``value[i] == '"'``: (text, index after); text ``None`` when
    the closing quote is missing (the rest of the value is consumed)."""
    out: list[str] = []
    i += 1
    n = len(value)
    while i < n:
        char = value[i]
        if char == "\\" and i + 1 < n:
            out.append(value[i + 1])
            i += 2
            continue
        if char == '"':
            return "".join(out), i + 1
        out.append(char)
        i += 1
    return None, n


def _link_values(
    value: str, line: int, diagnostics: list[Diagnostic]
) -> Iterator[tuple[str, str, list[tuple[str, str | None]]]]:
    """Each RFC 8288 link-value of one field value: (raw text, target, params in order)."""
    n = len(value)
    i = 0
    while i < n:
        while i < n and (value[i] in _OWS or value[i] == ","):
            i += 1
        if i >= n:
            return
        start = i
        if value[i] != "<":
            end = _skip_to_comma(value, i)
            diagnostics.append(
                Diagnostic(line, "link-syntax", f"link {value[start:end].strip()!r} lacks <URI>")
            )
            i = end
            continue
        close = value.find(">", i + 1)
        if close < 0:
            diagnostics.append(Diagnostic(line, "link-syntax", "'<' without '>'; rest ignored"))
            return
        target = value[i + 1 : close].strip()
        i = close + 1
        params: list[tuple[str, str | None]] = []
        broken = False
        while i < n:
            while i < n and value[i] in _OWS:
                i += 1
            if i >= n or value[i] == ",":
                break
            if value[i] != ";":
                broken = True
                break
            i += 1
            while i < n and value[i] in _OWS:
                i += 1
            name_match = _TCHAR.match(value, i)
            if name_match is None:
                broken = True
                break
            name = name_match.group().lower()
            i = name_match.end()
            while i < n and value[i] in _OWS:
                i += 1
            param: str | None = None
            if i < n and value[i] == "=":
                i += 1
                while i < n and value[i] in _OWS:
                    i += 1
                if i < n and value[i] == '"':
                    param, i = _quoted(value, i)
                    if param is None:
                        diagnostics.append(
                            Diagnostic(line, "link-syntax", f"{name}= has no closing quote")
                        )
                        param = ""
                else:
                    token = _TCHAR.match(value, i)
                    # RFC 8288 allows only token chars unquoted; read up to the next separator
                    # so that `type=application/rsl+xml` (a '/' is not a tchar) still counts.
                    end = i
                    while end < n and value[end] not in ";," and value[end] not in _OWS:
                        end += 1
                    if token is None or token.end() != end:
                        diagnostics.append(
                            Diagnostic(
                                line, "link-unquoted", f"{name}={value[i:end]!r} should be quoted"
                            )
                        )
                    param, i = value[i:end], end
            params.append((name, param))
        if broken:
            end = _skip_to_comma(value, i)
            diagnostics.append(
                Diagnostic(
                    line, "link-syntax", f"unexpected {value[i:end].strip()!r} in link; skipped"
                )
            )
            i = end
        yield value[start:i].strip(), target, params


def license_urls_from_link_headers(
    headers: Sequence[tuple[str, str]], *, base_url: str | None = None
) -> LicenseLinks:
    """The ``rel="license"`` links of ``Link`` header fields (RFC 8288; RSL 1.0 §4.5).

    ``headers`` are (name, value) field lines in order; other fields are skipped, but count for
    ``line``. A link's relation types are the first ``rel`` parameter split at whitespace (later
    ``rel`` parameters are ignored, RFC 8288 §3.3). Links typed ``application/rsl+xml`` are
    marked ``rsl``; the others are ordinary licence links. Relative targets are resolved against
    ``base_url`` (RFC 8288 §3.1) when given; RSL requires them absolute (diagnostic).
    """
    diagnostics: list[Diagnostic] = []
    links: list[LicenseLink] = []
    for index, header in enumerate(headers, 1):
        if not isinstance(header, tuple) or len(header) != 2:
            raise TypeError("headers must be (name, value) pairs")
        name, value = header
        if name.strip().lower() != "link":
            continue
        for raw, target, params in _link_values(value, index, diagnostics):
            rel: str | None = None
            media_type: str | None = None
            anchor: str | None = None
            for key, param in params:
                if key == "rel":
                    if rel is not None:
                        diagnostics.append(
                            Diagnostic(index, "duplicate-rel", "second rel parameter ignored")
                        )
                        continue
                    rel = param or ""
                elif key == "type" and media_type is None:
                    media_type = (param or "").split(";")[0].strip().lower() or None
                elif key == "anchor" and anchor is None:
                    anchor = param
            if rel is None or "license" not in rel.lower().split():
                continue
            if not target:
                diagnostics.append(Diagnostic(index, "empty-value", "licence link has no URI"))
                continue
            url = _check_url(target, index, base_url, diagnostics)
            links.append(
                LicenseLink(
                    url,
                    Carrier.HTTP_HEADER,
                    index,
                    raw,
                    media_type == RSL_MEDIA_TYPE,
                    media_type,
                    anchor=anchor,
                )
            )
    return LicenseLinks(tuple(links), tuple(diagnostics))


# -- the document ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Amount:
    """``<amount currency="USD">0.01</amount>`` (§3.10)."""

    value: str
    currency: str | None


@dataclass(frozen=True, slots=True)
class Payment:
    """``<payment type="...">`` (§3.7); ``type`` is ``free`` when the attribute is absent."""

    type: str
    line: int
    standard: tuple[str, ...] = ()
    """Standard licence URIs (§3.8), e.g. a Creative Commons licence."""
    custom: tuple[str, ...] = ()
    """Where the publisher's own licensing process starts (a contact form, a rate card)."""
    amounts: tuple[Amount, ...] = ()
    accepts: tuple[str, ...] = ()
    """Payment protocols accepted (the ``type`` of each ``<accepts>``)."""

    @property
    def term(self) -> tuple[str, Obligation] | None:
        """(``obligation`` | ``exception``, what) this payment puts on a builder, or ``None``."""
        if self.type in PAYMENT_TYPES:
            return PAYMENT_TYPES[self.type]
        return "exception", Obligation(Duty.PAYMENT, detail=self.type)


@dataclass(frozen=True, slots=True)
class Reporting:
    """``<reporting type="telemetry|provenance|audit" profile="...">`` (§3.9)."""

    type: str
    profile: str | None
    line: int


@dataclass(frozen=True, slots=True)
class RslLicense:
    """One ``<license>``: one set of terms under which the content may be used."""

    line: int
    raw: str
    permits: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(type, tokens) per ``<permits>`` element; tokens as written (case-folded)."""
    prohibits: tuple[tuple[str, tuple[str, ...]], ...] = ()
    payments: tuple[Payment, ...] = ()
    """At most one per the spec; several are all required (most restrictive reading)."""
    reporting: tuple[Reporting, ...] = ()
    legal: tuple[tuple[str, tuple[str, ...]], ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    """What was repaired or ignored inside this element."""

    def permitted(self, kind: str) -> tuple[str, ...] | None:
        """The tokens of the ``<permits type=kind>`` elements, or ``None`` when there is none."""
        found = [tokens for type_, tokens in self.permits if type_ == kind]
        return None if not found else tuple(t for tokens in found for t in tokens)

    def prohibited(self, kind: str) -> tuple[str, ...]:
        return tuple(t for type_, tokens in self.prohibits if type_ == kind for t in tokens)


@dataclass(frozen=True, slots=True)
class RslContent:
    """One ``<content>``: the assets its ``url`` names and the licences that apply to them."""

    url: str
    line: int
    pattern: str | None
    """The %-normalised path pattern matched RFC 9309-style; ``None`` for ``url=""`` (the
    element applies where it is placed, an inline HTML licence, §4.6.2)."""
    host: str | None
    """Lower-cased ``host[:port]`` when ``url`` is a full URL; ``None`` for a server path."""
    licenses: tuple[RslLicense, ...]
    server: str | None = None
    encrypted: bool = False
    lastmod: str | None = None
    terms: str | None = None
    copyright: str | None = None

    def priority(self, url: str) -> int | None:
        """How specifically this content names ``url`` (the pattern's length, as RFC 9309
        ranks rules), or ``None`` when it does not match."""
        if self.pattern is None:
            return 1 << 30
        if self.host is not None:
            target = _host(url)
            if target is not None and target != self.host:
                return None
        path = path_params_query(url)
        return len(self.pattern) if pattern_matches(path, self.pattern) else None


def _host(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        if not parts.netloc:
            return None
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return None
    if port is not None and port not in (80, 443):
        return f"{host}:{port}"
    return host


@dataclass(frozen=True, slots=True)
class RslDocument:
    """A parsed RSL document. Build it with :func:`parse_rsl`."""

    contents: tuple[RslContent, ...]
    diagnostics: tuple[Diagnostic, ...]
    namespace: str | None = None
    """The namespace the RSL elements were read in (``None``: none, or no RSL found)."""
    max_age: int | None = None
    """Days a client may cache the document (``None``: the default, 30)."""
    legacy: bool = False
    """True when the document shows RSL 0.9 traits (comma lists, ``inference``, ``XBT``)."""
    _answers: dict[tuple[tuple[int, ...], str | None, str | None], tuple[Statement, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )
    """Statements per (matching <content> elements, user, geo): every page of a site asks again."""

    @property
    def is_rsl(self) -> bool:
        return bool(self.contents)

    def matching(self, url: str) -> tuple[RslContent, ...]:
        """The most specific ``<content>`` elements that name ``url`` (several only on a tie)."""
        best: list[RslContent] = []
        top = -1
        for content in self.contents:
            priority = content.priority(url)
            if priority is None or priority < top:
                continue
            if priority > top:
                best, top = [], priority
            best.append(content)
        return tuple(best)

    def statements(
        self, url: str, *, user: str | None = None, geo: str | None = None
    ) -> tuple[Statement, ...]:
        """What the licence says about ``url`` for each use (§3.1.1), as statements.

        ``user`` is the caller's class (§3.4.1.2: ``commercial``, ``non-commercial``,
        ``education``, ``government``, ``personal``), ``geo`` the ISO 3166-1 country where the
        use happens. A licence restricted by user class or geography grants nothing to a caller
        who does not say its class or country (when in doubt, never expand rights). A URL no
        ``<content>`` names is unlicensed for RSL purposes: no statement.
        """
        if not isinstance(url, str):
            raise TypeError(f"url must be str, not {type(url).__name__}")
        contents = self.matching(url)
        if not contents:
            return ()
        user_key = user.strip().lower() if user is not None else None
        geo_key = geo.strip().upper() if geo is not None else None
        chosen = tuple(i for i, c in enumerate(self.contents) if any(c is m for m in contents))
        key = (chosen, user_key, geo_key)
        found = self._answers.get(key)
        if found is not None:
            return found
        outcomes: dict[Use, _Outcome] = {}
        for use in USES:
            results = [_evaluate(content, use, user_key, geo_key) for content in contents]
            outcomes[use] = results[0] if len(results) == 1 else _combine(results)
        found = _statements(outcomes)
        if len(self._answers) < 1024:
            self._answers[key] = found
        return found


# -- evaluation ------------------------------------------------------------------------------


class _Outcome(NamedTuple):
    stance: Stance
    exceptions: tuple[Obligation, ...]
    obligations: tuple[Obligation, ...]
    license: str | None
    raw: str
    line: int
    rule: str
    note: str
    diagnostics: tuple[Diagnostic, ...] = ()


def _covering_rank(tokens: Iterable[str], use: Use) -> int | None:
    """The rank of the most specific token in ``tokens`` that covers ``use``."""
    best: int | None = None
    for token in tokens:
        known = USAGE_TOKENS.get(token)
        if known is not None and use in known.uses and (best is None or known.rank > best):
            best = known.rank
    return best


def _in_region(value: str, tokens: Iterable[str]) -> bool:
    return any(t == value or (t == "EU" and value in EU_MEMBERS) for t in tokens)


def _ineligible(license_: RslLicense, user: str | None, geo: str | None) -> tuple[str, bool] | None:
    """Why this licence grants nothing to the caller, and whether that is certain (the caller's
    stated class or country is excluded) rather than unknown; ``None``: it applies."""
    for kind, _ in license_.permits:
        if kind not in _PERMISSION_TYPES:
            return f"<permits type={kind!r}> cannot be evaluated", False
    for kind, value in (("user", user), ("geo", geo)):
        permitted = license_.permitted(kind)
        prohibited = license_.prohibited(kind)
        if permitted is None and not prohibited:
            continue
        if value is None:
            return (
                f"licensed by {kind} ({_describe(permitted, prohibited)}); {kind} not given",
                False,
            )
        if kind == "geo":
            if (permitted is not None and not _in_region(value, permitted)) or _in_region(
                value, prohibited
            ):
                return f"not licensed in {value} ({_describe(permitted, prohibited)})", True
        elif (permitted is not None and value not in permitted) or value in prohibited:
            return f"not licensed to {value} users ({_describe(permitted, prohibited)})", True
    return None


def _describe(permitted: tuple[str, ...] | None, prohibited: tuple[str, ...]) -> str:
    parts = []
    if permitted is not None:
        parts.append("permits " + (" ".join(permitted) or "nothing"))
    if prohibited:
        parts.append("prohibits " + " ".join(prohibited))
    return "; ".join(parts)


class _Option(NamedTuple):
    exceptions: tuple[Obligation, ...]
    obligations: tuple[Obligation, ...]
    license: str | None
    cost: int
    order: int
    license_: RslLicense


_COST: Final = {None: 0, "obligation": 1, "exception": 2}


def _option(content: RslContent, index: int, license_: RslLicense) -> _Option:
    exceptions: list[Obligation] = []
    obligations: list[Obligation] = []
    cost = 0
    standard: str | None = None
    for payment in license_.payments:
        term = payment.term
        if term is not None:
            kind, obligation = term
            (obligations if kind == "obligation" else exceptions).append(obligation)
            cost = max(cost, _COST[kind])
        if standard is None and payment.standard:
            standard = payment.standard[0]
    for report in license_.reporting:
        exceptions.append(Obligation(Duty.REPORTING, url=report.profile, detail=report.type))
    if content.server:
        # §3.3: with a licence server a client must obtain a licence token first, even for free.
        exceptions.append(Obligation(Duty.LICENCE, url=content.server))
    exceptions = list(dict.fromkeys(exceptions))
    obligations = list(dict.fromkeys(obligations))
    if exceptions:
        cost = 2
    return _Option(tuple(exceptions), tuple(obligations), standard, cost, index, license_)


def _rule(content: RslContent, index: int | None) -> str:
    rule = f'<content url="{content.url}">'
    if index is not None and len(content.licenses) > 1:
        rule += f" <license> #{index + 1}"
    return rule


def _evaluate(content: RslContent, use: Use, user: str | None, geo: str | None) -> _Outcome:
    """What one ``<content>``'s licences say about one use (§3.1.1 steps 3-6)."""
    licenses = content.licenses
    if not licenses:
        return _Outcome(
            Stance.DENY,
            (),
            (),
            None,
            f'<content url="{content.url}">',
            content.line,
            _rule(content, None),
            "the content has no <license>: nothing is licensed",
        )
    # The most specific prohibition of any licence the caller may fall under. A licence whose
    # user/geo scope is unknown still counts here: its prohibitions may apply to the caller.
    prohibit_rank: int | None = None
    prohibit_at = 0
    for index, license_ in enumerate(licenses):
        excluded = _ineligible(license_, user, geo)
        if excluded is not None and excluded[1]:
            continue  # a licence that certainly does not apply to this caller binds it no more
        rank = _covering_rank(license_.prohibited("usage"), use)
        if rank is not None and (prohibit_rank is None or rank > prohibit_rank):
            prohibit_rank, prohibit_at = rank, index
    options: list[_Option] = []
    reasons: list[str] = []
    for index, license_ in enumerate(licenses):
        excluded = _ineligible(license_, user, geo)
        if excluded is not None:
            reasons.append(excluded[0])
            continue
        listed = license_.permitted("usage")
        # No usage <permits>: every usage is permitted unless prohibited (rank below `all`).
        rank = -1 if listed is None else _covering_rank(listed, use)
        if rank is None:
            reasons.append(f"not among the permitted usages ({' '.join(listed or ()) or '-'})")
            continue
        # Narrower beats broader; permitted and prohibited at the same breadth: not licensed.
        if prohibit_rank is not None and rank <= prohibit_rank:
            continue
        options.append(_option(content, index, license_))
    if not options:
        if prohibit_rank is not None:
            license_ = licenses[prohibit_at]
            return _Outcome(
                Stance.DENY,
                (),
                (),
                None,
                license_.raw,
                license_.line,
                _rule(content, prohibit_at),
                f"prohibited (prohibits usage {' '.join(license_.prohibited('usage'))})",
                license_.diagnostics,
            )
        first = licenses[0]
        return _Outcome(
            Stance.DENY,
            (),
            (),
            None,
            first.raw,
            first.line,
            _rule(content, 0),
            "; ".join(dict.fromkeys(reasons)) or "not licensed",
            first.diagnostics,
        )
    # Licences are alternatives: the least demanding one that grants the use is reported.
    best = min(options, key=lambda o: (o.cost, len(o.exceptions), len(o.obligations), o.order))
    notes = []
    if content.encrypted:
        notes.append("content is encrypted: the licence server holds the key")
    for payment in best.license_.payments:
        for amount in payment.amounts:
            notes.append(f"{payment.type} {amount.value} {amount.currency or ''}".strip())
        for custom in payment.custom:
            notes.append(f"licensing: {custom}")
    if len(options) > 1:
        notes.append(f"{len(options)} licences grant this use; the least demanding is reported")
    return _Outcome(
        Stance.DENY if best.exceptions else Stance.ALLOW,
        best.exceptions,
        best.obligations,
        best.license,
        best.license_.raw,
        best.license_.line,
        _rule(content, best.order),
        "; ".join(notes),
        best.license_.diagnostics,
    )


def _combine(results: list[_Outcome]) -> _Outcome:
    """Equally specific contents that disagree: the most restrictive reading (§3.1.1 step 4)."""
    hard = [r for r in results if r.stance is Stance.DENY and not r.exceptions]
    if hard:
        return hard[0]
    first = results[0]
    denied = [r for r in results if r.stance is Stance.DENY]
    exceptions = tuple(dict.fromkeys(e for r in results for e in r.exceptions))
    obligations = tuple(dict.fromkeys(o for r in results for o in r.obligations))
    base = denied[0] if denied else first
    return base._replace(
        exceptions=exceptions,
        obligations=obligations,
        rule=" + ".join(dict.fromkeys(r.rule for r in results)),
        note="; ".join(n for n in dict.fromkeys(r.note for r in results) if n),
    )


def _statements(outcomes: dict[Use, _Outcome]) -> tuple[Statement, ...]:
    grouped: dict[_Outcome, list[Use]] = {}
    for use, outcome in outcomes.items():
        grouped.setdefault(outcome, []).append(use)
    return tuple(
        Statement(
            Mechanism.RSL,
            Carrier.RSL_XML,
            tuple((use, outcome.stance) for use in uses),
            outcome.raw,
            line=outcome.line,
            rule=outcome.rule,
            exceptions=outcome.exceptions,
            obligations=outcome.obligations,
            license=outcome.license,
            note=outcome.note,
            diagnostics=outcome.diagnostics,
        )
        for outcome, uses in grouped.items()
    )


# -- XML ---------------------------------------------------------------------------------------


class _Refused(Exception):
    """Raised from an expat handler to stop at a construct we do not read."""


class _Node:
    __slots__ = ("attrs", "children", "end", "line", "local", "ns", "start", "text")

    def __init__(self, ns: str | None, local: str, attrs: dict[str, str], line: int, start: int):
        self.ns = ns
        self.local = local
        self.attrs = attrs
        self.line = line
        self.start = start
        self.end = start
        self.text: list[str] = []
        self.children: list[_Node] = []

    @property
    def content(self) -> str:
        return "".join(self.text).strip()


_DECL_RE: Final = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _to_utf8(data: bytes, diagnostics: list[Diagnostic]) -> bytes:
    """The document as UTF-8 bytes, whatever it was encoded in (BOM, then XML declaration)."""
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom) :], name
            break
    else:
        if data[:2] == b"<\x00":
            encoding = "utf-16-le"
        elif data[:2] == b"\x00<":
            encoding = "utf-16-be"
        else:
            declared = _DECL_RE.match(data)
            if declared is not None:
                name = declared.group(1).decode("ascii").lower()
                try:
                    encoding = codecs.lookup(name).name
                except LookupError:
                    diagnostics.append(
                        Diagnostic(1, "unknown-encoding", f"encoding {name!r}; read as UTF-8")
                    )
    if encoding in ("utf-8", "ascii"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            diagnostics.append(
                Diagnostic(line, "invalid-encoding", f"not UTF-8 at byte {exc.start}; replaced")
            )
            return data.decode("utf-8", "replace").encode("utf-8")
        return data
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        diagnostics.append(
            Diagnostic(0, "invalid-encoding", f"not {encoding} at byte {exc.start}; replaced")
        )
        text = data.decode(encoding, "replace")
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace").encode("utf-8")


def _build(data: bytes, diagnostics: list[Diagnostic]) -> _Node | None:
    """The element tree of ``data`` (UTF-8), or ``None`` when it is not well-formed XML."""
    parser = expat.ParserCreate(encoding="utf-8", namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[_Node] = []
    root: list[_Node] = []
    last_was_start = [False]

    def refuse_dtd(*_: object) -> None:
        raise _Refused("doctype")

    def refuse_entity(*_: object) -> int:
        raise _Refused("entity")

    def start(name: str, attrs: dict[str, str]) -> None:
        ns, _, local = name.rpartition(" ")
        node = _Node(ns or None, local, attrs, parser.CurrentLineNumber, parser.CurrentByteIndex)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)
        last_was_start[0] = True

    def end(_: str) -> None:
        node = stack.pop()
        index = parser.CurrentByteIndex
        # An empty-element tag reports its end after the tag; an end tag, at its '<'.
        if last_was_start[0] and data[index - 2 : index] == b"/>":
            node.end = index
        else:
            close = data.find(b">", index)
            node.end = len(data) if close < 0 else close + 1
        last_was_start[0] = False

    def text(chars: str) -> None:
        if stack:
            stack[-1].text.append(chars)
        last_was_start[0] = False

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_entity
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        diagnostics.append(
            Diagnostic(
                parser.CurrentLineNumber,
                "dtd-refused",
                f"document declares a {refused}: not read (entity expansion attacks)",
            )
        )
        return None
    except expat.ExpatError as exc:
        message = expat.ErrorString(exc.code) if exc.code else str(exc)
        diagnostics.append(Diagnostic(exc.lineno or 0, "xml-syntax", f"not well-formed: {message}"))
        return None
    except (RecursionError, MemoryError, ValueError) as exc:  # pragma: no cover - defensive
        diagnostics.append(Diagnostic(0, "xml-syntax", f"not read: {type(exc).__name__}"))
        return None
    return root[0] if root else None


class _Reader:
    """Turns the element tree into the frozen document, collecting diagnostics."""

    def __init__(self, data: bytes, diagnostics: list[Diagnostic]) -> None:
        self.data = data
        self.diagnostics = diagnostics
        self.legacy = False
        self.namespaces: set[str | None] = set()

    def note(self, line: int, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(line, code, message))

    def raw(self, node: _Node) -> str:
        text = self.data[node.start : node.end].decode("utf-8", "replace")
        return text if len(text) <= _RAW_LIMIT else text[: _RAW_LIMIT - 1] + "…"

    def is_rsl(self, node: _Node) -> bool:
        return node.ns in self.namespaces

    def children(self, node: _Node, known: frozenset[str]) -> Iterator[_Node]:
        for child in node.children:
            if not self.is_rsl(child):
                self.note(
                    child.line,
                    "extension-ignored",
                    f"<{child.local}> in namespace {child.ns!r} ignored (RSL extension)",
                )
            elif child.local not in known:
                self.note(
                    child.line,
                    "unknown-element",
                    f"<{child.local}> is not an RSL 1.0 element here; ignored",
                )
            else:
                yield child

    def tokens(self, node: _Node, kind: str) -> tuple[str, ...]:
        text = node.content
        if "," in text:
            self.legacy = True
            self.note(node.line, "comma-list", "comma-separated list (RSL 0.9); read as a list")
            text = text.replace(",", " ")
        out: list[str] = []
        for token in text.split():
            folded = token.upper() if kind == "geo" else token.lower()
            if folded != token:
                self.note(node.line, "token-case", f"{token!r} read as {folded!r}")
            if kind == "usage":
                folded = self.usage_token(folded, node.line)
            elif kind == "user" and folded not in USER_CLASSES:
                self.note(node.line, "unknown-token", f"user class {folded!r} is not RSL 1.0")
            elif kind == "geo" and not (len(folded) == 2 and folded.isalpha()):
                self.note(node.line, "unknown-token", f"{folded!r} is not an ISO 3166-1 code")
            out.append(folded)
        return tuple(out)

    def usage_token(self, token: str, line: int) -> str:
        if token in USAGE_TOKENS:
            return token
        legacy = LEGACY_USAGE_TOKENS.get(token)
        if legacy is not None:
            self.note(line, "legacy-token", f"{token!r} ({legacy[1]}) read as {legacy[0]!r}")
            return legacy[0]
        if ":" in token:
            self.note(line, "extension-token", f"{token!r} (extension) not interpreted")
        else:
            self.note(line, "unknown-token", f"usage {token!r} is not RSL 1.0; ignored")
        return token

    def document(self, root: _Node) -> RslDocument:
        namespace = root.ns
        top: list[_Node] = []
        if root.local == "rsl" and self.accept_namespace(root):
            top = [root]
        else:
            top = self.find_rsl(root)
            if not top:
                self.note(root.line, "not-rsl", f"no RSL element (root is <{root.local}>)")
                return RslDocument((), tuple(self.diagnostics), namespace=None)
            namespace = top[0].ns
        contents: list[RslContent] = []
        max_age: int | None = None
        for element in top:
            if element.local == "rsl":
                max_age = self.max_age(element) if max_age is None else max_age
                for child in self.children(element, frozenset({"content"})):
                    contents.append(self.content(child))
            else:
                contents.append(self.content(element))
        if not contents:
            self.note(root.line, "no-content", "no <content> element: nothing is licensed")
        if self.legacy:
            self.note(0, "rsl-0.9", "document uses RSL 0.9 syntax; read with 1.0 meanings")
        return RslDocument(
            tuple(contents), tuple(self.diagnostics), namespace, max_age, self.legacy
        )

    def accept_namespace(self, node: _Node) -> bool:
        if node.ns == RSL_NAMESPACE:
            self.namespaces = {RSL_NAMESPACE}
            return True
        if node.ns in NAMESPACE_VARIANTS:
            self.note(
                node.line, "namespace-variant", f"namespace {node.ns!r} read as {RSL_NAMESPACE!r}"
            )
            self.namespaces = {node.ns}
            return True
        if node.ns is None:
            self.note(node.line, "no-namespace", f"<rsl> without xmlns={RSL_NAMESPACE!r}")
            self.namespaces = {None}
            return True
        return False

    def find_rsl(self, root: _Node) -> list[_Node]:
        """RSL embedded in another format: ``<rsl:content>`` in RSS items (§4.7), an
        ``<rsl:rsl>`` wrapper in XMP or EPUB metadata (§4.8)."""
        found: list[_Node] = []
        pending = [root]
        while pending:
            node = pending.pop()
            if node.local in ("rsl", "content") and (
                node.ns == RSL_NAMESPACE or node.ns in NAMESPACE_VARIANTS
            ):
                if node.ns != RSL_NAMESPACE:
                    self.note(node.line, "namespace-variant", f"namespace {node.ns!r} read as RSL")
                self.namespaces.add(node.ns)
                found.append(node)
                continue
            pending.extend(reversed(node.children))
        return found

    def max_age(self, node: _Node) -> int | None:
        value = node.attrs.get("max-age")
        if value is None:
            return None
        if value.strip().isdigit() and int(value) > 0:
            return int(value)
        self.note(node.line, "invalid-value", f"max-age={value!r} is not a positive integer")
        return None

    def content(self, node: _Node) -> RslContent:
        url = node.attrs.get("url")
        pattern: str | None
        host: str | None = None
        if url is None:
            self.note(node.line, "missing-url", "<content> without url: read as url=''")
            url = ""
        url = url.strip()
        if not url:
            pattern = None
        else:
            host = _host(url) if "://" in url else None
            path = path_params_query(url) if host is not None else url
            if not path.startswith("/"):
                self.note(node.line, "relative-url", f"url={url!r} read as '/{path}'")
                path = "/" + path
            pattern = normalise_pattern(path)
        server = node.attrs.get("server")
        encrypted_value = node.attrs.get("encrypted")
        encrypted = encrypted_value == "true"
        if encrypted_value not in (None, "true", "false"):
            self.note(node.line, "invalid-value", f"encrypted={encrypted_value!r}; read as false")
        licenses: list[RslLicense] = []
        terms = copyright_ = None
        known = frozenset({"license", "alternate", "schema", "copyright", "terms"})
        for child in self.children(node, known):
            if child.local == "license":
                licenses.append(self.license(child))
            elif child.local == "terms":
                terms = child.content or None
            elif child.local == "copyright":
                copyright_ = child.content or None
        if not licenses:
            self.note(node.line, "no-license", f"<content url={url!r}> has no <license>")
        return RslContent(
            url,
            node.line,
            pattern,
            host,
            tuple(licenses),
            (server.strip() or None) if server else None,
            encrypted,
            node.attrs.get("lastmod"),
            terms,
            copyright_,
        )

    def license(self, node: _Node) -> RslLicense:
        first = len(self.diagnostics)
        permits: list[tuple[str, tuple[str, ...]]] = []
        prohibits: list[tuple[str, tuple[str, ...]]] = []
        payments: list[Payment] = []
        reporting: list[Reporting] = []
        legal: list[tuple[str, tuple[str, ...]]] = []
        known = frozenset({"permits", "prohibits", "payment", "reporting", "legal"})
        for child in self.children(node, known):
            if child.local in ("permits", "prohibits"):
                kind = child.attrs.get("type")
                if kind is None:
                    self.note(child.line, "missing-type", f"<{child.local}> without type: usage")
                    kind = "usage"
                kind = kind.strip().lower()
                if kind not in _PERMISSION_TYPES:
                    what = (
                        "the licence grants nothing (unevaluable condition)"
                        if child.local == "permits"
                        else "ignored"
                    )
                    self.note(child.line, "unknown-type", f"<{child.local} type={kind!r}>: {what}")
                tokens = self.tokens(child, kind)
                if not tokens and child.local == "permits":
                    self.note(child.line, "empty-list", f"empty <permits type={kind!r}>")
                target = permits if child.local == "permits" else prohibits
                if any(existing == kind for existing, _ in target):
                    self.note(
                        child.line, "duplicate-element", f"second <{child.local} type={kind!r}>"
                    )
                target.append((kind, tokens))
            elif child.local == "payment":
                if payments:
                    self.note(child.line, "duplicate-element", "second <payment>; both required")
                payments.append(self.payment(child))
            elif child.local == "reporting":
                kind = child.attrs.get("type", "").strip().lower()
                if kind not in _REPORTING_TYPES:
                    self.note(child.line, "unknown-type", f"<reporting type={kind!r}>")
                reporting.append(Reporting(kind, child.attrs.get("profile"), child.line))
            else:
                kind = child.attrs.get("type", "").strip().lower()
                if kind not in _LEGAL_TYPES:
                    self.note(child.line, "unknown-type", f"<legal type={kind!r}>")
                legal.append((kind, tuple(child.content.split())))
        return RslLicense(
            node.line,
            self.raw(node),
            tuple(permits),
            tuple(prohibits),
            tuple(payments),
            tuple(reporting),
            tuple(legal),
            tuple(self.diagnostics[first:]),
        )

    def payment(self, node: _Node) -> Payment:
        kind = (node.attrs.get("type") or "free").strip().lower() or "free"
        if kind not in PAYMENT_TYPES:
            legacy = LEGACY_PAYMENT_TYPES.get(kind)
            if legacy is not None:
                self.note(node.line, "legacy-token", f"payment {kind!r} ({legacy[1]})")
                self.legacy = self.legacy or kind == "inference"
                kind = legacy[0]
            else:
                self.note(
                    node.line, "unknown-token", f"payment type {kind!r}: read as a payment term"
                )
        standard: list[str] = []
        custom: list[str] = []
        amounts: list[Amount] = []
        accepts: list[str] = []
        known = frozenset({"standard", "custom", "amount", "accepts"})
        for child in self.children(node, known):
            if child.local == "standard":
                standard.append(child.content)
            elif child.local == "custom":
                custom.append(child.content)
            elif child.local == "amount":
                currency = child.attrs.get("currency")
                if currency is not None and currency.strip().upper() == "XBT":
                    self.legacy = True
                    self.note(child.line, "legacy-token", "currency XBT is not ISO 4217 (RSL 0.9)")
                amounts.append(Amount(child.content, currency))
            else:
                accepts.append(child.attrs.get("type", "") or child.content)
        return Payment(
            kind, node.line, tuple(standard), tuple(custom), tuple(amounts), tuple(accepts)
        )


def parse_rsl(data: bytes | bytearray | memoryview | str) -> RslDocument:
    """Parse an RSL document (standalone file, RSS feed with ``rsl:`` items, or a wrapper).

    Never raises on content: a document that is not well-formed XML, declares a DTD, is too
    large or holds no RSL yields a document without contents, with diagnostics.
    """
    diagnostics: list[Diagnostic] = []
    if isinstance(data, str):
        body = data.encode("utf-8", "surrogatepass").decode("utf-8", "replace").encode("utf-8")
        if body.startswith(codecs.BOM_UTF8):
            body = body[len(codecs.BOM_UTF8) :]
    elif isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if len(raw) > MAX_RSL_BYTES:
            diagnostics.append(
                Diagnostic(0, "size-limit", f"{len(raw)} bytes; documents over {MAX_RSL_BYTES} "
                           "are not read")
            )  # fmt: skip
            return RslDocument((), tuple(diagnostics))
        body = _to_utf8(raw, diagnostics)
    else:
        raise TypeError(f"RSL document must be bytes or str, not {type(data).__name__}")
    if len(body) > MAX_RSL_BYTES:
        diagnostics.append(
            Diagnostic(0, "size-limit", f"documents over {MAX_RSL_BYTES} bytes are not read")
        )
        return RslDocument((), tuple(diagnostics))
    root = _build(body, diagnostics)
    if root is None:
        return RslDocument((), tuple(diagnostics))
    return _Reader(body, diagnostics).document(root)
