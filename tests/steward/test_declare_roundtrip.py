"""Round trip: what ``reciprocity.evaluate`` reads from every declared carrier is the policy.

For random policies (stances with and without conditions, path overrides, crawler access), on
URLs under every scope, for the default crawler, each crawler the policy names and a few others of
the catalogue: every use gets exactly the policy's stance (a conditional deny names exactly its
duties and becomes an allow when they are accepted), with no conflict between mechanisms. A
crawler the policy blocks gets a deny of every use (it should not have collected the page); the
only conflicts then are with the robots.txt line that blocks it.
"""

from __future__ import annotations

import re
import tempfile

from declare_factory import CRAWLERS, carriers, policies
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reciprocity
from reciprocity.resolve import Decision
from reciprocity.signals import aipref, content_signals
from reciprocity.signals.agents import AGENTS
from reciprocity.signals.aitxt import parse_ai_txt
from reciprocity.signals.robots import RobotsTxt
from reciprocity.signals.rsl import parse_rsl
from reciprocity.signals.statement import Mechanism
from reciprocity.signals.tdmrep import parse_tdmrep_json
from reciprocity.steward import Declaration, Policy, declare, parse_policy, write_declaration
from reciprocity.steward.lint import lint_site
from reciprocity.steward.lint_sources import read_folder
from reciprocity.uses import USES, Stance


def _urls(policy: Policy) -> list[str]:
    paths = ["/", "/other/page.html"]
    for scope in policy.scopes:
        paths += [scope, f"{scope}page.html" if scope.endswith("/") else f"{scope}/x"]
    return [f"https://example.org{path}" for path in dict.fromkeys(paths)]


def _check(policy: Policy, url: str, agent: str, decision: Decision, accepted: bool) -> None:
    path = url.removeprefix("https://example.org")
    where = f"{url} as {agent}{' accepting' if accepted else ''}"
    for use in USES:
        expected = policy.stance(use, path)
        got = decision.decision(use)
        if expected is None:
            assert got.stance is Stance.UNKNOWN, (where, use, got)
        elif expected.stance is Stance.ALLOW or (accepted and expected.unless):
            assert got.stance is Stance.ALLOW, (where, use, got)
        else:
            assert got.stance is Stance.DENY, (where, use, got)
            assert {o.duty for o in got.exceptions} == expected.unless, (where, use, got)
    assert decision.conflicts == (), (where, decision.conflicts)


def _parses_cleanly(declaration: Declaration) -> None:
    """Every declared file and header reads without a diagnostic in the project's parsers."""
    # A catalogued name that is not an RFC 9309 token (AI2Bot) is read as its token, and said.
    odd = {c.token for c in declaration.policy.crawlers if not c.agent.rfc9309_valid}
    for diagnostic in RobotsTxt.parse(declaration.robots_txt).diagnostics:
        assert diagnostic.code == "agent-token", diagnostic
        assert any(repr(token) in diagnostic.message for token in odd), diagnostic
    if declaration.tdmrep_json is not None:
        assert parse_tdmrep_json(declaration.tdmrep_json).diagnostics == ()
    if declaration.ai_txt is not None:
        assert parse_ai_txt(declaration.ai_txt).diagnostics == ()
    if declaration.rsl_xml is not None:
        document = parse_rsl(declaration.rsl_xml)
        assert document.diagnostics == ()
        assert all(not lic.diagnostics for c in document.contents for lic in c.licenses)
    for scope in declaration.scopes:
        for statement in (
            *aipref.header_statements(scope.headers),
            *content_signals.header_statements(scope.headers),
        ):
            assert statement.diagnostics == (), statement


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=policies(), others=st.lists(st.sampled_from(CRAWLERS), max_size=2))
def test_every_carrier_states_the_policy(text: str, others: list[str]) -> None:
    policy = parse_policy(text)
    declaration = declare(policy)
    _parses_cleanly(declaration)
    blocked = policy.blocked_tokens
    agents = ["*", *(c.token for c in policy.crawlers), *others]
    for url in _urls(policy):
        found = carriers(declaration, url.removeprefix("https://example.org"))
        for agent in agents:
            decision = reciprocity.evaluate(url, user_agent=agent, **found)
            if agent != "*" and AGENTS[agent.lower()].google_token in blocked:
                assert all(d.stance is Stance.DENY for d in decision.uses), (url, agent)
                assert all(c.deny.mechanism is Mechanism.ROBOTS for c in decision.conflicts)
                continue
            _check(policy, url, agent, decision, accepted=False)
            duties = {d for use in USES if (s := policy.stance(use, "/")) for d in s.unless}
            duties |= {d for p in policy.scopes for use in USES
                       if (s := policy.stance(use, p)) for d in s.unless}  # fmt: skip
            if duties:
                lifted = reciprocity.evaluate(url, user_agent=agent, accept=duties, **found)
                _check(policy, url, agent, lifted, accepted=True)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=policies())
def test_a_declared_folder_lints_clean(text: str) -> None:
    """What declare writes, lint finds nothing wrong with; but a catalogued token that is not
    an RFC 9309 product token (AI2Bot: digits) is written as its vendor asks, and lint rightly
    warns that strict parsers read it otherwise."""
    policy = parse_policy(text)
    odd = {c.token for c in policy.crawlers if not re.fullmatch(r"[A-Za-z_-]+", c.token)}
    with tempfile.TemporaryDirectory() as folder:
        write_declaration(declare(policy), folder)
        findings = lint_site(read_folder(folder, origin="https://example.org"))
    left = [
        f
        for f in findings
        if not (f.rule == "robots-nonstandard-line" and any(t in f.message for t in odd))
    ]
    assert [f"{f.rule}: {f.message}" for f in left] == []
