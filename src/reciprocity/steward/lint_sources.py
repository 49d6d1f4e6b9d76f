"""Where ``lint`` gets a site's files: a folder laid out like the site, or the live site.

A folder holds ``robots.txt``, ``.well-known/tdmrep.json``, ``ai.txt``, the licence documents its
``License:`` lines name (at their URL's path), and optionally ``headers.txt`` (the root page's
response headers, ``Name: value`` per line) and ``index.html``; a single file is read as a
robots.txt. A live site is fetched by :class:`reciprocity.fetcher.Fetcher` (its guard, limits and
cache): the same files, and the root page's headers and HTML.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from reciprocity.errors import FetchError, InputError
from reciprocity.signals.robots import RobotsTxt
from reciprocity.signals.rsl import license_urls_from_robots
from reciprocity.steward.lint import Licence, Site, SiteFile, is_html
from reciprocity.urls import origin as url_origin

if TYPE_CHECKING:
    from reciprocity.fetcher import FetchCache, Fetcher, FetchRecord

__all__ = ["PLACEHOLDER_ORIGIN", "fetch_sites", "read_folder"]

PLACEHOLDER_ORIGIN: Final = "https://site.invalid"
"""The origin a folder is decided on when nothing in it names its own (``.invalid``: RFC 2606)."""

_FILES: Final = {
    "robots": "robots.txt",
    "tdmrep": ".well-known/tdmrep.json",
    "ai_txt": "ai.txt",
    "headers": "headers.txt",
    "html": "index.html",
}


def _read(path: Path, name: str) -> SiteFile | None:
    try:
        return SiteFile(name, path.read_bytes())
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None


def _shown(folder: Path, relative: str) -> str:
    return (folder / relative).as_posix()


def _origin_of(robots: SiteFile | None) -> str | None:
    """The origin a robots.txt names for its own site: that of its first absolute ``License:``
    or ``Sitemap`` URL."""
    if robots is None or is_html(robots):
        return None
    parsed = RobotsTxt.parse(robots.body)
    for url in (*license_urls_from_robots(parsed).rsl_urls, *parsed.sitemaps):
        found = url_origin(url) if url.lower().startswith(("http://", "https://")) else None
        if found:
            return found
    return None


def _licences(folder: Path, robots: SiteFile | None, origin: str) -> tuple[Licence, ...]:
    if robots is None or is_html(robots):
        return ()
    parsed = RobotsTxt.parse(robots.body)
    found = []
    for url in license_urls_from_robots(parsed, base_url=f"{origin}/robots.txt").rsl_urls:
        if url_origin(url) != origin:
            found.append(Licence(url, None))  # another site's licence: not checked offline
            continue
        relative = urlsplit(url).path.lstrip("/")
        path = folder / relative
        file = _read(path, _shown(folder, relative)) if relative and path.is_file() else None
        problem = None if file is not None else f"no file {_shown(folder, relative or '.')}"
        found.append(Licence(url, file, problem))
    return tuple(found)


def read_folder(path: str | Path, *, origin: str | None = None) -> Site:
    """The site laid out in folder ``path`` (or the robots.txt file ``path``). Its origin is
    ``origin``, else the one its robots.txt's ``License:``/``Sitemap`` URLs name, else
    :data:`PLACEHOLDER_ORIGIN`. Raises :class:`InputError` when there is nothing to lint."""
    folder = Path(path)
    if folder.is_file():
        robots = _read(folder, folder.as_posix())
        site_origin = origin or _origin_of(robots) or PLACEHOLDER_ORIGIN
        return Site(site_origin, robots=robots)
    if not folder.is_dir():
        raise InputError("no such file or folder", path=folder)
    files = {key: _read(folder / name, _shown(folder, name)) for key, name in _FILES.items()}
    if not any(files.values()):
        names = ", ".join(_FILES.values())
        raise InputError(f"none of {names} is in the folder", path=folder)
    robots = files["robots"]
    site_origin = origin or _origin_of(robots) or PLACEHOLDER_ORIGIN
    return Site(
        site_origin,
        robots=robots,
        tdmrep=files["tdmrep"],
        ai_txt=files["ai_txt"],
        licences=_licences(folder, robots, site_origin),
        headers=files["headers"],
        html=files["html"],
    )


# -- live -------------------------------------------------------------------------------------


def _served(record: FetchRecord | None) -> SiteFile | None:
    """The file a fetch brought, when it brought one (a 2xx body)."""
    if record is None or not record.ok:
        return None
    return SiteFile(record.final_url, record.body, record.header("content-type"))


def _outcome(record: FetchRecord) -> str:
    if record.error is not None:
        return f"{record.error.value}{f': {record.detail}' if record.detail else ''}"
    return f"HTTP {record.status}"


async def _site(fetcher: Fetcher, url: str) -> Site:
    from reciprocity.fetcher import ErrorKind  # noqa: PLC0415

    site = await fetcher.site(url)
    robots_record = site.records["robots.txt"]
    if robots_record.error is ErrorKind.REFUSED:
        raise FetchError(robots_record.detail or "target refused", url=robots_record.url)
    if robots_record.failed:
        # Unreachable or 5xx: crawlers read that as "disallow all"; there is no file to lint.
        raise FetchError(f"robots.txt unreachable ({_outcome(robots_record)})", url=url)
    page = await fetcher.page(f"{site.origin}/")
    headers = html = None
    if page.error is None and page.status is not None and 200 <= page.status < 300:
        lines = "".join(f"{name}: {value}\n" for name, value in page.headers)
        headers = SiteFile(f"{page.final_url} (headers)", lines.encode("utf-8"))
        if is_html(SiteFile(page.final_url, page.head, page.record.header("content-type"))):
            html = SiteFile(page.final_url, page.head, page.record.header("content-type"))
    licences: tuple[Licence, ...] = ()
    if site.rsl_url is not None:
        record = site.records.get("rsl")
        file = _served(record)
        problem = None if file is not None or record is None else _outcome(record)
        licences = (Licence(site.rsl_url, file, problem),)
    return Site(
        site.origin,
        robots=_served(robots_record),
        tdmrep=_served(site.records.get("tdmrep.json")),
        ai_txt=_served(site.records.get("ai.txt")),
        licences=licences,
        headers=headers,
        html=html,
    )


def fetch_sites(
    urls: Sequence[str], *, cache: FetchCache | None = None, **options: Any
) -> list[Site | FetchError]:
    """Each URL's site, fetched (``options`` go to :class:`~reciprocity.fetcher.Fetcher`:
    ``allow_private``, timeouts …); a :class:`FetchError` in its place when its robots.txt
    could not be read at all (refused by the guard, unreachable, a server error)."""
    from reciprocity.fetcher import Fetcher  # noqa: PLC0415  (httpx only when fetching)

    async def main() -> list[Site | FetchError]:
        async with Fetcher(cache, **options) as fetcher:

            async def one(url: str) -> Site | FetchError:
                try:
                    return await _site(fetcher, url)
                except FetchError as exc:
                    return exc

            return list(await asyncio.gather(*(one(url) for url in urls)))

    return asyncio.run(main())
