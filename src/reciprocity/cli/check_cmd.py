"""``reciprocity check URL...``: what a site says now (or said then) about each use of a page.

Each URL's site files (robots.txt, tdmrep.json, ai.txt, the RSL licence) and the page's own
headers and HTML head are fetched through the cache (``reciprocity.fetcher``) and decided like
``explain`` does offline. ``--as-of DATE`` answers from the cache's history only, never the
network. The page itself is requested only when the site's robots.txt lets this tool
(``reciprocity``) fetch it; otherwise the decision rests on the site files alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from reciprocity.cli import EXIT_FETCH, EXIT_OK
from reciprocity.cli._fetch_options import (
    add_fetch_arguments,
    cache_path,
    fetcher_options,
    parse_as_of,
)
from reciprocity.cli.explain_cmd import render
from reciprocity.errors import FetchError, UsageError
from reciprocity.evaluate import evaluate
from reciprocity.resolve import Decision

if TYPE_CHECKING:
    from reciprocity.fetcher import FetchCache, FetchRecord, PageFetch, SiteSignals

HELP = "Check, live or as of a date, what a page's site allows for each use, and why."

_HTML = ("text/html", "application/xhtml")


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
        help="comma-separated obligations you commit to (e.g. credit,attribution)",
    )
    parser.add_argument("--json", action="store_true", help="the decisions as JSON")
    add_fetch_arguments(parser)


@dataclass(frozen=True, slots=True)
class Checked:
    """One URL's decision and the fetches it rests on."""

    url: str
    decision: Decision
    site: SiteSignals
    page: PageFetch


def _is_html(page: PageFetch) -> bool:
    kind = next((v for k, v in page.headers if k == "content-type"), "")
    return kind.split(";", 1)[0].strip().lower().startswith(_HTML)


def _decide(
    url: str, site: SiteSignals, page: PageFetch, agent: str, accept: frozenset[str]
) -> Decision:
    arguments = site.evaluate_arguments()
    fetched = dict(arguments.pop("fetched"))
    headers = None
    html = None
    if page.error is None and page.status is not None:
        headers = page.headers
        fetched["document"] = page.fetched.isoformat(timespec="seconds")
        if page.head and _is_html(page):
            html = page.head
    return evaluate(
        url,
        headers=headers,
        html=html,
        user_agent=agent,
        accept=accept,
        fetched=fetched,
        **arguments,
    )


async def _check_all(
    urls: list[str],
    *,
    cache: FetchCache | None,
    options: dict[str, Any],
    as_of: datetime | None,
    refresh: bool,
    agent: str,
    accept: frozenset[str],
) -> list[Checked | FetchError]:
    # Imported here: httpx adds 140 ms to every command line, and only fetching needs it.
    from reciprocity.fetcher import ErrorKind, Fetcher  # noqa: PLC0415

    async with Fetcher(cache, **options) as fetcher:

        async def one(url: str) -> Checked | FetchError:
            try:
                # The whole page (to 512 KiB): licence badges sit in footers, not in the head.
                page = await fetcher.page(url, as_of=as_of, refresh=refresh, head_only=False)
                site = await fetcher.site(
                    url, as_of=as_of, refresh=refresh, user_agent=agent, page=page
                )
            except FetchError as exc:
                return exc
            refused = site.records["robots.txt"]
            if refused.error is ErrorKind.REFUSED:
                detail = refused.detail or "target refused"
                if "address" in detail and not options.get("allow_private"):
                    detail += " (--allow-private allows it)"
                return FetchError(detail, url=url)
            return Checked(url, _decide(url, site, page, agent, accept), site, page)

        return list(await asyncio.gather(*(one(url) for url in urls)))


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


def _fetches(checked: Checked) -> list[tuple[str, FetchRecord]]:
    found = list(checked.site.records.items())
    found.append(("page", checked.page.record))
    return found


def _render(checked: Checked, agent: str) -> str:
    lines = [render(checked.decision, agent).rstrip("\n"), "", "fetches:"]
    lines += [_fetch_line(carrier, record) for carrier, record in _fetches(checked)]
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
        for carrier, record in _fetches(checked)
    }
    return found


def run(args: argparse.Namespace) -> int:
    for url in args.urls:
        if not url.lower().startswith(("http://", "https://")):
            raise UsageError(f"{url!r} is not an http or https URL")
    as_of = parse_as_of(args.as_of) if args.as_of else None
    if as_of is not None and args.no_cache:
        raise UsageError("--as-of reads the cache's history; it cannot go with --no-cache")
    accept = frozenset(a.strip() for a in args.accept.split(",") if a.strip())
    from reciprocity.fetcher import FetchCache  # noqa: PLC0415 (see _check_all)

    path = cache_path(args)
    cache = FetchCache(path) if path is not None else None
    try:
        results = asyncio.run(
            _check_all(
                list(dict.fromkeys(args.urls)),
                cache=cache,
                options=fetcher_options(args),
                as_of=as_of,
                refresh=args.refresh,
                agent=args.agent,
                accept=accept,
            )
        )
    finally:
        if cache is not None:
            cache.close()
    failed = [r for r in results if isinstance(r, FetchError)]
    done = [r for r in results if isinstance(r, Checked)]
    if args.json:
        payload = {
            "results": [_to_dict(c) for c in done],
            "errors": [{"url": e.url, "slug": e.slug, "error": str(e)} for e in failed],
        }
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write("\n".join(_render(c, args.agent) for c in done))
    for error in failed:
        print(f"reciprocity: {error.slug}: {error}", file=sys.stderr)
    return EXIT_FETCH if failed else EXIT_OK
