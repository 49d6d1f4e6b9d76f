"""robots.txt matchers on the same real corpus: reciprocity, protego, urllib.robotparser and
fast-robotstxt (Google's C++ matcher, forked), in one run.

    .venv/bin/python benchmarks/robots.py            # the whole corpus (a few minutes)
    .venv/bin/python benchmarks/robots.py --quick    # every 10th file
    .venv/bin/python benchmarks/robots.py --memory   # plus memory held by the parsed corpus

For each library, the best CPU time of ``--repeats`` (3) runs (each run goes round all the
libraries) of:

* parse: every file, from the bytes fetched to a parsed object (protego and urllib are handed the
  bytes decoded as UTF-8 with ``errors="replace"``, urllib as lines; the decoding is timed);
* query: every query of every file on freshly parsed objects (lazy indexes are built, and
  timed, on the first query that needs them);
* e2e: per file, parse once and then ask all of that file's queries (163 a file on average);
* few: the same end to end, with a few of the file's queries (``CorpusFile.few_queries``: 3
  agents times 5 URLs), as an audit asks a host's robots.txt about a few of its pages. Parsing
  dominates here.

reciprocity reads, when it parses, the lines that queries need (rules, group starts, known
records); the records and diagnostics of the other lines are read when first asked for. Its
"parse, every line" figure times that too (``RobotsTxt.parse(data).diagnostics``).

fast-robotstxt has no parse-once API: every call parses the whole file again, so its query mode
already includes a parse per query, its e2e and few modes are query modes, and its parse mode is
one parse plus one query per file. It is called through its C entry point with the raw bytes (the
fastest way in; its ``is_allowed`` would also re-encode the text on every call).

Agreement is measured against fast-robotstxt's own verdicts on the queries it labels as upstream
Google would (see ``robots_corpus.rewrite_reason``). The run exits non-zero only on an error;
a missed target prints MISS.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import os
import platform
import resource
import sys
import time
import tracemalloc
import urllib.robotparser
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import robots_corpus as corpus
from protego import Protego

from reciprocity.signals.robots import RobotsTxt, forget_parses

TARGET_E2E_VS_PROTEGO = 2.0
TARGET_FEW_VS_PROTEGO = 2.0
TARGET_QUERY_VS_FAST = 1.0
TARGET_AGREEMENT = 0.9995

Queries = Sequence[Sequence[tuple[str, str]]]


@dataclass
class Result:
    name: str
    parse_s: float = 0.0
    query_s: float = 0.0
    e2e_s: float = 0.0
    few_s: float = 0.0
    few_disallowed: int = 0
    full_parse_s: float = float("inf")
    """reciprocity only: parse, then read every line (records and diagnostics)."""
    verdicts: list[bool] = field(default_factory=list)
    rss_mib: float = 0.0


@dataclass(frozen=True)
class Library:
    """How one library parses a file and answers queries; the loops are written per library so
    that no adapter call sits between the loop and the library."""

    name: str
    parse: Callable[[bytes], Any]
    query: Callable[[Sequence[Any], Queries], list[bool]]
    e2e: Callable[[Sequence[bytes], Queries], int]


def _ours_query(parsed: Sequence[RobotsTxt], queries: Queries) -> list[bool]:
    out: list[bool] = []
    append = out.append
    for robots, asked in zip(parsed, queries, strict=True):
        allowed = robots.allowed
        for agent, url in asked:
            append(allowed(url, agent))
    return out


def _ours_e2e(heads: Sequence[bytes], queries: Queries) -> int:
    disallowed = 0
    parse = RobotsTxt.parse
    for head, asked in zip(heads, queries, strict=True):
        allowed = parse(head).allowed
        for agent, url in asked:
            if not allowed(url, agent):
                disallowed += 1
    return disallowed


def _protego_parse(head: bytes) -> Any:
    return Protego.parse(head.decode("utf-8", "replace"))


def _protego_query(parsed: Sequence[Any], queries: Queries) -> list[bool]:
    out: list[bool] = []
    append = out.append
    for robots, asked in zip(parsed, queries, strict=True):
        can_fetch = robots.can_fetch
        for agent, url in asked:
            append(bool(can_fetch(url, agent)))
    return out


def _protego_e2e(heads: Sequence[bytes], queries: Queries) -> int:
    disallowed = 0
    for head, asked in zip(heads, queries, strict=True):
        can_fetch = Protego.parse(head.decode("utf-8", "replace")).can_fetch
        for agent, url in asked:
            if not can_fetch(url, agent):
                disallowed += 1
    return disallowed


def _urllib_parse(head: bytes) -> urllib.robotparser.RobotFileParser:
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(head.decode("utf-8", "replace").splitlines())
    return parser


def _urllib_query(parsed: Sequence[Any], queries: Queries) -> list[bool]:
    out: list[bool] = []
    append = out.append
    for robots, asked in zip(parsed, queries, strict=True):
        can_fetch = robots.can_fetch
        for agent, url in asked:
            append(can_fetch(agent, url))
    return out


def _urllib_e2e(heads: Sequence[bytes], queries: Queries) -> int:
    disallowed = 0
    for head, asked in zip(heads, queries, strict=True):
        can_fetch = _urllib_parse(head).can_fetch
        for agent, url in asked:
            if not can_fetch(agent, url):
                disallowed += 1
    return disallowed


ORACLE = corpus.Oracle()


def _fast_parse(head: bytes) -> bytes:
    # No parsed object exists: "parse" is one full call (parse + match) per file.
    ORACLE.allowed(head, corpus.AGENTS[0], "https://example.com/")
    return head


def _fast_query(parsed: Sequence[bytes], queries: Queries) -> list[bool]:
    out: list[bool] = []
    append = out.append
    allowed = ORACLE.allowed
    for head, asked in zip(parsed, queries, strict=True):
        for agent, url in asked:
            append(allowed(head, agent, url))
    return out


def _fast_e2e(heads: Sequence[bytes], queries: Queries) -> int:
    return sum(not v for v in _fast_query(heads, queries))


LIBRARIES = (
    Library("reciprocity", RobotsTxt.parse, _ours_query, _ours_e2e),
    Library("protego", _protego_parse, _protego_query, _protego_e2e),
    Library("urllib.robotparser", _urllib_parse, _urllib_query, _urllib_e2e),
    Library("fast-robotstxt", _fast_parse, _fast_query, _fast_e2e),
)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _timed(run: Callable[[], Any]) -> tuple[float, Any]:
    # CPU time of this process: on a shared machine, the time others' work takes the CPU away
    # does not count (every library is single-threaded, so on an idle machine it is wall time).
    # Each pass parses the files afresh: none is shared with the previous pass's parse of it.
    forget_parses()
    gc.collect()
    start = time.process_time()
    out = run()
    return time.process_time() - start, out


def measure(
    library: Library, heads: Sequence[bytes], queries: Queries, few: Queries, result: Result
) -> None:
    """One run of every mode; ``result`` keeps the best times (and the first run's verdicts)."""
    took, parsed = _timed(lambda: [library.parse(head) for head in heads])
    result.parse_s = min(result.parse_s, took)
    took, verdicts = _timed(partial(library.query, parsed, queries))
    result.query_s = min(result.query_s, took)
    if not result.verdicts:
        result.verdicts = verdicts
    del parsed, verdicts
    if library.name == "fast-robotstxt":
        result.e2e_s = result.query_s  # it parses on every query anyway
    else:
        took, _ = _timed(lambda: library.e2e(heads, queries))
        result.e2e_s = min(result.e2e_s, took)
    took, result.few_disallowed = _timed(lambda: library.e2e(heads, few))
    result.few_s = min(result.few_s, took)
    if library.name == "reciprocity":
        took, _ = _timed(lambda: [RobotsTxt.parse(head).diagnostics for head in heads])
        result.full_parse_s = min(result.full_parse_s, took)
    result.rss_mib = result.rss_mib or _rss_mib()


def retained(library: Library, heads: Sequence[bytes], queries: Queries) -> tuple[float, float]:
    """MiB held by the parsed corpus (tracemalloc): after parsing, and after every query (lazy
    indexes and caches included). Untimed: tracing slows everything down."""
    gc.collect()
    tracemalloc.start()
    try:
        parsed = [library.parse(head) for head in heads]
        gc.collect()
        after_parse = tracemalloc.get_traced_memory()[0]
        verdicts = library.query(parsed, queries)
        del verdicts
        gc.collect()
        after_queries = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return after_parse / 2**20, after_queries / 2**20


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="every 10th file only")
    parser.add_argument("--repeats", type=int, default=3, help="runs per mode; the best counts")
    parser.add_argument(
        "--memory", action="store_true", help="also measure the memory a parsed corpus holds"
    )
    args = parser.parse_args(argv)

    folder = corpus.corpus_dir()
    if not folder.is_dir():
        print(f"corpus not found at {folder} (run: python3 scripts/bootstrap.py --test)")
        return 2
    files = corpus.load_corpus(folder)
    if args.quick:
        files = files[::10]
    heads = [file.head for file in files]
    queries = [list(file.queries) for file in files]
    few = [file.few_queries() for file in files]
    few_queries = sum(map(len, few))
    reasons = [[corpus.rewrite_reason(url) for _, url in asked] for asked in queries]
    total_queries = sum(map(len, queries))
    size = sum(len(file.data) for file in files)
    read = sum(map(len, heads))
    excluded: dict[str, int] = {}
    for per_file in reasons:
        for reason in per_file:
            if reason is not None:
                excluded[reason] = excluded.get(reason, 0) + 1
    labelled = total_queries - sum(excluded.values())

    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPUs; reciprocity vs protego "
        f"{_version('protego')}, urllib.robotparser, fast-robotstxt {_version('fast-robotstxt')}"
    )
    print(
        f"corpus {folder}\n  {len(files)} files, {size / 1e6:.1f} MB ({read / 1e6:.1f} MB read: "
        f"files cut at {corpus.ORACLE_BYTES // 1024} KiB), {total_queries:,} queries, "
        f"{labelled:,} labelled by the oracle, {total_queries - labelled:,} not "
        f"{dict(sorted(excluded.items()))}"
    )
    print(
        f"  few-queries workload: {few_queries:,} queries ({few_queries / len(files):.1f} a file: "
        f"{corpus.FEW_AGENTS} agents x {corpus.FEW_URLS} URLs)"
    )
    print(f"  repeats: best of {args.repeats}; peak RSS before any library {_rss_mib():.0f} MiB")

    # The repeats go round the libraries, so that a machine busier for a while slows each of
    # them in some run rather than one library in all of its runs.
    inf = float("inf")
    results = {library.name: Result(library.name, inf, inf, inf, inf) for library in LIBRARIES}
    for repeat in range(args.repeats):
        for library in LIBRARIES:
            measure(library, heads, queries, few, results[library.name])
        print(f"  run {repeat + 1} of {args.repeats} done", flush=True)
    for result in results.values():
        print(
            f"  {result.name:<19} parse {result.parse_s:6.2f} s  query {result.query_s:6.2f} s  "
            f"e2e {result.e2e_s:6.2f} s  few {result.few_s:6.2f} s  "
            f"peak RSS {result.rss_mib:.0f} MiB"
        )

    # Flat indexes of the labelled queries: all of them, and split by kind of agent.
    agents = [agent for asked in queries for agent, _ in asked]
    labelled_at = [i for i, reason in enumerate(r for per in reasons for r in per) if not reason]
    fixed_at = [i for i in labelled_at if agents[i] in corpus.AGENTS]
    named_at = [i for i in labelled_at if agents[i] not in corpus.AGENTS]
    oracle = results["fast-robotstxt"].verdicts

    def agreement(result: Result, among: Sequence[int] = labelled_at) -> tuple[float, int]:
        verdicts = result.verdicts
        differ = sum(verdicts[i] is not oracle[i] for i in among)
        return 1 - differ / max(len(among), 1), differ

    print()
    header = (
        f"{'library':<19} {'parse files/s':>13} {'MB/s':>7} {'query q/s':>11} "
        f"{'e2e q/s':>11} {'(files/s)':>9} {'few files/s':>11} {'agrees':>9} {'differ':>7} "
        f"{'disallowed':>10}"
    )
    print(header)
    print("-" * len(header))
    for name, result in results.items():
        rate, differ = agreement(result)
        disallowed = 1 - sum(result.verdicts) / len(result.verdicts)
        note = " *" if name == "fast-robotstxt" else ""
        print(
            f"{name:<19} {len(files) / result.parse_s:13,.0f} {read / result.parse_s / 1e6:7.1f} "
            f"{total_queries / result.query_s:11,.0f} {total_queries / result.e2e_s:11,.0f} "
            f"{len(files) / result.e2e_s:9,.0f} {len(files) / result.few_s:11,.0f} "
            f"{rate:9.4%} {differ:7,} {disallowed:10.1%}{note}"
        )
    print(
        "* fast-robotstxt: parse = one parse + one query per file; every query re-parses the "
        "file;\n  it is the oracle (its verdicts on the labelled queries define agreement)."
    )
    ours = results["reciprocity"]
    print(
        f"reciprocity parse, every line (records and diagnostics read too): "
        f"{len(files) / ours.full_parse_s:,.0f} files/s, {read / ours.full_parse_s / 1e6:.1f} MB/s"
    )
    print(
        f"few-queries workload, disallowed of {few_queries:,}: "
        + ", ".join(f"{name} {result.few_disallowed:,}" for name, result in results.items())
    )
    print(
        f"\nagreement by agent: {len(fixed_at):,} queries for {', '.join(corpus.AGENTS)}; "
        f"{len(named_at):,} for agents the file itself names"
    )
    for name, result in results.items():
        if name != "fast-robotstxt":
            print(
                f"  {name:<19} {agreement(result, fixed_at)[0]:9.4%} "
                f"{agreement(result, named_at)[0]:9.4%}"
            )

    protego = results["protego"]
    stdlib = results["urllib.robotparser"]
    fast = results["fast-robotstxt"]
    print("\nratios (reciprocity / other; > 1: reciprocity faster)")
    for other in (protego, stdlib, fast):
        print(
            f"  vs {other.name:<19} parse {other.parse_s / ours.parse_s:6.2f}x  "
            f"query {other.query_s / ours.query_s:6.2f}x  e2e {other.e2e_s / ours.e2e_s:6.2f}x  "
            f"few {other.few_s / ours.few_s:6.2f}x"
        )
    e2e_ratio = protego.e2e_s / ours.e2e_s
    few_ratio = protego.few_s / ours.few_s
    query_ratio = fast.query_s / ours.query_s
    our_agreement = agreement(ours)[0]
    print("\ntargets")
    for ok, text in (
        (
            e2e_ratio >= TARGET_E2E_VS_PROTEGO,
            f"e2e vs protego {e2e_ratio:.2f}x (target >= {TARGET_E2E_VS_PROTEGO:g}x)",
        ),
        (
            few_ratio >= TARGET_FEW_VS_PROTEGO,
            f"few-queries e2e vs protego {few_ratio:.2f}x (target >= {TARGET_FEW_VS_PROTEGO:g}x)",
        ),
        (
            query_ratio >= TARGET_QUERY_VS_FAST,
            f"query on a parsed file vs fast-robotstxt per query {query_ratio:.2f}x "
            f"(target >= {TARGET_QUERY_VS_FAST:g}x)",
        ),
        (
            our_agreement >= TARGET_AGREEMENT,
            f"agreement with Google {our_agreement:.4%} (target >= {TARGET_AGREEMENT:.2%})",
        ),
    ):
        print(f"  {'PASS' if ok else 'MISS'}  {text}")
    print(
        f"\npeak RSS {_rss_mib():.0f} MiB (whole process: corpus, queries and all four libraries)"
    )
    if args.memory:
        print("memory held by the parsed corpus (tracemalloc): after parse, after all queries")
        for library in LIBRARIES[:3]:
            parsed_mib, queried_mib = retained(library, heads, queries)
            print(f"  {library.name:<19} {parsed_mib:7.1f} MiB {queried_mib:7.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
