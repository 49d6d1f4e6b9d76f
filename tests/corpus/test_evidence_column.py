"""The evidence column is the JSON list of the decision's evidence records, whether each piece
is written afresh or taken from what was written for an earlier page of the same site."""

from __future__ import annotations

import importlib
import json

from reciprocity import evaluate
from reciprocity.signals.robots import RobotsTxt

ROBOTS = RobotsTxt.parse(
    "User-agent: *\nDisallow: /privé/\nContent-Usage: train-ai=n\n"
    "Content-Signal: search=yes, ai-train=no\n\nUser-agent: GPTBot\nDisallow: /\n"
)
HEADERS = [("Content-Usage", "search=y"), ("X-Robots-Tag", "noai")]


def test_evidence_column_is_the_json_of_every_record() -> None:
    column = importlib.import_module("reciprocity.corpus.decide")._evidence_json
    for n in range(3):  # the second and third pages reuse what the first wrote
        for path in ("/a", "/privé/b", "/c?q=ü"):
            decision = evaluate(
                f"https://site.example{path}{n}",
                robots_txt=ROBOTS,
                headers=HEADERS,
                html="<meta name=robots content=noimageai>",
                user_agent="CCBot",
            )
            expected = json.dumps(
                [e.to_dict() for e in decision.evidence], ensure_ascii=False, separators=(",", ":")
            )
            assert column(decision.evidence) == expected
    assert column(()) == "[]"
