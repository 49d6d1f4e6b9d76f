"""One module per fuzz target: ``seeds()`` gives its starting inputs, ``one_input(data)`` runs the
code under test on one input and raises only on a finding (a crash, or a broken invariant)."""

from __future__ import annotations

__all__ = ["TARGETS"]

TARGETS = (
    "robots",
    "structured_fields",
    "aipref",
    "content_signal",
    "rsl",
    "tdmrep",
    "aitxt",
    "html",
    "noai",
    "licenses",
    "media",
    "readers",
    "codings",
)
"""Every target, by module name."""
