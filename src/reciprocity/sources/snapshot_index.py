"""The on-disk index of site snapshots: every fetch loaded, keyed by URL, in one SQLite file.

An audit's snapshots may cover millions of hosts (Common Crawl's robots.txt WARCs hold that
many). Held in memory, they would fill the process that loaded them, and every worker process
would hold a copy of its own. They are written instead, as they are read, into one SQLite file
(in the standard library, and read by many processes at once without a server):
:class:`IndexWriter` stores each fetch, its body, and what the loader says of the whole;
:class:`Index` then answers with the fetches of one URL, and reads a body when asked. An
``Index`` pickles as its path: a worker process opens the file, read-only, on first use.

The file is removed when the index that built it is closed or garbage-collected, or when the
process that built it exits; a process that only unpickled it never removes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Final, NamedTuple, TypeVar

from reciprocity._dates import utc

__all__ = ["INDEX_NAME", "Index", "IndexWriter", "IndexedFetch"]

_K = TypeVar("_K")
_V = TypeVar("_V")

INDEX_NAME: Final = "snapshots.sqlite"
"""The index's file name in a folder the caller names (a run's ``.snapshots/``)."""

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND: Final = timedelta(microseconds=1)
_BATCH: Final = 10_000
"""Fetches held before they are written: bounds what loading holds, whatever the input size."""
_RECENT: Final = 4096
"""Distinct bodies and file names remembered while loading, so that one seen again (a CMS's
default robots.txt, the empty body of a 404, the WARC file of the next record) is not written
again. One seen again after that many others is written twice: it costs disk, not memory."""

# Fetches are stored in the order a lookup reads them: by URL key, then date, then load order
# (``id``), so that the fetches of one URL are one search of one B-tree (a table WITHOUT ROWID
# is that B-tree). ``at`` is the date in microseconds since 1970, UTC (:data:`_UNDATED`: none,
# so that undated fetches come first); a date in another zone than UTC, or a naive one, is
# kept as written too, in ``zoned``, and given back exactly. While loading, fetches are
# appended to a scratch table in another file; :meth:`IndexWriter.finish` sorts them in.
_FETCH_COLUMNS: Final = """
    key TEXT NOT NULL,
    at INTEGER NOT NULL,
    id INTEGER NOT NULL,
    zoned TEXT,
    status INTEGER,
    location TEXT,
    body INTEGER NOT NULL,
    file INTEGER NOT NULL,
    offset INTEGER NOT NULL,
    note TEXT NOT NULL"""
_SCHEMA: Final = f"""
CREATE TABLE files (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE bodies (id INTEGER PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE fetches ({_FETCH_COLUMNS},
    PRIMARY KEY (key, at, id)
) WITHOUT ROWID;
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE scratch.fetches ({_FETCH_COLUMNS});
CREATE TABLE scratch.payloads (digest TEXT PRIMARY KEY, body INTEGER NOT NULL);
"""
_UNDATED: Final = -(2**63)

# Written once, read only: no journal, no syncing, one writer. The page cache is bounded (and
# spills to the file), so that sorting millions of fetches stays small.
_BUILDING: Final = (
    "PRAGMA {db}.journal_mode = OFF",
    "PRAGMA {db}.synchronous = OFF",
    "PRAGMA {db}.locking_mode = EXCLUSIVE",
    "PRAGMA {db}.cache_size = -4096",
)

_FETCHES: Final = """
SELECT id, key, at, zoned, status, location, body, file, offset, note
FROM fetches WHERE key = ? ORDER BY at, id
"""
_FILE_NAMES: Final = 1024
"""File names a reader remembers (a snapshot WARC holds many fetches; a host file one)."""


class IndexedFetch(NamedTuple):
    """One fetch of a URL as the index holds it; its body is read apart (:meth:`Index.body`)."""

    id: int
    """Its place in load order: what parsed snapshots are cached by."""
    key: str
    """The fetched URL, normalised (origin + path + query)."""
    fetched: datetime | None
    status: int | None
    location: str | None
    body: int
    """Its body's number in the index."""
    file: str
    """Where it was read."""
    offset: int
    """The record's byte offset in ``file``; -1 when ``file`` alone says where."""
    note: str

    @property
    def source(self) -> str:
        return self.file if self.offset < 0 else f"{self.file}:{self.offset}"


def _at(fetched: datetime | None) -> int:
    if fetched is None:
        return _UNDATED
    try:
        return (utc(fetched) - _EPOCH) // _MICROSECOND
    except OverflowError:
        # Within hours of the ends of datetime's range an offset date has no UTC form: it
        # sorts at that end (its own zoned form is what is read back).
        edge = datetime.min if fetched.year == 1 else datetime.max
        return (edge.replace(tzinfo=timezone.utc) - _EPOCH) // _MICROSECOND


def _date(at: int, zoned: str | None) -> datetime | None:
    if zoned is not None:
        return datetime.fromisoformat(zoned)
    return None if at == _UNDATED else _EPOCH + at * _MICROSECOND


def _remove(path: Path, folder: Path | None, pid: int) -> None:
    """Delete an index file (and the folder made for it, or the caller's when left empty); only
    in the process that built it: a forked child has a copy of the object, not the file."""
    if os.getpid() != pid:
        return
    with contextlib.suppress(OSError):
        path.unlink()
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.parent.rmdir()


class IndexWriter:
    """Builds an index file: :meth:`add` each fetch as it is read, then :meth:`finish`.

    ``folder``: where the file goes (created if missing; an index left there by a killed run is
    replaced); ``None``: a new temporary folder, removed with the file."""

    def __init__(self, folder: str | Path | None = None) -> None:
        if folder is None:
            self._made: Path | None = Path(tempfile.mkdtemp(prefix="reciprocity-snapshots-"))
            self.path = self._made / INDEX_NAME
        else:
            self._made = None
            Path(folder).mkdir(parents=True, exist_ok=True)
            self.path = Path(folder) / INDEX_NAME
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        # The scratch file holds what is needed only while loading: the fetches in load order,
        # and the bodies WARC-Payload-Digests name (for the revisit records that follow).
        self._scratch = self.path.with_name(f"{INDEX_NAME}-loading")
        with contextlib.suppress(FileNotFoundError):
            self._scratch.unlink()
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("ATTACH DATABASE ? AS scratch", (str(self._scratch),))
        for db in ("main", "scratch"):
            for pragma in _BUILDING:
                self._db.execute(pragma.format(db=db))
        self._db.executescript(_SCHEMA)
        self._db.execute("BEGIN")
        self._fetches: list[tuple[Any, ...]] = []
        self._bodies: list[tuple[int, bytes]] = []
        self._payloads: list[tuple[str, int]] = []
        self._recent_bodies: OrderedDict[bytes, int] = OrderedDict()
        self._recent_files: OrderedDict[str, int] = OrderedDict()
        self._counts = {"fetches": 0, "bodies": 0, "files": 0}
        self._last: tuple[bytes | None, int] = (None, 0)

    def add(
        self,
        key: str,
        *,
        fetched: datetime | None,
        status: int | None,
        location: str | None,
        body: bytes,
        file: str,
        offset: int,
        note: str,
    ) -> None:
        """Store one fetch of ``key``."""
        number = self._counts["fetches"] = self._counts["fetches"] + 1
        zoned = None
        if fetched is not None and fetched.tzinfo is not timezone.utc:
            zoned = fetched.isoformat()
        self._fetches.append(
            (key, _at(fetched), number, zoned, status, location, self._body(body),
             self._file(file), offset, note)
        )  # fmt: skip
        if len(self._fetches) >= _BATCH:
            self._flush()

    def remember_payload(self, payload_digest: str, body: bytes) -> None:
        """``body`` is what a record with this ``WARC-Payload-Digest`` held (the last one wins)."""
        self._payloads.append((payload_digest, self._body(body)))

    def payload(self, payload_digest: str) -> bytes | None:
        """The body remembered for a ``WARC-Payload-Digest`` (for a revisit record), or None."""
        self._flush()
        found = self._db.execute(
            "SELECT b.body FROM scratch.payloads AS p JOIN bodies AS b ON b.id = p.body"
            " WHERE p.digest = ?",
            (payload_digest,),
        ).fetchone()
        return None if found is None else bytes(found[0])

    def _body(self, body: bytes) -> int:
        if body is self._last[0]:
            return self._last[1]  # a record's body, remembered for its payload digest first
        number = self._stored_body(body)
        self._last = (body, number)
        return number

    def _stored_body(self, body: bytes) -> int:
        digest = hashlib.blake2b(body, digest_size=16).digest()
        found = self._recent_bodies.get(digest)
        if found is not None:
            self._recent_bodies.move_to_end(digest)
            return found
        number = self._counts["bodies"] = self._counts["bodies"] + 1
        self._bodies.append((number, body))
        _remember(self._recent_bodies, digest, number)
        return number

    def _file(self, name: str) -> int:
        found = self._recent_files.get(name)
        if found is not None:
            self._recent_files.move_to_end(name)
            return found
        number = self._counts["files"] = self._counts["files"] + 1
        self._db.execute("INSERT INTO files VALUES (?, ?)", (number, name))
        _remember(self._recent_files, name, number)
        return number

    def _flush(self) -> None:
        for statement, rows in (
            ("INSERT INTO bodies VALUES (?, ?)", self._bodies),
            ("INSERT INTO scratch.fetches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self._fetches),
            ("INSERT OR REPLACE INTO scratch.payloads VALUES (?, ?)", self._payloads),
        ):
            if rows:
                self._db.executemany(statement, rows)
                rows.clear()

    def finish(self, describe: Callable[[Iterator[str]], Mapping[str, Any]]) -> Index:
        """Write what is left and the key's B-tree; store what ``describe`` says of the URL keys
        (each once, in order) as the index's meta; return the index, read-only from now on."""
        self._flush()
        self._db.execute("INSERT INTO fetches SELECT * FROM scratch.fetches ORDER BY key, at, id")
        keys = (row[0] for row in self._db.execute("SELECT DISTINCT key FROM fetches"))
        meta = dict(describe(keys))
        self._db.executemany(
            "INSERT INTO meta VALUES (?, ?)", ((k, json.dumps(v)) for k, v in meta.items())
        )
        self._db.execute("COMMIT")
        self._close()
        index = Index(self.path)
        index._cleanup = weakref.finalize(index, _remove, self.path, self._made, os.getpid())
        return index

    def abort(self) -> None:
        """Close and remove the file (loading failed)."""
        self._close()
        _remove(self.path, self._made, os.getpid())

    def _close(self) -> None:
        self._db.close()
        with contextlib.suppress(OSError):
            self._scratch.unlink()


_FORKS: Final = [0]
"""Forks this process descends from: a connection opened before a fork is not used after it
(counted rather than compared with ``os.getpid()``, a system call, on every lookup)."""


def _forked() -> None:
    _FORKS[0] += 1


if hasattr(os, "register_at_fork"):  # not on Windows, which does not fork
    os.register_at_fork(after_in_child=_forked)


def _remember(recent: OrderedDict[_K, _V], key: _K, value: _V, size: int = _RECENT) -> None:
    recent[key] = value
    if len(recent) > size:
        recent.popitem(last=False)


class Index:
    """A built index file, opened read-only on first use in each process.

    The one :meth:`IndexWriter.finish` returns removes the file, in the process that built it:
    at :meth:`close`, when it is collected, or at exit."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None
        self._opened_in = -1
        self._meta: dict[str, Any] | None = None
        self._names: OrderedDict[int, str] = OrderedDict()
        self._cleanup: weakref.finalize[Any, Index] | None = None

    def __repr__(self) -> str:
        return f"Index({str(self.path)!r})"

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path}  # the path only: no rows, no connection, no ownership

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"])  # type: ignore[misc]

    def _connection(self) -> sqlite3.Connection:
        # A connection is used only in the process that opened it, as SQLite asks: a forked
        # worker opens its own. The file never changes once built, so no locks are taken.
        if self._db is None or self._opened_in != _FORKS[0]:
            uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
            self._db = sqlite3.connect(uri, uri=True)
            self._opened_in = _FORKS[0]
        return self._db

    def meta(self) -> dict[str, Any]:
        """What the loader stored of the whole (read once)."""
        if self._meta is None:
            rows = self._connection().execute("SELECT name, value FROM meta")
            self._meta = {name: json.loads(value) for name, value in rows}
        return self._meta

    def fetches(self, key: str) -> tuple[IndexedFetch, ...]:
        """The fetches of ``key``, undated ones first (in load order), then by date."""
        found = []
        for row in self._connection().execute(_FETCHES, (key,)).fetchall():
            number, url, at, zoned, status, location, body, file, offset, note = row
            when, name = _date(at, zoned), self._name(file)
            fetch = IndexedFetch(number, url, when, status, location, body, name, offset, note)
            found.append(fetch)
        return tuple(found)

    def _name(self, file: int) -> str:
        found = self._names.get(file)
        if found is not None:
            self._names.move_to_end(file)
            return found
        rows = self._connection().execute("SELECT name FROM files WHERE id = ?", (file,))
        name: str = rows.fetchone()[0]
        _remember(self._names, file, name, _FILE_NAMES)
        return name

    def body(self, fetch: IndexedFetch) -> bytes:
        """The body of ``fetch``."""
        rows = self._connection().execute("SELECT body FROM bodies WHERE id = ?", (fetch.body,))
        found = rows.fetchone()
        return b"" if found is None else bytes(found[0])

    def keys(self, suffix: str) -> Iterator[str]:
        """The keys that end with ``suffix``, in the order they were first loaded."""
        rows = self._connection().execute(
            "SELECT key FROM fetches WHERE substr(key, -?) = ? GROUP BY key ORDER BY min(id)",
            (len(suffix), suffix),
        )
        for (key,) in rows:
            yield key

    def close(self) -> None:
        """Close the connection; remove the file if this object built it."""
        if self._db is not None and self._opened_in == _FORKS[0]:
            self._db.close()
        self._db = None
        if self._cleanup is not None:
            self._cleanup()
