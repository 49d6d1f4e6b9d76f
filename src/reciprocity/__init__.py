"""reciprocity: read every AI-usage preference a publisher states, decide per document and per use
with evidence, and write what transparency and credit require.

The public API is what ``__all__`` lists; everything else may change without notice.
"""

from __future__ import annotations

from reciprocity._version import __version__
from reciprocity.errors import (
    ArchiveError,
    FetchError,
    InputError,
    ReciprocityError,
    UsageError,
)
from reciprocity.evaluate import evaluate
from reciprocity.obligations import Duty, Obligation
from reciprocity.resolve import Conflict, Decision, Evidence, UseDecision
from reciprocity.signals.diagnostics import Diagnostic
from reciprocity.signals.robots import Access, RobotsMatch, RobotsTxt, access_for_status
from reciprocity.uses import USES, Stance, Use

__all__ = [
    "USES",
    "Access",
    "ArchiveError",
    "Conflict",
    "Decision",
    "Diagnostic",
    "Duty",
    "Evidence",
    "FetchError",
    "InputError",
    "Obligation",
    "ReciprocityError",
    "RobotsMatch",
    "RobotsTxt",
    "Stance",
    "UsageError",
    "Use",
    "UseDecision",
    "__version__",
    "access_for_status",
    "evaluate",
]
