"""The public namespace is exactly what __all__ says, and every name in it is importable."""

from __future__ import annotations

import reciprocity


def test_all_is_complete() -> None:
    exported = list(reciprocity.__all__)
    assert len(exported) == len(set(exported))
    for name in exported:
        assert hasattr(reciprocity, name), name
    public = {n for n in vars(reciprocity) if not n.startswith("_")}
    modules = {"annotations", "cli", "errors", "signals", "uses", "openness"}
    assert public - modules - set(exported) == set()


def test_package_is_typed() -> None:
    from importlib.resources import files

    assert files("reciprocity").joinpath("py.typed").is_file()
