"""A memo for the pure readers that pages of one site call again with the same short values.

A page repeats its site's metas, licence links and badges; remembering what each value reads as
saves reading it again. The values come from documents, so their size is the document's to
choose: a value longer than the memo's bound is read every time and not kept, which keeps the
memo's memory bounded (``maxsize`` entries of at most ``longest`` characters each).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar, cast

__all__ = ["value_cache"]

P = ParamSpec("P")
R = TypeVar("R")


def value_cache(maxsize: int, longest: int) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """``functools.lru_cache(maxsize)`` for a pure function of hashable arguments passed
    positionally, skipped for a call with a ``str`` argument longer than ``longest``."""

    def wrap(function: Callable[P, R]) -> Callable[P, R]:
        plain: Callable[..., R] = function
        cached = functools.lru_cache(maxsize=maxsize)(plain)

        @functools.wraps(function)
        def call(*args: Any) -> R:
            for arg in args:
                if arg.__class__ is str and len(arg) > longest:
                    return plain(*args)
            return cached(*args)

        return cast(Callable[P, R], call)

    return wrap
