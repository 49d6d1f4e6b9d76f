"""Time `scan_html` per page on real HTML, with each pre-scan backend, in one run.

    .venv/bin/python benchmarks/html_scan.py [--repeat N] [--baseline OLD/signals/html.py]

The pages: the 54 HTML responses of ``/work/shared/data/warc`` stored without a content coding
(``text/html``, no ``Content-Encoding``: the 29 ClueWeb09 pages, which claim gzip, and the gzipped
Webrecorder capture are left out), 25 KB median, 43 KB mean, each scanned as an audit scans it
(with the charset of its ``Content-Type``). Each page is scanned ``--repeat`` times with each
backend, the backends taking turns, and its best time kept; the figures are the median and the
mean of those per-page bests. The pre-scan alone (the places the scan reads, found by hyperscan
or by the Python fallback) is timed the same way. Both backends must give equal results on every
page, or the run fails.

``--baseline`` times another revision's ``signals/html.py`` beside them (checked out elsewhere,
e.g. ``git worktree add /tmp/base COMMIT``; it must import with this tree's ``reciprocity``), and
says whether it gives the same results (compared through their ``repr``).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from reciprocity.corpus.readers import read_documents
from reciprocity.signals import _html_marks
from reciprocity.signals.html import (
    SCAN_BACKENDS,
    charset,
    is_html_type,
    scan_backend,
    scan_html,
    use_scan_backend,
)

WARCS = Path("/work/shared/data/warc")


def pages(folder: Path = WARCS) -> list[tuple[bytes, str | None]]:
    """(payload, transport charset) of every HTML response stored without a content coding."""
    found = []
    for path in sorted(folder.glob("*.warc.gz")):
        for document in read_documents(path):
            coded = any(name.lower() == "content-encoding" for name, _ in document.headers)
            if document.body and is_html_type(document.content_type) and not coded:
                found.append((document.body, charset(document.content_type)))
    if not found:
        raise SystemExit(f"no HTML responses found in {folder}")
    return found


def best_times(
    work: dict[str, tuple[str, Callable[[bytes, str | None], object]]],
    payloads: list[tuple[bytes, str | None]],
    repeat: int,
) -> dict[str, list[float]]:
    """Per page, the best of ``repeat`` runs of each piece of work (µs), the pieces taking turns;
    a piece is (backend, what it runs on a page)."""
    best = {name: [float("inf")] * len(payloads) for name in work}
    clock = time.perf_counter_ns
    for _ in range(repeat):
        for name, (backend, run) in work.items():
            use_scan_backend(backend)
            times = best[name]
            for i, (body, encoding) in enumerate(payloads):
                start = clock()
                run(body, encoding)
                took = (clock() - start) / 1000
                times[i] = min(times[i], took)
    return best


def _scan(body: bytes, encoding: str | None) -> object:
    return scan_html(body, encoding=encoding)


def _pre_scan(body: bytes, _encoding: str | None) -> object:
    return _html_marks.find(body)


def _baseline(path: Path) -> Callable[[bytes, str | None], object]:
    """``scan_html`` of another revision's ``html.py``."""
    spec = importlib.util.spec_from_file_location("baseline_html", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (its dataclasses look their module up)
    spec.loader.exec_module(module)
    scan: Callable[..., object] = module.scan_html

    def run(body: bytes, encoding: str | None) -> object:
        return scan(body, encoding=encoding)

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--baseline", type=Path, help="another revision's signals/html.py")
    args = parser.parse_args()

    payloads = pages()
    sizes = [len(body) for body, _ in payloads]
    chosen = scan_backend()
    try:
        version = importlib.metadata.version("hyperscan")
    except importlib.metadata.PackageNotFoundError:
        version = "not installed"
    print(
        f"python {platform.python_version()} ({platform.python_implementation()}), "
        f"{os.cpu_count()} CPUs; hyperscan {version}; backend chosen at import: {chosen}"
    )
    print(
        f"{len(payloads)} HTML pages of {WARCS}: {statistics.median(sizes) / 1000:.1f} KB median, "
        f"{statistics.mean(sizes) / 1000:.1f} KB mean; best of {args.repeat} per page"
    )
    backends = []
    for name in SCAN_BACKENDS:
        try:
            use_scan_backend(name)
        except ImportError:
            print(f"  {name}: not available here")
            continue
        backends.append(name)

    results = {}
    for name in backends:
        use_scan_backend(name)
        results[name] = [scan_html(body, encoding=encoding) for body, encoding in payloads]
    if len(backends) > 1 and results["hyperscan"] != results["python"]:
        raise SystemExit("the backends disagree on a page: run tests/signals/test_html_backends.py")

    work: dict[str, tuple[str, Callable[[bytes, str | None], object]]] = {}
    if args.baseline is not None:
        baseline = _baseline(args.baseline)
        same = all(
            repr(baseline(body, encoding)) == repr(result)
            for (body, encoding), result in zip(payloads, results[backends[-1]], strict=True)
        )
        print(f"  baseline {args.baseline}: {'same' if same else 'DIFFERENT'} results")
        work["scan_html, baseline"] = (backends[-1], baseline)
    for name in backends:
        work[f"scan_html, {name}"] = (name, _scan)
        work[f"pre-scan alone, {name}"] = (name, _pre_scan)
    best = best_times(work, payloads, args.repeat)
    use_scan_backend(None)
    total = sum(sizes)
    for name, times in best.items():
        print(
            f"  {name:26s} median {statistics.median(times):7.1f} µs   "
            f"mean {statistics.mean(times):7.1f} µs   {total / sum(times):6.1f} MB/s"
        )
    if len(backends) > 1:
        fast, slow = best["scan_html, hyperscan"], best["scan_html, python"]
        print(
            f"  python / hyperscan: {statistics.median(slow) / statistics.median(fast):.2f}x "
            f"(medians), {statistics.mean(slow) / statistics.mean(fast):.2f}x (means)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
