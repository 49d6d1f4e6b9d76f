"""W3C TDMRep (CG Final Report 2024-05-10; signals.md §5).

Section names in comments are the spec's own ids (``#sec-tdm-file-example`` …).
"""

from __future__ import annotations

import json
import re

import pytest

from reciprocity.obligations import Duty, Obligation
from reciprocity.signals.statement import Carrier, Mechanism
from reciprocity.signals.tdmrep import (
    RESERVATIONS,
    TdmRepSignal,
    parse_tdmrep_headers,
    parse_tdmrep_json,
    parse_tdmrep_meta,
    resolve_tdmrep,
)
from reciprocity.uses import Stance, Use

POLICY = "https://provider.com/policies/policy.json"

# -- the spec's examples, verbatim (the <pre class="example"> contents of spec/index.html) ------

# #sec-tdm-file-example, first example: "opt-out" for every file on the server.
SPEC_FILE_ALL = """
          [
            {
            "location": "/",
            "tdm-reservation": 1
            }
          ]
          """

# #sec-tdm-file-example, second example: three groups of files.
SPEC_FILE_GROUPS = """
          [
            {
            "location": "/directory-a/",
            "tdm-reservation": 1
            },
            {
            "location": "/directory-b/html/",
            "tdm-reservation": 1,
            "tdm-policy":"https://provider.com/policies/policy.json"
            },
            {
            "location": "/directory-b/images/*.jpg",
            "tdm-reservation": 0
            }
          ]
          """

# #sec-tdm-header, first example.
SPEC_HEADER_RESERVED = """
        HTTP/1.1 200 OK
        Date: Wed, 14 Jul 2021 12:07:48 GMT
        Content-type: image/jpg
        tdm-reservation: 1
        """

# #sec-tdm-header, second example.
SPEC_HEADER_POLICY = """
        HTTP/1.1 200 OK
        Date: Wed, 14 Jul 2021 12:07:48 GMT
        Content-type: text/html
        tdm-reservation: 1
        tdm-policy: https://provider.com/policies/policy.json
        """

# #sec-tdm-html-meta example.
SPEC_HTML = """
          <!DOCTYPE html>
          <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="tdm-reservation" content="1">
              <meta name="tdm-policy" content="https://provider.com/policies/policy.json">
              <title>Document title</title>
            </head>
            <body>
              ...
              <!-- body content -->
              ...
            </body>
          </html>
        """


def header_fields(message: str) -> list[tuple[str, str]]:
    """The header field lines of an HTTP/1.1 response head (the status line dropped)."""
    lines = [line.strip() for line in message.strip().splitlines()]
    return [
        (name, value.strip())
        for name, _, value in (line.partition(":") for line in lines[1:] if line)
    ]


def meta_pairs(page: str) -> list[tuple[str, str, int]]:
    """(name, content, line) of each <meta name content> (the test's stand-in for the scanner)."""
    found = []
    for number, line in enumerate(page.splitlines(), 1):
        for match in re.finditer(r'<meta name="([^"]*)" content="([^"]*)">', line):
            found.append((match.group(1), match.group(2), number))
    return found


DENY_BOTH = {Use.TRAIN_AI: Stance.DENY, Use.AI_USE: Stance.DENY}
ALLOW_BOTH = {Use.TRAIN_AI: Stance.ALLOW, Use.AI_USE: Stance.ALLOW}


def test_spec_file_all_reserved() -> None:  # #sec-tdm-file-example (1)
    tdm = parse_tdmrep_json(SPEC_FILE_ALL)
    assert tdm.diagnostics == ()
    (rule,) = tdm.rules
    assert (rule.location, rule.reservation, rule.policy, rule.line) == ("/", 1, None, 3)
    for path in ("/", "/index.html", "/a/b/c.jpg?x=1", "https://provider.com/any"):
        (statement,) = tdm.statements(path)
        assert dict(statement.stances) == DENY_BOTH
        assert statement.stance(Use.SEARCH) is Stance.UNKNOWN  # TDMRep says nothing of search
        assert statement.mechanism is Mechanism.TDMREP
        assert statement.carrier is Carrier.TDMREP_JSON
        assert statement.rule == "/"
        assert statement.line == 3


def test_spec_file_three_groups() -> None:  # #sec-tdm-file-example (2)
    tdm = parse_tdmrep_json(SPEC_FILE_GROUPS.encode())
    assert tdm.diagnostics == ()
    assert [r.line for r in tdm.rules] == [3, 7, 12]

    (pdf,) = tdm.statements("/directory-a/report.pdf")
    assert dict(pdf.stances) == DENY_BOTH
    assert pdf.obligations == ()
    assert pdf.license is None

    (html,) = tdm.statements("https://provider.com/directory-b/html/page.html")
    assert dict(html.stances) == DENY_BOTH
    assert html.license == POLICY
    assert html.obligations == (Obligation(Duty.LICENCE, url=POLICY),)
    assert POLICY in html.note

    (jpeg,) = tdm.statements("/directory-b/images/2021/photo.jpg")
    assert dict(jpeg.stances) == ALLOW_BOTH
    assert jpeg.rule == "/directory-b/images/*.jpg"

    # Not covered by any rule: unset.
    assert tdm.statements("/directory-b/images/photo.png") == ()
    assert tdm.statements("/") == ()
    assert tdm.lookup("/directory-c/") is None


@pytest.mark.parametrize(
    ("location", "path", "matches"),
    [
        # #sec-tdm-file-regexp table: "$" designates the end of the match pattern ...
        ("/this/path/exactly$", "/this/path/exactly", True),
        ("/this/path/exactly$", "/this/path/exactly/not", False),
        # ... "*" designates 0 or more instances of any character.
        ("/this/*/then", "/this/is/then", True),
        ("/this/*/then", "/this/a/b/then/more", True),
        ("/this/*/then", "/this/then", False),
        # "/path/foo-%24" matches "https://provider.com/path/foo-$".
        ("/path/foo-%24", "https://provider.com/path/foo-$", True),
        ("/path/foo-%24", "https://provider.com/path/foo-%24", True),
        ("/path/foo-$", "https://provider.com/path/foo-", True),
        ("/path/foo-$", "https://provider.com/path/foo-$", False),
    ],
)
def test_spec_special_characters(location: str, path: str, matches: bool) -> None:
    tdm = parse_tdmrep_json(json.dumps([{"location": location, "tdm-reservation": 1}]))
    assert (tdm.lookup(path) is not None) is matches


def test_spec_header_reserved() -> None:  # #sec-tdm-header (1)
    signal = parse_tdmrep_headers(header_fields(SPEC_HEADER_RESERVED))
    assert (signal.reservation, signal.policy, signal.reservation_line) == (1, None, 3)
    assert signal.diagnostics == ()
    (statement,) = signal.statements()
    assert statement.carrier is Carrier.HTTP_HEADER
    assert statement.raw == "tdm-reservation: 1"
    assert dict(statement.stances) == DENY_BOTH


def test_spec_header_with_policy() -> None:  # #sec-tdm-header (2)
    signal = parse_tdmrep_headers(header_fields(SPEC_HEADER_POLICY))
    assert (signal.reservation, signal.policy) == (1, POLICY)
    assert (signal.reservation_line, signal.policy_line) == (3, 4)
    (statement,) = signal.statements()
    assert statement.license == POLICY
    assert statement.obligations == (Obligation(Duty.LICENCE, url=POLICY),)


def test_spec_html_meta() -> None:  # #sec-tdm-html-meta
    pairs = meta_pairs(SPEC_HTML)
    signal = parse_tdmrep_meta(pairs)
    assert (signal.reservation, signal.policy) == (1, POLICY)
    assert signal.reservation_line == 6
    assert signal.carrier is Carrier.HTML_META
    # Without line numbers the pairs read the same.
    plain = parse_tdmrep_meta([(name, content) for name, content, _ in pairs])
    assert (plain.reservation, plain.policy, plain.reservation_line) == (1, POLICY, None)


# -- §2.1 vocabulary ---------------------------------------------------------------------------


def test_vocabulary_table() -> None:
    assert dict(RESERVATIONS[1]) == DENY_BOTH
    assert dict(RESERVATIONS[0]) == ALLOW_BOTH
    assert all(use is not Use.SEARCH for value in RESERVATIONS.values() for use, _ in value)


def test_policy_with_zero_is_not_processed() -> None:  # #sec-tdm-policy note
    tdm = parse_tdmrep_json(
        json.dumps([{"location": "/", "tdm-reservation": 0, "tdm-policy": POLICY}])
    )
    (statement,) = tdm.statements("/a")
    assert dict(statement.stances) == ALLOW_BOTH
    assert statement.obligations == ()
    assert statement.license is None
    assert "not processed" in statement.note


# -- first match, not longest (#sec-tdm-file) --------------------------------------------------


def test_first_match_wins_over_longer_match() -> None:
    tdm = parse_tdmrep_json(
        '[{"location": "/", "tdm-reservation": 0}, {"location": "/private/", "tdm-reservation": 1}]'
    )
    rule = tdm.lookup("/private/secret.html")
    assert rule is not None
    assert (rule.index, rule.reservation) == (0, 0)


def test_matching_is_case_sensitive() -> None:
    tdm = parse_tdmrep_json('[{"location": "/Directory-A/", "tdm-reservation": 1}]')
    assert tdm.lookup("/directory-a/x") is None
    assert tdm.lookup("/Directory-A/x") is not None


@pytest.mark.parametrize(
    ("location", "path", "matches"),
    [
        ("/café/", "/caf%C3%A9/x", True),
        ("/caf%c3%a9/", "/café/x", True),
        ("/%63af%C3%A9/", "/cafe%CC%81/", False),
        ("/%63af%C3%A9/", "/caf%C3%A9/", True),  # %63 is "c", unreserved: decoded
        ("/a%2Fb", "/a/b", False),  # %2F is a reserved character: stays escaped
        ("/a%2fb", "/a%2Fb", True),
        ("/a$", "/a?x=1", False),  # matching covers the query, as Google's does
        ("/a", "/a?x=1", True),
        ("/*.pdf$", "/docs/x.pdf", True),
        ("*.pdf", "/docs/x.pdf", True),
    ],
)
def test_percent_encoding_and_path(location: str, path: str, matches: bool) -> None:
    tdm = parse_tdmrep_json(json.dumps([{"location": location, "tdm-reservation": 1}]))
    assert (tdm.lookup(path) is not None) is matches


# -- leniency and invalid entries --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reservation", "codes"),
    [
        ("1", 1, []),
        ("0", 0, []),
        ("1.0", 1, []),
        ('"1"', 1, ["string-value"]),
        ('" 0 "', 0, ["string-value"]),
        ("true", 1, ["boolean-value"]),
        ("false", 0, ["boolean-value"]),
        ("2", None, ["invalid-reservation"]),
        ("-1", None, ["invalid-reservation"]),
        ('"yes"', None, ["invalid-reservation"]),
        ("null", None, ["invalid-reservation"]),
        ("[1]", None, ["invalid-reservation"]),
        ("NaN", None, ["invalid-reservation"]),
    ],
)
def test_reservation_values(value: str, reservation: int | None, codes: list[str]) -> None:
    tdm = parse_tdmrep_json(f'[{{"location": "/", "tdm-reservation": {value}}}]')
    (rule,) = tdm.rules
    assert rule.reservation == reservation
    assert [d.code for d in rule.diagnostics] == codes


def test_unset_rule_still_comes_first() -> None:
    tdm = parse_tdmrep_json(
        '[{"location": "/a/", "tdm-reservation": "maybe"}, {"location": "/", "tdm-reservation": 1}]'
    )
    (statement,) = tdm.statements("/a/x")
    assert statement.stances == ()  # unset: unknown, and the invalid rule is the evidence
    assert "unset" in statement.note
    assert [d.code for d in statement.diagnostics] == ["invalid-reservation"]
    assert dict(tdm.statements("/b")[0].stances) == DENY_BOTH


@pytest.mark.parametrize(
    ("rule", "code", "kept"),
    [
        ('{"tdm-reservation": 1}', "missing-location", False),
        ('{"location": 5, "tdm-reservation": 1}', "invalid-location", False),
        ('{"location": "", "tdm-reservation": 1}', "empty-location", False),
        ('{"location": "/", "tdm-policy": "https://p/x"}', "missing-reservation", True),
        ('{"location": "/", "tdm-reservation": 1, "comment": "x"}', "unknown-key", True),
        ('{"location": "/", "TDM-Reservation": 1}', "key-spelling", True),
        ('{"location": "/", "tdm_reservation": 1}', "key-spelling", True),
        ('{"location": "/", "tdm-reservation": 0, "tdm-reservation": 1}', "duplicate-key", True),
        ('{"location": "/", "tdm-reservation": 1, "tdm-policy": 7}', "invalid-policy", True),
        (
            '{"location": "/", "tdm-reservation": 1, "tdm-policy": "p.json"}',
            "relative-policy",
            True,
        ),
        ('{"location": " /a ", "tdm-reservation": 1}', "location-whitespace", True),
        ('"/"', "invalid-rule", False),
        ("null", "invalid-rule", False),
    ],
)
def test_invalid_entries(rule: str, code: str, kept: bool) -> None:
    tdm = parse_tdmrep_json(f"[{rule}]")
    assert code in [d.code for d in tdm.diagnostics]
    assert bool(tdm.rules) is kept


def test_duplicate_key_keeps_last() -> None:
    tdm = parse_tdmrep_json('[{"location": "/", "tdm-reservation": 0, "tdm-reservation": 1}]')
    assert tdm.rules[0].reservation == 1


def test_absolute_and_relative_locations() -> None:
    tdm = parse_tdmrep_json(
        '[{"location": "https://example.com/news/", "tdm-reservation": 1},'
        ' {"location": "images/", "tdm-reservation": 1}]'
    )
    assert [r.pattern for r in tdm.rules] == ["/news/", "/images/"]
    assert [d.code for d in tdm.diagnostics] == ["absolute-location", "relative-location"]
    assert tdm.rules[0].location == "https://example.com/news/"  # as written, for evidence
    assert tdm.lookup("/news/a") is tdm.rules[0]


@pytest.mark.parametrize(
    ("text", "locations", "codes"),
    [
        ('{"location": "/", "tdm-reservation": 1}', ["/"], ["not-array"]),
        ('[{"location": "/a", "tdm-reservation": 1},]', ["/a"], ["trailing-comma"]),
        ('[{"location": "/a", "tdm-reservation": 1,}]', ["/a"], ["trailing-comma"]),
        (
            '[{"location": "/a", "tdm-reservation": 1} {"location": "/b", "tdm-reservation": 1}]',
            ["/a", "/b"],
            ["missing-comma"],
        ),
        (
            '[{"location": "/a", "tdm-reservation": 1},, {"location": "/b", "tdm-reservation": 1}]',
            ["/a", "/b"],
            ["empty-element"],
        ),
        (
            '[{"location": "/a" "tdm-reservation": 1}, {"location": "/b", "tdm-reservation": 1}]',
            ["/b"],
            ["invalid-json"],
        ),
        ('[{"location": "/a", "tdm-reservation": 1}', ["/a"], ["unterminated"]),
        ('[{"location": "/a", "tdm-reservation": 1}] trailing', ["/a"], ["trailing-data"]),
        ("", [], ["empty"]),
        ("   \n ", [], ["empty"]),
        ("not json", [], ["invalid-json"]),
        ('"a string"', [], ["not-array"]),
        ("[]", [], []),
        ("[[[[[[", [], ["invalid-json"]),
        ("[" * 100_000 + "]" * 100_000, [], ["invalid-json"]),  # too deep to read
        ("[" + "1" * 5000 + "]", [], ["invalid-json"]),
    ],
)
def test_json_leniency(text: str, locations: list[str], codes: list[str]) -> None:
    tdm = parse_tdmrep_json(text)
    assert [r.location for r in tdm.rules] == locations
    assert [d.code for d in tdm.diagnostics] == codes


def test_bom_and_invalid_utf8() -> None:
    body = b'\xef\xbb\xbf[{"location": "/\xff", "tdm-reservation": 1}]'
    tdm = parse_tdmrep_json(body)
    assert [d.code for d in tdm.diagnostics] == ["bom", "invalid-utf8"]
    assert len(tdm.rules) == 1
    assert parse_tdmrep_json("\ufeff[]").diagnostics[0].code == "bom"


def test_size_limit_keeps_complete_rules() -> None:
    rule = '{"location": "/x%d/", "tdm-reservation": 1}'
    body = "[" + ",\n".join(rule % i for i in range(100)) + "]"
    tdm = parse_tdmrep_json(body, max_bytes=len(body) // 2)
    codes = [d.code for d in tdm.diagnostics]
    assert codes[0] == "size-limit"
    assert "unterminated" in codes or "invalid-json" in codes
    assert 40 <= len(tdm.rules) < 100
    assert tdm.rules[0].location == "/x0/"


def test_line_numbers_of_rules() -> None:
    tdm = parse_tdmrep_json('[\n{"location": "/a", "tdm-reservation": 1},\n\n{"location": 1}]')
    assert tdm.rules[0].line == 2
    assert tdm.diagnostics[0].line == 4


def test_typed_misuse_raises() -> None:
    with pytest.raises(TypeError):
        parse_tdmrep_json(["[]"])  # type: ignore[arg-type]


# -- headers and meta --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "reservation", "codes"),
    [
        ([("TDM-Reservation", "1")], 1, []),
        ([("tdm-reservation", "  0 ")], 0, []),
        ([("tdm-reservation", '"1"')], 1, ["quoted-value"]),
        ([("tdm-reservation", "1, 1")], 1, ["repeated-value"]),
        ([("tdm-reservation", "1,0")], None, ["conflicting-values"]),
        ([("tdm-reservation", "1"), ("Tdm-Reservation", "1")], 1, ["repeated-field"]),
        ([("tdm-reservation", "1"), ("tdm-reservation", "0")], None, ["conflicting-values"]),
        (
            [("tdm-reservation", "1"), ("tdm-reservation", "x")],
            None,
            ["invalid-reservation", "conflicting-values"],
        ),
        ([("tdm-reservation", "yes")], None, ["invalid-reservation"]),
        ([("tdm-reservation", "true")], None, ["invalid-reservation"]),
        ([("tdm-reservation", "")], None, ["invalid-reservation"]),
        ([("TDM-a", "0")], None, []),  # the obsolete name in the techniques note is not read
        ([("x-tdm-reservation", "1")], None, []),
    ],
)
def test_header_values(
    fields: list[tuple[str, str]], reservation: int | None, codes: list[str]
) -> None:
    signal = parse_tdmrep_headers(fields)
    assert signal.reservation == reservation
    assert [d.code for d in signal.diagnostics] == codes


def test_header_policy_repeated_and_ignored_fields() -> None:
    signal = parse_tdmrep_headers(
        [
            ("Content-Type", "text/html"),
            ("TDM-Policy", "https://a/p.json"),
            ("tdm-policy", "https://b/p.json"),
            ("tdm-policy", ""),
        ]
    )
    assert signal.policy == "https://a/p.json"
    assert signal.policy_line == 2
    assert signal.reservation is None
    assert [d.code for d in signal.diagnostics] == ["invalid-policy", "repeated-policy"]
    (statement,) = signal.statements()
    assert statement.stances == ()  # a policy without a reservation says nothing


def test_no_tdm_fields_means_no_statement() -> None:
    signal = parse_tdmrep_headers([("Content-Type", "text/html")])
    assert not signal.present
    assert signal.statements() == ()
    assert parse_tdmrep_meta([]).statements() == ()


def test_meta_names_case_insensitive_and_lines() -> None:
    signal = parse_tdmrep_meta([("robots", "noai"), ("TDM-Reservation", "0", 12)])
    assert (signal.reservation, signal.reservation_line) == (0, 12)
    (statement,) = signal.statements()
    assert statement.line == 12
    assert dict(statement.stances) == ALLOW_BOTH


def test_meta_typed_misuse() -> None:
    with pytest.raises(TypeError):
        parse_tdmrep_meta([("tdm-reservation",)])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        parse_tdmrep_headers([("tdm-reservation", 1)])  # type: ignore[list-item]


# -- processing priority (#sec-processing-priority) --------------------------------------------

FILE = parse_tdmrep_json(
    json.dumps(
        [
            {"location": "/reserved/", "tdm-reservation": 1, "tdm-policy": POLICY},
            {"location": "/", "tdm-reservation": 0},
        ]
    )
)


def test_header_supersedes_file() -> None:
    header = parse_tdmrep_headers([("tdm-reservation", "0")])
    (statement,) = resolve_tdmrep(FILE.lookup("/reserved/a"), header)
    assert statement.carrier is Carrier.HTTP_HEADER
    assert dict(statement.stances) == ALLOW_BOTH  # more specific wins even if less restrictive
    assert "supersedes tdmrep.json tdm-reservation 1" in statement.note
    assert statement.obligations == ()  # the file's policy stays, but is not processed with 0


def test_meta_supersedes_header_and_file() -> None:
    header = parse_tdmrep_headers([("tdm-reservation", "0")])
    meta = parse_tdmrep_meta([("tdm-reservation", "1", 5)])
    (statement,) = resolve_tdmrep(FILE.lookup("/page"), header, meta)
    assert statement.carrier is Carrier.HTML_META
    assert statement.line == 5
    assert dict(statement.stances) == DENY_BOTH


def test_absence_does_not_reset() -> None:
    header = parse_tdmrep_headers([("Content-Type", "text/html")])
    meta = parse_tdmrep_meta([("description", "x")])
    (statement,) = resolve_tdmrep(FILE.lookup("/reserved/a"), header, meta)
    assert statement.carrier is Carrier.TDMREP_JSON
    assert dict(statement.stances) == DENY_BOTH
    assert statement.license == POLICY


def test_invalid_value_does_not_reset() -> None:
    header = parse_tdmrep_headers([("tdm-reservation", "yes")])
    (statement,) = resolve_tdmrep(FILE.lookup("/reserved/a"), header)
    assert statement.carrier is Carrier.TDMREP_JSON
    assert dict(statement.stances) == DENY_BOTH


def test_policy_carried_property_by_property() -> None:
    # The header re-states the reservation without a policy: the file's policy stays current.
    header = parse_tdmrep_headers([("tdm-reservation", "1")])
    (statement,) = resolve_tdmrep(FILE.lookup("/reserved/a"), header)
    assert statement.carrier is Carrier.HTTP_HEADER
    assert statement.license == POLICY
    assert "tdm-policy from tdmrep.json" in statement.note
    # A policy alone in the meta replaces the policy, not the reservation.
    meta = parse_tdmrep_meta([("tdm-policy", "https://other/p.json")])
    (statement,) = resolve_tdmrep(FILE.lookup("/reserved/a"), header, meta)
    assert statement.carrier is Carrier.HTTP_HEADER
    assert statement.license == "https://other/p.json"


def test_nothing_said_and_only_invalid() -> None:
    assert resolve_tdmrep() == ()
    assert resolve_tdmrep(None, parse_tdmrep_headers([]), parse_tdmrep_meta([])) == ()
    header = parse_tdmrep_headers([("tdm-reservation", "2")])
    (statement,) = resolve_tdmrep(None, header)
    assert statement.stances == ()
    assert statement.diagnostics[0].code == "invalid-reservation"


def test_resolve_without_file() -> None:
    (statement,) = resolve_tdmrep(None, parse_tdmrep_headers(header_fields(SPEC_HEADER_POLICY)))
    assert dict(statement.stances) == DENY_BOTH
    assert statement.license == POLICY


def test_signal_is_frozen() -> None:
    signal = TdmRepSignal(Carrier.HTTP_HEADER, 1, None)
    with pytest.raises(AttributeError):
        signal.reservation = 0  # type: ignore[misc]


def test_embedded_metadata_supersedes_all() -> None:  # #sec-processing-priority, EPUB/PDF step
    header = parse_tdmrep_headers([("tdm-reservation", "1")])
    embedded = TdmRepSignal(Carrier.MEDIA, 0, None, raw="tdm:reservation: 0")
    (statement,) = resolve_tdmrep(FILE.lookup("/reserved/a.pdf"), header, embedded=embedded)
    assert statement.carrier is Carrier.MEDIA
    assert dict(statement.stances) == ALLOW_BOTH


def test_signals_rank_by_carrier_not_position() -> None:
    header = parse_tdmrep_headers([("tdm-reservation", "1")])
    meta = parse_tdmrep_meta([("tdm-reservation", "0")])
    (statement,) = resolve_tdmrep(None, meta, header)  # slots swapped by mistake
    assert statement.carrier is Carrier.HTML_META


def test_all_invalid_repeated_values() -> None:
    signal = parse_tdmrep_headers([("tdm-reservation", "x"), ("tdm-reservation", "y")])
    assert signal.reservation is None
    assert [d.code for d in signal.diagnostics] == ["invalid-reservation", "invalid-reservation"]
