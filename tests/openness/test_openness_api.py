"""The public namespace of reciprocity.openness is exactly its __all__."""

from __future__ import annotations

from reciprocity import openness


def test_all_is_complete_and_sorted() -> None:
    exported = list(openness.__all__)
    assert exported == sorted(exported)
    for name in exported:
        assert hasattr(openness, name), name
    modules = {
        "annotations",
        "assess",
        "catalogue",
        "checks",
        "eu_index",
        "licenses",
        "model",
        "mof",
        "osaid",
        "readers",
        "render",
        "truly_open",
    }
    public = {n for n in vars(openness) if not n.startswith("_")}
    assert public - modules - set(exported) == set()


def test_data_files_ship_with_the_package() -> None:
    from importlib.resources import files

    data = files("reciprocity.openness").joinpath("data")
    for name in (
        "licenses.json",
        "mof-licenses.json",
        "mof.settings.yml",
        "eu_osai_parameters.yml",
        "eu_osai_parameter_descriptions.yml",
        "PROVENANCE.md",
    ):
        assert data.joinpath(name).is_file(), name
