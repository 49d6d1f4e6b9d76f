"""The policy file: what it reads into, and where its mistakes are reported."""

from __future__ import annotations

import pytest

from reciprocity.errors import InputError
from reciprocity.obligations import Duty
from reciprocity.steward import parse_policy
from reciprocity.steward.policy import ALLOW, DENY, Preference
from reciprocity.uses import Stance, Use

TEXT = """\
version = 1
[preferences]
train-ai = "deny"
ai-use = { deny = true, unless = ["cc-cr", "dc"] }

[[paths]]
path = "/blog/"
train-ai = "allow"

[[paths]]
path = "/blog/drafts/"
search = "deny"
"""


def test_longest_prefix_wins_per_use() -> None:
    policy = parse_policy(TEXT)
    credit_dc = Preference(Stance.DENY, frozenset({Duty.ATTRIBUTION, Duty.DIRECT_CONTRIBUTION}))
    assert policy.scopes == ("/", "/blog/", "/blog/drafts/")
    assert [policy.stance(u, "/x") for u in Use] == [DENY, credit_dc, None]
    assert [policy.stance(u, "/blog/x") for u in Use] == [ALLOW, credit_dc, None]
    # /blog/drafts/ sets search only: training comes from /blog/, ai-use from [preferences].
    assert [policy.stance(u, "/blog/drafts/1") for u in Use] == [ALLOW, credit_dc, DENY]
    assert str(credit_dc) == "deny unless attribution, direct-contribution"
    assert policy.notes == ()


def test_a_blocked_crawler_denies_its_uses_and_says_where() -> None:
    policy = parse_policy(
        TEXT + '[[crawlers]]\ntoken = "oai-searchbot"\ncrawl = false\n', source="p.toml"
    )
    assert policy.crawlers[0].token == "OAI-SearchBot"  # the catalogue's spelling
    assert policy.crawlers[0].line == 14
    assert policy.denied_by_crawlers == {Use.AI_USE, Use.SEARCH}
    assert policy.stance(Use.AI_USE, "/") == DENY
    assert [n.split(":")[0] for n in policy.notes] == ["/", "/blog/", "/blog/drafts/"]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('version = 1\n[[paths]]\npath = "/a/"\n\n[[paths]]\npath = "/a/"\n', 6, "repeated"),
        ('version = 1\n[[paths]]\npath = "/a/"\nsearch = "maybe"\n', 4, "paths[0].search"),
        ("version = 1\n[preferences]\nsearch = { deny = false }\n", 3, "deny = true"),
        ('version = 1\n[[crawlers]]\ntoken = "GPTBot"\n', 2, "crawl must be"),
        ('version = "1"\n', 1, "version '1'"),
    ],
)
def test_mistakes_name_file_line_and_key(text: str, line: int, words: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_policy(text, source="site.toml")
    assert (caught.value.path, caught.value.line) == ("site.toml", line)
    assert words in caught.value.message
