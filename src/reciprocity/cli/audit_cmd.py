"""``reciprocity audit INPUT... --out RUN``: a decision per document, with evidence; a summary."""

from __future__ import annotations

import argparse
import functools
import logging
import sys
from pathlib import Path

from reciprocity.cli import EXIT_OK, EXIT_PARTIAL, warn
from reciprocity.cli._fetch_options import add_fetch_arguments, cache_path, fetcher_options
from reciprocity.corpus.audit import run_audit
from reciprocity.corpus.policy import AuditPolicy
from reciprocity.corpus.readers import ColumnNames, CorpusReader
from reciprocity.corpus.samples import sample_corpus
from reciprocity.corpus.summary import render_summary, summarise
from reciprocity.corpus.writers import write_kept
from reciprocity.errors import UsageError
from reciprocity.sources.online import LiveSites, fetch_live
from reciprocity.sources.site import SiteSays
from reciprocity.sources.snapshots import load_snapshots

HELP = "Audit a corpus (WARC, JSONL, Parquet, HF dataset): keep or drop each document, with why."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", metavar="INPUT", nargs="*", help="corpus files or folders")
    parser.add_argument("--out", required=True, metavar="RUN_DIR", help="folder for the run")
    parser.add_argument(
        "--sample", action="store_true", help="audit the small real sample corpus shipped with us"
    )
    parser.add_argument("--use", default="train-ai", help="train-ai (default), ai-use or search")
    parser.add_argument(
        "--crawler",
        default="CCBot",
        metavar="TOKEN",
        help="the crawler that collected the data (a whole user agent is read as its token)",
    )
    parser.add_argument(
        "--honour",
        metavar="TOKENS",
        help="comma-separated robots.txt tokens honoured for --use (default: the catalogue's)",
    )
    parser.add_argument(
        "--robots",
        nargs="+",
        default=[],
        metavar="SNAPSHOT",
        help="robots.txt snapshots: WARC files of robots.txt responses, or folders of host files",
    )
    parser.add_argument(
        "--site-files",
        nargs="+",
        default=[],
        metavar="PATH",
        help="snapshots of tdmrep.json, ai.txt and RSL documents: WARC files of their responses,"
        " or folders laid out like the sites (HOST/.well-known/tdmrep.json, HOST/ai.txt …)",
    )
    parser.add_argument(
        "--robots-as-of", default="crawl", help="crawl (default), latest, strictest"
    )
    parser.add_argument("--unknown", default="allow", help="no statement: allow (default) or deny")
    parser.add_argument(
        "--unavailable", default="deny", help="no robots.txt for the host: deny (default) or allow"
    )
    parser.add_argument(
        "--accept", default="", metavar="OBLIGATIONS", help="obligations you commit to (credit,…)"
    )
    parser.add_argument(
        "--refuse",
        default="",
        metavar="OBLIGATIONS",
        help="obligations you will not take on (non-commercial,no-derivatives,…): "
        "an allow that carries one is not kept",
    )
    parser.add_argument("--limit", type=int, metavar="N", help="stop after N documents")
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="processes, one input file each (default 1; with --engine ray: shards at once,"
        " default the cluster's CPUs)",
    )
    parser.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help="where documents are decided: this machine (default), or Ray Data"
        " (pip install 'reciprocity[ray]')",
    )
    parser.add_argument(
        "--address",
        metavar="ADDR",
        help="with --engine ray: the Ray cluster to join (default: a new local instance)",
    )
    parser.add_argument("--url-column", default="url", help="URL column of JSONL/Parquet input")
    parser.add_argument("--html-column", help="HTML column of JSONL/Parquet input")
    parser.add_argument("--date-column", default="date", help="date column of JSONL/Parquet input")
    parser.add_argument(
        "--headers-column", default="headers", help="HTTP headers column of JSONL/Parquet input"
    )
    parser.add_argument(
        "--write-kept",
        action="store_true",
        help="write the kept documents into RUN_DIR/kept, in each input's own format",
    )
    parser.add_argument(
        "--online",
        action="store_true",
        help="fetch the site files (robots.txt, tdmrep.json, ai.txt, RSL) no snapshot nor input"
        " record holds, through the cache",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar, no summary")
    add_fetch_arguments(parser)


def run(args: argparse.Namespace) -> int:
    policy = AuditPolicy.from_options(
        use=args.use,
        crawler=args.crawler,
        honour=args.honour,
        robots_as_of=args.robots_as_of,
        unknown=args.unknown,
        unavailable=args.unavailable,
        accept=args.accept,
        refuse=args.refuse,
        warn=warn,
    )
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be 1 or more")
    if args.address is not None and args.engine != "ray":
        raise UsageError("--address needs --engine ray")
    engine = None
    if args.engine == "ray":
        from reciprocity.corpus.ray_engine import RayEngine  # noqa: PLC0415  # optional extra

        engine = RayEngine(args.address, args.workers)
    inputs = list(args.inputs)
    snapshots = list(args.robots)
    if args.sample:
        sample = sample_corpus()
        inputs += [str(p) for p in sample.inputs]
        snapshots += [str(p) for p in sample.robots]
    if not inputs:
        raise UsageError("no INPUT given (or use --sample for the bundled sample corpus)")
    columns_kwargs: dict[str, object] = {
        "url": args.url_column,
        "date": args.date_column,
        "headers": args.headers_column,
    }
    if args.html_column:
        columns_kwargs["html"] = (args.html_column,)
    columns = ColumnNames(**columns_kwargs)  # type: ignore[arg-type]
    site_files = list(args.site_files)
    loaded = None
    if snapshots or site_files:
        # On disk in the run's folder, read by every worker: removed when the run ends, and
        # replaced by the next run if this one is killed.
        folder = Path(args.out) / ".snapshots"
        loaded = load_snapshots(snapshots, site_files=site_files, index_folder=folder)
    live = None
    if args.online:
        path = cache_path(args)
        options = fetcher_options(args)
        # A partial of a module-level function pickles, so worker processes can fetch too.
        fetch = functools.partial(fetch_live, cache=path, agent=policy.crawler, **options)
        describe = {"cache": str(path) if path is not None else None, "user_agent": "default"}
        describe.update(options)
        live = LiveSites(fetch, describe=describe)
    source = SiteSays(loaded, live=live)
    if not args.quiet and not sys.stderr.isatty():
        logging.basicConfig(level=logging.INFO, format="reciprocity: %(message)s")

    # A partial of a module-level function pickles, so worker processes can use it.
    reader = CorpusReader(columns)

    try:
        result = run_audit(
            inputs,
            args.out,
            policy=policy,
            robots=source,
            reader=reader,
            limit=args.limit,
            progress=None if not args.quiet else False,
            snapshots=snapshots,
            site_files=site_files,
            workers=args.workers if args.workers is not None else 1,
            engine=engine,
        )
    finally:
        if loaded is not None:
            loaded.close()
    kept_line = ""
    if args.write_kept:
        kept = write_kept(result.out / "decisions.parquet", result.out / "kept")
        kept_line = f"kept documents: {kept.documents} in {kept.out}\n"
    text = render_summary(summarise(result.out))
    (result.out / "summary.md").write_text(text, encoding="utf-8")
    if not args.quiet:
        sys.stdout.write(text)
        sys.stdout.write(
            f"\ndecisions: {result.out / 'decisions.parquet'}\nrun: {result.out / 'run.json'}\n"
            + kept_line
        )
    return EXIT_PARTIAL if result.errors else EXIT_OK
