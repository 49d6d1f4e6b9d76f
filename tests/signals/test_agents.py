"""The AI crawler catalogue against the upstream list it comes from (../shared/data/ai_agents).

The upstream robots.json is read as it is; the expectations for well-known tokens follow
reference/signals.md §6.6.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import importlib.util
import io
import json
import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import ROOT, SHARED, require

from reciprocity.signals.agents import (
    AGENTS,
    AGENTS_SOURCE,
    Agent,
    Purpose,
    agent,
    invalid_tokens,
    tokens_for_use,
)
from reciprocity.signals.robots import RobotsTxt, extract_product_token
from reciprocity.uses import USES, Use

AI_AGENTS = SHARED / "data" / "ai_agents"
ROBOTS_JSON = AI_AGENTS / "robots.json"
ROBOTS_TXT = AI_AGENTS / "robots.txt"
README = AI_AGENTS / "README.md"
GENERATOR = ROOT / "scripts" / "gen_agents.py"
TABLE = ROOT / "src" / "reciprocity" / "signals" / "_agents_table.py"
PURPOSES_CSV = ROOT / "src" / "reciprocity" / "signals" / "agent_purposes.csv"

TRAIN, INPUT, SEARCH = Use.TRAIN_AI, Use.AI_USE, Use.SEARCH


@pytest.fixture(scope="module")
def gen() -> Iterator[Any]:
    spec = importlib.util.spec_from_file_location("reciprocity_gen_agents", GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class body is processed.
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def _upstream() -> dict[str, dict[str, Any]]:
    require(ROBOTS_JSON, "ai.robots.txt robots.json")
    data: dict[str, dict[str, Any]] = json.loads(ROBOTS_JSON.read_bytes())
    return data


# --- the generated module is what the generator makes of today's inputs ---------------------


def test_generated_module_is_up_to_date(gen: Any) -> None:
    require(ROBOTS_JSON, "ai.robots.txt robots.json")
    expected = gen.render(
        ROBOTS_JSON.read_bytes(),
        PURPOSES_CSV.read_text(encoding="utf-8"),
        README.read_text(encoding="utf-8"),
    )
    assert TABLE.read_text(encoding="utf-8") == expected, "run scripts/gen_agents.py"


def test_source_records_upstream_commit_and_digest() -> None:
    require(ROBOTS_JSON, "ai.robots.txt robots.json")
    readme = README.read_text(encoding="utf-8")
    assert AGENTS_SOURCE.repo == "ai-robots-txt/ai.robots.txt"
    assert AGENTS_SOURCE.commit in readme
    assert AGENTS_SOURCE.snapshot in readme
    assert AGENTS_SOURCE.sha256 == hashlib.sha256(ROBOTS_JSON.read_bytes()).hexdigest()


def test_generator_refuses_tokens_missing_from_either_side(gen: Any) -> None:
    readme = (
        "| `robots.json` | `ai-robots-txt/ai.robots.txt` `robots.json` | last changed in "
        f"`{'a' * 40}` (2026-01-01); snapshot HEAD `{'b' * 40}` | MIT |\n"
    )
    entry = {"operator": "X", "respect": "Yes", "function": "", "frequency": "", "description": ""}
    robots = json.dumps({"GPTBot": entry, "NewBot": entry}).encode()
    purposes = "token,uses,class,operator,reason\nGPTBot,train-ai,T,OpenAI,trains\n"
    with pytest.raises(gen.CatalogueError, match="NewBot"):
        gen.render(robots, purposes, readme)
    purposes += "NewBot,ai-use,U,X,fetches\nGoneBot,search,S,Y,indexes\n"
    with pytest.raises(gen.CatalogueError, match="GoneBot"):
        gen.render(robots, purposes, readme)
    with pytest.raises(gen.CatalogueError, match="snapshot"):
        gen.render(robots, purposes, "no provenance here")
    bad_class = "token,uses,class,operator,reason\nGPTBot,train-ai,X,OpenAI,trains\n"
    with pytest.raises(gen.CatalogueError, match="class"):
        gen.render(robots, bad_class, readme)
    bad_use = "token,uses,class,operator,reason\nGPTBot,train-genai,T,OpenAI,trains\n"
    with pytest.raises(gen.CatalogueError, match="uses"):
        gen.render(robots, bad_use, readme)


@pytest.mark.parametrize(
    ("respect", "expected"),
    [
        ("Yes", "yes"),
        ("[Yes](https://commoncrawl.org/ccbot)", "yes"),
        ("No", "no"),
        ("[No](https://docs.perplexity.ai/guides/bots)", "no"),
        ("Unclear at this time.", "unclear"),
        ("Unclear at this time", "unclear"),
        ("At the discretion of Diffbot users.", "unclear"),
        (
            "Unclear at this time; opt out provided via [Google Form](https://forms.gle/x)",
            "unclear",
        ),
        ("", "unclear"),
    ],
)
def test_respect_is_normalised(gen: Any, respect: str, expected: str) -> None:
    assert gen.normalise_respect(respect) == expected


# --- coverage of the upstream list ----------------------------------------------------------


def test_every_upstream_token_is_catalogued() -> None:
    upstream = _upstream()
    assert len(upstream) == 166
    for token in upstream:
        entry = agent(token)
        assert entry is not None, token
        assert token in entry.spellings
    spellings = [s for entry in AGENTS.values() for s in entry.spellings]
    assert sorted(spellings) == sorted(upstream)
    assert len(AGENTS) == len({token.lower() for token in upstream})


def test_respect_follows_upstream() -> None:
    upstream = _upstream()
    assert agent("Bytespider") == agent("bytespider")
    for token, expected in [
        ("GPTBot", "yes"),
        ("ClaudeBot", "yes"),  # a Markdown link to the operator's statement
        ("Bytespider", "no"),
        ("Perplexity-User", "no"),
        ("Diffbot", "unclear"),  # "At the discretion of Diffbot users."
        ("wpbot", "unclear"),
        ("anthropic-ai", "unclear"),
    ]:
        entry = agent(token)
        assert entry is not None
        assert entry.respects_robots == expected, (token, upstream[token]["respect"])


def test_case_duplicates_are_one_agent() -> None:
    merged = {key: a.spellings for key, a in AGENTS.items() if len(a.spellings) > 1}
    assert merged == {
        "meta-externalagent": ("meta-externalagent", "Meta-ExternalAgent"),
        "meta-externalfetcher": ("meta-externalfetcher", "Meta-ExternalFetcher"),
        "webzio-extended": ("Webzio-Extended", "webzio-extended"),
    }
    assert agent("META-EXTERNALAGENT") is AGENTS["meta-externalagent"]
    assert all(key == a.token.lower() for key, a in AGENTS.items())


# --- purposes and uses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "purpose", "uses", "operator"),
    [
        ("GPTBot", Purpose.TRAINING, {TRAIN}, "OpenAI"),
        ("OAI-SearchBot", Purpose.SEARCH, {INPUT, SEARCH}, "OpenAI"),
        ("ChatGPT-User", Purpose.USER, {INPUT}, "OpenAI"),
        ("ChatGPT Agent", Purpose.USER, {INPUT}, "OpenAI"),
        ("ClaudeBot", Purpose.TRAINING, {TRAIN}, "Anthropic"),
        ("anthropic-ai", Purpose.TRAINING, {TRAIN}, "Anthropic"),
        ("Claude-SearchBot", Purpose.SEARCH, {INPUT, SEARCH}, "Anthropic"),
        ("Claude-User", Purpose.USER, {INPUT}, "Anthropic"),
        ("CCBot", Purpose.TRAINING, {TRAIN}, "Common Crawl Foundation"),
        ("Google-Extended", Purpose.CONTROL, {TRAIN, INPUT}, "Google"),
        ("Applebot-Extended", Purpose.CONTROL, {TRAIN, INPUT}, "Apple"),
        ("GoogleOther", Purpose.MIXED, set(USES), "Google"),
        ("Google-CloudVertexBot", Purpose.MIXED, set(USES), "Google"),
        ("Amazonbot", Purpose.MIXED, set(USES), "Amazon"),
        ("Applebot", Purpose.SEARCH, {INPUT, SEARCH}, "Apple"),
        ("PerplexityBot", Purpose.SEARCH, {INPUT, SEARCH}, "Perplexity"),
        ("Perplexity-User", Purpose.USER, {INPUT}, "Perplexity"),
        ("Bytespider", Purpose.TRAINING, {TRAIN}, "ByteDance"),
        ("TikTokSpider", Purpose.TRAINING, {TRAIN}, "ByteDance"),
        ("Meta-ExternalAgent", Purpose.TRAINING, {TRAIN}, "Meta"),
        ("meta-externalfetcher", Purpose.USER, {INPUT}, "Meta"),
        ("meta-webindexer", Purpose.SEARCH, {INPUT, SEARCH}, "Meta"),
        ("FacebookBot", Purpose.TRAINING, {TRAIN}, "Meta"),
        ("cohere-ai", Purpose.USER, {INPUT}, "Cohere"),
        ("cohere-training-data-crawler", Purpose.TRAINING, {TRAIN}, "Cohere"),
        ("MistralAI-User", Purpose.USER, {INPUT}, "Mistral AI"),
        ("MistralAI-User/1.0", Purpose.USER, {INPUT}, "Mistral AI"),
        ("AI2Bot", Purpose.TRAINING, {TRAIN}, "Ai2"),
        ("Ai2Bot-Dolma", Purpose.TRAINING, {TRAIN}, "Ai2"),
        ("Diffbot", Purpose.MIXED, set(USES), "Diffbot"),
        ("YouBot", Purpose.SEARCH, {INPUT, SEARCH}, "You.com"),
        ("DeepSeekBot", Purpose.TRAINING, {TRAIN}, "DeepSeek"),
        ("PanguBot", Purpose.TRAINING, {TRAIN}, "Huawei"),
        ("Kangaroo Bot", Purpose.TRAINING, {TRAIN}, "Kangaroo LLM"),
        ("Timpibot", Purpose.TRAINING, {TRAIN}, "Timpi"),
        ("LAIONDownloader", Purpose.TRAINING, {TRAIN}, "LAION"),
        ("img2dataset", Purpose.TRAINING, {TRAIN}, "img2dataset"),
    ],
)
def test_known_tokens(token: str, purpose: Purpose, uses: set[Use], operator: str) -> None:
    entry = agent(token)
    assert entry is not None
    assert entry.purpose is purpose
    assert set(entry.uses) == uses
    assert entry.operator == operator
    assert entry.reason


# The one row whose uses leave its class's default: a link checker whose fetches no model reads.
NO_USE = {"SemrushBot-SWA"}


@pytest.mark.parametrize("entry", list(AGENTS.values()), ids=lambda a: a.token)
def test_uses_follow_the_purpose_class(entry: Agent) -> None:
    uses = set(entry.uses)
    if entry.token in NO_USE:
        assert uses == set()
    elif entry.purpose is Purpose.TRAINING:
        assert uses == {TRAIN}
    elif entry.purpose is Purpose.SEARCH:
        assert SEARCH in uses <= {SEARCH, INPUT}
    elif entry.purpose is Purpose.USER:
        assert uses == {INPUT}
    elif entry.purpose is Purpose.CONTROL:
        assert uses == {TRAIN, INPUT}
    else:
        assert uses == set(USES), "an unclear purpose is honoured for every use"
    assert entry.uses == tuple(u for u in USES if u in uses), "uses are kept in USES order"


def test_operators_are_plain_names() -> None:
    for entry in AGENTS.values():
        assert "[" not in entry.operator, entry
        assert "http" not in entry.operator, entry
        assert "unclear" not in entry.operator.lower(), entry
        assert entry.operator == entry.operator.strip()
    unnamed = agent("ZanistaBot")
    assert unnamed is not None
    assert unnamed.operator == ""


def test_tokens_for_use() -> None:
    train = tokens_for_use(Use.TRAIN_AI)
    assert train == tokens_for_use("train-ai") == tokens_for_use("TRAIN_AI")
    assert {"GPTBot", "ClaudeBot", "CCBot", "Google-Extended", "Bytespider"} <= train
    assert {"meta-externalagent", "Meta-ExternalAgent"} <= train, "every spelling, exact case"
    assert "GoogleOther" in train, "an unclear purpose counts for training too"
    assert not {"OAI-SearchBot", "ChatGPT-User", "PerplexityBot"} & train
    assert {"OAI-SearchBot", "PerplexityBot", "Claude-SearchBot"} <= tokens_for_use(Use.SEARCH)
    assert "GPTBot" not in tokens_for_use(Use.SEARCH)
    assert {"ChatGPT-User", "Perplexity-User", "Google-Extended"} <= tokens_for_use(Use.AI_USE)
    assert "SemrushBot-SWA" not in set().union(*(tokens_for_use(u) for u in USES))
    with pytest.raises(ValueError, match="unknown use"):
        tokens_for_use("genai")


def test_tokens_for_use_needs_a_token_google_can_read() -> None:
    for use in USES:
        for token in tokens_for_use(use):
            entry = agent(token)
            assert entry is not None
            assert entry.google_token
            assert use in entry.uses


def test_per_use_counts_match_the_csv() -> None:
    rows = list(csv.DictReader(io.StringIO(PURPOSES_CSV.read_text(encoding="utf-8"))))
    for use in USES:
        in_csv = {row["token"] for row in rows if use.value in row["uses"].split(";")}
        assert tokens_for_use(use) == in_csv, use


# --- RFC 9309 validity and what Google reads ------------------------------------------------


@pytest.mark.parametrize(
    ("token", "google"),
    [
        ("ChatGPT Agent", "chatgpt"),
        ("MistralAI-User/1.0", "mistralai-user"),
        ("Kangaroo Bot", "kangaroo"),
        ("Brightbot 1.0", "brightbot"),
        ("iaskspider/2.0", "iaskspider"),
        ("bigsur.ai", "bigsur"),
        ("quillbot.com", "quillbot"),
        ("Terra Cotta", "terra"),
        ("AI2Bot", "ai"),  # digits are outside RFC 9309 identifiers too
        ("Crawl4AI", "crawl"),
    ],
)
def test_invalid_tokens_are_flagged(token: str, google: str) -> None:
    entry = agent(token)
    assert entry is not None
    assert not entry.rfc9309_valid
    assert entry.google_token == google
    assert entry in invalid_tokens()


def test_valid_tokens() -> None:
    for token in ["GPTBot", "Factset_spyderbot", "meta-externalagent", "Google-Extended", "Code"]:
        entry = agent(token)
        assert entry is not None
        assert entry.rfc9309_valid
        assert entry.google_token == token.lower()
    assert len(invalid_tokens()) == 21
    assert all(not a.rfc9309_valid for a in invalid_tokens())


@pytest.mark.parametrize("entry", list(AGENTS.values()), ids=lambda a: a.token)
def test_google_token_is_what_the_robots_parser_reads(entry: Agent) -> None:
    for spelling in entry.spellings:
        assert extract_product_token(spelling).lower() == entry.google_token


def test_upstream_block_list_blocks_every_agent_by_its_google_token() -> None:
    require(ROBOTS_TXT, "ai.robots.txt robots.txt")
    robots = RobotsTxt.parse(ROBOTS_TXT.read_bytes())
    for entry in AGENTS.values():
        match = robots.match("https://example.com/page", entry.google_token)
        assert not match.allowed, entry.token
        assert match.scope == "specific", entry.token


# --- the public face ------------------------------------------------------------------------


def test_catalogue_is_read_only() -> None:
    entry = AGENTS["gptbot"]
    assert isinstance(AGENTS, types.MappingProxyType)
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.operator = "someone else"  # type: ignore[misc]
    assert agent("NoSuchBot") is None
