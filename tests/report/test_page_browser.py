"""The report's pages in headless Chromium (Debian's ``chromium``, which
``scripts/bootstrap.py --test`` installs): no console message, no request but the page itself,
the charts drawn, the figures shown equal to the JSON's, readable in a narrow window and in
print. A screenshot of each page is saved to ``.cache/artifacts/report-pages/``.

They skip, saying why, only where no Chromium or no playwright can be had.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from page_factory import Pages, pointer, write_pages

ARTIFACTS = ROOT / ".cache" / "artifacts" / "report-pages"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")

playwright = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e .[test])"
)


def _chromium() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(
        "no Chromium on the PATH: `apt-get install chromium` (scripts/bootstrap.py --test does "
        "it as root or with sudo)"
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=executable)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def pages(report_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Pages:
    return write_pages(report_run, tmp_path_factory.mktemp("browser-pages"))


class Opened:
    """A page opened in the browser, with what it logged and asked for while loading."""

    def __init__(self, browser: Any, path: Path, width: int) -> None:
        self.console: list[str] = []
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.goto(path.as_uri(), wait_until="load")

    def close(self) -> None:
        self.page.close()


def _pages(pages: Pages) -> list[tuple[str, Path, Path]]:
    return [
        ("report", pages.report, pages.report_json),
        ("domain", pages.domain, pages.domain_json),
    ]


@pytest.mark.parametrize("which", ["report", "domain"])
def test_a_page_in_chromium(browser: Any, pages: Pages, which: str) -> None:
    _, html, data_file = next(p for p in _pages(pages) if p[0] == which)
    data = json.loads(data_file.read_text("utf-8"))
    opened = Opened(browser, html, 1100)
    page = opened.page
    try:
        assert opened.console == []
        assert opened.requests == [html.as_uri()]
        assert opened.failed == []
        assert page.evaluate("document.scripts.length") == 0
        # The charts are in the DOM, each an SVG with marks, labelled for assistive technology.
        charts = page.locator("figure.chart")
        expected = 7 if which == "report" else 5
        assert charts.count() == expected
        for index in range(charts.count()):
            chart = charts.nth(index)
            assert chart.locator("svg path, svg rect").count() > 3
            label = chart.locator("[role=img]").get_attribute("aria-label")
            assert label
            assert len(label) > 30
            assert chart.locator("figcaption").inner_text()
        # Every figure shown is the JSON's, and its link leads to a query shown on the page.
        shown = page.eval_on_selector_all(
            "[data-key]",
            "els => els.map(e => [e.dataset.key, e.textContent, e.getAttribute('href')])",
        )
        assert len(shown) > 25
        for key, text, href in shown:
            assert text == f"{pointer(data, key):,}", key
            query = pointer(data, key.rsplit("/", 1)[0])["query"]
            assert page.locator(f"{href} code").inner_text() == query
        # Semantic structure: one h1, sections headed, every table captioned.
        assert page.locator("h1").count() == 1
        assert page.locator("main section:not(:has(h2))").count() == 0
        assert page.locator("table:not(:has(caption))").count() == 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{which}.png"), full_page=True)
    finally:
        opened.close()


@pytest.mark.parametrize("which", ["report", "domain"])
def test_a_page_in_a_narrow_window_and_in_print(browser: Any, pages: Pages, which: str) -> None:
    _, html, _ = next(p for p in _pages(pages) if p[0] == which)
    opened = Opened(browser, html, 360)
    page = opened.page
    try:
        # Nothing but the tables' own scroll boxes is wider than a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        widest = page.eval_on_selector_all(
            "figure.chart svg", "els => Math.max(...els.map(e => e.getBoundingClientRect().right))"
        )
        assert widest <= 360
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{which}-narrow.png"), full_page=False)
        page.emulate_media(media="print")
        assert page.locator("nav").is_hidden()
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
        assert len(pdf) > 10_000
        (ARTIFACTS / f"{which}.pdf").write_bytes(pdf)
    finally:
        opened.close()
