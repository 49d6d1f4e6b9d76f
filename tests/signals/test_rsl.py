"""RSL 1.0: discovery (robots.txt ``License``, ``Link`` headers) and the XML licence document.

Spec examples are kept verbatim from the digest (../shared/reference/signals.md §4.3, §4.6) and
from the RSL sites' own pages (rslstandard.org guides, rslcollective.org/license), each test
naming its source.
"""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocity.obligations import Duty, Obligation
from reciprocity.signals.robots import RobotsTxt
from reciprocity.signals.rsl import (
    MAX_RSL_BYTES,
    RSL_NAMESPACE,
    USAGE_TOKENS,
    RslDocument,
    license_urls_from_link_headers,
    license_urls_from_robots,
    parse_rsl,
)
from reciprocity.signals.statement import Carrier, Mechanism, Statement
from reciprocity.uses import USES, Stance, Use

TRAIN, AI_USE, SEARCH = Use.TRAIN_AI, Use.AI_USE, Use.SEARCH
ALLOW, DENY = Stance.ALLOW, Stance.DENY
ATTRIBUTION = Obligation(Duty.ATTRIBUTION)
CONTRIBUTION = Obligation(Duty.DIRECT_CONTRIBUTION, detail="contribution")


def pay(kind: str) -> Obligation:
    """The payment an RSL ``<payment type=kind>`` asks for."""
    return Obligation(Duty.PAYMENT, detail=kind)


def server(url: str) -> Obligation:
    """A licence to obtain from the RSL licence server at ``url``."""
    return Obligation(Duty.LICENCE, url=url)


def by_use(statements: tuple[Statement, ...]) -> dict[Use, Statement]:
    """Each use's statement; every use appears in exactly one."""
    found: dict[Use, Statement] = {}
    for statement in statements:
        for use, _ in statement.stances:
            assert use not in found
            found[use] = statement
    return found


def verdicts(
    doc: RslDocument, url: str, **kw: str
) -> dict[Use, tuple[Stance, tuple[Obligation, ...]]]:
    return {
        use: (s.stance(use), s.exceptions) for use, s in by_use(doc.statements(url, **kw)).items()
    }


def codes(doc: RslDocument) -> set[str]:
    return {d.code for d in doc.diagnostics}


def rsl(body: str, ns: str = RSL_NAMESPACE) -> RslDocument:
    return parse_rsl(f'<rsl xmlns="{ns}">{body}</rsl>')


# -- spec examples ----------------------------------------------------------------------------

# signals.md §4.6 (RSL 1.0 §1.1, "site-wide RSL file")
SITE_WIDE = """<rsl xmlns="https://rslstandard.org/rsl">
  <content url="/">
    <license>
      <prohibits type="usage">ai-all</prohibits>
    </license>
  </content>
</rsl>"""


def test_spec_4_6_site_wide_ai_all_prohibition() -> None:
    doc = parse_rsl(SITE_WIDE)
    assert doc.diagnostics == ()
    assert doc.namespace == RSL_NAMESPACE
    statements = doc.statements("https://example.com/any/page.html")
    found = by_use(statements)
    assert found[TRAIN].stance(TRAIN) is DENY
    assert found[AI_USE].stance(AI_USE) is DENY
    assert found[TRAIN] is found[AI_USE]  # one statement for both uses
    assert found[TRAIN].exceptions == ()
    # ai-all does not cover search, and a licence without <permits> permits what it does not
    # prohibit (§3.1.1): search stays licensed.
    assert found[SEARCH].stance(SEARCH) is ALLOW
    statement = found[TRAIN]
    assert statement.mechanism is Mechanism.RSL
    assert statement.carrier is Carrier.RSL_XML
    assert statement.line == 3
    assert statement.rule == '<content url="/">'
    assert statement.raw.startswith("<license>")
    assert statement.raw.endswith("</license>")
    assert '<prohibits type="usage">ai-all</prohibits>' in statement.raw


# signals.md §4.6 robots.txt example
ROBOTS_EXAMPLE = """License: https://example.com/license.xml

User-agent: *
Allow: /
"""


def test_spec_4_6_robots_license_line() -> None:
    robots = RobotsTxt.parse(ROBOTS_EXAMPLE)
    for agent in (None, "GPTBot", "Googlebot"):
        found = license_urls_from_robots(robots, agent)
        assert found.rsl_urls == ("https://example.com/license.xml",)
        assert found.diagnostics == ()
        (link,) = found.links
        assert link.line == 1
        assert link.carrier is Carrier.ROBOTS_TXT
        assert link.agents == ()
        assert link.rsl


# signals.md §4.6 Link header example (RSL 1.0 §4.5)
LINK_EXAMPLE = '<https://example.com/license.xml>; rel="license"; type="application/rsl+xml"'


def test_spec_4_6_link_header() -> None:
    found = license_urls_from_link_headers([("Link", LINK_EXAMPLE)])
    assert found.diagnostics == ()
    (link,) = found.links
    assert link.url == "https://example.com/license.xml"
    assert link.rsl
    assert link.media_type == "application/rsl+xml"
    assert link.carrier is Carrier.HTTP_HEADER
    assert link.line == 1
    assert link.raw == LINK_EXAMPLE


# signals.md §4.6 payment fragment, placed in a minimal document
ATTRIBUTION_PAYMENT = """<payment type="attribution">
  <standard>https://creativecommons.org/licenses/by/4.0/</standard>
</payment>"""


def test_spec_4_6_attribution_payment_is_an_allow_with_an_obligation() -> None:
    doc = rsl(f'<content url="/"><license>{ATTRIBUTION_PAYMENT}</license></content>')
    assert doc.diagnostics == ()
    (statement,) = doc.statements("/x")
    assert statement.stances == ((TRAIN, ALLOW), (AI_USE, ALLOW), (SEARCH, ALLOW))
    assert statement.obligations == (ATTRIBUTION,)
    assert statement.exceptions == ()
    assert statement.license == "https://creativecommons.org/licenses/by/4.0/"
    payment = doc.contents[0].licenses[0].payments[0]
    assert payment.type == "attribution"
    assert payment.standard == ("https://creativecommons.org/licenses/by/4.0/",)


# signals.md §4.3 document structure example
STRUCTURE = """<rsl xmlns="https://rslstandard.org/rsl" max-age="30">
  <content url="/" server="https://licensing.example.com" lastmod="2026-10-01T00:00:00Z">
    <license>
      <permits type="usage">search ai-input</permits>
      <prohibits type="usage">ai-train</prohibits>
      <payment type="attribution"/>
      <legal type="warranty">ownership authority</legal>
    </license>
    <copyright type="organization" contactUrl="https://example.com/contact">Example Media</copyright>
    <terms>https://example.com/legal/ai-terms</terms>
  </content>
</rsl>"""  # noqa: E501 - verbatim


def test_spec_4_3_document_structure() -> None:
    doc = parse_rsl(STRUCTURE)
    assert doc.diagnostics == ()
    assert doc.max_age == 30
    (content,) = doc.contents
    assert content.server == "https://licensing.example.com"
    assert content.lastmod == "2026-10-01T00:00:00Z"
    assert content.copyright == "Example Media"
    assert content.terms == "https://example.com/legal/ai-terms"
    (license_,) = content.licenses
    assert license_.permitted("usage") == ("search", "ai-input")
    assert license_.prohibited("usage") == ("ai-train",)
    assert license_.legal == (("warranty", ("ownership", "authority")),)
    found = by_use(doc.statements("https://example.com/news/1"))
    assert found[TRAIN].stance(TRAIN) is DENY
    assert found[TRAIN].exceptions == ()  # prohibited: nothing lifts it
    # Permitted with attribution, but a licence server means a token must be obtained first,
    # even for free terms (§3.3): a deny the caller lifts by accepting the server.
    for use in (AI_USE, SEARCH):
        assert found[use].stance(use) is DENY
        assert found[use].exceptions == (server("https://licensing.example.com"),)
        assert found[use].obligations == (ATTRIBUTION,)


def test_spec_3_1_2_site_wide_permit_and_narrower_prohibition() -> None:
    # signals.md §4.5: site-wide `all` permitted, /articles/ prohibits ai-train.
    doc = rsl(
        '<content url="/"><license><permits type="usage">all</permits></license></content>'
        '<content url="/articles/"><license><prohibits type="usage">ai-train</prohibits>'
        "</license></content>"
    )
    assert verdicts(doc, "https://example.com/articles/a") == {
        TRAIN: (DENY, ()),
        AI_USE: (ALLOW, ()),
        SEARCH: (ALLOW, ()),
    }
    assert verdicts(doc, "https://example.com/about") == {
        TRAIN: (ALLOW, ()),
        AI_USE: (ALLOW, ()),
        SEARCH: (ALLOW, ()),
    }


# rslstandard.org/guide/ai-preferences (robots.txt and licence file, verbatim)
AIPREF_GUIDE_ROBOTS = """User-Agent: *
Allow: /

Content-Usage: train-ai=n
License: https://your-website.com/license.xml
"""
AIPREF_GUIDE_XML = """<rsl xmlns="https://rslstandard.org/rsl">
  <content url="/">
    <license>
      <permits type="usage">train-ai</permits>
      <payment type="subscription">
        <custom>https://your-website.com/contact-form.html</custom>
      </payment>
    </license>
  </content>
</rsl>"""


def test_guide_ai_preferences_example() -> None:
    robots = RobotsTxt.parse(AIPREF_GUIDE_ROBOTS)
    found = license_urls_from_robots(robots, "GPTBot")
    assert found.rsl_urls == ("https://your-website.com/license.xml",)
    assert found.links[0].agents == ("*",)
    doc = parse_rsl(AIPREF_GUIDE_XML)
    # `train-ai` is the guide's spelling, not an RSL 1.0 token: read as ai-train, with a note.
    assert "legacy-token" in codes(doc)
    result = by_use(doc.statements("https://your-website.com/post"))
    assert result[TRAIN].stance(TRAIN) is DENY
    assert result[TRAIN].exceptions == (pay("subscription"),)
    assert "licensing: https://your-website.com/contact-form.html" in result[TRAIN].note
    assert any(d.code == "legacy-token" for d in result[TRAIN].diagnostics)
    # A <permits> list allows only what it lists (§3.1.1 step 5).
    assert result[AI_USE].stance(AI_USE) is DENY
    assert result[SEARCH].stance(SEARCH) is DENY
    assert result[SEARCH].exceptions == ()


# rslstandard.org/guide/robots-txt (verbatim)
ROBOTS_GUIDE = """License: https://example.com/license.xml

User-agent: Googlebot
Allow: /"""


def test_guide_robots_txt_example_license_is_global() -> None:
    robots = RobotsTxt.parse(ROBOTS_GUIDE)
    for agent in ("Googlebot", "GPTBot", None):
        assert license_urls_from_robots(robots, agent).rsl_urls == (
            "https://example.com/license.xml",
        )


# rslcollective.org/license: "Paid AI Training License" and "Attribution AI Training License"
COLLECTIVE_ROYALTY = """<rsl xmlns="https://rslstandard.org/rsl">
  <content url="/" server="https://rslcollective.org/api">
    <license> 
      <permits type="usage">train-ai</permits>
      <payment type="royalty">
          <standard>https://rslcollective.org/license</standard>
      </payment>
    </license>
  </content>
</rsl>"""  # noqa: W291 - the trailing space after <license> is in the source
COLLECTIVE_ATTRIBUTION = """<rsl xmlns="https://rslstandard.org/rsl">
  <content url="/" server="https://rslcollective.org/api">
    <license> 
      <permits type="usage">train-ai</permits>
      <payment type="attribution">
          <standard>https://rslcollective.org/license</standard>
      </payment>
    </license>
  </content>
</rsl>"""  # noqa: W291


def test_rsl_collective_royalty_license() -> None:
    doc = parse_rsl(COLLECTIVE_ROYALTY)
    assert {"legacy-token"} <= codes(doc)
    found = by_use(doc.statements("https://member.example/a"))
    assert found[TRAIN].stance(TRAIN) is DENY
    assert found[TRAIN].exceptions == (
        pay("royalty"),
        server("https://rslcollective.org/api"),
    )
    assert found[TRAIN].license == "https://rslcollective.org/license"
    assert found[SEARCH].stance(SEARCH) is DENY


def test_rsl_collective_attribution_license() -> None:
    found = by_use(parse_rsl(COLLECTIVE_ATTRIBUTION).statements("/a"))
    assert found[TRAIN].stance(TRAIN) is DENY
    assert found[TRAIN].exceptions == (server("https://rslcollective.org/api"),)
    assert found[TRAIN].obligations == (ATTRIBUTION,)


# rslstandard.org/guide/getting-started "Template: Prohibit AI training", as the page prints it
# (typographic quotes around the url value): not well-formed XML, so nothing is licensed.
GETTING_STARTED_PROHIBIT = """<rsl xmlns="https://rslstandard.org/rsl">
<content url=”/”>
<license>
<prohibits type="usage">train-ai</prohibits>
</license>
</content>
</rsl>"""


def test_getting_started_template_with_typographic_quotes_is_not_xml() -> None:
    doc = parse_rsl(GETTING_STARTED_PROHIBIT)
    assert doc.contents == ()
    assert [(d.line, d.code) for d in doc.diagnostics] == [(2, "xml-syntax")]
    assert doc.statements("/") == ()
    # With straight quotes the template says what the page says it does.
    fixed = parse_rsl(GETTING_STARTED_PROHIBIT.replace("”", '"'))
    assert verdicts(fixed, "/")[TRAIN] == (DENY, ())
    assert verdicts(fixed, "/")[SEARCH] == (ALLOW, ())


# -- content selection ------------------------------------------------------------------------

NESTED = rsl(
    '<content url="/"><license><payment type="free"/></license></content>'
    '<content url="/articles/"><license><prohibits type="usage">ai-train</prohibits>'
    "</license></content>"
    '<content url="/articles/premium/"><license><payment type="subscription"/></license>'
    "</content>"
    '<content url="/*.pdf$"><license><prohibits type="usage">all</prohibits></license></content>'
)


@pytest.mark.parametrize(
    ("url", "train", "search"),
    [
        ("https://e.com/", (ALLOW, ()), (ALLOW, ())),
        ("https://e.com/articles/x", (DENY, ()), (ALLOW, ())),
        ("https://e.com/articles/premium/x", (DENY, (pay("subscription"),)), None),
        ("https://e.com/docs/a.pdf", (DENY, ()), (DENY, ())),
        ("https://e.com/docs/a.pdf?x=1", (ALLOW, ()), (ALLOW, ())),
        # The longer pattern wins: /articles/premium/ (18 characters) over /*.pdf$ (7).
        ("/articles/premium/a.pdf", (DENY, (pay("subscription"),)), None),
    ],
)
def test_most_specific_content_decides(
    url: str,
    train: tuple[Stance, tuple[Obligation, ...]],
    search: tuple[Stance, tuple[Obligation, ...]] | None,
) -> None:
    result = verdicts(NESTED, url)
    assert result[TRAIN] == train
    assert result[SEARCH] == (search or train)


def test_no_matching_content_says_nothing() -> None:
    doc = rsl('<content url="/articles/"><license/></content>')
    assert doc.statements("https://e.com/about") == ()
    assert doc.matching("https://e.com/about") == ()


def test_full_url_content_matches_its_host_only() -> None:
    doc = rsl(
        '<content url="https://example.com/news/*"><license>'
        '<prohibits type="usage">all</prohibits></license></content>'
    )
    assert verdicts(doc, "https://EXAMPLE.com/news/1")[SEARCH] == (DENY, ())
    assert verdicts(doc, "http://example.com/news/1")[SEARCH] == (DENY, ())
    assert doc.statements("https://other.com/news/1") == ()
    assert doc.statements("https://example.com/blog/1") == ()
    assert verdicts(doc, "/news/1")[SEARCH] == (DENY, ())  # no host to compare


def test_equally_specific_contents_combine_most_restrictively() -> None:
    doc = rsl(
        '<content url="/a/"><license><payment type="attribution"/></license></content>'
        '<content url="/a/"><license><payment type="crawl"/></license></content>'
    )
    (statement,) = doc.statements("/a/1")
    assert statement.stance(TRAIN) is DENY
    assert statement.exceptions == (pay("crawl"),)
    assert statement.obligations == (ATTRIBUTION,)
    doc = rsl(
        '<content url="/a/"><license><payment type="crawl"/></license></content>'
        '<content url="/a/"><license><prohibits type="usage">search</prohibits></license>'
        "</content>"
    )
    assert verdicts(doc, "/a/1")[SEARCH] == (DENY, ())


def test_empty_url_applies_where_placed() -> None:
    doc = rsl('<content url=""><license><prohibits type="usage">ai-train</prohibits></license>'
              '</content><content url="/"><license/></content>')  # fmt: skip
    assert verdicts(doc, "https://e.com/page")[TRAIN] == (DENY, ())


def test_relative_content_url_gets_a_slash() -> None:
    doc = rsl('<content url="articles/"><license><prohibits type="usage">all</prohibits>'
              "</license></content>")  # fmt: skip
    assert "relative-url" in codes(doc)
    assert verdicts(doc, "/articles/1")[SEARCH] == (DENY, ())


def test_non_ascii_pattern_is_percent_normalised() -> None:
    doc = rsl('<content url="/café/"><license><prohibits type="usage">all</prohibits>'
              "</license></content>")  # fmt: skip
    assert verdicts(doc, "/caf%C3%A9/x")[TRAIN] == (DENY, ())


# -- permits / prohibits evaluation -----------------------------------------------------------


def one_license(inner: str, attrs: str = "") -> RslDocument:
    return rsl(f'<content url="/"{attrs}><license>{inner}</license></content>')


def test_narrower_usage_beats_broader() -> None:
    doc = one_license(
        '<permits type="usage">search</permits><prohibits type="usage">all</prohibits>'
    )
    assert verdicts(doc, "/") == {TRAIN: (DENY, ()), AI_USE: (DENY, ()), SEARCH: (ALLOW, ())}
    doc = one_license(
        '<permits type="usage">ai-train</permits><prohibits type="usage">ai-all</prohibits>'
    )
    assert verdicts(doc, "/") == {TRAIN: (ALLOW, ()), AI_USE: (DENY, ()), SEARCH: (DENY, ())}


def test_permitted_and_prohibited_at_the_same_breadth_is_not_licensed() -> None:
    doc = one_license(
        '<permits type="usage">ai-train search</permits>'
        '<prohibits type="usage">ai-train</prohibits>'
    )
    assert verdicts(doc, "/")[TRAIN] == (DENY, ())
    assert verdicts(doc, "/")[SEARCH] == (ALLOW, ())


def test_ai_index_prohibition_covers_ai_use() -> None:
    doc = one_license('<prohibits type="usage">ai-index</prohibits>')
    assert verdicts(doc, "/") == {TRAIN: (ALLOW, ()), AI_USE: (DENY, ()), SEARCH: (ALLOW, ())}
    assert set(USAGE_TOKENS) == {"all", "ai-all", "ai-train", "ai-input", "ai-index", "search"}


def test_unknown_usage_tokens() -> None:
    # An unknown token in <permits> still makes it a list: nothing we know is permitted.
    doc = one_license('<permits type="usage">ai-training</permits>')
    assert "unknown-token" in codes(doc)
    assert {v for v, _ in verdicts(doc, "/").values()} == {DENY}
    # In <prohibits> it cannot be interpreted and is ignored.
    doc = one_license('<prohibits type="usage">ai-training ex:thing</prohibits>')
    assert {"unknown-token", "extension-token"} <= codes(doc)
    assert {v for v, _ in verdicts(doc, "/").values()} == {ALLOW}


def test_empty_permits_list_permits_nothing() -> None:
    doc = one_license('<permits type="usage"> </permits>')
    assert "empty-list" in codes(doc)
    assert {v for v, _ in verdicts(doc, "/").values()} == {DENY}


def test_missing_and_unknown_permission_types() -> None:
    doc = one_license("<prohibits>ai-train</prohibits>")
    assert "missing-type" in codes(doc)
    assert verdicts(doc, "/")[TRAIN] == (DENY, ())
    doc = one_license('<permits type="crawl">yes</permits>')
    assert "unknown-type" in codes(doc)
    (statement,) = doc.statements("/")
    assert statement.stance(SEARCH) is DENY
    assert "cannot be evaluated" in statement.note


def test_case_and_whitespace_in_tokens() -> None:
    doc = one_license('<prohibits type="usage">\n  AI-Train\t</prohibits>')
    assert "token-case" in codes(doc)
    assert verdicts(doc, "/")[TRAIN] == (DENY, ())


def test_duplicate_permits_elements_are_merged() -> None:
    doc = one_license(
        '<permits type="usage">search</permits><permits type="usage">ai-input</permits>'
    )
    assert "duplicate-element" in codes(doc)
    assert verdicts(doc, "/") == {TRAIN: (DENY, ()), AI_USE: (ALLOW, ()), SEARCH: (ALLOW, ())}


@pytest.mark.parametrize(
    ("payment", "exceptions", "obligations"),
    [
        ("", (), ()),
        ('<payment type="free"/>', (), ()),
        ("<payment/>", (), ()),
        ('<payment type="attribution"/>', (), (ATTRIBUTION,)),
        ('<payment type="contribution"/>', (CONTRIBUTION,), ()),
        ('<payment type="purchase"/>', (pay("purchase"),), ()),
        ('<payment type="subscription"/>', (pay("subscription"),), ()),
        ('<payment type="training"/>', (pay("training"),), ()),
        ('<payment type="crawl"/>', (pay("crawl"),), ()),
        ('<payment type="use"/>', (pay("use"),), ()),
        ('<payment type="inference"/>', (pay("use"),), ()),  # RSL 0.9 name
        ('<payment type="royalty"/>', (pay("royalty"),), ()),  # RSL Collective, not 1.0
        ('<payment type="barter"/>', (pay("barter"),), ()),  # unknown: still a term
        ('<reporting type="audit"/>', (Obligation(Duty.REPORTING, detail="audit"),), ()),
        (
            '<reporting type="telemetry" profile="https://p.example/t"/>',
            (Obligation(Duty.REPORTING, "https://p.example/t", "telemetry"),),
            (),
        ),
    ],
)
def test_payment_terms(
    payment: str, exceptions: tuple[Obligation, ...], obligations: tuple[Obligation, ...]
) -> None:
    (statement,) = one_license(payment).statements("/")
    assert statement.stance(TRAIN) is (DENY if exceptions else ALLOW)
    assert statement.exceptions == exceptions
    assert statement.obligations == obligations


def test_free_licence_behind_a_licence_server_is_a_deny_with_an_exception() -> None:
    doc = one_license("", ' server="https://ls.example/api" encrypted="true"')
    (statement,) = doc.statements("/")
    assert statement.stance(SEARCH) is DENY
    assert statement.exceptions == (server("https://ls.example/api"),)
    assert "encrypted" in statement.note
    assert doc.contents[0].encrypted


def test_amount_is_kept_and_reported() -> None:
    doc = one_license(
        '<payment type="crawl"><amount currency="USD">0.015</amount>'
        '<accepts type="application/x402+json"/></payment>'
    )
    payment = doc.contents[0].licenses[0].payments[0]
    assert payment.amounts[0].value == "0.015"
    assert payment.amounts[0].currency == "USD"
    assert payment.accepts == ("application/x402+json",)
    assert "crawl 0.015 USD" in doc.statements("/")[0].note


def test_licences_are_alternatives_the_least_demanding_is_reported() -> None:
    doc = rsl(
        '<content url="/">'
        '<license><permits type="usage">ai-train</permits><payment type="training"/></license>'
        '<license><permits type="usage">ai-train</permits><payment type="attribution"/></license>'
        "</content>"
    )
    found = by_use(doc.statements("/"))
    assert found[TRAIN].stance(TRAIN) is ALLOW
    assert found[TRAIN].obligations == (ATTRIBUTION,)
    assert found[TRAIN].rule == '<content url="/"> <license> #2'
    assert found[TRAIN].line == 1
    assert "2 licences grant this use" in found[TRAIN].note


def test_user_classes() -> None:
    doc = rsl(
        '<content url="/">'
        '<license><permits type="user">non-commercial education</permits></license>'
        '<license><permits type="user">commercial</permits>'
        '<prohibits type="usage">ai-train</prohibits>'
        '<payment type="subscription"/></license>'
        "</content>"
    )
    # Class unknown: no licence can be relied on, and the commercial licence's prohibition
    # may apply to the caller.
    unknown = verdicts(doc, "/")
    assert unknown == {TRAIN: (DENY, ()), AI_USE: (DENY, ()), SEARCH: (DENY, ())}
    note = by_use(doc.statements("/"))[SEARCH].note
    assert "user not given" in note
    # A non-commercial caller: the commercial licence does not bind it.
    assert verdicts(doc, "/", user="Non-Commercial") == {
        TRAIN: (ALLOW, ()),
        AI_USE: (ALLOW, ()),
        SEARCH: (ALLOW, ()),
    }
    assert verdicts(doc, "/", user="commercial") == {
        TRAIN: (DENY, ()),
        AI_USE: (DENY, (pay("subscription"),)),
        SEARCH: (DENY, (pay("subscription"),)),
    }
    assert verdicts(doc, "/", user="government")[SEARCH] == (DENY, ())


def test_user_prohibition() -> None:
    doc = one_license('<prohibits type="user">commercial</prohibits>')
    assert verdicts(doc, "/", user="personal")[TRAIN] == (ALLOW, ())
    assert verdicts(doc, "/", user="commercial")[TRAIN] == (DENY, ())
    assert verdicts(doc, "/")[TRAIN] == (DENY, ())


def test_geo() -> None:
    doc = one_license('<permits type="geo">EU us</permits>')
    assert "token-case" in codes(doc)
    assert verdicts(doc, "/", geo="fr")[TRAIN] == (ALLOW, ())
    assert verdicts(doc, "/", geo="US")[TRAIN] == (ALLOW, ())
    assert verdicts(doc, "/", geo="CN")[TRAIN] == (DENY, ())
    assert verdicts(doc, "/")[TRAIN] == (DENY, ())
    doc = one_license('<prohibits type="geo">EU</prohibits>')
    assert verdicts(doc, "/", geo="DE")[SEARCH] == (DENY, ())
    assert verdicts(doc, "/", geo="CH")[SEARCH] == (ALLOW, ())


def test_content_without_license_licenses_nothing() -> None:
    doc = rsl('<content url="/"/>')
    assert "no-license" in codes(doc)
    (statement,) = doc.statements("/")
    assert statement.stances == ((TRAIN, DENY), (AI_USE, DENY), (SEARCH, DENY))


# -- namespaces, versions, other formats --------------------------------------------------------


@pytest.mark.parametrize(
    "ns",
    [
        "http://rslstandard.org/rsl",
        "https://rslstandard.org/rsl/",
        "https://www.rslstandard.org/rsl",
    ],
)
def test_namespace_variants_are_read_with_a_diagnostic(ns: str) -> None:
    doc = parse_rsl(SITE_WIDE.replace(RSL_NAMESPACE, ns))
    assert codes(doc) == {"namespace-variant"}
    assert verdicts(doc, "/")[TRAIN] == (DENY, ())


def test_missing_namespace_is_read_with_a_diagnostic() -> None:
    doc = parse_rsl(SITE_WIDE.replace(f' xmlns="{RSL_NAMESPACE}"', ""))
    assert codes(doc) == {"no-namespace"}
    assert doc.namespace is None
    assert verdicts(doc, "/")[TRAIN] == (DENY, ())


def test_other_namespace_is_not_rsl() -> None:
    doc = parse_rsl(SITE_WIDE.replace(RSL_NAMESPACE, "https://example.com/licence"))
    assert codes(doc) == {"not-rsl"}
    assert not doc.is_rsl
    assert doc.statements("/") == ()


def test_prefixed_namespace() -> None:
    doc = parse_rsl(
        f'<r:rsl xmlns:r="{RSL_NAMESPACE}"><r:content url="/"><r:license>'
        '<r:prohibits type="usage">ai-train</r:prohibits></r:license></r:content></r:rsl>'
    )
    assert doc.diagnostics == ()
    assert verdicts(doc, "/")[TRAIN] == (DENY, ())


def test_rsl_0_9_document() -> None:
    # 0.9 (signals.md §4.7): comma-separated lists, `inference` payments, currency XBT.
    doc = rsl(
        '<content url="/"><license><permits type="usage">ai-use,search</permits>'
        '<payment type="inference"><amount currency="XBT">0.0001</amount></payment>'
        "</license></content>"
    )
    assert doc.legacy
    assert {"comma-list", "legacy-token", "rsl-0.9"} <= codes(doc)
    assert verdicts(doc, "/") == {
        TRAIN: (DENY, ()),
        AI_USE: (DENY, (pay("use"),)),
        SEARCH: (DENY, (pay("use"),)),
    }


def test_unknown_and_extension_elements() -> None:
    doc = parse_rsl(
        f'<rsl xmlns="{RSL_NAMESPACE}" xmlns:x="https://ext.example/"><content url="/">'
        '<license><prohibits type="usage">ai-train</prohibits><x:fee>5</x:fee>'
        '<discount>10</discount></license><alternate url="/a.pdf"/><schema/></content>'
        "<x:note/></rsl>"
    )
    assert codes(doc) == {"extension-ignored", "unknown-element"}
    unknown = [d for d in doc.diagnostics if d.code == "unknown-element"]
    assert "discount" in unknown[0].message
    assert verdicts(doc, "/")[TRAIN] == (DENY, ())


def test_rss_feed_with_rsl_items() -> None:
    feed = f"""<rss xmlns:rsl="{RSL_NAMESPACE}" version="2.0"><channel><item>
    <title>One</title>
    <rsl:content url="/posts/1"><rsl:license>
      <rsl:prohibits type="usage">ai-all</rsl:prohibits>
    </rsl:license></rsl:content>
    </item></channel></rss>"""
    doc = parse_rsl(feed)
    assert doc.diagnostics == ()
    assert verdicts(doc, "https://blog.example/posts/1")[TRAIN] == (DENY, ())
    assert doc.statements("https://blog.example/posts/2") == ()


def test_max_age() -> None:
    assert parse_rsl(f'<rsl xmlns="{RSL_NAMESPACE}" max-age="7"/>').max_age == 7
    doc = parse_rsl(f'<rsl xmlns="{RSL_NAMESPACE}" max-age="-1"/>')
    assert doc.max_age is None
    assert {"invalid-value", "no-content"} <= codes(doc)


# -- hostile and broken input -----------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rsl xmlns="https://rslstandard.org/rsl"><content url="/&lol3;"/></rsl>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rsl [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rsl xmlns="https://rslstandard.org/rsl"><content url="/">&x;</content></rsl>"""


@pytest.mark.parametrize(
    "data",
    [
        BILLION_LAUGHS,
        EXTERNAL_ENTITY,
        BILLION_LAUGHS.encode("utf-16"),
        '<!DOCTYPE rsl SYSTEM "http://evil.example/x.dtd"><rsl/>',
    ],
)
def test_dtds_are_refused(data: str | bytes) -> None:
    doc = parse_rsl(data)
    assert doc.contents == ()
    assert [d.code for d in doc.diagnostics] == ["dtd-refused"]


@pytest.mark.parametrize(
    "data",
    [b"", b"<rsl", b"<rsl></lsr>", b"\x00\xff\xfe", "<rsl xmlns='x'><content url='/'>", b"plain"],
)
def test_malformed_xml(data: bytes | str) -> None:
    doc = parse_rsl(data)
    assert doc.contents == ()
    assert "xml-syntax" in codes(doc)
    assert doc.statements("/") == ()


def test_undefined_entity_is_a_syntax_error() -> None:
    doc = parse_rsl(f'<rsl xmlns="{RSL_NAMESPACE}"><content url="/&nope;"/></rsl>')
    assert codes(doc) == {"xml-syntax"}


def test_size_limit() -> None:
    big = SITE_WIDE.encode() + b" " * MAX_RSL_BYTES
    doc = parse_rsl(big)
    assert codes(doc) == {"size-limit"}


@pytest.mark.parametrize(
    "data",
    [
        SITE_WIDE.encode("utf-16"),
        SITE_WIDE.encode("utf-16-be"),
        codecs.BOM_UTF8 + SITE_WIDE.encode(),
        "\ufeff" + SITE_WIDE,
        ('<?xml version="1.0" encoding="ISO-8859-1"?>\n' + SITE_WIDE).encode("latin-1"),
    ],
)
def test_encodings(data: bytes | str) -> None:
    doc = parse_rsl(data)
    assert verdicts(doc, "/")[TRAIN] == (DENY, ())


def test_latin1_text_survives() -> None:
    text = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        f'<rsl xmlns="{RSL_NAMESPACE}"><content url="/"><license/>'
        "<copyright>Société Générale</copyright></content></rsl>"
    )
    data = text.encode("latin-1")
    doc = parse_rsl(data)
    assert doc.contents[0].copyright == "Société Générale"


def test_invalid_utf8_is_replaced_with_a_diagnostic() -> None:
    data = SITE_WIDE.encode().replace(b"<content", b"<!-- \xff --><content")
    doc = parse_rsl(data)
    assert "invalid-encoding" in codes(doc)
    assert verdicts(doc, "/")[TRAIN] == (DENY, ())


def test_typed_misuse_raises() -> None:
    with pytest.raises(TypeError):
        parse_rsl(123)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        parse_rsl(SITE_WIDE).statements(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        license_urls_from_robots("License: x")  # type: ignore[arg-type]


# -- robots.txt discovery ---------------------------------------------------------------------

GROUPED = """License: https://e.com/global.xml
User-agent: GPTBot
Disallow: /
License: https://e.com/gpt.xml

User-agent: CCBot
Disallow: /private/

User-agent: *
Allow: /
License: https://e.com/star.xml
License:
License: /relative.xml
License: https://e.com/star.xml
"""


def test_robots_group_scoping() -> None:
    robots = RobotsTxt.parse(GROUPED)
    gpt = license_urls_from_robots(robots, "GPTBot")
    assert gpt.rsl_urls == ("https://e.com/gpt.xml",)
    assert gpt.links[0].agents == ("GPTBot",)
    assert gpt.links[0].line == 4
    # CCBot's group has no License line: the global ones, and the `*` group's (read as global).
    cc = license_urls_from_robots(robots, "CCBot")
    assert cc.rsl_urls == ("https://e.com/global.xml", "https://e.com/star.xml", "/relative.xml")
    # An unnamed crawler falls under `*`, whose own lines are its candidate set.
    other = license_urls_from_robots(robots, "Googlebot")
    assert other.rsl_urls == ("https://e.com/star.xml", "/relative.xml")
    assert {(d.line, d.code) for d in other.diagnostics} == {
        (12, "empty-value"),
        (13, "relative-url"),
        (14, "duplicate"),
    }
    everything = license_urls_from_robots(robots)
    assert [link.line for link in everything] == [1, 4, 11, 13]
    resolved = license_urls_from_robots(robots, "Googlebot", base_url="https://e.com/robots.txt")
    assert resolved.rsl_urls == ("https://e.com/star.xml", "https://e.com/relative.xml")


def test_robots_without_license_lines() -> None:
    found = license_urls_from_robots(RobotsTxt.parse("User-agent: *\nDisallow:\n"), "GPTBot")
    assert found.links == ()
    assert len(found) == 0


def test_robots_non_http_license_url() -> None:
    found = license_urls_from_robots(RobotsTxt.parse("License: ftp://e.com/l.xml\n"))
    assert [d.code for d in found.diagnostics] == ["not-http"]
    assert found.rsl_urls == ("ftp://e.com/l.xml",)


# -- Link headers ------------------------------------------------------------------------------


def test_link_headers_several_links_and_odd_quoting() -> None:
    headers = [
        ("Content-Type", "text/html"),
        (
            "Link",
            '<https://e.com/a,b;c.xml>; rel="license"; type="application/rsl+xml"; '
            'title="terms, v2; \\"final\\"", <https://e.com/style.css>; rel=stylesheet',
        ),
        ("LINK", "<https://creativecommons.org/licenses/by/4.0/>;rel=license"),
        (
            "link",
            '<https://e.com/l2.xml> ; rel = "alternate LICENSE" ; type = "Application/RSL+XML"',
        ),
        ("Link", "<https://e.com/l3.xml>; rel=license; type=application/rsl+xml"),
    ]
    found = license_urls_from_link_headers(headers)
    assert [(link.url, link.rsl, link.line) for link in found] == [
        ("https://e.com/a,b;c.xml", True, 2),
        ("https://creativecommons.org/licenses/by/4.0/", False, 3),
        ("https://e.com/l2.xml", True, 4),
        ("https://e.com/l3.xml", True, 5),
    ]
    assert found.rsl_urls == (
        "https://e.com/a,b;c.xml",
        "https://e.com/l2.xml",
        "https://e.com/l3.xml",
    )
    assert [(d.line, d.code) for d in found.diagnostics] == [(5, "link-unquoted")]


def test_link_headers_malformed_values() -> None:
    headers = [
        ("Link", 'https://e.com/x.xml; rel="license", <https://e.com/ok.xml>; rel="license"'),
        ("Link", '<https://e.com/open.xml; rel="license"'),
        ("Link", '<https://e.com/q.xml>; rel="license; type="application/rsl+xml"'),
        ("Link", '<https://e.com/r.xml>; rel="license"; rel="nofollow" ; =x'),
        ("Link", '<https://e.com/s.xml> junk; rel="license", <https://e.com/t.xml>; rel=license'),
        ("Link", '<>; rel="license"'),
        ("Link", '<l.xml>; rel="license"; anchor="#section"'),
    ]
    found = license_urls_from_link_headers(headers)
    # Line 3: the quote closes after `type=`, so rel is "license; type=" (not `license`) and
    # the rest of the link is skipped. Line 5: text before the parameters spoils the link.
    assert [(link.url, link.line) for link in found] == [
        ("https://e.com/ok.xml", 1),
        ("https://e.com/r.xml", 4),
        ("https://e.com/t.xml", 5),
        ("l.xml", 7),
    ]
    assert found.links[-1].anchor == "#section"
    assert not any(link.rsl for link in found)
    assert [(d.line, d.code) for d in found.diagnostics] == [
        (1, "link-syntax"),
        (2, "link-syntax"),
        (3, "link-syntax"),
        (4, "link-syntax"),
        (4, "duplicate-rel"),
        (5, "link-syntax"),
        (6, "empty-value"),
        (7, "relative-url"),
    ]


def test_link_headers_resolve_relative_targets() -> None:
    found = license_urls_from_link_headers(
        [("Link", '</license.xml>; rel="license"; type="application/rsl+xml"')],
        base_url="https://e.com/articles/1",
    )
    assert found.rsl_urls == ("https://e.com/license.xml",)


def test_link_headers_typed_misuse() -> None:
    with pytest.raises(TypeError):
        license_urls_from_link_headers(["Link: <x>"])  # type: ignore[list-item]


# -- properties --------------------------------------------------------------------------------

TOKENS = st.sampled_from(
    ["all", "ai-all", "ai-train", "ai-input", "ai-index", "search", "train-ai", "x", "AI-Train"]
)
LISTS = st.lists(TOKENS, max_size=3).map(" ".join)
KINDS = st.sampled_from(["usage", "user", "geo", "q"])
PAYMENTS = st.sampled_from(["free", "attribution", "crawl", "royalty", ""])
ELEMENT = st.one_of(
    st.builds(lambda t, v: f'<permits type="{t}">{v}</permits>', KINDS, LISTS),
    st.builds(lambda t, v: f'<prohibits type="{t}">{v}</prohibits>', KINDS, LISTS),
    st.builds(lambda t: f'<payment type="{t}"/>', PAYMENTS),
    st.just('<reporting type="audit"/>'),
)
LICENSE = st.lists(ELEMENT, max_size=4).map(lambda els: "<license>" + "".join(els) + "</license>")
CONTENT = st.builds(
    lambda url, server, licenses: f'<content url="{url}"{server}>{"".join(licenses)}</content>',
    st.sampled_from(["/", "/a/", "/a/*.pdf$", "", "https://e.com/a/", "a"]),
    st.sampled_from(["", ' server="https://ls.example"']),
    st.lists(LICENSE, max_size=3),
)
DOCS = st.lists(CONTENT, min_size=1, max_size=4).map(
    lambda contents: f'<rsl xmlns="{RSL_NAMESPACE}">' + "".join(contents) + "</rsl>"
)
URLS = st.sampled_from(["/", "/a/", "/a/x.pdf", "https://e.com/a/b", "https://f.com/a/", "/b"])
USERS = st.sampled_from([None, "commercial", "personal"])


@given(st.binary(max_size=2048))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    doc = parse_rsl(data)
    assert doc == parse_rsl(data)
    doc.statements("https://e.com/a")


@given(st.text(max_size=1024))
def test_arbitrary_text_never_raises(text: str) -> None:
    parse_rsl(text).statements("/")
    parse_rsl(f'<rsl xmlns="{RSL_NAMESPACE}"><content url="/">{text}</content></rsl>')


@settings(max_examples=300)
@given(DOCS, URLS, USERS)
def test_statements_are_deterministic_and_cover_every_use(
    doc_text: str, url: str, user: str | None
) -> None:
    first, second = parse_rsl(doc_text), parse_rsl(doc_text)
    assert first == second
    statements = first.statements(url, user=user)
    assert statements == second.statements(url, user=user)
    if statements:
        assert set(by_use(statements)) == set(USES)
    for statement in statements:
        assert statement.mechanism is Mechanism.RSL
        # A deny nothing can lift has no exceptions; an allow never carries exceptions.
        for _, stance in statement.stances:
            assert stance is not Stance.UNKNOWN
            if stance is ALLOW:
                assert statement.exceptions == ()


@settings(max_examples=300)
@given(DOCS, URLS)
def test_knowing_the_user_class_never_turns_an_allow_into_a_deny_that_was_unconditional(
    doc_text: str, url: str
) -> None:
    # Not knowing the caller's class is the most restrictive reading: any use allowed without
    # a class stays allowed for every class... except where a class-scoped prohibition lifts,
    # which only widens. So ALLOW for user=None implies ALLOW for any given user.
    doc = parse_rsl(doc_text)
    unknown = by_use(doc.statements(url))
    for user in ("commercial", "personal"):
        known = by_use(doc.statements(url, user=user))
        for use, statement in unknown.items():
            if statement.stance(use) is ALLOW:
                assert known[use].stance(use) is ALLOW


@given(st.text(max_size=300), st.text(max_size=50))
def test_link_headers_never_raise(value: str, name: str) -> None:
    found = license_urls_from_link_headers([("Link", value), (name, value)])
    assert found == license_urls_from_link_headers([("Link", value), (name, value)])
    for link in found:
        assert link.carrier is Carrier.HTTP_HEADER


@given(
    st.lists(
        st.sampled_from(["<a>", ";", ",", '"', "rel=license", " ", "<b,c>", "\\", "type="]),
        max_size=20,
    )
)
def test_link_header_fragments_never_raise(parts: list[str]) -> None:
    license_urls_from_link_headers([("Link", "".join(parts))])


@given(st.text(max_size=500), st.sampled_from([None, "GPTBot", "*", "x"]))
def test_robots_discovery_never_raises(text: str, agent: str | None) -> None:
    robots = RobotsTxt.parse("License: " + text)
    assert license_urls_from_robots(robots, agent) == license_urls_from_robots(robots, agent)


def test_robots_license_lines_belong_to_the_user_agent_lines_before_them() -> None:
    # issue 13: License is a group rule; the next User-agent line starts another group, so a
    # line under GPTBot is not held against every crawler, nor the '*' one against GPTBot.
    robots = RobotsTxt.parse(
        "User-agent: GPTBot\nLicense: https://example.com/gpt.xml\nUser-agent: *\n"
        "License: https://example.com/all.xml\nDisallow: /private/\n"
    )
    found = license_urls_from_robots(robots, "GPTBot")
    assert found.rsl_urls == ("https://example.com/gpt.xml",)
    assert found.links[0].agents == ("GPTBot",)
    found = license_urls_from_robots(robots, "ClaudeBot")
    assert found.rsl_urls == ("https://example.com/all.xml",)
    assert found.links[0].agents == ("*",)
    assert license_urls_from_robots(robots, "GPTBot/1.0 (+https://openai.com)").rsl_urls == (
        "https://example.com/gpt.xml",
    )
