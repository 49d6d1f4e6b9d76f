"""``reciprocity check URL...``: what a site says now (or said then) about each use of a page.

Each URL's site files (robots.txt, tdmrep.json, ai.txt, the RSL licence) and the page itself
(headers, and its HTML to 512 KiB) are fetched through the cache and decided like ``explain``
does offline, by ``reciprocity.fetcher.check``; this module renders. ``--as-of DATE`` answers
from the cache's history only, never the network. The page itself is requested only when the
site's robots.txt lets this tool (``reciprocity``) fetch it; otherwise the decision rests on the
site files alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from reciprocity.cli import EXIT_FETCH, EXIT_OK, warn
from reciprocity.cli._fetch_options import (
    add_fetch_arguments,
    cache_path,
    fetcher_options,
    parse_as_of,
)
from reciprocity.cli.explain_cmd import render
from reciprocity.corpus.policy import crawler_token, duties_option
from reciprocity.errors import FetchError, UsageError

if TYPE_CHECKING:
    from reciprocity.fetcher import Checked, FetchRecord

HELP = "Check, live or as of a date, what a page's site allows for each use, and why."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("urls", metavar="URL", nargs="+", help="pages to check (http or https)")
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="answer from the cache as it stood then (2026-11-01 or 2026-11-01T12:00Z)",
    )
    parser.add_argument(
        "--agent",
        default="*",
        metavar="TOKEN",
        help="the crawler the content would be collected by (default: '*', one no group names)",
    )
    parser.add_argument(
        "--accept",
        default="",
        metavar="OBLIGATIONS",
        help="comma-separated obligations you commit to (e.g. credit,open; docs/obligations.md)",
    )
    parser.add_argument("--json", action="store_true", help="the decisions as JSON")
    add_fetch_arguments(parser)


def _hint(result: Checked | FetchError) -> Checked | FetchError:
    """A refusal of a private address, with the option that allows it."""
    if isinstance(result, FetchError) and result.slug == "fetch" and "address" in result.message:
        hinted = FetchError(f"{result.message} (--allow-private allows it)")
        hinted.url = result.url
        return hinted
    return result


def _fetch_line(carrier: str, record: FetchRecord) -> str:
    if record.error is not None:
        outcome = f"{record.error.value}" + (f" ({record.detail})" if record.detail else "")
    else:
        outcome = f"HTTP {record.status}"
        if record.redirects:
            outcome += f" after {record.redirects} redirect(s) to {record.final_url}"
        if record.truncated:
            outcome += ", cut at the size limit"
    origin = "cache" if record.from_cache else "fetched"
    when = record.fetched.isoformat(timespec="seconds")
    return f"  {carrier:<12} {record.url}: {outcome}; {origin} {when}"


def _render(checked: Checked, agent: str) -> str:
    lines = [render(checked.decision, agent).rstrip("\n"), "", "fetches:"]
    lines += [_fetch_line(carrier, record) for carrier, record in checked.fetches]
    return "\n".join(lines) + "\n"


def _to_dict(checked: Checked) -> dict[str, Any]:
    found = checked.decision.to_dict()
    found["fetches"] = {
        carrier: {
            "url": record.url,
            "final_url": record.final_url,
            "status": record.status,
            "error": record.error.value if record.error is not None else None,
            "detail": record.detail or None,
            "redirects": record.redirects,
            "truncated": record.truncated,
            "fetched": record.fetched.isoformat(timespec="seconds"),
            "from_cache": record.from_cache,
            "sha256": record.sha256,
        }
        for carrier, record in checked.fetches
    }
    return found


def run(args: argparse.Namespace) -> int:
    for url in args.urls:
        if not url.lower().startswith(("http://", "https://")):
            raise UsageError(f"{url!r} is not an http or https URL")
    agent = crawler_token("--agent", args.agent, warn)
    as_of = parse_as_of(args.as_of) if args.as_of else None
    if as_of is not None and args.no_cache:
        raise UsageError("--as-of reads the cache's history; it cannot go with --no-cache")
    accept = duties_option("--accept", args.accept)
    # Imported here: httpx adds 140 ms to every command line, and only fetching needs it.
    from reciprocity.fetcher import FetchCache, check  # noqa: PLC0415

    path = cache_path(args)
    cache = FetchCache(path) if path is not None else None
    options = fetcher_options(args)
    try:
        results = check(
            list(dict.fromkeys(args.urls)),
            cache=cache,
            agent=agent,
            accept=accept,
            as_of=as_of,
            refresh=args.refresh,
            **options,
        )
    finally:
        if cache is not None:
            cache.close()
    if not args.allow_private:
        results = [_hint(r) for r in results]
    failed = [r for r in results if isinstance(r, FetchError)]
    done = [r for r in results if not isinstance(r, FetchError)]
    if args.json:
        payload = {
            "results": [_to_dict(c) for c in done],
            "errors": [{"url": e.url, "slug": e.slug, "error": str(e)} for e in failed],
        }
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write("\n".join(_render(c, agent) for c in done))
    for error in failed:
        print(f"reciprocity: {error.slug}: {error}", file=sys.stderr)
    return EXIT_FETCH if failed else EXIT_OK
