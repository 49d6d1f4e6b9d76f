"""A quicker ``__init__`` for the frozen slotted dataclasses made once per document or more.

A frozen dataclass sets each field through ``object.__setattr__`` (its own ``__setattr__``
refuses); calling each slot's descriptor directly does the same in half the time. A corpus run
makes tens of these objects per document, so the difference is a measurable share of a decision.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

__all__ = ["quick_init"]

T = TypeVar("T")


def quick_init(cls: type[T]) -> type[T]:
    """Give a ``@dataclass(frozen=True, slots=True)`` class an equivalent, faster ``__init__``.

    Only fields with plain defaults are supported (no ``default_factory``, ``kw_only`` or
    ``__post_init__``; an ``init=False`` field needs a default): anything else raises
    ``TypeError`` at import.
    """
    params = dataclasses.fields(cls)  # type: ignore[arg-type]
    if not getattr(cls, "__slots__", None) or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: quick_init needs a slotted class without __post_init__")
    namespace: dict[str, Any] = {}
    signature, body = [], []
    for field in params:
        plain = not field.kw_only and field.default_factory is dataclasses.MISSING
        if not plain or (not field.init and field.default is dataclasses.MISSING):
            raise TypeError(f"{cls.__name__}.{field.name}: quick_init supports plain fields only")
        namespace[f"_set_{field.name}"] = getattr(cls, field.name).__set__
        if field.default is not dataclasses.MISSING:
            namespace[f"_default_{field.name}"] = field.default
        if not field.init:
            body.append(f"    _set_{field.name}(self, _default_{field.name})")
            continue
        if field.default is dataclasses.MISSING:
            signature.append(field.name)
        else:
            signature.append(f"{field.name}=_default_{field.name}")
        body.append(f"    _set_{field.name}(self, {field.name})")
    source = f"def __init__(self, {', '.join(signature)}):\n" + "\n".join(body) + "\n"
    exec(source, namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls
