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

    Only positional-or-keyword fields with plain defaults are supported (no ``default_factory``,
    ``kw_only``, ``init=False`` or ``__post_init__``): anything else raises ``TypeError`` at import.
    """
    params = dataclasses.fields(cls)  # type: ignore[arg-type]
    if not getattr(cls, "__slots__", None) or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: quick_init needs a slotted class without __post_init__")
    namespace: dict[str, Any] = {}
    signature, body = [], []
    for field in params:
        if not field.init or field.kw_only or field.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{field.name}: quick_init supports plain fields only")
        if field.default is dataclasses.MISSING:
            signature.append(field.name)
        else:
            namespace[f"_default_{field.name}"] = field.default
            signature.append(f"{field.name}=_default_{field.name}")
        namespace[f"_set_{field.name}"] = getattr(cls, field.name).__set__
        body.append(f"    _set_{field.name}(self, {field.name})")
    source = f"def __init__(self, {', '.join(signature)}):\n" + "\n".join(body) + "\n"
    exec(source, namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls
