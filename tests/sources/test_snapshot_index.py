"""The on-disk index of snapshots: what is written is read back exactly, in lookup order; it
pickles as its path; only the object that built it removes the file."""

from __future__ import annotations

import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocity.sources import snapshot_index
from reciprocity.sources.snapshot_index import INDEX_NAME, Index, IndexWriter
from reciprocity.sources.snapshots import SnapshotEntry, load_snapshots, write_snapshot_warc

UTC = timezone.utc
T0 = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
Row = tuple[str, "datetime | None", "int | None", "str | None", bytes, str, int, str]

dates = st.one_of(
    st.none(),
    st.datetimes(timezones=st.just(UTC)),
    st.datetimes(timezones=st.just(timezone(timedelta(hours=2)))),  # kept as written
    st.datetimes(),  # naive
    st.sampled_from([T0, T0 + timedelta(microseconds=1)]),  # ties
)
rows = st.tuples(
    st.sampled_from(["https://a.example/robots.txt", "https://b.example/ai.txt", "http://c/x?q"]),
    dates,
    st.one_of(st.none(), st.integers(100, 599)),
    st.one_of(st.none(), st.text(max_size=20)),
    st.one_of(st.sampled_from([b"", b"User-agent: *\nDisallow: /\n"]), st.binary(max_size=64)),
    st.sampled_from(["a.warc.gz", "dir/b.example.txt", "snapshots.tsv:3"]),
    st.integers(-1, 2**40),
    st.text(max_size=20),
)


def write(fetches: list[Row], folder: Path | None = None) -> Index:
    writer = IndexWriter(folder)
    for key, fetched, status, location, body, file, offset, note in fetches:
        writer.add(
            key, fetched=fetched, status=status, location=location, body=body, file=file,
            offset=offset, note=note,
        )  # fmt: skip
    return writer.finish(lambda keys: {"keys": list(keys)})


def lookup_order(number_and_row: tuple[int, Row]) -> tuple[int, datetime, int]:
    """Undated first, in load order; then by date (an instant), ties in load order."""
    number, row = number_and_row
    fetched = row[1]
    if fetched is None:
        return (0, datetime.min.replace(tzinfo=UTC), number)
    aware = fetched if fetched.tzinfo is not None else fetched.replace(tzinfo=UTC)
    return (1, aware, number)


@settings(max_examples=60, deadline=None)
@given(st.lists(rows, max_size=30))
def test_every_fetch_is_read_back_exactly_in_lookup_order(fetches: list[Row]) -> None:
    index = write(fetches)
    try:
        keys = sorted({row[0] for row in fetches})
        assert index.meta() == {"keys": keys}
        for key in [*keys, "https://none.example/robots.txt"]:
            expected = sorted(
                ((n, row) for n, row in enumerate(fetches, 1) if row[0] == key), key=lookup_order
            )
            found = index.fetches(key)
            assert [f.id for f in found] == [n for n, _ in expected]
            for fetch, (_, row) in zip(found, expected, strict=True):
                read = (fetch.key, fetch.fetched, fetch.status, fetch.location, index.body(fetch),
                        fetch.file, fetch.offset, fetch.note)  # fmt: skip
                assert read == row
                # The same zone, not only the same instant: evidence prints the date as written.
                assert str(fetch.fetched) == str(row[1])
    finally:
        index.close()


def test_bodies_and_file_names_beyond_what_loading_remembers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(snapshot_index, "_RECENT", 3)
    fetches: list[Row] = [
        (f"https://h{i}.example/robots.txt", T0, 200, None, f"body {i % 5}".encode(),
         f"file-{i % 7}.warc", i, "")
        for i in range(40)
    ]  # fmt: skip
    index = write(fetches)
    for row in fetches:
        (fetch,) = index.fetches(row[0])
        assert index.body(fetch) == row[4]
        assert fetch.source == f"{row[5]}:{row[6]}"
    index.close()


def test_revisit_payloads() -> None:
    writer = IndexWriter()
    writer.remember_payload("sha1:A", b"first")
    writer.remember_payload("sha1:A", b"second")  # the last one wins
    writer.add("https://a.example/robots.txt", fetched=None, status=200, location=None,
               body=b"x", file="f", offset=-1, note="")  # fmt: skip
    assert writer.payload("sha1:A") == b"second"
    assert writer.payload("sha1:B") is None
    folder = writer.path.parent
    writer.abort()
    assert not folder.exists()


def test_the_index_pickles_as_its_path_and_only_its_builder_removes_it() -> None:
    index = write([("https://a.example/robots.txt", T0, 200, None, b"User-agent: *\n", "f", 0, "")])
    path = index.path
    copy = pickle.loads(pickle.dumps(index))
    assert len(pickle.dumps(index)) < 300
    assert copy.path == path
    assert copy.meta() == index.meta()
    (fetch,) = copy.fetches("https://a.example/robots.txt")
    assert copy.body(fetch) == b"User-agent: *\n"
    copy.close()
    del copy
    assert path.exists()
    assert index.fetches("https://a.example/robots.txt") == (fetch,)
    index.close()
    assert not path.exists()
    assert not path.parent.exists()


def test_a_named_folder_replaces_a_left_index_and_is_removed_when_empty(tmp_path: Path) -> None:
    folder = tmp_path / "run" / ".snapshots"
    folder.mkdir(parents=True)
    (folder / INDEX_NAME).write_bytes(b"left by a killed run")
    index = write([("https://a.example/robots.txt", None, 404, None, b"", "f", -1, "")], folder)
    assert index.path == folder / INDEX_NAME
    assert [f.status for f in index.fetches("https://a.example/robots.txt")] == [404]
    assert sorted(p.name for p in folder.iterdir()) == [INDEX_NAME]  # no scratch file left
    index.close()
    assert not folder.exists()
    assert (tmp_path / "run").is_dir()


def test_snapshots_pickle_small_and_answer_the_same(tmp_path: Path) -> None:
    def snapshots_of(hosts: int) -> bytes:
        path = tmp_path / f"{hosts}.warc.gz"
        entries: list[SnapshotEntry] = [
            (f"https://h{i}.example/robots.txt", T0, 200, [], f"User-agent: *\nDisallow: /{i}/\n")
            for i in range(hosts)
        ]
        write_snapshot_warc(path, entries)
        loaded = load_snapshots([path])
        for i in range(min(hosts, 50)):  # caches filled: they are not pickled
            loaded.lookup(f"https://h{i}.example/", when=None)
        state = pickle.dumps(loaded)
        copy = pickle.loads(state)
        assert copy.parsed == 0
        for i in range(0, hosts, max(1, hosts // 20)):
            url = f"https://h{i}.example/{i}/x"
            got, expected = copy.lookup(url, when=T0), loaded.lookup(url, when=T0)
            assert got is not None
            assert expected is not None
            assert got.to_dict() == expected.to_dict()
            assert got.provenance() == expected.provenance()
            assert not got.snapshots[0].robots.allowed(f"/{i}/x", "CCBot")
        assert copy.summary() == loaded.summary()
        loaded.close()
        return state

    small, large = snapshots_of(5), snapshots_of(3000)
    assert len(large) < 2000
    assert len(large) - len(small) < 64  # the counts' digits


_INHERITED: list[Index] = []


def _read_inherited(key: str) -> tuple[list[int], bool]:
    index = _INHERITED[0]
    inherited = index._db
    found = [fetch.id for fetch in index.fetches(key)]
    return found, index._db is not inherited


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_forked_process_opens_its_own_connection() -> None:
    key = "https://a.example/robots.txt"
    index = write([(key, T0, 200, None, b"x", "f", 0, ""), (key, None, 404, None, b"", "f", 1, "")])
    assert [f.id for f in index.fetches(key)] == [2, 1]  # the parent's connection is open
    _INHERITED.append(index)
    try:
        fork = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(1, mp_context=fork) as pool:
            assert pool.submit(_read_inherited, key).result() == ([2, 1], True)
    finally:
        _INHERITED.clear()
    assert index.path.exists()  # a child never removes it
    assert [f.id for f in index.fetches(key)] == [2, 1]
    index.close()
