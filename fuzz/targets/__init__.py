"""One module per fuzz target: ``seeds()`` gives its starting inputs, ``one_input(data)`` runs the
code under test on one input and raises only on a finding (a crash, or a broken invariant)."""

from __future__ import annotations

__all__ = ["INSTRUMENTED", "TARGETS"]

_SIGNALS = "reciprocity.signals"

INSTRUMENTED: dict[str, tuple[str, ...]] = {
    "robots": (f"{_SIGNALS}.robots", f"{_SIGNALS}.aipref", f"{_SIGNALS}.content_signals"),
    "structured_fields": (f"{_SIGNALS}.structured_fields",),
    "aipref": (f"{_SIGNALS}.aipref", f"{_SIGNALS}.structured_fields"),
    "content_signal": (f"{_SIGNALS}.content_signals",),
    "rsl": (f"{_SIGNALS}.rsl",),
    "tdmrep": (f"{_SIGNALS}.tdmrep", f"{_SIGNALS}.structured_fields"),
    "aitxt": (f"{_SIGNALS}.aitxt", f"{_SIGNALS}.robots"),
    "html": (f"{_SIGNALS}.html", f"{_SIGNALS}._html_marks"),
    "noai": (f"{_SIGNALS}.noai", f"{_SIGNALS}.html", f"{_SIGNALS}._html_marks"),
    "licenses": (f"{_SIGNALS}.licenses", f"{_SIGNALS}.html", f"{_SIGNALS}._html_marks"),
    "media": (f"{_SIGNALS}.media",),
    "readers": ("reciprocity.corpus", "reciprocity._codings"),
    "codings": ("reciprocity._codings", "reciprocity.fetcher.decode"),
}
"""Every target, by module name, with the modules whose coverage guides it (instrumenting the
whole package would cost seconds at each start and slow every input for code it does not aim at).
"""

TARGETS = tuple(INSTRUMENTED)
