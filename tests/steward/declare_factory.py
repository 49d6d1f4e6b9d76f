"""Random policy files for the declare tests, and the declared carriers of one URL."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from reciprocity.signals.agents import AGENTS
from reciprocity.steward import Declaration

UNLESS = (
    '["credit"]',
    '["credit", "direct-contribution"]',
    '["cc-cr", "ec"]',
    '["attribution", "open"]',
)
PATHS = ("/blog/", "/blog/2024/", "/shop", "/a/", "/a/b/c/")
LICENCES = (None, "CC-BY-4.0", "CC-BY-NC-SA-4.0", "CC0-1.0", "MIT")
CRAWLERS = tuple(sorted({a.token for a in AGENTS.values() if a.google_token}))

stance = st.one_of(
    st.just('"allow"'),
    st.just('"deny"'),
    st.sampled_from(UNLESS).map(lambda u: f"{{ deny = true, unless = {u} }}"),
)
uses = st.dictionaries(st.sampled_from(("train-ai", "ai-use", "search")), stance)


@st.composite
def policies(draw: Any) -> str:
    """The text of a random valid policy file."""
    lines = ["version = 1"]
    licence = draw(st.sampled_from(LICENCES))
    if licence:
        lines.append(f'license = "{licence}"')
    if draw(st.booleans()):
        lines.append('rsl = "https://example.org/license.xml"')
    if draw(st.booleans()):
        lines.append('tdm-policy = "https://example.org/tdm-policy.json"')
    lines.append("[preferences]")
    lines += [f"{use} = {value}" for use, value in draw(uses).items()]
    for path in draw(st.lists(st.sampled_from(PATHS), unique=True, max_size=3)):
        lines += ["[[paths]]", f'path = "{path}"']
        lines += [f"{use} = {value}" for use, value in draw(uses).items()]
    tokens = draw(st.lists(st.sampled_from(CRAWLERS), unique=True, max_size=2))
    seen: set[str] = set()
    for token in tokens:
        google = AGENTS[token.lower()].google_token
        if google in seen:
            continue
        seen.add(google)
        lines += [
            "[[crawlers]]",
            f'token = "{token}"',
            f"crawl = {draw(st.sampled_from(['true', 'false']))}",
        ]
    return "\n".join(lines) + "\n"


def carriers(declaration: Declaration, path: str) -> dict[str, Any]:
    """The keyword arguments of ``reciprocity.evaluate`` for a URL of ``path``: every carrier
    the declaration wrote, as a site serving its files would send them."""
    scope = declaration.for_path(path)
    html = "<html><head>" + "".join(scope.meta) + "</head><body><p>text</p></body></html>"
    found: dict[str, Any] = {
        "robots_txt": declaration.robots_txt,
        "headers": list(scope.headers),
        "html": html,
    }
    if declaration.tdmrep_json is not None:
        found["tdmrep_json"] = declaration.tdmrep_json
    if declaration.ai_txt is not None:
        found["ai_txt"] = declaration.ai_txt
    if declaration.rsl_xml is not None:
        found["rsl_xml"] = declaration.rsl_xml
    return found
