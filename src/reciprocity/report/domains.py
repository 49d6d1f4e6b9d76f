"""The EU summary's "most relevant domain names" (template section 2.3 (vii)).

Footnote 16 of the template (C(2025) 5235) asks for the domain names "in the top 10 % of all
domain names determined by the size of the content scraped", and of small and medium
enterprises the top 5 % or the top 1,000. Read as written, that is a share of the *domains*,
ranked by content:

- the domains of the kept documents are ranked by their content, largest first, ties by name;
  a domain is the registrable domain (``domain``), else the host (an IP address);
- the list holds the first ``ceil(10% x domains)`` of them (SME: ``ceil(5% x domains)``, at
  most 1,000);
- content is payload bytes when every kept document states its size; otherwise (URL-only rows)
  documents, and the summary says so.

The result also states the share of content the list covers, and how many domains the
narrower reading "the top domains that together hold 10% of content" would list (cumulative
content of the ranked domains until it reaches 10% of the whole), so either reading can be
checked against the same ranking. Everything is one DuckDB window query: memory stays bounded
by the number of domains, never the number of documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import duckdb

__all__ = ["DomainShare", "TopDomains", "top_domains"]

SHARE: Final = 0.10
SME_SHARE: Final = 0.05
SME_CAP: Final = 1000

Measure = Literal["bytes", "documents"]


@dataclass(frozen=True, slots=True)
class DomainShare:
    rank: int
    domain: str
    documents: int
    bytes: int
    cumulative: int
    """Content (in the measure) of this domain and every one ranked before it."""


@dataclass(frozen=True, slots=True)
class TopDomains:
    measure: Measure
    share: float
    cap: int | None
    domains: int
    """Domains of the kept documents."""
    total: int
    """Content of the kept documents, in the measure."""
    listed: tuple[DomainShare, ...]
    covering: int
    """Domains needed, in rank order, for their content to reach ``share`` of the total."""

    @property
    def covered(self) -> float:
        """Share of the content the listed domains hold."""
        return self.listed[-1].cumulative / self.total if self.listed and self.total else 0.0


_NAME: Final = "coalesce(domain, nullif(host, ''), '(no host)')"


def top_domains(db: duckdb.DuckDBPyConnection, *, sme: bool = False) -> TopDomains:
    """The top domains of the kept documents of the table ``d``."""
    share, cap = (SME_SHARE, SME_CAP) if sme else (SHARE, None)
    (unsized, sized) = db.execute(
        "SELECT count(*) FILTER (payload_bytes IS NULL), coalesce(sum(payload_bytes), 0)"
        " FROM d WHERE keep"
    ).fetchone() or (0, 0)
    measure: Measure = "bytes" if unsized == 0 and sized > 0 else "documents"
    db.execute(
        "CREATE OR REPLACE TEMP TABLE ranked AS"
        f" WITH per AS (SELECT {_NAME} AS name, count(*) AS documents,"
        " coalesce(sum(payload_bytes), 0) AS bytes FROM d WHERE keep GROUP BY name)"
        f" SELECT name, documents, bytes, {measure} AS content,"
        " row_number() OVER w AS rank,"
        " sum(content) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative,"
        " sum(content) OVER () AS total, count(*) OVER () AS domains"
        f" FROM per WINDOW w AS (ORDER BY {measure} DESC, name)"
    )
    try:
        (domains, total, covering) = db.execute(
            "SELECT count(*), coalesce(max(total), 0),"
            " count(*) FILTER (cumulative - content < ? * total) FROM ranked",
            [share],
        ).fetchone() or (0, 0, 0)
        limit = -(-int(domains) * round(share * 100) // 100)  # ceil, in integers
        if cap is not None:
            limit = min(limit, cap)
        rows = db.execute(
            "SELECT rank, name, documents, bytes, cumulative FROM ranked"
            " WHERE rank <= ? ORDER BY rank",
            [limit],
        ).fetchall()
    finally:
        db.execute("DROP TABLE IF EXISTS ranked")
    return TopDomains(
        measure=measure,
        share=share,
        cap=cap,
        domains=int(domains),
        total=int(total),
        listed=tuple(DomainShare(int(r), str(n), int(d), int(b), int(c)) for r, n, d, b, c in rows),
        covering=int(covering),
    )
