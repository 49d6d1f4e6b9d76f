"""A site's own robots.txt with a policy's lines added: its groups, rules and comments kept.

How conflicts are handled (each one is reported as a note):

* the site's ``Content-Usage``, ``Content-Signal`` and ``License`` lines are the policy's to
  say: they are kept as comments (``# replaced by the policy: …``) and the policy's are written;
* the usage lines go into every group the site has (groups do not inherit from ``*``), after its
  last line; a ``*`` group is added when the site has none;
* a crawler of ``[[crawlers]]`` gets no second group: when the site's group names it alone, the
  policy's ``Disallow: /`` (or ``Allow: /``) joins that group, and for ``crawl = false`` the
  group's own ``Allow`` lines are commented out (they would open paths again); when the site's
  group names it with other crawlers, its ``User-agent`` line there is commented out and it gets a
  group of its own;
* everything else (the site's Allow/Disallow for other crawlers, sitemaps, comments) is kept as
  written. A site rule that readers take as a deny the policy does not make (a ``Disallow`` for a
  catalogued crawler) is kept too: it is the site's word on crawling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from reciprocity.steward.policy import CrawlerRule, Policy

__all__ = ["merge_robots"]

_LINE_RE: Final = re.compile(r"^\s*([A-Za-z_-]+)\s*:\s*(.*?)\s*$")
_REPLACED: Final = frozenset({"content-usage", "content-signal", "license"})


def _key_value(line: str) -> tuple[str, str] | None:
    found = _LINE_RE.match(line.split("#", 1)[0])
    return (found.group(1).lower(), found.group(2)) if found else None


def _token(value: str) -> str:
    if value.startswith("*"):
        return "*"
    found = re.match(r"[A-Za-z_-]+", value)
    return found.group(0).lower() if found else value.lower()


@dataclass
class _Group:
    agents: list[tuple[int, str]] = field(default_factory=list)
    """(line index, product token) of each User-agent line."""
    last: int = 0
    """Index of the group's last rule or User-agent line."""
    allows: list[int] = field(default_factory=list)


def _groups(lines: list[str]) -> list[_Group]:
    groups: list[_Group] = []
    current: _Group | None = None
    in_agents = False
    for index, line in enumerate(lines):
        found = _key_value(line)
        if found is None:
            continue
        key, value = found
        if key in ("user-agent", "useragent"):
            if current is None or not in_agents:
                current = _Group()
                groups.append(current)
            current.agents.append((index, _token(value)))
            current.last = index
            in_agents = True
            continue
        in_agents = False
        if key == "sitemap" or current is None:
            continue
        current.last = index
        if key == "allow":
            current.allows.append(index)
    return groups


def _own_group(crawler: CrawlerRule, usage: list[str]) -> list[str]:
    if crawler.crawl:
        return [f"User-agent: {crawler.token}", "Allow: /", *usage, ""]
    return [f"User-agent: {crawler.token}", "Disallow: /", ""]


def merge_robots(
    existing: str, policy: Policy, name: str, usage: list[str], comments: list[str]
) -> tuple[str, list[str]]:
    """``existing`` robots.txt with ``policy``'s lines added: ``usage`` (the group lines every
    crawler that may crawl must see) and ``comments`` (what robots.txt cannot say); the notes
    say what was changed."""
    lines = existing.lstrip("\ufeff").splitlines()
    notes: list[str] = []
    out = list(lines)
    after: dict[int, list[str]] = {}
    for index, line in enumerate(lines):
        found = _key_value(line)
        if found is not None and found[0] in _REPLACED:
            out[index] = f"# replaced by the policy: {line.strip()}"
            notes.append(f"robots.txt line {index + 1}: {line.strip()!r} replaced by the policy's")
    groups = _groups(lines)
    crawlers = {c.agent.google_token: c for c in policy.crawlers}
    placed: set[str] = set()
    for group in groups:
        tokens = {token for _, token in group.agents}
        mine = [crawlers[t] for t in tokens if t in crawlers]
        if mine and len(tokens) == 1:
            crawler = mine[0]
            placed.add(crawler.agent.google_token)
            if crawler.crawl:
                after.setdefault(group.last, []).extend(["Allow: /", *usage])
            else:
                after.setdefault(group.last, []).append("Disallow: /")
                for index in group.allows:
                    out[index] = (
                        f"# opened a path to {crawler.token}, which the policy blocks: "
                        + (lines[index].strip())
                    )
                    notes.append(
                        f"robots.txt line {index + 1}: {lines[index].strip()!r} commented out "
                        f"(crawl = false for {crawler.token})"
                    )
            continue
        for index, token in group.agents:
            if token in crawlers:
                out[index] = f"# given a group of its own by the policy: {lines[index].strip()}"
                notes.append(
                    f"robots.txt line {index + 1}: {crawlers[token].token} moved to a group of "
                    "its own (the policy sets its crawl access)"
                )
        if tokens - set(crawlers):
            after.setdefault(group.last, []).extend(usage)
    text: list[str] = [
        f"# AI usage lines added by reciprocity declare from {name} (policy version "
        f"{policy.version}); the site's own lines are kept.",
        *(f"# {c}" for c in comments),
    ]
    if policy.rsl:
        text += ["", f"License: {policy.rsl}"]
    text.append("")
    for index, line in enumerate(out):
        text.append(line)
        text.extend(after.get(index, ()))
    tail: list[str] = []
    for crawler in policy.crawlers:
        if crawler.agent.google_token not in placed:
            tail += _own_group(crawler, usage)
    if not any(token == "*" for g in groups for _, token in g.agents):
        tail += ["User-agent: *", "Allow: /", *usage]
    if tail:
        if text[-1].strip():
            text.append("")
        text += tail
    while text and not text[-1].strip():
        text.pop()
    return "\n".join(text) + "\n", notes
