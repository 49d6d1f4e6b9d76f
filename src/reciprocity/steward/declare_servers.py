"""The declared response headers as configuration for nginx, Apache, Caddy and static hosts.

Every server must send a URL the headers of the longest scope (``/`` or a ``[[paths]]`` prefix)
its path starts with, and none of a shorter scope's that the longest one leaves out. Each server
gets there its own way:

* nginx: ``add_header`` in a ``location`` replaces every ``add_header`` it would inherit, so the
  server level holds ``/``'s set and each ``location`` repeats its full set;
* Apache: ``<Location>`` sections merge in file order (shortest first here), so each one sets
  its headers and unsets those a shorter scope set and it does not;
* Caddy: ``header`` directives all apply, so each scope gets a matcher that excludes the scopes
  below it;
* ``_headers`` (Cloudflare Pages, Netlify): every matching block applies; a block detaches
  (``! Name``, Cloudflare's syntax) the headers of shorter blocks before setting its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from reciprocity.steward.declare import ScopeHeaders

__all__ = ["server_snippets"]

_SNIPPETS: Final = ("headers.nginx.conf", "headers.apache.conf", "headers.Caddyfile", "_headers")


def _below(scopes: Sequence[ScopeHeaders], scope: str) -> list[str]:
    return [s.scope for s in scopes if s.scope != scope and s.scope.startswith(scope)]


def _above(scopes: Sequence[ScopeHeaders], scope: str) -> list[ScopeHeaders]:
    return [s for s in scopes if s.scope != scope and scope.startswith(s.scope)]


def _nginx(scopes: Sequence[ScopeHeaders]) -> str:
    lines = [
        "# nginx: put the first lines in your server { } block. add_header in a location replaces",
        "# every add_header it would inherit, so each location below repeats its whole set: copy",
        "# them into the location that already serves that prefix, if you have one, and into",
        "# every location of yours that has add_header lines of its own.",
    ]
    for scope in scopes:
        sets = [f"add_header {name} '{value}' always;" for name, value in scope.headers]
        if scope.scope == "/":
            lines += ["", *sets]
        else:
            lines += ["", f"location {scope.scope} {{", *(f"    {s}" for s in sets), "}"]
    return "\n".join(lines) + "\n"


def _apache_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _apache(scopes: Sequence[ScopeHeaders]) -> str:
    lines = [
        "# Apache (mod_headers): in the server or virtual host configuration. <Location> sections",
        "# merge in the order written, shortest prefix first: each sets its own headers and",
        "# unsets those of a shorter prefix that it does not send.",
        "<IfModule mod_headers.c>",
    ]
    for scope in scopes:
        names = {name for name, _ in scope.headers}
        sets = [f"Header always set {name} {_apache_quote(value)}" for name, value in scope.headers]
        inherited = dict.fromkeys(n for s in _above(scopes, scope.scope) for n, _ in s.headers)
        unsets = [f"Header always unset {name}" for name in inherited if name not in names]
        if scope.scope == "/":
            lines += [*sets]
        else:
            lines += [
                f'<Location "{scope.scope}">',
                *(f"    {line}" for line in (*unsets, *sets)),
                "</Location>",
            ]
    lines.append("</IfModule>")
    return "\n".join(lines) + "\n"


def _caddy(scopes: Sequence[ScopeHeaders]) -> str:
    lines = [
        "# Caddy: in your site block. Every header directive whose matcher matches applies, so",
        "# each prefix's matcher leaves out the longer prefixes, which have their own.",
    ]
    for index, scope in enumerate(scopes):
        name = f"@ai_prefs_{index}"
        lines += ["", f"{name} {{", f"    path {scope.scope}*"]
        lines += [f"    not path {below}*" for below in _below(scopes, scope.scope)]
        lines += ["}", f"header {name} {{"]
        lines += [f"    {header} `{value}`" for header, value in scope.headers]
        lines.append("}")
    return "\n".join(lines) + "\n"


def _static(scopes: Sequence[ScopeHeaders]) -> str:
    lines = [
        "# _headers for Cloudflare Pages and Netlify. Every block whose path matches applies;",
        "# '! Name' (Cloudflare Pages) detaches a shorter block's header first, so that the",
        "# longest prefix alone speaks. Netlify reads no '!' lines: there, delete them (it sends",
        "# the most specific block's value of a header).",
    ]
    for scope in scopes:
        lines += ["", f"{scope.scope}*"]
        if scope.scope != "/":
            inherited = dict.fromkeys(n for s in _above(scopes, scope.scope) for n, _ in s.headers)
            lines += [f"  ! {name}" for name in inherited]
        lines += [f"  {name}: {value}" for name, value in scope.headers]
    return "\n".join(lines) + "\n"


def server_snippets(scopes: Sequence[ScopeHeaders]) -> dict[str, str]:
    """File name -> text of each server's configuration snippet for ``scopes``."""
    return dict(
        zip(
            _SNIPPETS,
            (_nginx(scopes), _apache(scopes), _caddy(scopes), _static(scopes)),
            strict=True,
        )
    )
