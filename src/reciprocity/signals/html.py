"""A fast, tolerant scan of an HTML page for the few elements that carry preferences and licences.

``scan_html(data)`` reads the ``<meta name|http-equiv … content>`` elements (robots and crawler
meta names, ``tdm-reservation``, ``license``, ``dc.rights`` …), the ``<link>`` and ``<a>``
elements whose ``rel`` names a licence (``license``, ``cc:license`` …; RSL's typed
``rel=license`` too), Creative Commons badge images
(``<img src=…i.creativecommons.org/l/by/4.0/88x31.png>``), the ``<html lang>``, the first
``<base href>`` and the character encoding, each element with its line. It never raises on
content: what it cuts, skips or doubts is recorded in ``diagnostics``.

This is not an HTML5 tree builder. It runs on every page of a web-scale corpus, so it works on the
bytes: it finds the few places it reads (``_html_marks``: one pass of a compiled matcher,
hyperscan, where its wheel is installed, plus case-insensitive regexes through the head; else the
page lower-cased once, ``bytes.find`` and literal-prefixed regexes; both give the same places, and
:func:`scan_backend` says which runs), parses only the tags there, and decodes only the attribute
values it returns. It follows the WHATWG HTML tokenizer where that matters for these elements:

* comments (``<!-- … -->``) and the raw text of ``<script>``, ``<style>``, ``<textarea>`` and
  ``<title>`` are skipped: a ``<meta>`` or ``<a rel>`` written inside them is not read;
* tag and attribute names are case-insensitive; the first of two equal attributes wins;
  attribute values may be double-quoted, single-quoted or unquoted; a quoted value may hold ``>``;
  character references in values (``&amp;``) are decoded;
* ``rel`` is a set of space-separated tokens, compared lower-case.

Where it is simpler than a browser: the head ends at the first ``</head>`` or ``<body>`` tag
(a browser also ends it at the first text or body element); an ``<a>``/``<link>``/``<img>`` is
found from its ``rel=``/badge URL back to the nearest ``<``, so a ``<`` inside one of its quoted
attribute values before that point hides it, and so does more than 4 KiB of tag before it.

A ``<meta>`` after the head is still returned, with ``in_head=False`` and a ``meta-outside-head``
diagnostic: the Robots-Tag draft (draft-illyes-repext, "Security Considerations") says only metas in
the head should be considered; the mechanism that reads a meta decides (see ``noai``).

Encoding, in the WHATWG order (simplified): a byte order mark; else the ``encoding`` the caller got
from the HTTP ``Content-Type`` header; else a ``<meta charset>`` or ``http-equiv`` content type in
the first 1024 bytes; else UTF-8. Invalid bytes are replaced; an unknown or non-web encoding label
falls back to UTF-8 with a diagnostic.

Only the first ``limit`` bytes (512 KiB by default; characters for ``str`` input) are scanned.
Past the head, the walk over tags stops after the last place a meta, a licence word or a badge
host occurs (found by the pre-scan): most pages carry nothing there, and their bodies, most of
their bytes, are then only searched, never walked.
"""

from __future__ import annotations

import bisect
import codecs
import html
import re
from dataclasses import dataclass
from typing import Final

from reciprocity._frozen import quick_init
from reciprocity.signals import _html_marks
from reciprocity.signals._html_marks import BACKENDS as SCAN_BACKENDS
from reciprocity.signals._html_marks import backend as scan_backend
from reciprocity.signals._html_marks import use as use_scan_backend
from reciprocity.signals.diagnostics import Diagnostic

__all__ = [
    "HTML_SIZE_LIMIT",
    "SCAN_BACKENDS",
    "HtmlSignals",
    "LicenceUrl",
    "Link",
    "Meta",
    "charset",
    "is_html_type",
    "scan_backend",
    "scan_html",
    "use_scan_backend",
]

HTML_SIZE_LIMIT: Final = 512 * 1024
"""Bytes of a page that are scanned by default."""

_PRESCAN_BYTES: Final = 1024  # WHATWG "prescan a byte stream to determine its encoding"
_LOOK_BACK: Final = 4096  # how far before `rel=` / a badge URL the tag's `<` is looked for


@quick_init  # made per element of every page
@dataclass(frozen=True, slots=True)
class Meta:
    """A ``<meta name=… content=…>`` (or ``http-equiv=…``) element."""

    name: str
    """The ``name`` (or ``http-equiv``) value, stripped and lower-cased."""
    content: str
    """The ``content`` value as written (character references decoded)."""
    line: int
    in_head: bool = True
    """False when the element comes after ``</head>`` or ``<body>``."""
    http_equiv: bool = False
    """True when ``name`` comes from ``http-equiv``."""


@quick_init  # made per element of every page
@dataclass(frozen=True, slots=True)
class Link:
    """A ``<link>`` or ``<a>`` element whose ``rel`` names a licence (a token with ``license``)."""

    rel: tuple[str, ...]
    """The ``rel`` tokens, lower-cased, in order, without duplicates (all of them, not only the
    licence ones: ``rel="license nofollow"`` keeps both)."""
    href: str
    """The ``href`` as written (stripped, character references decoded; empty when absent)."""
    line: int
    tag: str = "link"
    """``link`` or ``a``."""
    type: str | None = None
    """The ``type`` attribute, lower-cased (RSL uses ``rel=license type=application/rsl+xml``)."""


@quick_init  # made per element of every page
@dataclass(frozen=True, slots=True)
class LicenceUrl:
    """A URL that marks a licence outside ``rel``: a Creative Commons badge image's ``src``."""

    url: str
    line: int
    tag: str = "img"


@quick_init  # made per element of every page
@dataclass(frozen=True, slots=True)
class HtmlSignals:
    """What :func:`scan_html` found in one page."""

    metas: tuple[Meta, ...] = ()
    links: tuple[Link, ...] = ()
    licence_urls: tuple[LicenceUrl, ...] = ()
    lang: str | None = None
    """The ``<html lang>`` value, as written."""
    charset: str | None = None
    """The encoding the bytes were decoded with (Python codec name; ``None`` for ``str`` input)."""
    base: str | None = None
    """The first ``<base href>``, for resolving relative ``href`` values."""
    size: int = 0
    """Bytes (characters, for ``str`` input) of the input, before the limit cut."""
    diagnostics: tuple[Diagnostic, ...] = ()
    title: str | None = None
    """The head's first ``<title>``, whitespace collapsed, at most 2,000 characters."""

    def meta(self, name: str) -> tuple[Meta, ...]:
        """The metas named ``name`` (case-insensitive), in document order."""
        wanted = name.strip().lower()
        return tuple(m for m in self.metas if m.name == wanted)

    def credit(self) -> tuple[str | None, str | None]:
        """(title, creator) as the page states them, for attribution: the ``<title>`` (else a
        Dublin Core or citation title meta) and the first author meta (``author``,
        ``dc.creator``, ``dcterms.creator``, ``citation_author``); ``None`` when not stated."""
        found: dict[str, str] = {}
        for meta in self.metas:
            if meta.in_head and not meta.http_equiv and meta.name in _CREDIT_METAS:
                text = _collapse(meta.content)
                if text:
                    found.setdefault(meta.name, text)
        title = self.title or next((found[n] for n in _TITLE_METAS if n in found), None)
        creator = next((found[n] for n in _CREATOR_METAS if n in found), None)
        return title, creator


# What attribution reads from a page's head, in order of preference (TASL: title, author).
_TITLE_METAS: Final = ("dc.title", "dcterms.title", "citation_title")
_CREATOR_METAS: Final = ("author", "dc.creator", "dcterms.creator", "citation_author")
_CREDIT_METAS: Final = frozenset((*_TITLE_METAS, *_CREATOR_METAS))
_TITLE_BYTES: Final = 8192  # a <title> is a line; a runaway one (no end tag) is not the page
_CREDIT_CHARS: Final = 2000


def _collapse(text: str) -> str:
    return " ".join(text.split())[:_CREDIT_CHARS]


def _title(raw: bytes, codec: str) -> str | None:
    return _collapse(_value(raw, codec)) or None


_REL_RE: Final = re.compile(rb"(?<![^\s\"'/])rel\s*=", re.IGNORECASE)
# Every licence rel token (licenses._LICENCE_RELS, RSL's rel=license) holds this word: pass 2
# starts from it, so the many rel=stylesheet / rel=nofollow tags of a page are never parsed.
_LICENCE_WORD: Final = _html_marks.LICENCE_WORD
_LICENCE_WORD_STR: Final = _LICENCE_WORD.decode()
_RAW_TEXT: Final = frozenset(_html_marks.RAW_TEXT)
# The rest of a start tag up to its `>`, as the HTML tokenizer reads it: a quote opens a value only
# right after `=` (a stray `"` elsewhere is part of an attribute name). Every piece of a tag can be
# read in one way only (names and unquoted values are maximal), so a failing match backtracks in
# linear time; it fails only on an unterminated quoted value.
_TAG_REST_RE: Final = re.compile(
    rb"""(?:[\s/]|[^\s/>=]+(?![^\s/>=])"""
    rb"""(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>][^\s>]*(?![^\s>])))?)*>"""
)


def _any_case(name: bytes) -> bytes:
    """A pattern for ``name`` in any case (ASCII letters), without ``re.IGNORECASE``: that flag
    would also make every byte of the values around it slower to match."""
    return b"".join(
        b"[%c%c]" % (c, c - 32) if 97 <= c <= 122 else re.escape(bytes([c])) for c in name
    )


# A <meta> written as most are: `name` (or `http-equiv`) and `content`, in either order, both
# double-quoted, nothing else. Where it matches, the tag's end and both values are what
# _tag_inside and _attributes would find (a test compares them): one match instead of two.
_NAMED: Final = b"(" + _any_case(b"name") + b"|" + _any_case(b"http-equiv") + b")"
_CONTENT: Final = _any_case(b"content")
_SIMPLE_META_RE: Final = re.compile(
    rb"""\s+(?:"""
    + _NAMED
    + rb"""\s*=\s*"([^"]*)"\s+"""
    + _CONTENT
    + rb"""\s*=\s*"([^"]*)"|"""
    + _CONTENT
    + rb"""\s*=\s*"([^"]*)"\s+"""
    + _NAMED
    + rb"""\s*=\s*"([^"]*)")[\s/]*>"""
)
_ATTR_RE: Final = re.compile(
    rb"""([^\s"'>/=][^\s"'>/=]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?"""
)
# Badge images: i.creativecommons.org/l/<code>/<ver>/…, /p/zero|mark/1.0/…, the same paths on
# licensebuttons.net (CC's badge mirror), and the press-kit buttons.
_BADGE_SRC_RE: Final = re.compile(
    r"^(?:https?:)?//(?:(?:i\.)?creativecommons\.org/[lp]/|(?:i\.)?licensebuttons\.net/[lp]/"
    r"|mirrors\.creativecommons\.org/presskit/buttons/)",
    re.IGNORECASE,
)
_CHARSET_RE: Final = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.+-]{1,40})""")
_ASCII_WS: Final = " \t\n\r\f"
_WS_BYTES: Final = frozenset(b" \t\n\r\f")

# Encodings a page may name, as Python codec names (the WHATWG Encoding Standard's list). A label
# outside it (a Python-only codec such as rot13 or base64) is not honoured.
_WEB_CODECS: Final = frozenset(
    {
        "utf-8", "cp866", "iso8859-2", "iso8859-3", "iso8859-4", "iso8859-5", "iso8859-6",
        "iso8859-7", "iso8859-8", "iso8859-10", "iso8859-13", "iso8859-14", "iso8859-15",
        "iso8859-16", "koi8-r", "koi8-u", "mac-roman", "mac-cyrillic", "cp874", "cp1250",
        "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "gbk",
        "gb18030", "big5", "big5hkscs", "euc_jp", "iso2022_jp", "shift_jis", "cp932", "euc_kr",
        "cp949", "utf-16-le", "utf-16-be", "utf-16",
    }
)  # fmt: skip
# Encodings whose bytes are not ASCII-compatible: the page is decoded and scanned as UTF-8.
_NOT_ASCII_COMPATIBLE: Final = frozenset({"utf-16-le", "utf-16-be", "utf-16", "iso2022_jp"})
# WHATWG maps these labels to the superset browsers actually decode with.
_LABEL_ALIASES: Final = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gbk",
    "x-gbk": "gbk",
    "shift-jis": "cp932",
    "shift_jis": "cp932",
    "sjis": "cp932",
    "ms_kanji": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "x-mac-roman": "mac-roman",
    "macintosh": "mac-roman",
    "x-mac-cyrillic": "mac-cyrillic",
}


def _codec(label: str) -> str | None:
    """The Python codec for an encoding label, or ``None`` when it names no web encoding."""
    label = label.strip().strip("\"'").lower()
    label = _LABEL_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):
        return None
    return name if name in _WEB_CODECS else None


def _encoding(data: bytes, encoding: str | None, diagnostics: list[Diagnostic]) -> str:
    """The codec the page is read with (see the module docstring for the order)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith(b"\xff\xfe"):
        return "utf-16"  # the BOM tells the byte order; the codec reads and drops it
    if data.startswith(b"\xfe\xff"):
        return "utf-16"
    if encoding:
        codec = _codec(encoding)
        if codec is not None:
            return codec
        diagnostics.append(
            Diagnostic(0, "unknown-charset", f"transport charset {encoding!r}; read as UTF-8")
        )
    found = _CHARSET_RE.search(data[:_PRESCAN_BYTES].lower())
    if found is None:
        return "utf-8"
    label = found.group(1).decode("ascii", "replace")
    codec = _codec(label)
    if codec is None:
        diagnostics.append(
            Diagnostic(
                data.count(b"\n", 0, found.start()) + 1,
                "unknown-charset",
                f"meta charset {label!r}; read as UTF-8",
            )
        )
        return "utf-8"
    # WHATWG: a meta that names UTF-16 means UTF-8 (the meta itself was readable as ASCII).
    return "utf-8" if codec.startswith("utf-16") else codec


_HTML_TYPES: Final = ("text/html", "application/xhtml")


def charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a ``Content-Type`` value, unquoted; ``None`` when absent.
    (It outranks a ``<meta charset>``: HTML's encoding sniffing order.)"""
    for param in (content_type or "").split(";")[1:]:
        key, _, found = param.partition("=")
        if key.strip().lower() == "charset" and found.strip():
            return found.strip().strip("\"'")
    return None


def is_html_type(content_type: str | None) -> bool:
    """Whether a ``Content-Type`` value names HTML (``text/html``, ``application/xhtml+xml``),
    whatever its parameters and case."""
    return (content_type or "").split(";", 1)[0].strip().lower().startswith(_HTML_TYPES)


class _Lines:
    """Line numbers of byte offsets asked in increasing order (one counter per pass)."""

    __slots__ = ("at", "buf", "line", "newline")

    def __init__(self, buf: bytes, newline: bytes) -> None:
        self.buf, self.newline, self.at, self.line = buf, newline, 0, 1

    def __call__(self, pos: int) -> int:
        if pos > self.at:
            self.line += self.buf.count(self.newline, self.at, pos)
            self.at = pos
        return self.line


def scan_html(
    data: bytes | bytearray | memoryview | str,
    *,
    limit: int = HTML_SIZE_LIMIT,
    encoding: str | None = None,
) -> HtmlSignals:
    """Scan one HTML page (see the module docstring). Pure; never raises on content.

    ``encoding`` is the charset the HTTP ``Content-Type`` header named, if any (it outranks a
    ``<meta charset>``, as in browsers). ``limit`` bounds the bytes (characters for ``str``) read.
    """
    diagnostics: list[Diagnostic] = []
    charset: str | None
    if isinstance(data, str):
        size = len(data)
        text = data[:limit] if size > limit else data
        buf = text.encode("utf-8", "surrogatepass")
        codec = "utf-8"
        charset = None
    elif isinstance(data, (bytes, bytearray, memoryview)):
        buf = bytes(data)
        size = len(buf)
        if size > limit:
            buf = buf[:limit]
        codec = _encoding(buf, encoding, diagnostics)
        charset = "utf-8" if codec == "utf-8-sig" else codec
        if codec in _NOT_ASCII_COMPATIBLE:
            buf = buf.decode(codec, "replace").encode("utf-8", "surrogatepass")
            codec = "utf-8"
    else:
        raise TypeError(f"HTML must be bytes or str, not {type(data).__name__}")
    if size > limit:
        unit = "characters" if isinstance(data, str) else "bytes"
        diagnostics.append(
            Diagnostic(0, "size-limit", f"page is {size} {unit}; only the first {limit} are read")
        )
    if codec == "utf-8-sig":
        buf, codec = buf[3:], "utf-8"
    return _scan(buf, codec, charset, size, diagnostics)


def _value(raw: bytes, codec: str) -> str:
    text = raw.decode(codec, "replace")
    return html.unescape(text) if "&" in text else text


def _attributes(raw: bytes, codec: str) -> dict[str, str]:
    """The attributes of a start tag's inside (after its name), the first occurrence winning."""
    attrs: dict[str, str] = {}
    # (one value group at most takes part in a match; findall gives the others as b"")
    for name, double, single, bare in _ATTR_RE.findall(raw):
        key = name.lower().decode("latin-1")
        if key not in attrs:
            text = (double or single or bare).decode(codec, "replace")
            attrs[key] = html.unescape(text) if "&" in text else text
    return attrs


def _meta(inside: bytes, codec: str) -> tuple[str, str, bool] | None:
    """A ``<meta>``'s (name or http-equiv value, content, whether from http-equiv), read from
    the inside of its tag; ``None`` when it has no name (nor http-equiv) or no content."""
    lowered = inside.lower()
    if b"name" not in lowered and b"equiv" not in lowered:
        return None  # <meta charset>, <meta property|itemprop>: not read
    attrs = _attributes(inside, codec)
    key = attrs.get("name")
    if key is not None:
        content = attrs.get("content")
        return None if content is None else (key, content, False)
    key = attrs.get("http-equiv")
    content = attrs.get("content")
    return None if key is None or content is None else (key, content, True)


def _simple_meta(buf: bytes, start: int, codec: str) -> tuple[int, tuple[str, str, bool]] | None:
    """The end of a ``<meta>`` whose name ends at ``start`` and what :func:`_meta` reads from it,
    when it is written as most are (see _SIMPLE_META_RE); ``None`` otherwise."""
    simple = _SIMPLE_META_RE.match(buf, start)
    if simple is None:
        return None
    named, value, content, content_first, named_second, value_second = simple.groups()
    if named is None:
        named, value, content = named_second, value_second, content_first
    # (`http-equiv` is the longer of the two names)
    return simple.end(), (_value(value, codec), _value(content, codec), len(named) > 4)


def _tag_inside(buf: bytes, start: int) -> tuple[bytes, int] | None:
    """The inside of the start tag whose name ends at ``start``, and the offset after its ``>``.

    ``None`` when no ``>`` follows at all. An unterminated quote (HTML would read on to the next
    quote) ends the tag at the next ``>`` instead.
    """
    rest = _TAG_REST_RE.match(buf, start)
    if rest is not None:
        return buf[start : rest.end() - 1], rest.end()
    close = buf.find(b">", start)
    if close < 0:
        return None
    return buf[start:close], close + 1


def _in_regions(regions: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and pos < regions[i][1]


def _starts(buf: bytes, at: int, name: bytes) -> bool:
    """Whether ``name`` (lower-case) is written at ``at``, in any case, followed by whitespace."""
    end = at + len(name)
    return end < len(buf) and buf[end] in _WS_BYTES and buf[at:end].lower() == name


def _scan(
    buf: bytes, codec: str, charset: str | None, size: int, diagnostics: list[Diagnostic]
) -> HtmlSignals:
    # Where the walk stops (comments, raw text, the walked tags, searched as it goes) and where
    # passes 2 and 3 start (every licence word and badge host, found at once): _html_marks.
    marks = _html_marks.find(buf)
    length = len(buf)
    newline = b"\n" if b"\n" in buf or b"\r" not in buf else b"\r"

    # Pass 1, in document order: comments and raw text (kept as regions to skip), the head's
    # end, metas, <html lang>, <base href>.
    line_of = _Lines(buf, newline)
    regions: list[tuple[int, int]] = []
    metas: list[Meta] = []
    lang: str | None = None
    base: str | None = None
    title: str | None = None
    seen_html = False
    in_head = True
    # Past the head, comments and raw text matter only before the last thing a later pass (or a
    # body <meta>) reads.
    need = marks.need
    pos = 0
    while pos < length:
        if not in_head and pos > need:
            break
        found = marks.tag(pos)
        if found is None:
            break
        start, name_end, name = found
        if name is None:  # a comment runs to the first `-->`, or to the end
            end = buf.find(b"-->", name_end)
            end = length if end < 0 else end + 3
            regions.append((start, end))
            pos = end
            continue
        if name == b"/head":
            in_head = False
            pos = name_end
            continue
        if name == b"meta":
            simple = _simple_meta(buf, name_end, codec)
            if simple is not None:
                pos, read = simple
            else:
                tag = _tag_inside(buf, name_end)
                if tag is None:
                    break  # no `>` left: no complete tag can follow
                inside, pos = tag
                general = _meta(inside, codec)
                if general is None:
                    continue
                read = general
            number = line_of(start)
            key = read[0].strip(_ASCII_WS).lower()
            if not in_head:
                diagnostics.append(
                    Diagnostic(number, "meta-outside-head", f"<meta {key!r}> after the head")
                )
            metas.append(Meta(key, read[1], number, in_head, read[2]))
            continue
        tag = _tag_inside(buf, name_end)
        if tag is None:
            break  # no `>` left: no complete tag can follow
        inside, pos = tag
        if name in _RAW_TEXT:  # raw text runs to the end tag (`<script/>` included)
            raw_end = marks.raw_end(name, pos)
            end = length if raw_end is None else raw_end[1]
            if name == b"title" and title is None and in_head:
                stop = length if raw_end is None else raw_end[0]
                title = _title(buf[pos : min(stop, pos + _TITLE_BYTES)], codec)
            regions.append((start, end))
            pos = end
            continue
        if name == b"body":
            in_head = False
        elif name == b"html":
            if not seen_html:
                seen_html = True
                value = _attributes(inside, codec).get("lang")
                if value is not None:
                    lang = value.strip(_ASCII_WS) or None
        elif base is None:  # <base>
            href = _attributes(inside, codec).get("href")
            if href is not None:
                base = href.strip(_ASCII_WS) or None
    starts = [r[0] for r in regions]

    # Pass 2: the <a> and <link> tags around each occurrence of the licence word, found from it
    # back to the tag's `<`, that have a licence `rel`.
    line_of = _Lines(buf, newline)
    links: list[Link] = []
    last = covered = -1
    for at in marks.words:
        lt = buf.rfind(b"<", max(0, at - _LOOK_BACK), at)
        if lt < 0 or lt == last:
            continue
        if _starts(buf, lt + 1, b"a"):
            tag_name, name_end = "a", lt + 2
        elif _starts(buf, lt + 1, b"link"):
            tag_name, name_end = "link", lt + 5
        else:
            continue
        last = lt
        if lt < covered or _in_regions(regions, starts, lt):
            continue  # inside the previous tag (a `<` in its attributes), a comment or a script
        tag = _tag_inside(buf, name_end)
        if tag is None:
            break  # no `>` left
        covered = tag[1]
        if _REL_RE.search(buf, name_end, covered) is None:
            continue  # no rel attribute in this tag (or the word was text after it)
        attrs = _attributes(tag[0], codec)
        rel = attrs.get("rel")
        if rel is None:
            continue
        tokens = tuple(dict.fromkeys(rel.lower().split()))
        if not any(_LICENCE_WORD_STR in token for token in tokens):
            continue
        kind = attrs.get("type")
        links.append(
            Link(
                tokens,
                attrs.get("href", "").strip(_ASCII_WS),
                line_of(lt),
                tag_name,
                kind.strip(_ASCII_WS).lower() if kind is not None else None,
            )
        )

    # Pass 3: Creative Commons badge images, found from the host name back to an <img>.
    hits: set[int] = set()
    for at in marks.hosts:
        lt = buf.rfind(b"<", max(0, at - _LOOK_BACK), at)
        if lt >= 0 and _starts(buf, lt + 1, b"img"):
            hits.add(lt)
    line_of = _Lines(buf, newline)
    badges: list[LicenceUrl] = []
    covered = -1
    for lt in sorted(hits):
        if lt < covered or _in_regions(regions, starts, lt):
            continue
        tag = _tag_inside(buf, lt + 4)
        if tag is None:
            break
        covered = tag[1]
        # (a host name after the tag's end was text: the src test below rejects it)
        src = _attributes(tag[0], codec).get("src", "").strip(_ASCII_WS)
        if _BADGE_SRC_RE.match(src):
            badges.append(LicenceUrl(src, line_of(lt)))

    return HtmlSignals(
        tuple(metas),
        tuple(links),
        tuple(badges),
        lang=lang,
        charset=charset,
        base=base,
        size=size,
        diagnostics=tuple(diagnostics),
        title=title,
    )
