"""The fetch cache: every fetch of every URL, with its time, kept in one SQLite file.

Schema (``PRAGMA user_version = 1``)::

    bodies(sha256 TEXT PRIMARY KEY, size INTEGER, body BLOB)    -- each distinct body once
    fetches(id INTEGER PRIMARY KEY, url TEXT, fetched TEXT, status INTEGER, final_url TEXT,
            chain TEXT, headers TEXT, sha256 TEXT, truncated INTEGER, error TEXT, detail TEXT,
            attempts INTEGER, elapsed REAL, user_agent TEXT)
    INDEX fetches_url_time ON fetches(url, fetched)

``fetched`` is UTC in one fixed-width ISO 8601 form (``2026-05-09T12:00:00.000000Z``), so that
text order is time order; ``chain`` and ``headers`` are JSON arrays. History is never rewritten:
each fetch adds a row, and :meth:`FetchCache.at` answers "the fetch of this URL in force at that
time" (the latest at or before it), :meth:`FetchCache.history` lists them all.

Several processes may share the file: it is opened in WAL mode (readers never block the writer)
with a ``busy_timeout``, and each store is one short ``BEGIN IMMEDIATE`` transaction.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Final

from reciprocity._dates import utc
from reciprocity.errors import InputError
from reciprocity.fetcher.records import ErrorKind, FetchRecord, Hop

__all__ = ["SCHEMA_VERSION", "FetchCache", "utc"]

SCHEMA_VERSION: Final = 1
_TIME_FORMAT: Final = "%Y-%m-%dT%H:%M:%S.%fZ"

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS bodies (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS fetches (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    fetched TEXT NOT NULL,
    status INTEGER,
    final_url TEXT NOT NULL,
    chain TEXT NOT NULL,
    headers TEXT NOT NULL,
    sha256 TEXT REFERENCES bodies (sha256),
    truncated INTEGER NOT NULL,
    error TEXT,
    detail TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    elapsed REAL NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS fetches_url_time ON fetches (url, fetched);
"""

_COLUMNS: Final = (
    "f.url, f.fetched, f.status, f.final_url, f.chain, f.headers, f.sha256, f.truncated, "
    "f.error, f.detail, f.attempts, f.elapsed, f.user_agent, b.body"
)


def _stamp(when: datetime) -> str:
    return utc(when).strftime(_TIME_FORMAT)


def _record(row: tuple[Any, ...]) -> FetchRecord:
    (url, fetched, status, final_url, chain, headers, sha256, truncated, error, detail,
     attempts, elapsed, user_agent, body) = row  # fmt: skip
    return FetchRecord(
        url=url,
        fetched=datetime.strptime(fetched, _TIME_FORMAT).replace(tzinfo=timezone.utc),
        status=status,
        final_url=final_url,
        chain=tuple(Hop(u, s, loc) for u, s, loc in json.loads(chain)),
        headers=tuple((name, value) for name, value in json.loads(headers)),
        body=bytes(body) if body is not None else b"",
        truncated=bool(truncated),
        error=ErrorKind(error) if error else None,
        detail=detail,
        attempts=attempts,
        elapsed=elapsed,
        user_agent=user_agent,
        from_cache=True,
        sha256=sha256,
    )


class FetchCache:
    """A SQLite file of fetches; safe to share between threads and processes.

    ``busy_timeout`` (seconds) is how long a write waits for another process's write."""

    def __init__(self, path: str | Path, *, busy_timeout: float = 30.0) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Transactions are opened by hand (isolation_level=None): BEGIN IMMEDIATE takes the
            # write lock up front, so two processes never deadlock upgrading a read lock.
            self._db = sqlite3.connect(
                str(self.path),
                timeout=busy_timeout,
                isolation_level=None,
                check_same_thread=False,
            )
            self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise InputError(f"cannot use WAL mode (journal_mode={mode})", path=self.path)
            self._db.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints
            with self._write():
                version = self._db.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise InputError(
                        f"fetch cache schema {version} is newer than this version's "
                        f"({SCHEMA_VERSION})",
                        path=self.path,
                    )
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise InputError(f"not a usable fetch cache ({exc})", path=self.path) from None
        except OSError as exc:  # its folder cannot be made
            raise InputError(
                f"cannot create the fetch cache ({exc.strerror})", path=self.path
            ) from None

    def _write(self) -> _Transaction:
        return _Transaction(self._db, self._lock)

    @property
    def journal_mode(self) -> str:
        with self._lock:
            return str(self._db.execute("PRAGMA journal_mode").fetchone()[0])

    def store(self, record: FetchRecord) -> None:
        """Add ``record`` to the history of its URL (its body stored once per SHA-256)."""
        chain = json.dumps([[hop.url, hop.status, hop.location] for hop in record.chain])
        headers = json.dumps([list(pair) for pair in record.headers])
        with self._write():
            if record.sha256 is not None:
                self._db.execute(
                    "INSERT OR IGNORE INTO bodies (sha256, size, body) VALUES (?, ?, ?)",
                    (record.sha256, len(record.body), record.body),
                )
            self._db.execute(
                "INSERT INTO fetches (url, fetched, status, final_url, chain, headers, sha256, "
                "truncated, error, detail, attempts, elapsed, user_agent) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.url,
                    _stamp(record.fetched),
                    record.status,
                    record.final_url,
                    chain,
                    headers,
                    record.sha256,
                    int(record.truncated),
                    None if record.error is None else record.error.value,
                    record.detail,
                    record.attempts,
                    record.elapsed,
                    record.user_agent,
                ),
            )

    def _query(self, where: str, args: tuple[Any, ...], tail: str) -> list[FetchRecord]:
        sql = (
            f"SELECT {_COLUMNS} FROM fetches f LEFT JOIN bodies b ON b.sha256 = f.sha256 "
            f"WHERE {where} {tail}"
        )
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [_record(row) for row in rows]

    def latest(self, url: str) -> FetchRecord | None:
        """The most recent fetch of ``url``."""
        found = self._query("f.url = ?", (url,), "ORDER BY f.fetched DESC, f.id DESC LIMIT 1")
        return found[0] if found else None

    def at(self, url: str, as_of: datetime) -> FetchRecord | None:
        """The fetch of ``url`` in force at ``as_of``: the latest at or before it."""
        found = self._query(
            "f.url = ? AND f.fetched <= ?",
            (url, _stamp(as_of)),
            "ORDER BY f.fetched DESC, f.id DESC LIMIT 1",
        )
        return found[0] if found else None

    def history(self, url: str) -> list[FetchRecord]:
        """Every fetch of ``url``, oldest first."""
        return self._query("f.url = ?", (url,), "ORDER BY f.fetched, f.id")

    def urls(self) -> Iterator[str]:
        """Every URL fetched at least once, in no particular order."""
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT url FROM fetches").fetchall()
        return (row[0] for row in rows)

    def count(self) -> int:
        """How many fetches are stored."""
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM fetches").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> FetchCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on error), under the thread lock."""

    __slots__ = ("_db", "_lock")

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock) -> None:
        self._db = db
        self._lock = lock

    def __enter__(self) -> None:
        self._lock.acquire()
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        try:
            self._db.execute("COMMIT" if kind is None else "ROLLBACK")
        finally:
            self._lock.release()
