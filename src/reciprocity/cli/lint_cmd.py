"""``reciprocity lint PATH_OR_URL...``: the mistakes that make a site's AI-usage preferences void,
in each file and across them (``reciprocity.steward.lint``), as text, JSON or SARIF 2.1.0.

Exit codes: 0 no error (and, with ``--strict``, no warning); 1 errors found (or warnings with
``--strict``); 2 usage; 3 a folder or file cannot be read; 4 a site could not be fetched.
"""

from __future__ import annotations

import argparse
import json
import sys

from reciprocity.cli import EXIT_FETCH, EXIT_OK, EXIT_PARTIAL
from reciprocity.cli._fetch_options import add_fetch_arguments, cache_path, fetcher_options
from reciprocity.errors import FetchError, UsageError
from reciprocity.steward.lint import Finding, Site, lint_site
from reciprocity.steward.lint_output import to_json, to_text
from reciprocity.steward.lint_rules import Severity
from reciprocity.steward.lint_sources import fetch_sites, read_folder
from reciprocity.steward.sarif import to_sarif

HELP = "Check a site (a folder laid out like it, or a live URL) for preferences that say nothing."

EXIT_FINDINGS = EXIT_PARTIAL
"""Errors were found (or warnings, with ``--strict``)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "targets",
        metavar="PATH_OR_URL",
        nargs="+",
        help="a folder laid out like a site (robots.txt, .well-known/tdmrep.json, ai.txt, ...), "
        "a robots.txt file, or a site's http(s) URL",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="the findings as JSON")
    output.add_argument("--sarif", action="store_true", help="the findings as SARIF 2.1.0")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 on warnings too, not only on errors"
    )
    parser.add_argument(
        "--origin",
        metavar="URL",
        help="the origin a folder is the site of (default: its License:/Sitemap URLs' origin)",
    )
    add_fetch_arguments(parser)


def _is_url(target: str) -> bool:
    return target.lower().startswith(("http://", "https://"))


def _sites(args: argparse.Namespace) -> tuple[list[Site], list[FetchError]]:
    urls = [t for t in args.targets if _is_url(t)]
    if args.origin is not None and not _is_url(args.origin):
        raise UsageError(f"--origin {args.origin!r} is not an http or https URL")
    if args.origin is not None and urls:
        raise UsageError("--origin is for folders; a URL is its own origin")
    origin = args.origin.rstrip("/") if args.origin else None
    # Folders first: a missing one fails before anything is fetched.
    local = {t: read_folder(t, origin=origin) for t in args.targets if not _is_url(t)}
    fetched: dict[str, Site | FetchError] = {}
    if urls:
        path = cache_path(args)
        from reciprocity.fetcher import FetchCache  # noqa: PLC0415  (httpx only when fetching)

        cache = FetchCache(path) if path is not None else None
        try:
            fetched = dict(
                zip(urls, fetch_sites(urls, cache=cache, **fetcher_options(args)), strict=True)
            )
        finally:
            if cache is not None:
                cache.close()
    sites: list[Site] = []
    failed: list[FetchError] = []
    for target in args.targets:
        found = local.get(target) or fetched[target]
        if isinstance(found, FetchError):
            failed.append(found)
        else:
            sites.append(found)
    return sites, failed


def run(args: argparse.Namespace) -> int:
    sites, failed = _sites(args)
    findings: list[Finding] = [finding for site in sites for finding in lint_site(site)]
    if args.sarif:
        sys.stdout.write(json.dumps(to_sarif(findings), indent=2, ensure_ascii=False) + "\n")
    elif args.json:
        payload = to_json(args.targets, findings)
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(to_text(findings))
    for error in failed:
        hint = (
            " (--allow-private allows it)"
            if "address" in error.message and not args.allow_private
            else ""
        )
        print(f"reciprocity: {error.slug}: {error}{hint}", file=sys.stderr)
    if failed:
        return EXIT_FETCH
    failing = {Severity.ERROR, Severity.WARNING} if args.strict else {Severity.ERROR}
    return EXIT_FINDINGS if any(f.severity in failing for f in findings) else EXIT_OK
