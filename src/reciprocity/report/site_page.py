"""``reciprocity report RUN --domain NAME``: the publisher's page of one site, and its JSON."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reciprocity.report.options import ReportOptions
from reciprocity.report.overview import Scope, scoped
from reciprocity.report.page import write_pair
from reciprocity.report.publisher import page_path, site, site_figures
from reciprocity.report.run import open_run
from reciprocity.report.write import ReportFiles, report_folder

__all__ = ["write_domain_page"]


def write_domain_page(
    run_dir: str | Path,
    domain: str,
    out: str | Path | None = None,
    *,
    options: ReportOptions | None = None,
    progress: Callable[[str], None] | None = None,
) -> ReportFiles:
    """Write the publisher's page of ``domain`` (``domain-NAME.html`` and ``.json``) into
    ``out`` (default ``run_dir/report``).

    Raises :class:`~reciprocity.errors.UsageError` when ``domain`` is not a registrable domain
    (or an IP address) or ``out`` is a file, :class:`~reciprocity.errors.InputError` when
    ``run_dir`` is not a completed run this version reads.
    """
    name = site(domain)
    run = open_run(run_dir)
    folder = report_folder(run, out)
    html, data_file = page_path(folder, name, ".html"), page_path(folder, name, ".json")
    if progress is not None:
        progress(f"the page of {name}")
    scope = Scope(name)
    with run.query() as db:
        scoped(db, scope)
        data = site_figures(db, run, options or ReportOptions(), scope)
    return ReportFiles(folder, tuple(write_pair(html, data_file, data, "domain.html.j2")))
