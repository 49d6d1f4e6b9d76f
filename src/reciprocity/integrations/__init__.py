"""Reciprocity as a step of other data pipelines.

- :mod:`.arrow`: a batch function (Arrow table or pandas frame in, decision columns appended
  out) for Ray Data ``map_batches``, pandas and PySpark ``mapInArrow``; needs nothing more.
- :mod:`.datatrove`: a datatrove filter (``pip install 'reciprocity[datatrove]'``).

The audit itself runs on Ray with ``reciprocity audit --engine ray``
(:mod:`reciprocity.corpus.ray_engine`).
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["require_extra"]


def require_extra(module: str, extra: str) -> ModuleType:
    """``module`` imported, or one line that says which extra brings it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ModuleNotFoundError(
            f"{module} is not installed: pip install 'reciprocity[{extra}]'", name=module
        ) from None
