"""The Hugging Face Hub's vocabularies a dataset card's header is written in: licence ids and
size categories (hub-docs ``repositories-licenses.md`` and ``datasetcard.md``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

__all__ = ["HUB_LICENCES", "hub_licence", "hub_licences", "size_category"]

HUB_LICENCES: Final[dict[str, str]] = {
    # SPDX id (as the SPDX list spells it) -> the Hub's id. Only ids whose terms are the same
    # licence: a family id (`gpl`, `bsd`) stands for an "-or-later" grant, never for a guess.
    "AFL-3.0": "afl-3.0",
    "AGPL-3.0-only": "agpl-3.0",
    "AGPL-3.0-or-later": "agpl-3.0",
    "Apache-2.0": "apache-2.0",
    "Artistic-2.0": "artistic-2.0",
    "BSD-2-Clause": "bsd-2-clause",
    "BSD-3-Clause": "bsd-3-clause",
    "BSD-3-Clause-Clear": "bsd-3-clause-clear",
    "BSL-1.0": "bsl-1.0",
    "C-UDA-1.0": "c-uda",
    "CC-BY-2.0": "cc-by-2.0",
    "CC-BY-2.5": "cc-by-2.5",
    "CC-BY-3.0": "cc-by-3.0",
    "CC-BY-4.0": "cc-by-4.0",
    "CC-BY-NC-2.0": "cc-by-nc-2.0",
    "CC-BY-NC-3.0": "cc-by-nc-3.0",
    "CC-BY-NC-4.0": "cc-by-nc-4.0",
    "CC-BY-NC-ND-3.0": "cc-by-nc-nd-3.0",
    "CC-BY-NC-ND-4.0": "cc-by-nc-nd-4.0",
    "CC-BY-NC-SA-2.0": "cc-by-nc-sa-2.0",
    "CC-BY-NC-SA-3.0": "cc-by-nc-sa-3.0",
    "CC-BY-NC-SA-4.0": "cc-by-nc-sa-4.0",
    "CC-BY-ND-4.0": "cc-by-nd-4.0",
    "CC-BY-SA-3.0": "cc-by-sa-3.0",
    "CC-BY-SA-4.0": "cc-by-sa-4.0",
    "CC0-1.0": "cc0-1.0",
    "CDLA-Permissive-1.0": "cdla-permissive-1.0",
    "CDLA-Permissive-2.0": "cdla-permissive-2.0",
    "CDLA-Sharing-1.0": "cdla-sharing-1.0",
    "ECL-2.0": "ecl-2.0",
    "EPL-1.0": "epl-1.0",
    "EPL-2.0": "epl-2.0",
    "etalab-2.0": "etalab-2.0",
    "EUPL-1.1": "eupl-1.1",
    "GPL-2.0-only": "gpl-2.0",
    "GPL-2.0-or-later": "gpl",
    "GPL-3.0-only": "gpl-3.0",
    "GPL-3.0-or-later": "gpl",
    "ISC": "isc",
    "LGPL-2.1-only": "lgpl-2.1",
    "LGPL-2.1-or-later": "lgpl",
    "LGPL-3.0-only": "lgpl-3.0",
    "LGPL-3.0-or-later": "lgpl",
    "LGPLLR": "lgpl-lr",
    "LPPL-1.3c": "lppl-1.3c",
    "MIT": "mit",
    "MPL-2.0": "mpl-2.0",
    "MS-PL": "ms-pl",
    "NCSA": "ncsa",
    "ODbL-1.0": "odbl",
    "ODC-By-1.0": "odc-by",
    "OFL-1.1": "ofl-1.1",
    "OSL-3.0": "osl-3.0",
    "PDDL-1.0": "pddl",
    "PostgreSQL": "postgresql",
    "Unlicense": "unlicense",
    "WTFPL": "wtfpl",
    "Zlib": "zlib",
}

_BUCKETS: Final = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
    (10_000_000_000, "1B<n<10B"),
    (100_000_000_000, "10B<n<100B"),
    (1_000_000_000_000, "100B<n<1T"),
)


def hub_licence(spdx: str) -> str | None:
    """The Hub's licence id for an SPDX id, or ``None`` when the Hub lists no such licence (a
    ``LicenseRef-…``, an expression, a licence the Hub does not name)."""
    return HUB_LICENCES.get(spdx)


def hub_licences(spdx_ids: Iterable[str], *, unlicensed: bool) -> list[str]:
    """The card's ``license`` list for the SPDX ids of the kept documents: each mapped id once,
    ``other`` for any the Hub does not name, ``unknown`` when some kept documents (``unlicensed``)
    name no licence beside others that do; empty when no kept document names one (the key is
    then left out: nothing is known)."""
    found = set()
    for spdx in spdx_ids:
        found.add(hub_licence(spdx) or "other")
    if found and unlicensed:
        found.add("unknown")
    return sorted(found)


def size_category(count: int) -> str:
    """The Hub's ``size_categories`` bucket of ``count`` examples (``1K<n<10K`` holds 1,000 to
    9,999)."""
    for bound, name in _BUCKETS:
        if count < bound:
            return name
    return "n>1T"
