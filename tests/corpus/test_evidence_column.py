"""The evidence column is the list of the decision's evidence records, whether each piece is
built afresh or taken from what was built for an earlier page of the same site."""

from __future__ import annotations

from reciprocity import evaluate
from reciprocity.corpus.decide import evidence_records
from reciprocity.signals.robots import RobotsTxt

ROBOTS = RobotsTxt.parse(
    "User-agent: *\nDisallow: /privé/\nContent-Usage: train-ai=n\n"
    "Content-Signal: search=yes, ai-train=no\n\nUser-agent: GPTBot\nDisallow: /\n"
)
HEADERS = [("Content-Usage", "search=y"), ("X-Robots-Tag", "noai")]


def test_evidence_column_is_the_record_of_every_piece() -> None:
    column = evidence_records
    for n in range(3):  # the second and third pages reuse what the first wrote
        for path in ("/a", "/privé/b", "/c?q=ü"):
            decision = evaluate(
                f"https://site.example{path}{n}",
                robots_txt=ROBOTS,
                headers=HEADERS,
                html="<meta name=robots content=noimageai>",
                user_agent="CCBot",
            )
            assert column(decision.evidence) == [e.to_dict() for e in decision.evidence]
    assert column(()) == []
