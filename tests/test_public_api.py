"""The public namespace is exactly what __all__ says, and every name in it is importable."""

from __future__ import annotations

import types

import reciprocity


def test_all_is_complete() -> None:
    exported = list(reciprocity.__all__)
    assert len(exported) == len(set(exported))
    for name in exported:
        assert hasattr(reciprocity, name), name
    # Submodules appear as attributes once imported; every other public name must be exported.
    public = {
        name
        for name, value in vars(reciprocity).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public - {"annotations"} - set(exported) == set()


def test_package_is_typed() -> None:
    from importlib.resources import files

    assert files("reciprocity").joinpath("py.typed").is_file()


def test_fetcher_all_is_complete() -> None:
    from reciprocity import fetcher

    exported = list(fetcher.__all__)
    assert len(exported) == len(set(exported))
    for name in exported:
        assert hasattr(fetcher, name), name
    public = {
        name
        for name, value in vars(fetcher).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public - {"annotations"} - set(exported) == set()


def test_obligation_vocabulary_is_public() -> None:
    from reciprocity import obligations

    assert reciprocity.Duty is obligations.Duty
    assert reciprocity.Obligation is obligations.Obligation
    decision = reciprocity.evaluate(
        "https://example.com/",
        headers={"Content-Usage": "train-ai=n;exceptions=cc-cr"},
        accept={reciprocity.Duty.ATTRIBUTION},
    )
    assert decision.obligations == (reciprocity.Obligation(reciprocity.Duty.ATTRIBUTION),)


def test_report_all_is_complete() -> None:
    from reciprocity import report

    exported = list(report.__all__)
    assert len(exported) == len(set(exported))
    for name in exported:
        assert hasattr(report, name), name
    public = {
        name
        for name, value in vars(report).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public - {"annotations"} - set(exported) == set()
