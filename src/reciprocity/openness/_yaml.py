"""One YAML entry point: the safe loader, in C when libyaml is there (MOT catalogues are large)."""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["YAMLError", "load_yaml"]

YAMLError = yaml.YAMLError
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_LOADER)
