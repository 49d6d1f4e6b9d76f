"""Options of the commands that fetch (``check``, ``audit --online``): cache, guard, agent."""

from __future__ import annotations

import argparse
import os
from datetime import datetime, time, timezone
from pathlib import Path
from typing import Any

from reciprocity.errors import UsageError

__all__ = ["add_fetch_arguments", "cache_path", "default_cache", "fetcher_options", "parse_as_of"]


def default_cache() -> Path:
    """``$RECIPROCITY_CACHE``, else ``$XDG_CACHE_HOME/reciprocity/fetch.sqlite3`` (``~/.cache``)."""
    named = os.environ.get("RECIPROCITY_CACHE")
    if named:
        return Path(named)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reciprocity" / "fetch.sqlite3"


def add_fetch_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("fetching")
    group.add_argument(
        "--cache",
        metavar="FILE",
        help=f"SQLite cache of every fetch, with history (default: {default_cache()})",
    )
    group.add_argument(
        "--no-cache", action="store_true", help="keep nothing: fetch everything, store nothing"
    )
    group.add_argument(
        "--refresh", action="store_true", help="fetch again even what the cache holds fresh"
    )
    group.add_argument(
        "--allow-private",
        action="store_true",
        help="allow loopback, private and link-local targets (refused by default)",
    )
    group.add_argument(
        "--user-agent", metavar="UA", help="the User-Agent sent (default: reciprocity/<version>)"
    )
    group.add_argument(
        "--concurrency", type=int, default=16, metavar="N", help="requests in flight (default 16)"
    )
    group.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="deadline for one fetch, redirects included (default 30)",
    )


def fetcher_options(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments for ``reciprocity.fetcher.Fetcher`` (and the batch helpers)."""
    if args.concurrency < 1:
        raise UsageError("--concurrency must be 1 or more")
    if args.timeout <= 0:
        raise UsageError("--timeout must be more than 0")
    options: dict[str, Any] = {
        "allow_private": args.allow_private,
        "concurrency": args.concurrency,
        "total_timeout": args.timeout,
        "connect_timeout": min(10.0, args.timeout),
    }
    if args.user_agent:
        options["user_agent"] = args.user_agent
    return options


def cache_path(args: argparse.Namespace) -> Path | None:
    """Where the cache lives (its folder created), or ``None`` with ``--no-cache``."""
    if args.no_cache:
        if args.cache:
            raise UsageError("--cache and --no-cache exclude each other")
        return None
    path = Path(args.cache) if args.cache else default_cache()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the cache folder {path.parent}: {exc.strerror}") from None
    return path


def parse_as_of(text: str) -> datetime:
    """``--as-of``: an ISO 8601 date (its end, UTC) or date-time (UTC unless it says)."""
    try:
        if len(text.strip()) == 10:
            day = datetime.strptime(text.strip(), "%Y-%m-%d").date()
            return datetime.combine(day, time.max, tzinfo=timezone.utc)
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"--as-of {text!r} is not a date (2026-11-01) or date-time (2026-11-01T12:00Z)"
        ) from None
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)
