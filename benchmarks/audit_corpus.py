"""A generated corpus for the audit benchmark: real responses re-emitted onto synthetic hosts.

The 84 real ``response`` records of ``/work/shared/data/warc`` (Common Crawl, wget and ClueWeb09
captures: their HTTP header blocks and payloads byte for byte, quirks included) are written again
and again under ``https://siteNNNNN.example`` URLs, with known signals injected on a share of
them, as Common Crawl lays a crawl out: WARC/1.1 files of at most :data:`SHARD` records (at least
:data:`MIN_FILES` files), one gzip member per record. Beside them, ``robots.warc.gz`` holds a
robots.txt snapshot for most hosts, of several kinds (open, one crawler blocked, paths blocked,
Content-Signal, a long file, 404, 503) while some hosts have none.

    .venv/bin/python benchmarks/audit_corpus.py [--records N] [--hosts H]

prints the folder, building it first unless ``.cache/bench/`` already holds one of that size.
Everything derives from a seeded generator, so a size always gives the same bytes; memory stays
bounded whatever the size (records are streamed to disk).

Speed: a record's gzip member is the compressed WARC and HTTP headers (which change per record)
followed by the payload compressed once per distinct payload (a deflate stream may continue
with an independent one after a sync flush); only the CRC runs over every payload byte.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import struct
import sys
import uuid
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO, Final

import pyarrow as pa
import pyarrow.parquet as pq
from fastwarc.warc import ArchiveIterator, WarcRecordType

from reciprocity.sources.snapshots import write_snapshot_warc

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "bench"
REAL = Path("/work/shared/data/warc")
VERSION = 2
"""Bumped whenever the layout below changes, so that a cached corpus of the old layout is
not reused."""
SHARD = 25_000
"""Records per corpus file at most (Common Crawl's files hold about 30,000-50,000)."""
MIN_FILES = 8
"""Files at least, so that a run with workers has files to share out (a small corpus has
smaller files)."""
RECORDS = 200_000
CRAWLED = datetime(2026, 6, 1, tzinfo=timezone.utc)
FETCHED = datetime(2026, 5, 30, tzinfo=timezone.utc)

# What a host's robots.txt snapshot is: (name, weight, status or None for no snapshot, body).
_LONG_ROBOTS = "User-agent: *\n" + "".join(
    f"Disallow: /section-{n}/private/\nAllow: /section-{n}/private/public-*.html$\n"
    for n in range(120)
)
ROBOTS_KINDS: tuple[tuple[str, int, int | None, str], ...] = (
    ("open", 6, 200, "User-agent: *\nAllow: /\n"),
    ("ccbot-blocked", 2, 200, "User-agent: CCBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n"),
    ("gptbot-blocked", 2, 200, "User-agent: GPTBot\nDisallow: /\n"),
    (
        "paths-blocked",
        2,
        200,
        "User-agent: *\nDisallow: /company/\nDisallow: /*.php$\nDisallow: /wiki/Special:\n",
    ),
    (
        "content-signal",
        2,
        200,
        "User-agent: *\nContent-Signal: ai-train=no, search=yes\nAllow: /\n",
    ),
    ("long", 1, 200, _LONG_ROBOTS),
    ("robots-404", 2, 404, ""),
    ("robots-503", 1, 503, ""),
    ("no-snapshot", 2, None, ""),
)

# Signals injected into a page: (name, weight, extra HTTP header or None, <head> markup or "").
SIGNALS: tuple[tuple[str, int, tuple[str, str] | None, str], ...] = (
    ("none", 12, None, ""),
    ("aipref-header", 1, ("Content-Usage", "train-ai=n, search=y"), ""),
    ("noai-header", 1, ("X-Robots-Tag", "noai"), ""),
    ("noai-scoped-elsewhere", 1, ("X-Robots-Tag", "googlebot: noai"), ""),
    ("tdm-header", 1, ("tdm-reservation", "1"), ""),
    ("noai-meta", 1, None, '<meta name="robots" content="noai, noimageai">'),
    (
        "cc-by-link",
        1,
        None,
        '<link rel="license" href="https://creativecommons.org/licenses/by/4.0/">',
    ),
    ("tdm-meta", 1, None, '<meta name="tdm-reservation" content="1">'),
    ("aipref-and-meta", 1, ("Content-Usage", "train-ai=y"), '<meta name="robots" content="noai">'),
)

_HEAD_TAG = re.compile(rb"<head(?:\s[^>]*)?>", re.IGNORECASE)
_CONTENT_LENGTH = re.compile(rb"(?im)^content-length:[^\r\n]*")
_RAW_CODING = re.compile(rb"(?im)^(?:transfer|content)-encoding:")
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, no time: repeatable


@dataclass(frozen=True)
class Payload:
    """One real response: its HTTP header block (separator included) and its payload."""

    url: str
    head: bytes
    body: bytes
    html: bool
    """HTML whose bytes may be edited: neither chunked nor content-encoded as stored."""


@dataclass(frozen=True)
class Corpus:
    folder: Path
    files: tuple[Path, ...]
    robots: Path
    records: int
    hosts: int

    @property
    def bytes(self) -> int:
        return sum(f.stat().st_size for f in self.files)


def real_payloads(folder: Path = REAL) -> list[Payload]:
    """The response records of the real sample WARCs, in file order."""
    found = []
    for path in sorted(folder.glob("*.warc.gz")):
        with path.open("rb") as file:
            for record in ArchiveIterator(
                file, record_types=WarcRecordType.response, parse_http=False
            ):
                url = (record.headers.get("WARC-Target-URI") or "").strip("<>")
                block: bytes = record.reader.read()
                ends = [i for i in (block.find(b"\r\n\r\n"), block.find(b"\n\n")) if i >= 0]
                if not url or not ends:
                    continue
                cut = min(ends)
                cut += 4 if block[cut : cut + 4] == b"\r\n\r\n" else 2
                head, body = block[:cut], block[cut:]
                lower = head.lower()
                html = b"content-type: text/html" in lower and not _RAW_CODING.search(head)
                found.append(Payload(url, head, body, html))
    if not found:
        raise SystemExit(f"no real WARC responses found in {folder}")
    return found


def _path_of(url: str) -> str:
    rest = url.split("://", 1)[-1]
    slash = rest.find("/")
    path = rest[slash:] if slash >= 0 else "/"
    return path.split("#", 1)[0].replace(" ", "%20") or "/"


def _with_header(head: bytes, header: tuple[str, str] | None) -> bytes:
    if header is None:
        return head
    first = head.find(b"\n") + 1
    eol = b"\r\n" if head[first - 2 : first] == b"\r\n" else b"\n"
    return head[:first] + f"{header[0]}: {header[1]}".encode() + eol + head[first:]


def _with_markup(payload: Payload, markup: str) -> tuple[bytes, bytes]:
    """(head, body) with ``markup`` inserted after ``<head>`` (or at the start)."""
    tag = _HEAD_TAG.search(payload.body)
    at = tag.end() if tag is not None else 0
    body = payload.body[:at] + markup.encode() + payload.body[at:]
    head = _CONTENT_LENGTH.sub(f"Content-Length: {len(body)}".encode(), payload.head)
    return head, body


@dataclass(frozen=True)
class _Tail:
    """The part of a record that repeats: payload plus the record's closing CRLFs, deflated."""

    body_length: int
    data: bytes
    deflated: bytes


def _tail(body: bytes) -> _Tail:
    data = body + b"\r\n\r\n"
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return _Tail(len(body), data, compressor.compress(data) + compressor.flush())


def _member(head: bytes, tail: _Tail) -> bytes:
    """One gzip member holding ``head + tail.data``: the head deflated and sync-flushed (which
    ends byte-aligned and keeps the stream open), then the tail's own finished deflate stream,
    which references nothing before it."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    deflated = compressor.compress(head) + compressor.flush(zlib.Z_SYNC_FLUSH)
    crc = zlib.crc32(tail.data, zlib.crc32(head))
    size = (len(head) + len(tail.data)) & 0xFFFFFFFF
    return b"".join((_GZIP_HEADER, deflated, tail.deflated, struct.pack("<II", crc, size)))


def _warc_head(url: str, date: str, record_id: str, length: int) -> bytes:
    return (
        f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: {date}\r\n"
        f"WARC-Record-ID: <urn:uuid:{record_id}>\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def _pick(rng: random.Random, weights: Sequence[int]) -> int:
    return rng.choices(range(len(weights)), weights=weights)[0]


def _warcinfo(name: str) -> bytes:
    fields = b"software: reciprocity benchmarks/audit_corpus.py\r\nformat: WARC File Format 1.1\r\n"
    record_id = uuid.uuid5(uuid.NAMESPACE_URL, f"reciprocity-bench/{name}")
    head = (
        f"WARC/1.1\r\nWARC-Type: warcinfo\r\nWARC-Date: {CRAWLED:%Y-%m-%dT%H:%M:%SZ}\r\n"
        f"WARC-Filename: {name}\r\nWARC-Record-ID: <urn:uuid:{record_id}>\r\n"
        f"Content-Type: application/warc-fields\r\nContent-Length: {len(fields)}\r\n\r\n"
    ).encode()
    return gzip_member(head + fields + b"\r\n\r\n")


def gzip_member(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    deflated = compressor.compress(data) + compressor.flush()
    return _GZIP_HEADER + deflated + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def _records(
    records: int, hosts: int, payloads: Sequence[Payload], counts: Counter[str]
) -> Iterator[bytes]:
    """The gzip members of ``records`` response records, in crawl order."""
    rng = random.Random(f"reciprocity-bench-audit/{records}/{hosts}")
    signal_weights = [weight for _, weight, _, _ in SIGNALS]
    # Tails: one per payload plain, one per (payload, markup) for editable HTML.
    plain = [_tail(p.body) for p in payloads]
    marked: dict[tuple[int, int], tuple[bytes, _Tail]] = {}
    for index, payload in enumerate(payloads):
        if payload.html:
            for kind, (_, _, _, markup) in enumerate(SIGNALS):
                if markup:
                    head, body = _with_markup(payload, markup)
                    marked[index, kind] = head, _tail(body)
    paths = [_path_of(p.url) for p in payloads]
    for number in range(records):
        host = rng.randrange(hosts)
        index = rng.randrange(len(payloads))
        kind = _pick(rng, signal_weights)
        name, _, header, markup = SIGNALS[kind]
        payload = payloads[index]
        if markup and not payload.html:
            name, header, markup = "none", None, ""
        counts[name] += 1
        if markup:
            head, tail = marked[index, kind]
        else:
            head, tail = payload.head, plain[index]
        http_head = _with_header(head, header)
        url = f"https://site{host:05d}.example{paths[index]}"
        date = (CRAWLED + timedelta(seconds=number)).strftime("%Y-%m-%dT%H:%M:%SZ")
        record_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        warc = _warc_head(url, date, record_id, len(http_head) + tail.body_length)
        yield _member(warc + http_head, tail)


def _robots_entries(
    hosts: int, counts: Counter[str]
) -> list[tuple[str, datetime, int, list[tuple[str, str]], str]]:
    rng = random.Random(f"reciprocity-bench-robots/{hosts}")
    weights = [weight for _, weight, _, _ in ROBOTS_KINDS]
    entries = []
    for host in range(hosts):
        name, _, status, body = ROBOTS_KINDS[_pick(rng, weights)]
        counts[name] += 1
        if status is None:
            continue
        url = f"https://site{host:05d}.example/robots.txt"
        entries.append((url, FETCHED, status, [("Content-Type", "text/plain")], body))
    return entries


def _write_stream(file: BinaryIO, members: Iterator[bytes], count: int) -> None:
    for _ in range(count):
        file.write(next(members))


def corpus_folder(records: int, hosts: int) -> Path:
    return CACHE / f"audit-v{VERSION}-{records}-{hosts}"


def default_hosts(records: int) -> int:
    """One host per 40 records (5,000 at 200,000), at least 100."""
    return max(100, records // 40)


def _building(folder: Path) -> Path:
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    return building


def _finish(
    building: Path,
    folder: Path,
    *,
    records: int,
    hosts: int,
    names: list[str],
    signals: Counter[str],
    entries: Sequence[tuple[str, datetime, int, list[tuple[str, str]], bytes | str]] | None = None,
) -> None:
    """Write the hosts' robots.txt snapshots (``entries``, else the generated kinds) and the
    manifest, then move the corpus in place."""
    robots: Counter[str] = Counter()
    if entries is None:
        entries = list(_robots_entries(hosts, robots))
    else:
        robots["real"] = len(entries)
    write_snapshot_warc(building / "robots.warc.gz", entries, seed="bench")
    manifest = {
        "version": VERSION,
        "records": records,
        "hosts": hosts,
        "files": names,
        "signals": dict(sorted(signals.items())),
        "robots": dict(sorted(robots.items())),
    }
    (building / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    building.rename(folder)


def build(records: int = RECORDS, hosts: int | None = None, *, quiet: bool = False) -> Corpus:
    """The corpus of ``records`` records over ``hosts`` hosts, built unless already cached."""
    if records < 1:
        raise ValueError("records must be 1 or more")
    hosts = default_hosts(records) if hosts is None else hosts
    folder = corpus_folder(records, hosts)
    per_file = min(SHARD, -(-records // MIN_FILES))
    shards = -(-records // per_file)
    names = [f"corpus-{k:05d}.warc.gz" for k in range(shards)]
    if not (folder / "manifest.json").exists():
        if not quiet:
            print(f"building {records:,} records over {hosts:,} hosts in {folder} ...", flush=True)
        building = _building(folder)
        signals: Counter[str] = Counter()
        members = _records(records, hosts, real_payloads(), signals)
        for shard, name in enumerate(names):
            count = min(per_file, records - shard * per_file)
            with (building / name).open("wb") as file:
                file.write(_warcinfo(name))
                _write_stream(file, members, count)
        _finish(building, folder, records=records, hosts=hosts, names=names, signals=signals)
    return Corpus(
        folder,
        tuple(folder / name for name in names),
        folder / "robots.warc.gz",
        records,
        hosts,
    )


URL_SHARD = 1_000_000
"""Rows per Parquet file of the URL-only dataset (FineWeb and C4 ship files of about this)."""


REAL_ROBOTS: Final = (
    ROOT / ".cache" / "corpora" / "protego-0.7.0" / "protego-0.7.0" / "tests" / "test_data"
)
"""The real robots.txt files of the protego sdist (``scripts/bootstrap.py --test``)."""
_RULE_VALUE: Final = re.compile(rb"(?im)^[ \t]*(?:dis)?allow[ \t]*:[ \t]*(/[^\s#]*)")
_PLAIN_PATHS: Final = ("/", "/index.html", "/blog/2024/01/post-1.html", "/search?q=x", "/about/")


def _real_sites(hosts: int, unique: bool = False) -> tuple[list[bytes], list[list[str]]]:
    """Per host, a real robots.txt made its own (its sitemap line names the host, as most
    sites' files do: no two hosts serve the same bytes) and the paths its rows take: up to
    eight of the file's own rule values (``*`` filled in, ``$`` dropped) and plain paths.
    ``unique``: each file also ends with a rule naming its host, so that no two hosts' rules
    are the same either (the worst case: no decision is shared)."""
    folder = REAL_ROBOTS
    if not folder.is_dir():
        raise SystemExit(f"no robots.txt corpus at {folder}: run scripts/bootstrap.py --test")
    files = [folder / name for name in sorted(p.name for p in folder.iterdir() if p.is_file())]
    bodies: list[bytes] = []
    paths: list[list[str]] = []
    for host in range(hosts):
        data = files[host % len(files)].read_bytes()
        values = list(dict.fromkeys(m.decode("latin-1") for m in _RULE_VALUE.findall(data)))
        own = [v.replace("*", "x").removesuffix("$") for v in values[:8]]
        sitemap = f"\nSitemap: https://site{host:05d}.example/sitemap.xml\n".encode()
        if unique:
            sitemap += f"User-agent: *\nDisallow: /site{host:05d}-drafts/\n".encode()
        bodies.append(data + sitemap)
        paths.append([*own, *_PLAIN_PATHS])
    return bodies, paths


def build_urls(
    rows: int,
    hosts: int | None = None,
    *,
    real: bool = False,
    unique: bool = False,
    quiet: bool = False,
) -> Corpus:
    """A URL-only dataset of ``rows`` rows (``url``, ``date``; no HTML, as FineWeb- or C4-style
    datasets are audited) in Parquet files of :data:`URL_SHARD` rows, over ``hosts`` hosts (one
    per 40 rows by default, at most 250,000), with the robots.txt snapshots of those hosts
    (the same kinds and weights as the WARC corpus; with ``real``, a real file per host, every
    host's bytes its own, and paths from its rules; with ``unique`` too, every host's rules its
    own). Built unless already cached."""
    if rows < 1:
        raise ValueError("rows must be 1 or more")
    hosts = min(default_hosts(rows), 250_000) if hosts is None else hosts
    real = real or unique
    kind = "-unique" if unique else "-real" if real else ""
    folder = CACHE / f"urls-v{VERSION}-{rows}-{hosts}{kind}"
    shards = -(-rows // URL_SHARD)
    names = [f"urls-{k:05d}.parquet" for k in range(shards)]
    if not (folder / "manifest.json").exists():
        if not quiet:
            print(f"building {rows:,} URL rows over {hosts:,} hosts in {folder} ...", flush=True)
        building = _building(folder)
        rng = random.Random(f"reciprocity-bench-urls/{rows}/{hosts}")
        bodies, paths = _real_sites(hosts, unique) if real else ([], [])
        for shard, name in enumerate(names):
            count = min(URL_SHARD, rows - shard * URL_SHARD)
            first = shard * URL_SHARD
            urls = []
            for i in range(count):
                host = rng.randrange(hosts)
                path = rng.choice(paths[host]) if real else f"/p/{first + i}.html"
                urls.append(f"https://site{host:05d}.example{path}")
            table = pa.table(
                {"url": urls, "date": pa.array([CRAWLED] * count, pa.timestamp("us", "UTC"))}
            )
            pq.write_table(table, building / name)
        entries = [
            (
                f"https://site{host:05d}.example/robots.txt",
                FETCHED,
                200,
                [("Content-Type", "text/plain")],
                body,
            )
            for host, body in enumerate(bodies)
        ]
        _finish(
            building,
            folder,
            records=rows,
            hosts=hosts,
            names=names,
            signals=Counter(),
            entries=entries if real else None,
        )
    return Corpus(
        folder, tuple(folder / name for name in names), folder / "robots.warc.gz", rows, hosts
    )


def manifest(corpus: Corpus) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((corpus.folder / "manifest.json").read_text("utf-8"))
    return loaded


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=RECORDS)
    parser.add_argument("--hosts", type=int, default=None, help="default: one per 40 records")
    args = parser.parse_args(argv)
    corpus = build(args.records, args.hosts)
    print(corpus.folder)
    print(json.dumps(manifest(corpus), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
