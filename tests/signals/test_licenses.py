"""Licence marks -> SPDX ids: rel=license, CC URLs and badges, licence metas."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reciprocity.obligations import DUTIES, Duty, Obligation
from reciprocity.signals.html import LicenceUrl, Link, Meta, scan_html
from reciprocity.signals.licenses import (
    OBLIGATIONS,
    READINGS,
    Licence,
    LicenceMarks,
    _id_obligations,
    _kind,
    _spdx_ids,
    licence_from_text,
    licence_from_url,
    licence_statements,
    read_licences,
    spdx_id,
)
from reciprocity.signals.statement import Carrier, Mechanism
from reciprocity.uses import USES, Stance

ALLOW_ALL = tuple((use, Stance.ALLOW) for use in USES)


# -- signals.md §9.2-9.3: the CC URL grammar and the SPDX mapping --------------------------


BY, SA, NC, ND = Duty.ATTRIBUTION, Duty.SHARE_ALIKE, Duty.NON_COMMERCIAL, Duty.NO_DERIVATIVES


@pytest.mark.parametrize(
    ("code", "spdx", "duties"),
    [
        ("by", "CC-BY-4.0", (BY,)),
        ("by-sa", "CC-BY-SA-4.0", (BY, SA)),
        ("by-nd", "CC-BY-ND-4.0", (BY, ND)),
        ("by-nc", "CC-BY-NC-4.0", (BY, NC)),
        ("by-nc-sa", "CC-BY-NC-SA-4.0", (BY, NC, SA)),
        ("by-nc-nd", "CC-BY-NC-ND-4.0", (BY, NC, ND)),
    ],
)
def test_the_six_4_0_licences(code: str, spdx: str, duties: tuple[Duty, ...]) -> None:
    url = f"https://creativecommons.org/licenses/{code}/4.0/"
    licence = licence_from_url(f"{url}deed.fr")
    assert licence is not None
    assert licence.license == spdx
    assert licence.listed
    assert licence.url == url
    # Each element is its duty, with the canonical URL of the licence it comes from.
    assert licence.obligations == tuple(Obligation(duty, url) for duty in duties)
    assert licence.kind == "cc-licence"


@pytest.mark.parametrize(("element", "duty"), [("by", BY), ("sa", SA), ("nc", NC), ("nd", ND)])
def test_each_element_is_its_duty(element: str, duty: Duty) -> None:
    assert OBLIGATIONS[element][0] is duty
    url = f"https://creativecommons.org/licenses/{element}/1.0/"  # 1.0 had each element alone
    licence = licence_from_url(url)
    assert licence is not None
    assert licence.obligations == (Obligation(duty, url),)


@pytest.mark.parametrize(
    ("named", "url"),
    [
        (
            licence_from_url("https://spdx.org/licenses/CC-BY-NC-ND-3.0-IGO.html"),
            "https://creativecommons.org/licenses/by-nc-nd/3.0/igo/",
        ),
        (licence_from_text("CC-SA-1.0"), "https://creativecommons.org/licenses/sa/1.0/"),
    ],
)
def test_a_licence_named_by_its_spdx_id_carries_its_canonical_url(
    named: Licence | None, url: str
) -> None:
    assert named is not None
    assert named.obligations
    assert {o.url for o in named.obligations} == {url}


def test_every_listed_cc_licence_id_reads_back_to_its_url() -> None:
    ids = [i for i in _spdx_ids()[0].values() if i.startswith("CC-") and _kind(i) == "cc-licence"]
    assert len(ids) > 40
    for ident in ids:
        obligations = _id_obligations(ident)
        assert obligations, ident
        assert all(o.url and o.url.startswith("https://creativecommons.org/") for o in obligations)
    # An id the grammar cannot read back keeps its duties, without a URL.
    assert _id_obligations("CC-BY-SA-9.9") == (Obligation(BY), Obligation(SA))


@pytest.mark.parametrize(
    "url",
    [
        "https://creativecommons.org/licenses/by-sa/4.0/",
        "http://creativecommons.org/licenses/by-sa/4.0/",
        "https://www.creativecommons.org/licenses/by-sa/4.0",
        "//creativecommons.org/licenses/by-sa/4.0/",
        "creativecommons.org/licenses/by-sa/4.0/",
        "https://creativecommons.org/licenses/by-sa/4.0/deed.en",
        "https://creativecommons.org/licenses/by-sa/4.0/deed.zh-hans",
        "https://creativecommons.org/licenses/by-sa/4.0/deed.en_US",
        "https://creativecommons.org/licenses/by-sa/4.0/legalcode",
        "https://creativecommons.org/licenses/by-sa/4.0/legalcode.de",
        "https://creativecommons.org/licenses/by-sa/4.0/legalcode.txt",
        "https://creativecommons.org/licenses/by-sa/4.0/rdf",
        "https://creativecommons.org/licenses/by-sa/4.0/?ref=chooser-v1",
        "https://creativecommons.org/licenses/by-sa/4.0/#fragment",
        " HTTPS://CreativeCommons.org/Licenses/BY-SA/4.0/ ",
        "https://i.creativecommons.org/l/by-sa/4.0/88x31.png",
        "https://licensebuttons.net/l/by-sa/4.0/80x15.png",
    ],
)
def test_url_variants_normalise(url: str) -> None:
    licence = licence_from_url(url)
    assert licence is not None
    assert licence.license == "CC-BY-SA-4.0"
    assert licence.url == "https://creativecommons.org/licenses/by-sa/4.0/"


@pytest.mark.parametrize(
    ("url", "spdx"),
    [
        ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"),
        ("http://creativecommons.org/publicdomain/zero/1.0/legalcode", "CC0-1.0"),
        ("https://creativecommons.org/publicdomain/mark/1.0/", "CC-PDM-1.0"),
        ("https://creativecommons.org/licenses/publicdomain/", "CC-PDDC"),
        ("https://i.creativecommons.org/p/zero/1.0/88x31.png", "CC0-1.0"),
        ("https://licensebuttons.net/p/mark/1.0/88x31.png", "CC-PDM-1.0"),
    ],
)
def test_public_domain_tools(url: str, spdx: str) -> None:
    licence = licence_from_url(url)
    assert licence is not None
    assert (licence.license, licence.kind, licence.obligations) == (spdx, "cc-public-domain", ())


@pytest.mark.parametrize(
    ("url", "spdx", "listed"),
    [
        ("https://creativecommons.org/licenses/by/3.0/de/", "CC-BY-3.0-DE", True),
        ("http://creativecommons.org/licenses/by-sa/3.0/igo/deed.fr", "CC-BY-SA-3.0-IGO", True),
        ("https://creativecommons.org/licenses/by-nc-sa/2.0/uk/", "CC-BY-NC-SA-2.0-UK", True),
        ("https://creativecommons.org/licenses/by-sa/2.1/jp/", "CC-BY-SA-2.1-JP", True),
        # a port SPDX does not list: never the generic id (ports differ legally)
        ("https://creativecommons.org/licenses/by-sa/3.0/us/", "LicenseRef-CC-BY-SA-3.0-US", False),
        (
            "https://creativecommons.org/licenses/by/2.5/scotland/",
            "LicenseRef-CC-BY-2.5-SCOTLAND",
            False,
        ),
        # 1.0: ND before NC in the path; the non-BY tools
        ("https://creativecommons.org/licenses/by-nd-nc/1.0/", "CC-BY-NC-ND-1.0", True),
        ("https://creativecommons.org/licenses/sa/1.0/", "CC-SA-1.0", True),
        ("https://creativecommons.org/licenses/nc-sa/1.0/", "LicenseRef-CC-NC-SA-1.0", False),
        (
            "https://creativecommons.org/licenses/sampling+/1.0/",
            "LicenseRef-CC-SAMPLINGPLUS-1.0",
            False,
        ),
        # there is no generic 2.1
        ("https://creativecommons.org/licenses/by/2.1/", "LicenseRef-CC-BY-2.1", False),
    ],
)
def test_ports_and_old_tools(url: str, spdx: str, listed: bool) -> None:
    licence = licence_from_url(url)
    assert licence is not None
    assert (licence.license, licence.listed) == (spdx, listed)
    assert licence.kind == "cc-licence"


def test_obligations_of_old_tools() -> None:
    licence = licence_from_url("https://creativecommons.org/licenses/nd-nc/1.0/")
    assert licence is not None
    url = "https://creativecommons.org/licenses/nd-nc/1.0/"
    assert licence.obligations == (Obligation(ND, url), Obligation(NC, url))


@pytest.mark.parametrize(
    "url",
    [
        "https://creativecommons.org/licenses/by/9.9/",
        "https://creativecommons.org/licenses/by-xx/4.0/",
        "https://creativecommons.org/licenses/",
        "https://creativecommons.org/choose/",
        "https://creativecommons.org/publicdomain/zero/2.0/",
        "https://example.org/licenses/by/4.0/",
        "https://creativecommons.org.evil.example/licenses/by/4.0/",
        "javascript:void(0)",
        "",
    ],
)
def test_junk_urls_name_no_licence(url: str) -> None:
    assert licence_from_url(url) is None


def test_every_mapped_id_is_on_the_spdx_list() -> None:
    for code in ("by", "by-sa", "by-nd", "by-nc", "by-nc-sa", "by-nc-nd"):
        for version in ("1.0", "2.0", "2.5", "3.0", "4.0"):
            licence = licence_from_url(f"https://creativecommons.org/licenses/{code}/{version}/")
            assert licence is not None
            assert licence.listed, licence
            assert spdx_id(licence.license) == licence.license


def test_spdx_and_osi_urls() -> None:
    mit = licence_from_url("https://spdx.org/licenses/MIT.html")
    assert mit is not None
    assert (mit.license, mit.kind) == ("MIT", "other")
    apache = licence_from_url("https://opensource.org/licenses/apache-2.0")
    assert apache is not None
    assert apache.license == "Apache-2.0"
    assert licence_from_url("https://spdx.org/licenses/NotALicence.html") is None


# -- text in metas --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "spdx"),
    [
        ("CC BY-SA 4.0", "CC-BY-SA-4.0"),
        ("cc-by-nc-nd-3.0-de", "CC-BY-NC-ND-3.0-DE"),
        ("CC BY 4.0", "CC-BY-4.0"),
        ("Creative Commons BY 4.0", "CC-BY-4.0"),
        ("CC0", "CC0-1.0"),
        ("CC0 1.0", "CC0-1.0"),
        ("mit", "MIT"),
        ("MIT OR Apache-2.0", "MIT OR Apache-2.0"),
        (
            "(mit AND bsd-2-clause) or GPL-2.0-only WITH Classpath-exception-2.0",
            "(MIT AND BSD-2-Clause) OR GPL-2.0-only WITH Classpath-exception-2.0",
        ),
        ("https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
    ],
)
def test_licence_from_text(text: str, spdx: str) -> None:
    licence = licence_from_text(text)
    assert licence is not None
    assert licence.license == spdx


@pytest.mark.parametrize(
    "text",
    ["All rights reserved", "© 2020 Example Ltd.", "GPL", "MIT OR", "Apache-2.0 WITH MIT",
     "(MIT", "MIT)", "", "   ", "x" * 500],
)  # fmt: skip
def test_text_that_names_no_licence(text: str) -> None:
    assert licence_from_text(text) is None


# -- statements from a page -----------------------------------------------------------------


def test_rel_license_link_statement() -> None:
    page = scan_html(
        b"<html>\n<body>\n"
        b'<a rel="license noopener" href="https://creativecommons.org/licenses/by-nc/4.0/">'
        b'<img src="https://i.creativecommons.org/l/by-nc/4.0/88x31.png"></a>'
    )
    (statement,) = licence_statements(page.links, page.licence_urls, page.metas)
    assert statement.mechanism is Mechanism.LICENSE
    assert statement.carrier is Carrier.HTML_LINK
    assert statement.license == "CC-BY-NC-4.0"
    assert statement.stances == ALLOW_ALL
    url = "https://creativecommons.org/licenses/by-nc/4.0/"
    assert statement.obligations == (Obligation(BY, url), Obligation(NC, url))
    assert [str(o) for o in statement.obligations] == [
        f"attribution <{url}>",
        f"non-commercial <{url}>",
    ]
    assert statement.line == 3
    assert statement.rule == "a rel=license noopener"
    assert statement.raw == "https://creativecommons.org/licenses/by-nc/4.0/"


def test_badge_alone_is_weaker_evidence() -> None:
    marks = read_licences((), (LicenceUrl("//licensebuttons.net/l/by-sa/3.0/de/88x31.png", 9),))
    (statement,) = marks.statements()
    assert statement.license == "CC-BY-SA-3.0-DE"
    assert statement.rule == "img src"
    assert "badge" in statement.note


def test_presskit_badge_has_obligations_but_no_id() -> None:
    url = "https://mirrors.creativecommons.org/presskit/buttons/88x31/png/by-nc-sa.png"
    (statement,) = licence_statements((), (LicenceUrl(url, 2),))
    # The image names the elements, not the version: no licence URL to give.
    assert statement.obligations == (Obligation(BY), Obligation(NC), Obligation(SA))
    assert statement.license == url
    cc0 = "https://mirrors.creativecommons.org/presskit/buttons/88x31/svg/cc-zero.svg"
    assert licence_statements((), (LicenceUrl(cc0, 2),))[0].license == "CC0-1.0"


def test_licence_metas() -> None:
    metas = (
        Meta("license", "https://creativecommons.org/licenses/by/4.0/", 3),
        Meta("dc.rights", "All rights reserved", 4),
        Meta("dcterms.license", "CC0", 5),
        Meta("description", "CC BY 4.0", 6),
        Meta("license", "https://example.org/terms", 7),
    )
    marks = read_licences((), (), metas)
    assert [(s.license, s.line, s.carrier, s.rule) for s in marks.statements()] == [
        ("CC-BY-4.0", 3, Carrier.HTML_META, "meta name=license"),
        ("CC0-1.0", 5, Carrier.HTML_META, "meta name=dcterms.license"),
        ("https://example.org/terms", 7, Carrier.HTML_META, "meta name=license"),
    ]
    assert marks.statements()[2].stances == ()
    assert [(d.code, d.line) for d in marks.diagnostics] == [
        ("unrecognised-licence", 4),
        ("several-licences", 0),
    ]


def test_junk_links_are_diagnosed_not_stated() -> None:
    links = (
        Link(("license",), "", 1, "a"),
        Link(("license",), "#license", 2, "a"),
        Link(("license",), "javascript:void(0)", 3, "a"),
        Link(("license",), "https://creativecommons.org/licenses/by/9.9/", 4, "a"),
    )
    marks = read_licences(links)
    assert [(d.code, d.line) for d in marks.diagnostics] == [
        ("not-a-licence-url", 1),
        ("not-a-licence-url", 2),
        ("not-a-licence-url", 3),
        ("unknown-cc-url", 4),
    ]
    # the CC-looking URL is kept as the licence (no id) with its diagnostic
    (statement,) = marks.statements()
    assert statement.license == "https://creativecommons.org/licenses/by/9.9/"
    assert statement.stances == ()
    assert [d.code for d in statement.diagnostics] == ["unknown-cc-url"]


def test_rdfa_rels_rsl_links_and_relative_hrefs() -> None:
    links = (
        Link(("cc:license",), "http://creativecommons.org/licenses/by/3.0/", 1, "a"),
        Link(("license",), "/license.xml", 2, "link", "application/rsl+xml"),
        Link(("alternate",), "https://creativecommons.org/licenses/by/4.0/", 3, "link"),
        Link(("license",), "../licence.html", 4, "a"),
    )
    found = licence_statements(links, base_url="https://example.org/a/b/page.html")
    assert [(s.license, s.line) for s in found] == [
        ("CC-BY-3.0", 1),
        ("https://example.org/a/licence.html", 4),
    ]
    assert licence_statements(links)[1].license == "../licence.html"


def test_whirlwind_wikipedia_capture() -> None:
    """The licence link of the an.wikipedia.org capture in shared/data/warc, verbatim."""
    page = scan_html(
        b'<link rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/deed.an">'
    )
    (statement,) = licence_statements(page.links, page.licence_urls, page.metas)
    assert statement.license == "CC-BY-SA-4.0"


def test_tables_document_themselves() -> None:
    for duty, reason in OBLIGATIONS.values():
        assert duty in DUTIES
        assert reason
    for reading in READINGS.values():
        assert reading.summary
        assert reading.reason


URLS = st.lists(
    st.sampled_from(
        ["https://", "http://", "//", "www.", "creativecommons.org", "licensebuttons.net", "/",
         "licenses", "publicdomain", "by", "-sa", "-nc", "zero", "mark", "4.0", "1.0", "3.0",
         "de", "deed.en", "legalcode", "?ref=x", "#", "l", "p", "88x31.png", "é", " "]
    ),
    max_size=14,
).map("".join)  # fmt: skip


@given(URLS)
def test_urls_never_raise(url: str) -> None:
    licence = licence_from_url(url)
    assert licence_from_url(url) == licence
    if licence is not None and licence.listed:
        assert spdx_id(licence.license) == licence.license


@given(st.text(max_size=60))
def test_text_never_raises(text: str) -> None:
    assert licence_from_text(text) == licence_from_text(text)


@given(st.lists(st.tuples(st.sampled_from(["license", "alternate", "cc:license"]), URLS)))
def test_pages_never_raise(pairs: list[tuple[str, str]]) -> None:
    links = tuple(Link((rel,), href, i + 1, "a") for i, (rel, href) in enumerate(pairs))
    metas = tuple(Meta("license", href, i + 1) for i, (_, href) in enumerate(pairs))
    first = read_licences(links, (), metas)
    assert read_licences(links, (), metas) == first


MARKS = st.lists(
    st.tuples(st.sampled_from(["link", "meta", "badge"]), URLS | st.sampled_from(
        ["/license", "../licence.html", "javascript:x", "CC BY-SA 4.0", "MIT", "prose text"]
    )),
    max_size=6,
)  # fmt: skip


def _page(
    marks: list[tuple[str, str]], shift: int
) -> tuple[list[Link], list[LicenceUrl], list[Meta]]:
    links, badges, metas = [], [], []
    for i, (kind, value) in enumerate(marks):
        line = i // 2 + 1 + shift  # two marks share each line, as on a minified page
        if kind == "link":
            links.append(Link(("license",), value, line, "a"))
        elif kind == "badge":
            badges.append(LicenceUrl(value, line))
        else:
            metas.append(Meta("license", value, line))
    return links, badges, metas


@given(MARKS, st.sampled_from(["https://a.example/x/", "https://b.example/y"]))
def test_a_mark_reads_the_same_on_any_line(marks: list[tuple[str, str]], base: str) -> None:
    # Marks are remembered per value, without their line and (for absolute URLs) without the
    # page's URL: the same mark elsewhere must read the same but for its lines.
    before = read_licences(*_page(marks, 0), base_url=base)
    after = read_licences(*_page(marks, 10), base_url=base)
    elsewhere = read_licences(*_page(marks, 0), base_url=base + "other")

    def unplaced(found: LicenceMarks, shift: int) -> list[object]:
        return [
            (
                replace(m, line=(m.line or 0) + shift, diagnostics=()),
                [d.code for d in m.diagnostics],
            )
            for m in found.marks
        ] + [(d.line + shift if d.line else 0, d.code, d.message) for d in found.diagnostics]

    assert unplaced(before, 10) == unplaced(after, 0)
    relative = any(not v.lower().startswith(("http://", "https://")) for _, v in marks)
    if not relative:
        assert elsewhere == before


def test_a_relative_licence_url_is_resolved_against_each_page() -> None:
    for base in ("https://a.example/x/", "https://b.example/y/", "https://a.example/x/"):
        link = read_licences([Link(("license",), "licence.html", 3, "a")], base_url=base)
        meta = read_licences([], [], [Meta("license", "./licence.html", 4)], base_url=base)
        assert [m.license for m in link.marks] == [base + "licence.html"]
        assert [m.license for m in meta.marks] == [base + "licence.html"]


@given(MARKS, st.sampled_from([None, "https://a.example/x/"]))
def test_statements_are_those_of_the_marks(marks: list[tuple[str, str]], base: str | None) -> None:
    page = _page(marks, 0)
    assert licence_statements(*page, base_url=base) == read_licences(*page, base_url=base).marks
