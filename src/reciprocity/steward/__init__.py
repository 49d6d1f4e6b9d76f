"""The steward side: a publisher's policy declared in every format that crawlers read
(declare), and a site checked for preferences that say nothing or contradict (lint).

:func:`~reciprocity.steward.policy.load_policy` reads the policy file (``docs/declare.md``);
:func:`~reciprocity.steward.declare.declare` words it for each mechanism;
:func:`write_declaration` writes the files.
"""

from __future__ import annotations

from pathlib import Path

from reciprocity.errors import InputError
from reciprocity.steward.declare import Declaration, ScopeHeaders, declare
from reciprocity.steward.policy import (
    POLICY_VERSIONS,
    CrawlerRule,
    PathRule,
    Policy,
    Preference,
    load_policy,
    parse_policy,
)

__all__ = [
    "POLICY_VERSIONS",
    "CrawlerRule",
    "Declaration",
    "PathRule",
    "Policy",
    "Preference",
    "ScopeHeaders",
    "declare",
    "load_policy",
    "parse_policy",
    "write_declaration",
]


def write_declaration(declaration: Declaration, out: str | Path) -> tuple[Path, ...]:
    """Write every file of ``declaration`` under ``out`` (created if needed); return their
    paths, in the declaration's order."""
    root = Path(out)
    written = []
    try:
        for name, text in declaration.files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise InputError(
            f"cannot write: {exc.strerror or exc}", path=exc.filename or root
        ) from None
    return tuple(written)
