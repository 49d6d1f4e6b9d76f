"""Property tests: any input parses, parsing is deterministic, queries never raise."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocity.signals.robots import RobotsTxt, path_or_url, path_params_query

LINES = st.lists(
    st.one_of(
        st.sampled_from(
            ["User-agent: *", "User-agent: GPTBot", "Disallow: /", "Allow: /a", "Sitemap: x"]
        ),
        st.builds(
            lambda key, value: f"{key}:{value}",
            st.sampled_from(["user-agent", "allow", "disallow", "crawl-delay", "foo", "useragent"]),
            st.text(alphabet="/*$?=&%abc:# \tñ", max_size=12),
        ),
        st.text(max_size=20),
    ),
    max_size=30,
)
PATHS = st.text(alphabet="/*$?=&%abcñ#", max_size=20).map(lambda p: "/" + p)
AGENTS = st.sampled_from(["*", "GPTBot", "gptbot", "", "Foo Bar", "ñ"])


@given(st.binary(max_size=2048))
def test_arbitrary_bytes_parse(data: bytes) -> None:
    robots = RobotsTxt.parse(data)
    assert isinstance(robots.allowed("https://x.com/a", "GPTBot"), bool)


@given(st.text(max_size=2048))
def test_arbitrary_text_parses(text: str) -> None:
    RobotsTxt.parse(text).match("/", "*")


@settings(max_examples=300)
@given(LINES, PATHS, AGENTS, st.sampled_from(["\n", "\r\n", "\r"]))
def test_parse_is_deterministic(lines: list[str], path: str, agent: str, eol: str) -> None:
    text = eol.join(lines)
    first, second = RobotsTxt.parse(text), RobotsTxt.parse(text)
    assert first.groups == second.groups
    assert first.records == second.records
    assert first.diagnostics == second.diagnostics
    assert first.match(path, agent) == second.match(path, agent)


@settings(max_examples=300)
@given(LINES, PATHS, AGENTS)
def test_line_endings_do_not_change_verdicts(lines: list[str], path: str, agent: str) -> None:
    verdicts = {RobotsTxt.parse(eol.join(lines)).allowed(path, agent) for eol in ("\n", "\r\n")}
    assert len(verdicts) == 1


@settings(max_examples=300)
@given(LINES, PATHS, AGENTS)
def test_allowed_agrees_with_match(lines: list[str], path: str, agent: str) -> None:
    robots = RobotsTxt.parse("\n".join(lines))
    assert robots.allowed(path, agent) is robots.match(path, agent).allowed


def _google_matches(path: str, pattern: str) -> bool:
    """Google's position-set matcher, written plainly: the slow reference for the fast index."""
    positions = [0]
    for i, char in enumerate(pattern):
        if char == "$" and i == len(pattern) - 1:
            return positions[-1] == len(path)
        if char == "*":
            positions = list(range(positions[0], len(path) + 1))
        else:
            positions = [p + 1 for p in positions if p < len(path) and path[p] == char]
            if not positions:
                return False
    return True


def _reference_allowed(robots: RobotsTxt, path: str, agent: str) -> bool:
    best_allow = best_disallow = -1
    for group in robots.groups_for(agent):
        for rule in group.rules:
            if _google_matches(path, rule.pattern):
                if rule.allow:
                    best_allow = max(best_allow, len(rule.pattern))
                else:
                    best_disallow = max(best_disallow, len(rule.pattern))
    if best_allow > 0 or best_disallow > 0:
        return best_disallow <= best_allow
    return True


RULE_LINES = st.lists(
    st.builds(
        lambda kind, body: f"{kind}: /{body}",
        st.sampled_from(["Allow", "Disallow"]),
        st.text(alphabet="ab*$/.", max_size=8),
    ),
    max_size=12,
)


@settings(max_examples=1000)
@given(RULE_LINES, st.text(alphabet="ab/.$*", max_size=10), st.sampled_from(["*", "bot"]))
def test_matcher_equals_the_plain_algorithm(rules: list[str], path: str, agent: str) -> None:
    robots = RobotsTxt.parse("User-agent: bot\n" + "\n".join(rules))
    path = "/" + path
    expected = _reference_allowed(robots, path_params_query(path), agent)
    assert robots.allowed(path, agent) is expected


@settings(max_examples=2000)
@given(
    st.lists(st.sampled_from([*" \t\v\f:#ab/*$-é", "User-agent", "Disallow"]), max_size=12).map(
        "".join
    )
)
def test_fast_line_split_equals_googles_reading(line: str) -> None:
    from reciprocity.signals.robots import _LINE_RE, _WS, _split_line

    (key, value, rest) = _LINE_RE.findall(line)[0]
    if key:
        assert (key, value.strip(_WS), None) == _split_line(line)
    else:
        assert rest == line


@given(st.text(alphabet="/?;#:.a%\x00 é*$", max_size=20))
def test_a_path_is_its_own_path(text: str) -> None:
    # Other mechanisms are handed the path instead of the URL (path_or_url): reading it again must
    # give it back. A path that starts with `//` is not handed on: alone it reads as a
    # scheme-relative URL.
    url = "https://host.example" + text if text.startswith("/") else text
    path = path_params_query(url)
    assert path_params_query(path_or_url(url, path)) == path
    if text.startswith("/") and not text.startswith("//"):
        assert path_params_query(text) == path_params_query(url)


RECORD_LINES = st.lists(
    st.sampled_from(
        [
            "User-agent: *",
            "User-agent: GPTBot",
            "User-agent: CCBot/2.0",
            "User-agent: 008",
            "Disallow: /",
            "Crawl-delay: 3",
            "Content-Usage: train-ai=n",
            "Content-Signal: ai-train=no",
            "License: https://x.example/l.xml",
            "Sitemap: https://x.example/s.xml",
            "Host: x.example",
            "",
        ]
    ),
    max_size=25,
)
_GROUP_RECORDS = {"crawl-delay", "content-usage", "content-signal", "license"}
_TOKENS = {"GPTBot": "gptbot", "CCBot/2.0": "ccbot", "008": ""}  # as Google reads the lines


def _reference_record_groups(lines: list[str]) -> list[tuple[int, tuple[str, ...], list[int]]]:
    """(first line, agents, record lines) of each record group, read the plain way: a run of
    User-agent lines, ended by a rule or a group record, owns the records up to the next run."""
    found: list[tuple[int, tuple[str, ...], list[int]]] = []
    agents: list[str] = []
    ruled = True
    for number, line in enumerate(lines, 1):
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            if ruled:
                found.append((number, (), []))
                agents, ruled = [], False
            agents.append(value)
            found[-1] = (found[-1][0], tuple(agents), found[-1][2])
        elif key in ("allow", "disallow") or key in _GROUP_RECORDS:
            ruled = ruled or bool(found)
        if key and key not in ("user-agent", "allow", "disallow") and found:
            found[-1][2].append(number)
    return found


@settings(max_examples=500)
@given(RECORD_LINES)
def test_record_groups_are_the_runs_their_records_follow(lines: list[str]) -> None:
    robots = RobotsTxt.parse("\n".join(lines))
    expected = _reference_record_groups(lines)
    assert [(g.line, g.agents) for g in robots.record_groups] == [(n, a) for n, a, _ in expected]
    assert [g.index for g in robots.record_groups] == list(range(len(expected)))
    for group, (_, _, numbers) in zip(robots.record_groups, expected, strict=True):
        assert [r.line for r in robots.records if r.group == group.index] == numbers
        assert group.is_global == ("*" in group.agents)
        assert group.tokens == {_TOKENS[a] for a in group.agents if a != "*"}
    # Every User-agent line is in one group of rules and one record group, in file order.
    assert [a for g in robots.groups for a in g.agents] == [
        a for g in robots.record_groups for a in g.agents
    ]
