"""Google's own robots.txt test expectations, kept verbatim in ../shared/data/robots.

545 vectors from google/robotstxt (robots_test.cc) and google/robotstxt-spec-test; every one must
pass. There are no skips: the assertions Google's suite makes on internal helpers rather than on
verdicts are not in the file (see its README), and the helpers we do expose are tested below.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from conftest import SHARED, require

from reciprocity.signals.robots import RobotsTxt, extract_product_token, path_params_query

VECTORS = SHARED / "data" / "robots" / "google_conformance.jsonl"


def _load() -> list[dict[str, Any]]:
    if not VECTORS.exists():
        return []
    return [json.loads(line) for line in VECTORS.read_text(encoding="utf-8").splitlines() if line]


CASES = _load()


def test_vector_file_present() -> None:
    require(VECTORS, "Google robots.txt conformance vectors")
    assert len(CASES) == 545


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_google_conformance(case: dict[str, Any]) -> None:
    body = base64.b64decode(case["robots_txt_b64"])
    robots = RobotsTxt.parse(body)
    url, agent = case["url"], case["user_agent"]
    # Google's matcher compares the agent as given (its callers pass a product token): the raw
    # matcher is what these vectors test.
    assert robots.allowed(url, agent, reduce=False) is case["allowed"], case.get(
        "explanation", case["source"]
    )
    # The verdict and the explained match must never disagree.
    assert robots.match(url, agent, reduce=False).allowed is case["allowed"]
    # Our API reads a query as its product token first; for a token that changes nothing.
    if agent and extract_product_token(agent) == agent:
        assert robots.allowed(url, agent) is case["allowed"]
        assert robots.match(url, agent).allowed is case["allowed"]


# The vectors whose agent is not a product token (5 of 545), read as our API reads them: as the
# token a User-agent line with the same value is read as, or failing closed when there is none.
REDUCED = {
    # `User-Agent: Foo Bar` is read as `foo`; so is the query `Foo Bar`: its group applies.
    "gtest-GoogleOnly_AcceptUserAgentUpToFirstSpace-02": True,
    "spec-correctness-user-agent-name-01-02": True,
    # `User-agent: AB42bot` is read as `ab`; so is the query: its `Disallow: /` applies.
    "spec-stress-369883-01-07": False,
    "spec-stress-369883-01-08": False,
    # `/robots.txt` under `XYZ123bot`'s `Disallow: /`.
    "spec-stress-860237-01-09": False,
}


def test_queries_that_are_not_tokens_are_read_as_tokens() -> None:
    require(VECTORS, "Google robots.txt conformance vectors")
    found = {}
    for case in CASES:
        agent = case["user_agent"]
        if agent and extract_product_token(agent) != agent:
            robots = RobotsTxt.parse(base64.b64decode(case["robots_txt_b64"]))
            match = robots.match(case["url"], agent)
            assert [d.code for d in match.diagnostics] == ["agent-reduced"]
            found[case["id"]] = match.allowed
    assert found == REDUCED
    # An empty agent names no crawler: only what every group allows is allowed.
    for case in CASES:
        if not case["user_agent"]:
            robots = RobotsTxt.parse(base64.b64decode(case["robots_txt_b64"]))
            strictest = all(
                robots.allowed(case["url"], agent, reduce=False)
                for agent in ("*", *robots.named_tokens())
            )
            assert robots.allowed(case["url"], "") is strictest


# google/robotstxt TestGetPathParamsQuery, re-stated: the URL -> path+params+query helper.
PATH_CASES = [
    ("", "/"),
    ("http://www.example.com", "/"),
    ("http://www.example.com/", "/"),
    ("http://www.example.com/a", "/a"),
    ("http://www.example.com/a/", "/a/"),
    ("http://www.example.com/a/b?c=http://d.e/", "/a/b?c=http://d.e/"),
    ("http://www.example.com/a/b?c=d&e=f#fragment", "/a/b?c=d&e=f"),
    ("example.com", "/"),
    ("example.com/", "/"),
    ("example.com/a", "/a"),
    ("example.com/a/", "/a/"),
    ("example.com/a/b?c=d&e=f#fragment", "/a/b?c=d&e=f"),
    ("a", "/"),
    ("a/", "/"),
    ("/a", "/a"),
    ("a/b", "/b"),
    ("example.com?a", "/?a"),
    ("example.com/a;b#c", "/a;b"),
    ("//a/b/c", "/b/c"),
]


@pytest.mark.parametrize(("url", "expected"), PATH_CASES)
def test_path_params_query(url: str, expected: str) -> None:
    assert path_params_query(url) == expected


# google/robotstxt ID_VerifyValidUserAgentsToObey, re-stated on the token extraction we expose.
@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("Foobot", True),
        ("Foobot-Bar", True),
        ("Foo_Bar", True),
        ("", False),
        ("ツ", False),
        ("Foobot*", False),
        (" Foobot ", False),
        ("Foobot/2.1", False),
        ("Foobot Bar", False),
    ],
)
def test_valid_user_agent_tokens(value: str, valid: bool) -> None:
    assert (value != "" and extract_product_token(value) == value) is valid


def test_pattern_escaping() -> None:
    # google/robotstxt TestMaybeEscapePattern: non-ASCII octets escaped, hex upper-cased.
    robots = RobotsTxt.parse("User-agent: *\nDisallow: /á\nDisallow: /%aa\nDisallow: /%zz\n")
    patterns = [rule.pattern for rule in robots.groups[0].rules]
    assert patterns == ["/%C3%A1", "/%AA", "/%zz"]
