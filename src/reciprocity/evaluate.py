"""``evaluate``: every signal available for one document, read and resolved into a decision.

The caller passes what it has (a site's robots.txt, the response headers, the HTML …); each is
read by its mechanism's parser, turned into :class:`~reciprocity.resolve.Evidence` with its
provenance, and resolved (``reciprocity.resolve``). Parsed site files (a :class:`RobotsTxt`) may
be passed instead of bytes so that a corpus run parses each site once.

robots.txt speaks per crawler, not per use (DESIGN.md §3.3–3.4):

* a URL the collecting crawler (``user_agent``) may not fetch is denied for every use: the
  content should not have been collected;
* for each use, the tokens honoured for it (default: every catalogued AI crawler whose purpose
  includes the use) are checked too, and a disallow for any of them denies that use.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Mapping
from typing import Final
from urllib.parse import urlsplit

from reciprocity.resolve import Decision, Evidence, resolve
from reciprocity.signals import aipref, content_signals
from reciprocity.signals.agents import AGENTS
from reciprocity.signals.aitxt import AiTxt, parse_ai_txt
from reciprocity.signals.html import HtmlSignals, scan_html
from reciprocity.signals.licenses import licence_statements
from reciprocity.signals.media import read_media
from reciprocity.signals.noai import parse_robots_meta, parse_x_robots_tag
from reciprocity.signals.robots import RobotsMatch, RobotsTxt, path_params_query
from reciprocity.signals.robots import extract_product_token as extract
from reciprocity.signals.rsl import RslDocument, license_urls_from_robots, parse_rsl
from reciprocity.signals.statement import Carrier, Mechanism, Statement
from reciprocity.signals.tdmrep import (
    TdmRepFile,
    TdmRepSignal,
    parse_tdmrep_headers,
    parse_tdmrep_json,
    parse_tdmrep_meta,
    resolve_tdmrep,
)
from reciprocity.uses import USES, Stance, Use

__all__ = ["Headers", "default_honoured", "evaluate", "normalise_headers"]

Headers = Mapping[str, str] | Iterable[tuple[str, str]]


def _catalogue_tokens() -> dict[Use, dict[str, str]]:
    # use -> {token as Google's matcher reads it: catalogue name shown in evidence}
    honoured: dict[Use, dict[str, str]] = {use: {} for use in USES}
    for entry in AGENTS.values():
        if entry.google_token:
            for use in entry.uses:
                honoured[use].setdefault(entry.google_token, entry.token)
    return honoured


_HONOURED: Final = _catalogue_tokens()


def default_honoured(use: Use) -> Mapping[str, str]:
    """The robots.txt tokens honoured for ``use`` by default, ``{matched token: catalogue name}``:
    every catalogued AI crawler whose purpose includes ``use``."""
    return _HONOURED[use]


def normalise_headers(headers: Headers | None) -> tuple[tuple[str, str], ...]:
    """Headers as (lower-cased name, value) pairs, in order; a mapping gives one pair per key."""
    if headers is None:
        return ()
    items = headers.items() if isinstance(headers, Mapping) else headers
    return tuple((str(name).strip().lower(), str(value)) for name, value in items)


_SIGNAL_HEADERS: Final = frozenset(
    {
        "content-usage",
        "content-signal",
        "x-robots-tag",
        "robots-tag",
        "tdm-reservation",
        "tdm-policy",
    }
)


@functools.lru_cache(maxsize=4096)
def _header_statements(
    fields: tuple[tuple[int, str, str], ...], user_agent: str, media: str | None
) -> tuple[tuple[Statement, ...], TdmRepSignal]:
    """The statements of a response's signal headers. Cached: the pages of one site mostly send
    the same ones, and every parser here is a pure function of the field values and positions."""
    # Field positions are kept (the evidence cites them), other fields left blank.
    pairs = [("", "")] * fields[-1][0]
    for index, name, value in fields:
        pairs[index - 1] = (name, value)
    statements = (
        *aipref.header_statements(pairs),
        *content_signals.header_statements(pairs),
        *parse_x_robots_tag(pairs, user_agent=user_agent, media=media),
    )
    return statements, parse_tdmrep_headers(pairs)


_IMAGE_CONTAINERS: Final = frozenset({"jpeg", "png", "webp", "tiff", "gif"})


def _content_type_field(pairs: tuple[tuple[str, str], ...]) -> str | None:
    return next((value for name, value in pairs if name == "content-type"), None)


def _content_type(pairs: tuple[tuple[str, str], ...]) -> str | None:
    field = _content_type_field(pairs)
    return (field.split(";", 1)[0].strip().lower() or None) if field is not None else None


def _charset(pairs: tuple[tuple[str, str], ...]) -> str | None:
    # The Content-Type charset outranks a <meta charset> (HTML's encoding sniffing order).
    field = _content_type_field(pairs)
    for param in (field or "").split(";")[1:]:
        key, _, found = param.partition("=")
        if key.strip().lower() == "charset" and found.strip():
            return found.strip().strip("\"'")
    return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _robots_statement(match: RobotsMatch, agent: str, uses: tuple[Use, ...], why: str) -> Statement:
    rule = match.rule
    raw = str(rule).split(": ", 1)[1] if rule is not None else match.reason
    stance = Stance.UNKNOWN if match.allowed else Stance.DENY
    return Statement(
        Mechanism.ROBOTS,
        Carrier.ROBOTS_TXT,
        tuple((use, stance) for use in uses) if not match.allowed else (),
        raw,
        line=match.line,
        rule=f"User-agent: {agent}",
        note=why,
    )


def _robots_evidence(
    robots: RobotsTxt,
    url: str,
    user_agent: str,
    *,
    honour: Mapping[Use, Mapping[str, str]],
    source: str,
    fetched: str | None,
) -> list[Evidence]:
    found: list[Evidence] = []
    crawl = robots.match(url, user_agent)
    if not crawl.allowed:
        why = f"{user_agent} may not fetch this URL, so it should not have been collected"
        statement = _robots_statement(crawl, user_agent, USES, why)
        return [Evidence(statement, source, fetched)]
    why = f"{user_agent} may fetch this URL ({crawl.reason})"
    found.append(Evidence(_robots_statement(crawl, user_agent, (), why), source, fetched))
    named = robots.named_tokens()
    for use in USES:
        tokens = honour[use]
        # Tokens no group names all fall to the '*' group: asking once for one of them is enough.
        checks = [(token, tokens[token]) for token in sorted(named.intersection(tokens))]
        unnamed = next((t for t in tokens if t not in named), None)
        if unnamed is not None:
            checks.append((unnamed, tokens[unnamed]))
        for token, name in checks:
            if robots.allowed(url, token):
                continue
            match = robots.match(url, token)  # disallowed: now with its deciding rule
            why = f"{name} is honoured for {use.value} and may not fetch this URL"
            agent = name if match.scope == "specific" else f"* (applies to {name})"
            found.append(Evidence(_robots_statement(match, agent, (use,), why), source, fetched))
            break
    # attach-05 §3.1: usage preferences apply only to what may be crawled.
    for statement in aipref.robots_statements(robots, user_agent, url):
        found.append(Evidence(statement, source, fetched))
    return found


def evaluate(
    url: str,
    *,
    robots_txt: RobotsTxt | bytes | str | None = None,
    headers: Headers | None = None,
    html: HtmlSignals | bytes | str | None = None,
    tdmrep_json: TdmRepFile | bytes | str | None = None,
    ai_txt: AiTxt | bytes | str | None = None,
    rsl_xml: RslDocument | bytes | str | None = None,
    user_agent: str = "*",
    media: str | bytes | None = None,
    accept: Collection[str] = frozenset(),
    honour: Mapping[Use, Mapping[str, str] | Collection[str]] | None = None,
    fetched: Mapping[str, str] | None = None,
) -> Decision:
    """Decide, for ``url``, each use (``train-ai``, ``ai-use``, ``search``) with evidence.

    ``robots_txt`` is the site's robots.txt (bytes, text, or an already parsed
    :class:`RobotsTxt`, e.g. from :meth:`RobotsTxt.from_fetch` for a 404 or 503); ``headers`` the
    document's response headers (a mapping, or (name, value) pairs when fields repeat);
    ``user_agent`` the crawler that collected the document; ``accept`` the obligations the caller
    commits to meet (e.g. ``{"credit"}``), which lift reservations that ask only for them;
    ``honour`` overrides, per use, the robots.txt tokens honoured for it; ``fetched`` gives, per
    carrier (``"robots.txt"``, ``"tdmrep.json"``, ``"ai.txt"``, ``"rsl"``, ``"document"``), when
    it was fetched (ISO 8601), for provenance. ``tdmrep_json``, ``ai_txt`` and ``rsl_xml`` are the
    site's ``/.well-known/tdmrep.json``, ``/ai.txt`` and RSL licence document (bytes, text or
    parsed); the RSL document's source is the robots.txt ``License:`` URL when there is one.
    ``html`` is the document itself when it is HTML (its head carries robots meta, TDMRep meta and
    licence marks); ``media`` is the document's kind when known (``"image"`` or a MIME type:
    ``noimageai`` binds images only), or the media file itself (bytes), whose embedded IPTC
    ``plus:DataMining`` and C2PA/CAWG training-mining assertions are then read too.
    """
    when = fetched or {}
    evidence: list[Evidence] = []
    honoured: dict[Use, Mapping[str, str]] = dict(_HONOURED)
    for use, tokens in (honour or {}).items():
        honoured[Use(use)] = (
            tokens if isinstance(tokens, Mapping) else {extract(t).lower(): t for t in tokens}
        )

    robots = None
    if robots_txt is not None:
        robots = robots_txt if isinstance(robots_txt, RobotsTxt) else RobotsTxt.parse(robots_txt)
        source = f"{_origin(url)}/robots.txt"
        stamp = when.get("robots.txt")
        evidence.extend(
            _robots_evidence(robots, url, user_agent, honour=honoured, source=source, fetched=stamp)
        )
        for statement in content_signals.robots_statements(robots, user_agent):
            evidence.append(Evidence(statement, source, stamp))

    origin = _origin(url)
    path = path_params_query(url)
    pairs = normalise_headers(headers)
    document_stamp = when.get("document")
    kind: str | None = None
    if isinstance(media, (bytes, bytearray, memoryview)):
        embedded = read_media(bytes(media), media_type=_content_type(pairs))
        evidence.extend(Evidence(s, url, document_stamp) for s in embedded.statements())
        kind = "image" if embedded.container in _IMAGE_CONTAINERS else _content_type(pairs)
    else:
        kind = media
    signal_fields = tuple(
        (index, name, value)
        for index, (name, value) in enumerate(pairs, 1)
        if name in _SIGNAL_HEADERS
    )
    tdm_header = None
    if signal_fields:
        statements, tdm_header = _header_statements(signal_fields, user_agent, kind)
        evidence.extend(Evidence(statement, url, document_stamp) for statement in statements)

    page = None
    if html is not None:
        page = html if isinstance(html, HtmlSignals) else scan_html(html, encoding=_charset(pairs))
        for statement in parse_robots_meta(page.metas, user_agent=user_agent, media=kind):
            evidence.append(Evidence(statement, url, document_stamp))
        for statement in licence_statements(
            page.links, page.licence_urls, page.metas, base_url=url
        ):
            evidence.append(Evidence(statement, url, document_stamp))

    # TDMRep resolves by override (file, then header, then meta), not most-restrictively:
    # its own rule picks one statement, whose source is the carrier that set it.
    tdm_file = None
    if tdmrep_json is not None:
        tdm_file = (
            tdmrep_json if isinstance(tdmrep_json, TdmRepFile) else parse_tdmrep_json(tdmrep_json)
        )
    tdm_meta = (
        parse_tdmrep_meta([(m.name, m.content, m.line) for m in page.metas])
        if page is not None and page.metas
        else None
    )
    file_rule = tdm_file.lookup(path) if tdm_file is not None else None
    for statement in resolve_tdmrep(file_rule, tdm_header, tdm_meta):
        if statement.carrier is Carrier.TDMREP_JSON:
            source, stamp = f"{origin}/.well-known/tdmrep.json", when.get("tdmrep.json")
        else:
            source, stamp = url, document_stamp
        evidence.append(Evidence(statement, source, stamp))

    if ai_txt is not None:
        parsed_ai = ai_txt if isinstance(ai_txt, AiTxt) else parse_ai_txt(ai_txt)
        for statement in parsed_ai.statements(path, user_agent):
            evidence.append(Evidence(statement, f"{origin}/ai.txt", when.get("ai.txt")))

    if rsl_xml is not None:
        document = rsl_xml if isinstance(rsl_xml, RslDocument) else parse_rsl(rsl_xml)
        source = "RSL licence document"
        if robots is not None:
            links = license_urls_from_robots(robots, user_agent, base_url=url)
            if links.links:
                source = links.links[0].url
        for statement in document.statements(url):
            evidence.append(Evidence(statement, source, when.get("rsl")))

    return resolve(url, evidence, accept=accept)
