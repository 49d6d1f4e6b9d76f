"""``evaluate``: every signal available for one document, read and resolved into a decision.

The caller passes what it has (a site's robots.txt, the response headers, the HTML …); each is
read by its mechanism's parser, turned into :class:`~reciprocity.resolve.Evidence` with its
provenance, and resolved (``reciprocity.resolve``). Parsed site files (a :class:`RobotsTxt`) may
be passed instead of bytes so that a corpus run parses each site once; the evidence of parsed site
files is then remembered per deciding rule (:mod:`reciprocity.site_evidence`); how robots.txt,
written per crawler, is read per use is :mod:`reciprocity.robots_uses`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from typing import Final

from reciprocity.obligations import Duty, parse_duties
from reciprocity.resolve import Decision, Evidence, resolve
from reciprocity.robots_uses import DEFAULT_HONOURED, default_honoured, honoured_tokens
from reciprocity.signals import aipref, content_signals
from reciprocity.signals.aitxt import AiTxt, parse_ai_txt
from reciprocity.signals.html import HtmlSignals, charset, scan_html
from reciprocity.signals.licenses import licence_statements
from reciprocity.signals.media import read_media
from reciprocity.signals.noai import HonouredTokens, parse_robots_meta, parse_x_robots_tag
from reciprocity.signals.robots import RobotsTxt, path_or_url, path_params_query
from reciprocity.signals.rsl import RslDocument, parse_rsl
from reciprocity.signals.statement import Carrier, Statement
from reciprocity.signals.tdmrep import (
    TdmRepFile,
    TdmRepSignal,
    parse_tdmrep_headers,
    parse_tdmrep_json,
    parse_tdmrep_meta,
    resolve_tdmrep,
)
from reciprocity.site_evidence import SiteEvidence
from reciprocity.urls import origin as url_origin
from reciprocity.uses import USES, Use

__all__ = ["Headers", "default_honoured", "evaluate", "normalise_headers"]

Headers = Mapping[str, str] | Iterable[tuple[str, str]]


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
    fields: tuple[tuple[int, str, str], ...],
    user_agent: str,
    media: str | None,
    honoured: HonouredTokens,
) -> tuple[tuple[Statement, ...], TdmRepSignal]:
    """The statements of a response's signal headers. Cached: the pages of one site mostly send
    the same ones, and every parser here is a pure function of its arguments (``honoured`` is
    compared by identity, one object per honour mapping: see ``_honoured_tokens``)."""
    # Field positions are kept (the evidence cites them), other fields left blank.
    pairs = [("", "")] * fields[-1][0]
    for index, name, value in fields:
        pairs[index - 1] = (name, value)
    statements = (
        *aipref.header_statements(pairs),
        *content_signals.header_statements(pairs),
        *parse_x_robots_tag(pairs, user_agent=user_agent, media=media, honour=honoured),
    )
    return statements, parse_tdmrep_headers(pairs)


_TDM_METAS: Final = frozenset({"tdm-reservation", "tdm-policy"})
# The same file rule and header values come back for most pages of a site.
_tdmrep_statements: Final = functools.lru_cache(maxsize=4096)(resolve_tdmrep)


_IMAGE_CONTAINERS: Final = frozenset({"jpeg", "png", "webp", "tiff", "gif"})


_FIELD_NAMES: dict[object, str] = {}


def _read_headers(headers: Headers | None) -> tuple[tuple[tuple[int, str, str], ...], str | None]:
    """The signal fields of a response as (1-based position, lower-cased name, value), and its
    first ``Content-Type`` value, in one pass."""
    if headers is None:
        return (), None
    fields: list[tuple[int, str, str]] = []
    content_type: str | None = None
    items = headers.items() if isinstance(headers, Mapping) else headers
    keys = _FIELD_NAMES
    for index, (name, value) in enumerate(items, 1):
        key = keys.get(name)
        if key is None:
            key = str(name).strip().lower()
            if len(keys) < 4096:  # names repeat across responses; odd ones must not pile up
                keys[name] = key
        if key in _SIGNAL_HEADERS:
            fields.append((index, key, str(value)))
        elif key == "content-type" and content_type is None:
            content_type = str(value)
    return tuple(fields), content_type


@functools.lru_cache(maxsize=256)  # a corpus repeats a few Content-Type values
def _media_type(content_type: str | None) -> str | None:
    return (content_type.split(";", 1)[0].strip().lower() or None) if content_type else None


# The noai readings of rules scoped to honoured tokens, per honour mapping: one object each, so
# that the header memo's key is cheap to hash and tells mappings apart (bounded: a caller may
# pass a new mapping on every call).
_DEFAULT_TOKENS: Final = HonouredTokens(DEFAULT_HONOURED)
_TOKENS: dict[Hashable, HonouredTokens] = {}
_TOKENS_LIMIT: Final = 64


def _honoured_tokens(honoured: Mapping[Use, Mapping[str, str]], key: Hashable) -> HonouredTokens:
    found = _TOKENS.get(key)
    if found is None:
        if len(_TOKENS) >= _TOKENS_LIMIT:
            del _TOKENS[next(iter(_TOKENS))]
        found = _TOKENS[key] = HonouredTokens(honoured)
    return found


_SITES: dict[Hashable, SiteEvidence] = {}
_SITES_LIMIT: Final = 1024


def _site(
    origin: str,
    *,
    robots: RobotsTxt | None,
    ai_txt: AiTxt | None,
    rsl: RslDocument | None,
    rsl_url: str | None,
    user_agent: str,
    honour: Mapping[Use, Mapping[str, str]],
    honour_key: Hashable,
    when: Mapping[str, str],
    keep: bool,
) -> SiteEvidence:
    """The site's evidence, remembered while its parsed files are passed again (``keep``)."""
    get = when.get
    stamped = (get("robots.txt"), get("ai.txt"), get("rsl"))
    key = (origin, id(robots), id(ai_txt), id(rsl), rsl_url, user_agent, honour_key, stamped)
    site = _SITES.get(key) if keep else None
    if site is None or not site.holds(robots, ai_txt, rsl):
        stamps = {k: when[k] for k in ("robots.txt", "ai.txt", "rsl") if k in when}
        site = SiteEvidence(
            origin,
            robots=robots,
            ai_txt=ai_txt,
            rsl=rsl,
            rsl_url=rsl_url,
            user_agent=user_agent,
            honour=honour,
            stamps=stamps,
        )
        if keep:
            # The entry holds its files, so no other object can take their ids while it is here.
            if len(_SITES) >= _SITES_LIMIT:
                del _SITES[next(iter(_SITES))]
            _SITES[key] = site
    return site


def _honoured(
    honour: Mapping[Use, Mapping[str, str] | Collection[str]] | None,
) -> tuple[Mapping[Use, Mapping[str, str]], Hashable]:
    """The honoured tokens per use (the catalogue's, with the caller's overrides), and a key
    that tells override sets apart (``None``: the catalogue's)."""
    if not honour:
        return DEFAULT_HONOURED, None
    honoured = dict(DEFAULT_HONOURED)
    for use, tokens in honour.items():
        honoured[Use(use)] = tokens if isinstance(tokens, Mapping) else honoured_tokens(tokens)
    return honoured, tuple((use, tuple(honoured[use].items())) for use in USES)


def bare_key(
    origin: str,
    *,
    robots_txt: RobotsTxt | None = None,
    tdmrep_json: TdmRepFile | None = None,
    ai_txt: AiTxt | None = None,
    rsl_xml: RslDocument | None = None,
    rsl_url: str | None = None,
    user_agent: str = "*",
    honour: Mapping[Use, Mapping[str, str] | Collection[str]] | None = None,
    fetched: Mapping[str, str] | None = None,
) -> Callable[[str, str], Hashable] | None:
    """For the URLs of ``origin`` that bring no statement of their own (no headers, HTML or
    media: a URL-only dataset's rows), what decides each among the site's parsed files.

    Returns a function of (URL, its :func:`path_params_query`) such that two URLs with equal
    answers get the same :func:`evaluate` decision from these files and arguments, but for
    the URL itself: a corpus decides each distinct answer once. The answers hold the files'
    rules (or ids of them): valid while the caller holds the files. ``None`` when no rule of
    the files depends on the URL: all such URLs of the site get the same decision.
    """
    honoured, honour_key = _honoured(honour)
    site = _site(
        origin,
        robots=robots_txt,
        ai_txt=ai_txt,
        rsl=rsl_xml,
        rsl_url=rsl_url,
        user_agent=user_agent,
        honour=honoured,
        honour_key=honour_key,
        when=fetched or {},
        keep=True,
    )
    # The function holds the files' rules, not the site's evidence: callers keep many.
    site_key = site.path_key_function()
    if tdmrep_json is None:
        return None if site.constant else site_key
    lookup = tdmrep_json.lookup

    def key(url: str, path: str) -> Hashable:
        return site_key(url, path), id(lookup(path_or_url(url, path)))

    return key


def evaluate(
    url: str,
    *,
    robots_txt: RobotsTxt | bytes | str | None = None,
    headers: Headers | None = None,
    html: HtmlSignals | bytes | str | None = None,
    tdmrep_json: TdmRepFile | bytes | str | None = None,
    ai_txt: AiTxt | bytes | str | None = None,
    rsl_xml: RslDocument | bytes | str | None = None,
    rsl_url: str | None = None,
    user_agent: str = "*",
    media: str | bytes | None = None,
    accept: str | Collection[str | Duty] = frozenset(),
    honour: Mapping[Use, Mapping[str, str] | Collection[str]] | None = None,
    fetched: Mapping[str, str] | None = None,
) -> Decision:
    """Decide, for ``url``, each use (``train-ai``, ``ai-use``, ``search``) with evidence.

    ``robots_txt`` is the site's robots.txt (bytes, text, or an already parsed
    :class:`RobotsTxt`, e.g. from :meth:`RobotsTxt.from_fetch` for a 404 or 503); ``headers`` the
    document's response headers (a mapping, or (name, value) pairs when fields repeat);
    ``user_agent`` the crawler that collected the document (a product token; a whole User-Agent
    value is read as the token it carries, with a diagnostic on the robots.txt evidence);
    ``accept`` the duties the caller commits to meet (names or
    :class:`~reciprocity.obligations.Duty` values, e.g. ``{"credit"}``; an unknown name raises
    ``ValueError``), which lift reservations that ask only for them; ``honour`` overrides, per
    use, the robots.txt tokens honoured for it (read as product tokens too; ``ValueError`` for
    one that carries none, see :func:`~reciprocity.robots_uses.honoured_tokens`); ``fetched``
    gives, per
    carrier (``"robots.txt"``, ``"tdmrep.json"``, ``"ai.txt"``, ``"rsl"``, ``"document"``), when
    it was fetched (ISO 8601), for provenance. ``tdmrep_json``, ``ai_txt`` and ``rsl_xml`` are the
    site's ``/.well-known/tdmrep.json``, ``/ai.txt`` and RSL licence document (bytes, text or
    parsed); the RSL document's source is ``rsl_url`` (where it was fetched from) when given,
    else the robots.txt ``License:`` URL when there is one.
    ``html`` is the document itself when it is HTML (its head carries robots meta, TDMRep meta and
    licence marks); ``media`` is the document's kind when known (``"image"`` or a MIME type:
    ``noimageai`` binds images only), or the media file itself (bytes), whose embedded IPTC
    ``plus:DataMining`` and C2PA/CAWG training-mining assertions are then read too. Without a
    ``media`` kind, the ``Content-Type`` header's media type is the document's (DESIGN §3).

    robots rules in metas and ``X-Robots-Tag`` that are scoped to a token honoured for a use
    (``<meta name="GPTBot" content="noai">``) bind that use, as a ``Disallow`` for the token in
    robots.txt does (:mod:`reciprocity.signals.noai`).
    """
    accepted = parse_duties(accept)  # first: a bad name fails before any work is done
    when = fetched or {}
    honoured, honour_key = _honoured(honour)

    # Site files that come parsed are the caller's cache: their evidence is worth remembering.
    robots = robots_txt if isinstance(robots_txt, RobotsTxt) else None
    ai = ai_txt if isinstance(ai_txt, AiTxt) else None
    rsl = rsl_xml if isinstance(rsl_xml, RslDocument) else None
    keep = True
    if robots is None and robots_txt is not None:
        robots, keep = RobotsTxt.parse(robots_txt), False  # type: ignore[arg-type]
    if ai is None and ai_txt is not None:
        ai, keep = parse_ai_txt(ai_txt), False  # type: ignore[arg-type]
    if rsl is None and rsl_xml is not None:
        rsl, keep = parse_rsl(rsl_xml), False  # type: ignore[arg-type]
    # The origin snapshots are keyed by and the audit's hosts are spelled in (reciprocity.urls),
    # so that the sources evidence cites join them; "" for a URL without one.
    origin = url_origin(url) or ""
    path = path_params_query(url)
    site = _site(
        origin,
        robots=robots,
        ai_txt=ai,
        rsl=rsl,
        rsl_url=rsl_url,
        user_agent=user_agent,
        honour=honoured,
        honour_key=honour_key,
        when=when,
        keep=keep,
    )
    before, after = site.lookup(url, path)
    evidence: list[Evidence] = list(before)

    signal_fields, content_type = _read_headers(headers)
    document_stamp = when.get("document")
    kind: str | None = None
    if isinstance(media, (bytes, bytearray, memoryview)):
        embedded = read_media(bytes(media), media_type=_media_type(content_type))
        evidence.extend(Evidence(s, url, document_stamp) for s in embedded.statements())
        kind = "image" if embedded.container in _IMAGE_CONTAINERS else _media_type(content_type)
    else:
        # The caller's word first; else the response's (DESIGN §3: a media type stated anywhere
        # decides whether image-only statements bind).
        kind = media if media is not None else _media_type(content_type)
    scoped = _DEFAULT_TOKENS if honour_key is None else _honoured_tokens(honoured, honour_key)
    tdm_header = None
    if signal_fields:
        statements, tdm_header = _header_statements(signal_fields, user_agent, kind, scoped)
        evidence.extend([Evidence(statement, url, document_stamp) for statement in statements])

    page = None
    if html is not None:
        page = (
            html
            if isinstance(html, HtmlSignals)
            else scan_html(html, encoding=charset(content_type))
        )
        evidence.extend(
            [
                Evidence(statement, url, document_stamp)
                for statement in (
                    *parse_robots_meta(
                        page.metas, user_agent=user_agent, media=kind, honour=scoped
                    ),
                    *licence_statements(page.links, page.licence_urls, page.metas, base_url=url),
                )
            ]
        )

    # TDMRep resolves by override (file, then header, then meta), not most-restrictively:
    # its own rule picks one statement, whose source is the carrier that set it.
    tdm_file = None
    if tdmrep_json is not None:
        tdm_file = (
            tdmrep_json if isinstance(tdmrep_json, TdmRepFile) else parse_tdmrep_json(tdmrep_json)
        )
    tdm_metas = (
        [(m.name, m.content, m.line) for m in page.metas if m.name in _TDM_METAS]
        if page is not None
        else None
    )
    tdm_meta = parse_tdmrep_meta(tdm_metas) if tdm_metas else None
    file_rule = tdm_file.lookup(path_or_url(url, path)) if tdm_file is not None else None
    for statement in _tdmrep_statements(file_rule, tdm_header, tdm_meta):
        if statement.carrier is Carrier.TDMREP_JSON:
            source, stamp = f"{origin}/.well-known/tdmrep.json", when.get("tdmrep.json")
        else:
            source, stamp = url, document_stamp
        evidence.append(Evidence(statement, source, stamp))

    evidence.extend(after)
    return resolve(url, evidence, accept=accepted)
