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
    assert robots.allowed(case["url"], case["user_agent"]) is case["allowed"], case.get(
        "explanation", case["source"]
    )
    # The verdict and the explained match must never disagree.
    assert robots.match(case["url"], case["user_agent"]).allowed is case["allowed"]


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
