"""value_cache: remembered for short values, read afresh (and not kept) for long ones."""

from __future__ import annotations

from reciprocity._memo import value_cache


def test_short_values_are_remembered_and_long_ones_are_not_kept() -> None:
    calls: list[tuple[str, bool]] = []

    @value_cache(maxsize=8, longest=4)
    def read(text: str, flag: bool) -> str:
        calls.append((text, flag))
        return text.upper() if flag else text

    assert [read("abcd", True), read("abcd", True), read("abcd", False)] == ["ABCD", "ABCD", "abcd"]
    assert calls == [("abcd", True), ("abcd", False)]
    long = "x" * 5
    assert [read(long, True), read(long, True)] == ["XXXXX", "XXXXX"]
    assert calls[2:] == [(long, True), (long, True)]  # read each time: never in the memo
    assert read.__name__ == "read"


def test_the_memo_holds_at_most_maxsize_values() -> None:
    calls: list[int] = []

    @value_cache(maxsize=2, longest=10)
    def square(n: int) -> int:
        calls.append(n)
        return n * n

    for n in (1, 2, 3, 1):
        square(n)
    assert calls == [1, 2, 3, 1]  # 1 was the least recent of three: dropped
