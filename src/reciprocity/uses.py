"""The uses a builder asks about, and the states a decision can take.

This is the bottom floor of the package: every other module may import it, it imports nothing
of reciprocity. The names follow the IETF AIPREF vocabulary (draft-ietf-aipref-vocab-08).
"""

from __future__ import annotations

import enum

__all__ = ["USES", "Stance", "Use", "parse_use"]


class Use(str, enum.Enum):
    """A use of content by an AI builder (AIPREF vocab-08 labels)."""

    TRAIN_AI = "train-ai"
    """Training or fine-tuning AI models."""
    AI_USE = "ai-use"
    """Using content as input to an AI model at inference (RAG, grounding, agents)."""
    SEARCH = "search"
    """Building a search index, snippets and links."""

    def __str__(self) -> str:
        return self.value


USES: tuple[Use, ...] = tuple(Use)


class Stance(str, enum.Enum):
    """What one piece of evidence, or a whole decision, says about one use."""

    ALLOW = "allow"
    DENY = "deny"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


def parse_use(text: str) -> Use:
    """Return the :class:`Use` named by ``text`` (case-insensitive, ``_`` accepted for ``-``).

    Raises ``ValueError`` naming the accepted values when ``text`` names no use.
    """
    key = text.strip().lower().replace("_", "-")
    for use in USES:
        if use.value == key:
            return use
    accepted = ", ".join(u.value for u in USES)
    raise ValueError(f"unknown use {text!r}; expected one of: {accepted}")
