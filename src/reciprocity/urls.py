"""One spelling of a site: the origin and host of a URL, and its registrable domain.

The audit's ``host`` column, the sources evidence cites (``{origin}/robots.txt``), the keys of
robots.txt snapshots and the fetcher's requests must name a site the same way, or they do not
join: ``HTTP://Example.COM:80/``, ``http://example.com./`` and ``http://example.com/`` are one
site, and so are ``bücher.de`` and ``xn--bcher-kva.de``. Every one of them goes through here.

A host is spelled as the WHATWG URL standard serialises it (what browsers send and show):

* lower case; the root dot dropped (``example.com.`` is ``example.com``);
* an internationalised name in its ASCII form (punycode, ``xn--bcher-kva.de``): each label by
  UTS #46 non-transitional processing (``idna``; ``faß.de`` stays ``xn--fa-hia.de``, as browsers
  and httpx resolve it, not IDNA 2003's ``fass.de``), and a label IDNA 2008 refuses but names in
  use hold (``i❤.ws``) by Python's IDNA 2003 codec, which browsers agree with there;
* an IPv6 address in brackets, in its canonical text (``[2001:db8::1]``); an IPv4 address as
  written.

An origin is ``scheme://host[:port]``: the scheme lower-cased, the userinfo dropped, the default
port of the scheme dropped (``:80`` for http, ``:443`` for https) and any other kept.

This is a bottom floor, like :mod:`reciprocity.uses`: it imports nothing of reciprocity. Nothing
here raises on a bad URL; what cannot name a site gives ``None``.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from publicsuffixlist import PublicSuffixList

__all__ = [
    "DEFAULT_PORTS",
    "host_of",
    "normalise_host",
    "origin",
    "registrable_domain",
    "split_url",
]

DEFAULT_PORTS: Final = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}
"""The default port of each scheme that has one (WHATWG URL "special schemes")."""

# The usual URL, already in its normal form: lower-case http(s) scheme and ASCII host, no
# userinfo, port or root dot. Its match *is* the origin, so most URLs cost one regex match.
_NORMAL_ORIGIN_RE: Final = re.compile(r"https?://([a-z0-9_-]+(?:\.[a-z0-9_-]+)*)(?=[/?#]|\Z)")
# The usual URL in any case and with a port, read without urlsplit (four times faster; a large
# crawl has millions). Anything else (userinfo, IPv6, Unicode, whitespace, odd characters) goes
# to urlsplit.
_PLAIN_URL_RE: Final = re.compile(
    r"(https?)://([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)(?::(\d{1,5}))?(/[^?#\s]*)?(?:\?([^#\s]*))?"
    r"(?:#\S*)?",
    re.IGNORECASE,
)
# IDNA label separators: the full stop and its ideographic, fullwidth and halfwidth forms.
_DOTS_RE: Final = re.compile("[.\u3002\uff0e\uff61]")
# What cannot be in a host once normalised: what would end the authority when the origin is
# read again (`/?#@`) or stand for a port (`:`, outside brackets), and whitespace and control
# characters (forbidden host code points in WHATWG URL; urlsplit would strip or drop them).
_NOT_IN_HOST_RE: Final = re.compile(r"[/?#@:\[\]\x00-\x20\x7f]")


def _ascii_label(label: str) -> str | None:
    if label.isascii():
        return label.lower()
    import idna  # noqa: PLC0415 -- its tables load on first use; most hosts are ASCII

    try:
        return idna.encode(label, uts46=True, transitional=False).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError, ValueError):
        pass
    try:
        return label.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None


def _literal(text: str) -> str:
    """An IP literal without its brackets, as written in brackets: canonical for IPv6."""
    try:
        return f"[{ipaddress.IPv6Address(text).compressed}]"
    except ValueError:
        return f"[{text.lower()}]"  # IPvFuture (`v1.x`), or a form ipaddress does not read


@functools.lru_cache(maxsize=4096)
def normalise_host(host: str) -> str | None:
    """``host`` as an origin spells it (see the module docstring), or ``None`` when it cannot
    name a site (empty, or a Unicode name no IDNA processing accepts).

    ``host`` may be bracketed (``[::1]``) or not (``::1``, as ``urlsplit`` gives it).
    """
    if host.startswith("[") and host.endswith("]"):
        inner = host[1:-1]
        return _literal(inner) if inner else None
    if ":" in host:  # an IPv6 address without its brackets
        return _literal(host)
    if host.isascii():
        host = host.lower()
    else:
        labels = [_ascii_label(label) for label in _DOTS_RE.split(host)]
        if None in labels:
            return None
        host = ".".join(label for label in labels if label is not None)
    host = host.rstrip(".")
    if not host or _NOT_IN_HOST_RE.search(host):
        return None
    return host


def _bracketed(netloc: str) -> bool:
    return "[" in netloc.rpartition("@")[2]


def split_url(url: str) -> tuple[str, str, str] | None:
    """(origin, path, query) of an absolute URL with a host (the path ``/`` when empty, the
    fragment dropped), or ``None`` when ``url`` has no scheme or host, its port is not a
    number up to 65535, or its host cannot name a site."""
    plain = _PLAIN_URL_RE.fullmatch(url)
    if plain is not None:
        scheme, host, port_text, path, query = plain.groups()
        scheme = scheme.lower()
        port = None if port_text is None else int(port_text)
        if port is not None and port > 65535:
            return None
        suffix = "" if port is None or port == DEFAULT_PORTS[scheme] else f":{port}"
        return f"{scheme}://{host.lower()}{suffix}", path or "/", query or ""
    try:
        parts = urlsplit(url.strip())
        hostname = parts.hostname
        port = parts.port
    except ValueError:  # a bad port, an unclosed IPv6 bracket, NFKC tricks in the authority …
        return None
    scheme = parts.scheme.lower()
    if not scheme or hostname is None:
        return None
    host = normalise_host(f"[{hostname}]" if _bracketed(parts.netloc) else hostname)
    if host is None:
        return None
    suffix = "" if port is None or port == DEFAULT_PORTS.get(scheme) else f":{port}"
    return f"{scheme}://{host}{suffix}", parts.path or "/", parts.query


def origin(url: str) -> str | None:
    """``scheme://host[:port]`` of ``url``, normalised (module docstring), or ``None`` when
    ``url`` has no scheme or host, or a port or host that cannot be used.

    ``origin(origin(url)) == origin(url)``, and ``HTTP://Example.COM:80/``,
    ``http://example.com./`` and ``http://example.com`` have the same origin.
    """
    normal = _NORMAL_ORIGIN_RE.match(url)
    if normal is not None:
        return normal.group()
    split = split_url(url)
    return None if split is None else split[0]


def host_of(url: str) -> str | None:
    """The host of ``url`` as :func:`origin` spells it (an IPv6 address in brackets); ``""``
    when ``url`` has none (``/relative``, ``urn:x``); ``None`` when its authority cannot be read
    (an unclosed bracket) or its host cannot name a site. The port is not looked at: the host
    of ``http://example.com:99999/`` is ``example.com``, although the URL has no origin."""
    normal = _NORMAL_ORIGIN_RE.match(url)
    if normal is not None:
        return normal.group(1)
    try:
        parts = urlsplit(url.strip())
        hostname = parts.hostname
    except ValueError:
        return None
    if not hostname:
        return ""
    return normalise_host(f"[{hostname}]" if _bracketed(parts.netloc) else hostname)


@functools.cache
def _public_suffixes() -> PublicSuffixList:
    # The list ships inside the package's wheel and is read from there: nothing is downloaded.
    # Parsing it takes about 50 ms, so it is done on the first question, not at import.
    from publicsuffixlist import PublicSuffixList  # noqa: PLC0415

    return PublicSuffixList()


@functools.lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str | None:
    """The registrable domain (eTLD+1) of ``host`` by the Public Suffix List, ICANN and private
    sections (``www.bbc.co.uk`` -> ``bbc.co.uk``, ``a.b.github.io`` -> ``b.github.io``), in the
    spelling of :func:`normalise_host` (``bücher.de`` -> ``xn--bcher-kva.de``).

    ``None`` when there is none: an IP address (the host itself names the site), a host that is
    itself a public suffix (``co.uk``, ``github.io``) or a single label (``localhost``), an
    empty or unusable host. A name under a top-level label the list does not know is read with
    the list's default rule ``*`` (``a.b.internal`` -> ``b.internal``).
    """
    normal = normalise_host(host)
    if normal is None or normal.startswith("["):
        return None
    if normal[-1:].isdigit():  # an IPv4 address ends with a digit (a name's last label need not)
        try:
            ipaddress.IPv4Address(normal)
        except ValueError:
            pass
        else:
            return None
    found = _public_suffixes().privatesuffix(normal)
    return found if isinstance(found, str) else None
