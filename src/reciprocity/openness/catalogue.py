"""The 17 components of the Model Openness Framework, read from the MOT's own settings file."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

from reciprocity.openness._yaml import load_yaml

__all__ = ["ComponentSpec", "component_by_name", "components", "load_yaml_data"]


@dataclass(frozen=True, slots=True)
class ComponentSpec:
    cid: int
    name: str
    description: str
    content_type: str
    """``code``, ``data`` or ``document``: picks the release-wide licence that applies."""
    mof_class: int
    required: bool


def load_yaml_data(filename: str) -> Any:
    """Parse one YAML file shipped in ``reciprocity/openness/data``."""
    text = resources.files("reciprocity.openness").joinpath("data").joinpath(filename)
    return load_yaml(text.read_text("utf-8"))


@functools.cache
def components() -> tuple[ComponentSpec, ...]:
    """The components in the settings file's order, which the reports keep."""
    settings = load_yaml_data("mof.settings.yml")
    return tuple(
        ComponentSpec(
            cid=int(item["id"]),
            name=str(item["name"]),
            description=str(item["description"]),
            content_type=str(item["content_type"]),
            mof_class=int(item["class"]),
            required=bool(item["required"]),
        )
        for item in settings["components"]
    )


@functools.cache
def _by_name() -> dict[str, ComponentSpec]:
    return {spec.name: spec for spec in components()}


def component_by_name(name: str) -> ComponentSpec | None:
    return _by_name().get(name)
