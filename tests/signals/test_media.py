"""Embedded media metadata: IPTC ``plus:DataMining`` in XMP, CAWG training-mining in C2PA.

Fixtures are real container bytes built here (JPEG segments, PNG chunks with their CRCs, a RIFF
WebP, TIFF IFDs, a GIF application extension). Spec references: signals.md §8.1 (CAWG 1.1,
``assertion-definition.adoc``) and §8.2 (IPTC Photo Metadata 2023.1 / PLUS Data Mining).
"""

from __future__ import annotations

import datetime
import io
import json
import struct
import zlib
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reciprocity.obligations import Duty, Obligation
from reciprocity.signals import media
from reciprocity.signals.media import (
    C2PA_INSTALL_HINT,
    DATA_MINING,
    PLUS_VOCAB,
    media_statements,
    parse_cawg_training_mining,
    parse_iptc_data_mining,
    read_media,
    read_xmp,
)
from reciprocity.signals.statement import Carrier, Mechanism, Statement
from reciprocity.uses import Stance, Use

A, D = Stance.ALLOW, Stance.DENY
T, IN, S = Use.TRAIN_AI, Use.AI_USE, Use.SEARCH

# -- fixture builders -------------------------------------------------------------------------


def xmp(description_attrs: str = "", body: str = "", prefix: str = "plus") -> bytes:
    """An XMP packet as Adobe writers lay it out (xpacket wrapper, x:xmpmeta, rdf:RDF)."""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Test 1.0">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        f'    xmlns:{prefix}="http://ns.useplus.org/ldf/xmp/1.0/"\n'
        '    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"\n'
        f"    {description_attrs}>\n"
        f"{body}\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n" + " " * 64 + '\n<?xpacket end="w"?>'
    ).encode()


def dmi_attr(term: str) -> bytes:
    return xmp(f'plus:DataMining="{PLUS_VOCAB}{term}"')


def segment(marker: int, payload: bytes) -> bytes:
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload


JFIF = segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
SCAN = segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x12\x34\x56" + b"\xff\xd9"


def jpeg(packet: bytes | None, *, before: bytes = JFIF, after: bytes = SCAN) -> bytes:
    app1 = segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + packet) if packet else b""
    return b"\xff\xd8" + before + app1 + after


def chunk(kind: bytes, data: bytes, *, crc: int | None = None) -> bytes:
    value = zlib.crc32(kind + data) if crc is None else crc
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", value)


IHDR = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
IDAT = chunk(b"IDAT", zlib.compress(b"\x00\x00"))
IEND = chunk(b"IEND", b"")


def png(
    packet: bytes, *, compressed: bool = False, kind: bytes = b"iTXt", crc: int | None = None
) -> bytes:
    if kind == b"iTXt":
        text = zlib.compress(packet) if compressed else packet
        data = b"XML:com.adobe.xmp\x00" + bytes([int(compressed), 0]) + b"\x00\x00" + text
    elif kind == b"zTXt":
        data = b"XML:com.adobe.xmp\x00\x00" + zlib.compress(packet)
    else:
        data = b"XML:com.adobe.xmp\x00" + packet
    return b"\x89PNG\r\n\x1a\n" + IHDR + chunk(kind, data, crc=crc) + IDAT + IEND


def riff_chunk(kind: bytes, data: bytes) -> bytes:
    return kind + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")


def webp(packet: bytes) -> bytes:
    vp8x = riff_chunk(b"VP8X", bytes([0x04, 0, 0, 0]) + b"\x00\x00\x00" + b"\x00\x00\x00")
    body = (
        b"WEBP" + vp8x + riff_chunk(b"VP8L", b"\x2f\x00\x00\x00\x00") + riff_chunk(b"XMP ", packet)
    )
    return b"RIFF" + struct.pack("<I", len(body)) + body


def tiff(packet: bytes, order: str = "<") -> bytes:
    head = (b"II*\x00" if order == "<" else b"MM\x00*") + struct.pack(order + "I", 8)
    entries = [(256, 3, 1, 1), (257, 3, 1, 1), (700, 1, len(packet), 8 + 2 + 12 * 3 + 4)]
    ifd = struct.pack(order + "H", len(entries))
    for tag, kind, count, value in entries:
        if kind == 3:
            ifd += struct.pack(order + "HHIH", tag, kind, count, value) + b"\x00\x00"
        else:
            ifd += struct.pack(order + "HHII", tag, kind, count, value)
    return head + ifd + struct.pack(order + "I", 0) + packet


def gif(packet: bytes) -> bytes:
    # GIF 89a: XMP goes raw into an application extension, followed by the 258-byte "magic
    # trailer" that lets sub-block readers skip it (XMP spec part 3, §1.1.2).
    screen = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0, 0, 0)
    trailer = b"\x01" + bytes(range(255, -1, -1)) + b"\x00"
    extension = b"\x21\xff\x0bXMP DataXMP" + packet + trailer
    image = b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"
    return screen + extension + image + b"\x3b"


def stances(statement: Statement) -> dict[Use, Stance]:
    return dict(statement.stances)


def codes(diagnostics: Any) -> set[str]:
    return {d.code for d in diagnostics}


# -- IPTC: the vocabulary (§8.2) --------------------------------------------------------------


# "Prohibited, see <field>": a deny lifted by a licence on the terms that field holds.
def see(field: str) -> tuple[Obligation, ...]:
    return (Obligation(Duty.LICENCE, detail=field),)


# The expected reading of every final PLUS term, written out here independently of the table.
FINAL_TERMS: dict[str, tuple[dict[Use, Stance], tuple[Obligation, ...]]] = {
    "DMI-UNSPECIFIED": ({}, ()),
    "DMI-ALLOWED": ({T: A, IN: A, S: A}, ()),
    "DMI-PROHIBITED-AIMLTRAINING": ({T: D}, ()),
    "DMI-PROHIBITED-GENAIMLTRAINING": ({T: D}, ()),
    "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING": ({T: D, IN: D, S: A}, ()),
    "DMI-PROHIBITED": ({T: D, IN: D, S: D}, ()),
    "DMI-PROHIBITED-SEECONSTRAINT": ({T: D, IN: D, S: D}, see("plus:OtherConstraints")),
    "DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR": ({T: D, IN: D, S: D}, see("iptcExt:EmbdEncRightsExpr")),
    "DMI-PROHIBITED-SEELINKEDRIGHTSEXPR": ({T: D, IN: D, S: D}, see("iptcExt:LinkedEncRightsExpr")),
}

# §8.2: ExifTool labels ("use exactly"), as accepted by `exiftool -XMP-plus:DataMining=…`.
EXIFTOOL_LABELS = {
    "Unspecified - no prohibition defined": "DMI-UNSPECIFIED",
    "Allowed": "DMI-ALLOWED",
    "Prohibited for AI/ML training": "DMI-PROHIBITED-AIMLTRAINING",
    "Prohibited for Generative AI/ML training": "DMI-PROHIBITED-GENAIMLTRAINING",
    "Prohibited except for search engine indexing": "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING",
    "Prohibited": "DMI-PROHIBITED",
    "Prohibited, see plus:OtherConstraints": "DMI-PROHIBITED-SEECONSTRAINT",
    "Prohibited, see iptcExt:EmbdEncRightsExpr": "DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR",
    "Prohibited, see iptcExt:LinkedEncRightsExpr": "DMI-PROHIBITED-SEELINKEDRIGHTSEXPR",
}


def test_table_holds_the_final_vocabulary() -> None:
    finals = {term for term, reading in DATA_MINING.items() if not reading.draft}
    assert finals == set(FINAL_TERMS)
    assert {DATA_MINING[t].label for t in finals} == set(EXIFTOOL_LABELS)


@pytest.mark.parametrize("term", sorted(FINAL_TERMS))
def test_every_final_term_attribute_form(term: str) -> None:
    # §8.2 serialisation: attribute form `plus:DataMining="http://…/DMI-…"`.
    result = parse_iptc_data_mining(dmi_attr(term))
    assert result.diagnostics == ()
    (statement,) = result.statements()
    expected, exceptions = FINAL_TERMS[term]
    assert stances(statement) == expected
    assert statement.exceptions == exceptions
    assert statement.mechanism is Mechanism.MEDIA
    assert statement.carrier is Carrier.MEDIA
    assert statement.rule == "plus:DataMining"
    assert statement.raw == f'plus:DataMining="{PLUS_VOCAB}{term}"'
    assert statement.line == 4  # the line of the element that carries the attribute


@pytest.mark.parametrize("term", sorted(FINAL_TERMS))
def test_every_final_term_element_form(term: str) -> None:
    body = f"   <plus:DataMining>{PLUS_VOCAB}{term}</plus:DataMining>"
    (statement,) = parse_iptc_data_mining(xmp(body=body)).statements()
    assert stances(statement) == FINAL_TERMS[term][0]
    assert statement.raw == f"<plus:DataMining>{PLUS_VOCAB}{term}</plus:DataMining>"
    assert statement.line == 8


def test_rdf_resource_form() -> None:
    # §8.2: `<plus:DataMining rdf:resource="http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED"/>`.
    body = '<plus:DataMining rdf:resource="http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED"/>'
    result = parse_iptc_data_mining(xmp(body=body))
    (statement,) = result.statements()
    assert stances(statement) == {T: D, IN: D, S: D}
    assert result.values[0].form == "resource"


@pytest.mark.parametrize("container", ["rdf:Alt", "rdf:Bag", "rdf:Seq"])
def test_value_inside_an_rdf_container(container: str) -> None:
    body = (
        f"<plus:DataMining><{container}><rdf:li>{PLUS_VOCAB}DMI-PROHIBITED-AIMLTRAINING"
        f"</rdf:li></{container}></plus:DataMining>"
    )
    result = parse_iptc_data_mining(xmp(body=body))
    assert [v.term for v in result.values] == ["DMI-PROHIBITED-AIMLTRAINING"]
    assert result.values[0].form == "item"


def test_rdf_value_qualifier() -> None:
    body = (
        '<plus:DataMining rdf:parseType="Resource">'
        f"<rdf:value>{PLUS_VOCAB}DMI-ALLOWED</rdf:value></plus:DataMining>"
    )
    (statement,) = parse_iptc_data_mining(xmp(body=body)).statements()
    assert stances(statement) == {T: A, IN: A, S: A}


def test_several_values_in_a_bag_are_all_reported() -> None:
    body = (
        "<plus:DataMining><rdf:Bag>"
        f"<rdf:li>{PLUS_VOCAB}DMI-ALLOWED</rdf:li><rdf:li>{PLUS_VOCAB}DMI-PROHIBITED</rdf:li>"
        "</rdf:Bag></plus:DataMining>"
    )
    result = parse_iptc_data_mining(xmp(body=body))
    assert {"multiple-values", "conflicting-values"} <= codes(result.diagnostics)
    assert len(result.statements()) == 2


def test_any_prefix_bound_to_the_plus_namespace() -> None:
    packet = xmp(f'p:DataMining="{PLUS_VOCAB}DMI-PROHIBITED"', prefix="p")
    (statement,) = parse_iptc_data_mining(packet).statements()
    assert stances(statement)[S] is D


def test_datamining_in_another_namespace_is_not_read() -> None:
    packet = xmp(
        f'xmlns:other="http://example.com/ns/" other:DataMining="{PLUS_VOCAB}DMI-PROHIBITED"'
    )
    assert parse_iptc_data_mining(packet).statements() == ()


def test_https_namespace_is_read_with_a_diagnostic() -> None:
    packet = xmp(f'plus:DataMining="{PLUS_VOCAB}DMI-PROHIBITED"').replace(
        b"http://ns.useplus.org/ldf/xmp/1.0/", b"https://ns.useplus.org/ldf/xmp/1.0"
    )
    result = parse_iptc_data_mining(packet)
    assert "non-canonical-namespace" in codes(result.diagnostics)
    assert result.values[0].term == "DMI-PROHIBITED"


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("DMI-PROHIBITED", "DMI-PROHIBITED"),  # §8.2: bare key seen in the wild
        ("dmi-prohibited-genaimltraining", "DMI-PROHIBITED-GENAIMLTRAINING"),
        ("https://ns.useplus.org/ldf/vocab/DMI-ALLOWED", "DMI-ALLOWED"),
        ("http://ns.useplus.org/ldf/vocab/DMI-Prohibited", "DMI-PROHIBITED"),
        (f"  {PLUS_VOCAB}DMI-PROHIBITED/  ", "DMI-PROHIBITED"),
        *EXIFTOOL_LABELS.items(),
        ("Unspecified – no prohibition defined", "DMI-UNSPECIFIED"),  # en dash, as iptc.org
        ("Prohibited  for Generative AI/ML training", "DMI-PROHIBITED-GENAIMLTRAINING"),
    ],
)
def test_non_canonical_values(value: str, term: str) -> None:
    result = parse_iptc_data_mining(xmp(f'plus:DataMining="{value}"'))
    assert result.values[0].term == term
    assert codes(result.diagnostics) == {"non-canonical-value"}


@pytest.mark.parametrize(
    "value", ["allowed", "prohibited", "no", "DMI-MAYBE", "http://example.com/x", "1"]
)
def test_unknown_values_are_kept_without_stances(value: str) -> None:
    # §8.2: `plus:DataMining="allowed"` is an invalid value seen in the wild; reject unknown.
    result = parse_iptc_data_mining(xmp(f'plus:DataMining="{value}"'))
    (statement,) = result.statements()
    assert statement.stances == ()
    assert "unknown-value" in codes(result.diagnostics)
    assert "not in the PLUS vocabulary" in statement.note


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("DMI-ALLOWED-noaitraining", {T: D, IN: A, S: A}),
        ("DMI-ALLOWED-noaigentraining", {T: D, IN: A, S: A}),
        ("DMI-SEE-constraint", {T: D, IN: D, S: D}),
        ("DMI-SEE-embeddedrightsexpr", {T: D, IN: D, S: D}),
        ("DMI-SEE-linkedrightsexpr", {T: D, IN: D, S: D}),
    ],
)
def test_plus_draft_terms(value: str, expected: dict[Use, Stance]) -> None:
    result = parse_iptc_data_mining(xmp(f'plus:DataMining="{PLUS_VOCAB}{value}"'))
    (statement,) = result.statements()
    assert stances(statement) == expected
    assert "draft-value" in codes(result.diagnostics)


def test_empty_value() -> None:
    result = parse_iptc_data_mining(xmp(body="<plus:DataMining>  </plus:DataMining>"))
    assert result.statements() == ()
    assert "empty-value" in codes(result.diagnostics)


def test_other_constraints_lang_alt_prefers_x_default() -> None:
    body = (
        "<plus:OtherConstraints><rdf:Alt>"
        '<rdf:li xml:lang="de">Nur mit Lizenz</rdf:li>'
        '<rdf:li xml:lang="x-default">Licence required: https://example.com/licence</rdf:li>'
        "</rdf:Alt></plus:OtherConstraints>"
    )
    packet = xmp(f'plus:DataMining="{PLUS_VOCAB}DMI-PROHIBITED-SEECONSTRAINT"', body)
    result = parse_iptc_data_mining(packet)
    assert result.other_constraints == "Licence required: https://example.com/licence"
    (statement,) = result.statements()
    assert statement.exceptions == see("plus:OtherConstraints")
    assert "Licence required: https://example.com/licence" in statement.note


def test_linked_rights_expression_becomes_the_licence() -> None:
    body = (
        "<Iptc4xmpExt:LinkedEncRightsExpr><rdf:Bag>"
        '<rdf:li rdf:parseType="Resource">'
        "<Iptc4xmpExt:LinkedRightsExpr>https://example.com/odrl.json</Iptc4xmpExt:LinkedRightsExpr>"
        "<Iptc4xmpExt:RightsExprEncType>application/odrl+json</Iptc4xmpExt:RightsExprEncType>"
        "</rdf:li></rdf:Bag></Iptc4xmpExt:LinkedEncRightsExpr>"
    )
    packet = xmp(f'plus:DataMining="{PLUS_VOCAB}DMI-PROHIBITED-SEELINKEDRIGHTSEXPR"', body)
    (statement,) = parse_iptc_data_mining(packet).statements()
    assert statement.license == "https://example.com/odrl.json"
    # The expression's URL is where the licence's terms are.
    assert statement.exceptions == (
        Obligation(Duty.LICENCE, "https://example.com/odrl.json", "iptcExt:LinkedEncRightsExpr"),
    )


def test_same_value_twice_is_one_statement() -> None:
    packet = xmp(
        f'plus:DataMining="{PLUS_VOCAB}DMI-PROHIBITED"',
        f"<plus:DataMining>{PLUS_VOCAB}DMI-PROHIBITED</plus:DataMining>",
    )
    result = parse_iptc_data_mining(packet)
    assert len(result.statements()) == 1
    assert "duplicate" in codes(result.diagnostics)


def test_two_descriptions_with_different_values() -> None:
    packet = xmp(f'plus:DataMining="{PLUS_VOCAB}DMI-ALLOWED"').replace(
        b"  </rdf:Description>",
        b'  </rdf:Description>\n  <rdf:Description rdf:about="" '
        b'xmlns:plus="http://ns.useplus.org/ldf/xmp/1.0/" '
        b'plus:DataMining="http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED"/>',
    )
    result = parse_iptc_data_mining(packet)
    assert {stances(s)[S] for s in result.statements()} == {A, D}
    assert "conflicting-values" in codes(result.diagnostics)


def test_placed_documents_in_the_pantry_are_not_the_files_own() -> None:
    body = (
        '<xmpMM:Pantry xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"><rdf:Bag>'
        '<rdf:li rdf:parseType="Resource">'
        f"<plus:DataMining>{PLUS_VOCAB}DMI-ALLOWED</plus:DataMining>"
        "</rdf:li></rdf:Bag></xmpMM:Pantry>"
        f"<plus:DataMining>{PLUS_VOCAB}DMI-PROHIBITED</plus:DataMining>"
    )
    result = parse_iptc_data_mining(xmp(body=body))
    assert [v.term for v in result.values] == ["DMI-PROHIBITED"]
    assert "ingredient-ignored" in codes(result.diagnostics)


def test_no_property_no_statement() -> None:
    assert parse_iptc_data_mining(xmp('xmlns:dc="http://purl.org/dc/elements/1.1/"')).values == ()


def test_text_input_and_bare_rdf() -> None:
    text = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:plus="http://ns.useplus.org/ldf/xmp/1.0/" '
        'plus:DataMining="http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-GENAIMLTRAINING"/>'
        "</rdf:RDF>"
    )
    (statement,) = parse_iptc_data_mining(text).statements()
    assert stances(statement) == {T: D}


# -- IPTC: hostile and broken XML ---------------------------------------------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">&lol2;</x:xmpmeta>'
)


@pytest.mark.parametrize(
    "packet",
    [
        BILLION_LAUGHS.encode(),
        b'<!DOCTYPE x SYSTEM "http://example.com/x.dtd">' + dmi_attr("DMI-ALLOWED"),
        b'<!ENTITY v "DMI-ALLOWED">' + dmi_attr("DMI-ALLOWED"),
        # In UTF-16 the byte search cannot see the DTD: expat's handler refuses it.
        (
            '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x []>'
            + dmi_attr("DMI-ALLOWED").decode()
        ).encode("utf-16"),
    ],
)
def test_dtd_and_entities_are_refused(packet: bytes) -> None:
    result = parse_iptc_data_mining(packet)
    assert result.values == ()
    assert "dtd-refused" in codes(result.diagnostics)


def test_utf16_packet_without_dtd_is_read() -> None:
    packet = dmi_attr("DMI-PROHIBITED").decode().encode("utf-16")
    assert parse_iptc_data_mining(packet).values[0].term == "DMI-PROHIBITED"


def test_truncated_xml_recovers_plus_terms() -> None:
    packet = dmi_attr("DMI-PROHIBITED-GENAIMLTRAINING")
    packet = packet[: packet.find(b"</rdf:Description>") + 5]
    result = parse_iptc_data_mining(packet)
    assert "xml-error" in codes(result.diagnostics)
    assert [v.term for v in result.values] == ["DMI-PROHIBITED-GENAIMLTRAINING"]
    (statement,) = result.statements()
    assert stances(statement) == {T: D}


@pytest.mark.parametrize("term", ["DMI-ALLOWED-noaitraining", "DMI-PROHIBITED-GENAIMLTRAINING"])
def test_a_value_cut_short_is_not_recovered(term: str) -> None:
    # Cut right after `DMI-ALLOWED` / `DMI-PROHIBITED`: the broader term must not be read.
    packet = dmi_attr(term)
    broader = "-".join(term.split("-")[:2])  # DMI-ALLOWED, DMI-PROHIBITED
    cut = packet[: packet.find(term.encode()) + len(broader)]
    result = parse_iptc_data_mining(cut)
    assert result.values == ()
    assert "xml-error" in codes(result.diagnostics)


def test_unbound_prefix_recovers_element_and_resource_forms() -> None:
    text = (
        "<rdf:Description><plus:DataMining>http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED"
        "</plus:DataMining><plus:DataMining rdf:resource="
        '"http://ns.useplus.org/ldf/vocab/DMI-ALLOWED"/></rdf:Description>'
    )
    result = parse_iptc_data_mining(text)
    assert [v.form for v in result.values] == ["recovered", "recovered"]
    assert [v.term for v in result.values] == ["DMI-PROHIBITED", "DMI-ALLOWED"]


def test_garbage_is_an_xml_error_without_values() -> None:
    result = parse_iptc_data_mining(b"\x00\xff not xml")
    assert result.values == ()
    assert "xml-error" in codes(result.diagnostics)


def test_oversized_packet_is_cut() -> None:
    result = parse_iptc_data_mining(b" " * (media.XMP_SIZE_LIMIT + 10) + dmi_attr("DMI-ALLOWED"))
    assert "too-large" in codes(result.diagnostics)


def test_iptc_type_misuse() -> None:
    with pytest.raises(TypeError):
        parse_iptc_data_mining(42)  # type: ignore[arg-type]


# -- containers -------------------------------------------------------------------------------

PROHIBITED = dmi_attr("DMI-PROHIBITED")


def test_jpeg_app1() -> None:
    data = jpeg(PROHIBITED)
    packet = read_xmp(data)
    assert packet is not None
    assert packet.container == "jpeg"
    assert packet.offset == 2 + len(JFIF) + 4 + len(b"http://ns.adobe.com/xap/1.0/\x00")
    assert packet.data.startswith(b"<?xpacket begin")
    assert packet.data.endswith(b'<?xpacket end="w"?>')
    (statement,) = media_statements(data)
    assert stances(statement) == {T: D, IN: D, S: D}
    assert "XMP JPEG APP1 at byte" in statement.note


def test_jpeg_with_exif_before_and_nul_padding() -> None:
    exif = segment(0xE1, b"Exif\x00\x00" + b"MM\x00*\x00\x00\x00\x08" + b"\x00" * 20)
    data = jpeg(PROHIBITED + b"\x00" * 10, before=JFIF + exif)
    result = read_media(data)
    assert result.iptc is not None
    assert result.iptc.values[0].term == "DMI-PROHIBITED"
    assert result.diagnostics == ()


def test_jpeg_metadata_after_start_of_scan_is_not_read() -> None:
    data = (
        b"\xff\xd8"
        + JFIF
        + SCAN[:-2]
        + segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + PROHIBITED)
    )
    assert read_xmp(data) is None


def test_jpeg_without_xmp() -> None:
    assert read_xmp(jpeg(None)) is None
    assert media_statements(jpeg(None)) == ()


def test_jpeg_extended_xmp_is_noted() -> None:
    extended = segment(0xE1, b"http://ns.adobe.com/xmp/extension/\x00" + b"0" * 40)
    result = read_media(jpeg(PROHIBITED, before=JFIF + extended))
    assert "extended-xmp" in codes(result.diagnostics)
    assert len(result.statements()) == 1


def test_truncated_jpeg() -> None:
    data = jpeg(PROHIBITED)
    cut = data[: data.find(b"plus:DataMining") + 100]
    result = read_media(cut)
    assert "truncated" in codes(result.diagnostics)
    assert result.iptc is not None
    assert "xml-error" in codes(result.iptc.diagnostics)
    assert [stances(s) for s in result.statements()] == [{T: D, IN: D, S: D}]


def test_corrupt_jpeg_marker() -> None:
    result = read_media(b"\xff\xd8" + JFIF + b"\x00\x00garbage")
    assert "corrupt" in codes(result.diagnostics)
    assert result.statements() == ()


@pytest.mark.parametrize("compressed", [False, True])
def test_png_itxt(compressed: bool) -> None:
    data = png(PROHIBITED, compressed=compressed)
    packet = read_xmp(data)
    assert packet is not None
    assert packet.container == "png"
    assert packet.location == "PNG iTXt"
    (statement,) = media_statements(data)
    assert stances(statement)[T] is D


def test_png_bad_crc_is_read_with_a_diagnostic() -> None:
    result = read_media(png(PROHIBITED, crc=0))
    assert "crc-mismatch" in codes(result.diagnostics)
    (statement,) = result.statements()
    assert "crc-mismatch" in codes(statement.diagnostics)


@pytest.mark.parametrize("kind", [b"tEXt", b"zTXt"])
def test_png_non_standard_text_chunks(kind: bytes) -> None:
    result = read_media(png(PROHIBITED, kind=kind))
    assert "non-standard-chunk" in codes(result.diagnostics)
    assert len(result.statements()) == 1


def test_png_bad_zlib() -> None:
    bad = b"XML:com.adobe.xmp\x00\x01\x00\x00\x00" + b"not zlib"
    data = b"\x89PNG\r\n\x1a\n" + IHDR + chunk(b"iTXt", bad) + IEND
    result = read_media(data)
    assert "corrupt" in codes(result.diagnostics)
    assert result.xmp is None


def test_truncated_png() -> None:
    data = png(PROHIBITED)
    result = read_media(data[: len(data) // 2])
    assert "truncated" in codes(result.diagnostics)


def test_webp() -> None:
    packet = read_xmp(webp(PROHIBITED))
    assert packet is not None
    assert packet.container == "webp"
    assert len(media_statements(webp(PROHIBITED))) == 1


@pytest.mark.parametrize("order", ["<", ">"])
def test_tiff(order: str) -> None:
    data = tiff(PROHIBITED, order)
    packet = read_xmp(data)
    assert packet is not None
    assert packet.container == "tiff"
    assert packet.offset == 8 + 2 + 12 * 3 + 4
    assert len(media_statements(data)) == 1


def test_tiff_with_a_bad_ifd_offset() -> None:
    result = read_media(b"II*\x00" + struct.pack("<I", 10**6) + PROHIBITED)
    assert "corrupt" in codes(result.diagnostics)
    # The raw scan still finds the packet.
    assert len(result.statements()) == 1


def test_gif_application_extension() -> None:
    packet = read_xmp(gif(PROHIBITED))
    assert packet is not None
    assert packet.container == "scan"
    assert packet.data.endswith(b'<?xpacket end="w"?>')
    assert len(media_statements(gif(PROHIBITED))) == 1


def test_pdf_uncompressed_metadata_stream() -> None:
    stream = (
        b"%PDF-1.7\n1 0 obj\n<< /Type /Metadata /Subtype /XML /Length "
        + str(len(PROHIBITED)).encode()
        + b" >>\nstream\n"
        + PROHIBITED
        + b"\nendstream\nendobj\n%%EOF\n"
    )
    result = read_media(stream)
    assert result.container == "pdf"
    assert len(result.statements()) == 1


def test_xmpmeta_without_xpacket_wrapper() -> None:
    body = PROHIBITED[PROHIBITED.find(b"<x:xmpmeta") : PROHIBITED.find(b"</x:xmpmeta>") + 12]
    packet = read_xmp(b"\x00\x01junk" + body + b"more junk")
    assert packet is not None
    assert packet.data == body


def test_unterminated_raw_packet() -> None:
    result = read_media(b"junk <?xpacket begin='' id='x'?><x:xmpmeta xmlns:x='adobe:ns:meta/'>")
    assert "truncated" in codes(result.diagnostics)


@pytest.mark.parametrize(
    "data", [b"", b"\xff\xd8", b"\x89PNG\r\n\x1a\n", b"RIFF\x00\x00\x00\x00WEBP", b"MM\x00*"]
)
def test_empty_and_tiny_files(data: bytes) -> None:
    assert media_statements(data) == ()


def test_media_type_misuse() -> None:
    with pytest.raises(TypeError):
        read_media("not bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        read_xmp(None)  # type: ignore[arg-type]


# -- CAWG training-mining (§8.1) ------------------------------------------------------------

# §8.1 "Literal example", verbatim.
CAWG_LITERAL = """{ "label": "cawg.training-mining",
  "data": { "entries": {
    "cawg.ai_generative_training": { "use": "notAllowed" },
    "cawg.ai_inference":           { "use": "notAllowed" },
    "cawg.ai_training":            { "use": "allowed" },
    "cawg.data_mining":            { "use": "constrained",
                                     "constraint_info": "https://example.com/tdm-policy" } } } }"""

# CAWG 1.1 `examples/training-mining.cbordiag`, verbatim: §8.1 notes it lacks the braces around
# the `entries` map, so it is not valid JSON (nor CBOR diagnostic notation).
CAWG_CBORDIAG = """{
  "entries":
	"cawg.ai_training": {
		"use": "allowed"
	},
	"cawg.ai_generative_training": {
		"use": "notAllowed"
	},
	"cawg.data_mining": {
		"use": "constrained",
		"constraint_info": "may only be mined on days whose names end in 'y'"
	}
}"""


def by_rule(statements: tuple[Statement, ...]) -> dict[str | None, Statement]:
    return {s.rule: s for s in statements}


def test_cawg_literal_example() -> None:
    result = parse_cawg_training_mining(CAWG_LITERAL)
    assert result.label == "cawg.training-mining"
    assert result.diagnostics == ()
    found = by_rule(result.statements())
    assert set(found) == {
        "cawg.ai_generative_training",
        "cawg.ai_inference",
        "cawg.ai_training",
        "cawg.data_mining",
    }
    assert stances(found["cawg.ai_generative_training"]) == {T: D}
    assert stances(found["cawg.ai_inference"]) == {IN: D}
    # Non-generative training allowed says nothing about generative training.
    assert stances(found["cawg.ai_training"]) == {}
    # The general entry: both of its uses are set by the assertion's own entries.
    assert stances(found["cawg.data_mining"]) == {}
    assert found["cawg.ai_inference"].raw == '{"cawg.ai_inference":{"use":"notAllowed"}}'
    for statement in found.values():
        assert statement.mechanism is Mechanism.MEDIA
        assert statement.carrier is Carrier.MEDIA


def test_cawg_cbordiag_example_as_published_is_not_json() -> None:
    result = parse_cawg_training_mining(CAWG_CBORDIAG)
    assert codes(result.diagnostics) == {"invalid-json"}
    assert result.statements() == ()


def test_cawg_cbordiag_example_with_its_braces() -> None:
    fixed = CAWG_CBORDIAG.replace('"entries":\n', '"entries": {\n', 1) + "}"
    result = parse_cawg_training_mining(fixed)
    found = by_rule(result.statements())
    assert stances(found["cawg.ai_generative_training"]) == {T: D}
    # No ai_inference entry: the general data_mining entry speaks for ai-use.
    assert stances(found["cawg.data_mining"]) == {IN: D}
    assert found["cawg.data_mining"].exceptions == (
        Obligation(Duty.LICENCE, detail="may only be mined on days whose names end in 'y'"),
    )


@pytest.mark.parametrize("spelling", ["constraint_info", "constraints_info"])
def test_both_constraint_spellings(spelling: str) -> None:
    # §8.1: the prose says constraints_info, the CDDL constraint_info; both are read.
    entries = {"cawg.ai_generative_training": {"use": "constrained", spelling: "pay first"}}
    result = parse_cawg_training_mining({"entries": entries})
    assert result.entries[0].constraint_info == "pay first"
    (statement,) = result.statements()
    assert stances(statement) == {T: D}
    assert statement.exceptions == (Obligation(Duty.LICENCE, detail="pay first"),)
    assert result.statements()[0].diagnostics == ()


def test_both_constraint_spellings_differing() -> None:
    entry = {"use": "constrained", "constraint_info": "a", "constraints_info": "b"}
    result = parse_cawg_training_mining({"entries": {"cawg.ai_inference": entry}})
    assert result.entries[0].constraint_info == "a"
    assert "duplicate" in codes(result.entries[0].diagnostics)


def test_constrained_without_info() -> None:
    result = parse_cawg_training_mining({"entries": {"cawg.ai_inference": {"use": "constrained"}}})
    (statement,) = result.statements()
    assert stances(statement) == {IN: D}
    assert statement.exceptions == (Obligation(Duty.LICENCE),)


@pytest.mark.parametrize(
    ("name", "use", "expected"),
    [
        ("cawg.ai_generative_training", "allowed", {T: A}),
        ("cawg.ai_generative_training", "notAllowed", {T: D}),
        ("cawg.ai_training", "allowed", {}),
        ("cawg.ai_training", "notAllowed", {T: D}),
        ("cawg.ai_training", "constrained", {T: D}),
        ("cawg.ai_inference", "allowed", {IN: A}),
        ("cawg.ai_inference", "notAllowed", {IN: D}),
        ("cawg.data_mining", "allowed", {T: A, IN: A}),
        ("cawg.data_mining", "notAllowed", {T: D, IN: D}),
        ("cawg.data_mining", "constrained", {T: D, IN: D}),
    ],
)
def test_each_entry_alone(name: str, use: str, expected: dict[Use, Stance]) -> None:
    (statement,) = parse_cawg_training_mining({"entries": {name: {"use": use}}}).statements()
    assert stances(statement) == expected
    assert statement.rule == name


def test_data_mining_fills_only_uses_without_their_own_entry() -> None:
    entries = {
        "cawg.data_mining": {"use": "notAllowed"},
        "cawg.ai_training": {"use": "allowed"},  # no stance: does not cover train-ai
        "cawg.ai_inference": {"use": "allowed"},
    }
    found = by_rule(parse_cawg_training_mining({"entries": entries}).statements())
    assert stances(found["cawg.data_mining"]) == {T: D}
    assert stances(found["cawg.ai_inference"]) == {IN: A}
    assert "ai-use set by the assertion's own entries" in found["cawg.data_mining"].note


@pytest.mark.parametrize(
    "assertion",
    [
        # C2PA 1.4 label and keys (older tools).
        {
            "label": "c2pa.training-mining",
            "data": {"entries": {"c2pa.ai_inference": {"use": "notAllowed"}}},
        },
        # Mixed: CAWG label with c2pa.* keys (in the wild, §8.1).
        {
            "label": "cawg.training-mining",
            "data": {"entries": {"c2pa.ai_inference": {"use": "notAllowed"}}},
        },
        # C2PA 1.x without the `entries` wrapper (CAWG 1.0's CDDL).
        {"label": "c2pa.training-mining", "data": {"c2pa.ai_inference": {"use": "notAllowed"}}},
    ],
)
def test_legacy_labels(assertion: dict[str, Any]) -> None:
    result = parse_cawg_training_mining(assertion)
    (statement,) = result.statements()
    assert stances(statement) == {IN: D}
    assert statement.rule == "c2pa.ai_inference"
    assert "legacy-label" in codes(statement.diagnostics)


def test_v10_shape_without_entries() -> None:
    result = parse_cawg_training_mining({"cawg.ai_training": {"use": "notAllowed"}, "metadata": {}})
    assert "no-entries-map" in codes(result.diagnostics)
    assert [stances(s) for s in result.statements()] == [{T: D}]


def test_instance_suffix_label() -> None:
    result = parse_cawg_training_mining(
        {"label": "cawg.training-mining__2", "data": {"entries": {}}}
    )
    assert result.diagnostics == ()


def test_unexpected_label() -> None:
    result = parse_cawg_training_mining({"label": "c2pa.actions", "data": {"entries": {}}})
    assert "unexpected-label" in codes(result.diagnostics)


@pytest.mark.parametrize(
    ("use", "read", "code"),
    [
        ("NotAllowed", "notAllowed", "non-canonical-value"),
        ("not_allowed", "notAllowed", "non-canonical-value"),
        ("ALLOWED", "allowed", "non-canonical-value"),
        ("yes", None, "invalid-value"),
        (1, None, "invalid-value"),
        (None, None, "invalid-value"),
    ],
)
def test_use_values(use: object, read: str | None, code: str) -> None:
    result = parse_cawg_training_mining({"entries": {"cawg.ai_inference": {"use": use}}})
    (entry,) = result.entries
    assert entry.use == read
    assert code in codes(entry.diagnostics)
    if read is None:
        assert result.statements()[0].stances == ()


def test_entry_that_is_not_a_map() -> None:
    result = parse_cawg_training_mining({"entries": {"cawg.ai_inference": "notAllowed"}})
    (statement,) = result.statements()
    assert stances(statement) == {IN: D}
    assert "not-a-map" in codes(statement.diagnostics)


def test_custom_entries_are_skipped() -> None:
    entries = {"com.example.ai_fun": {"use": "allowed"}, "cawg.ai_inference": {"use": "allowed"}}
    result = parse_cawg_training_mining({"entries": entries})
    assert [s.rule for s in result.statements()] == ["cawg.ai_inference"]
    assert "unknown-entry" in codes(result.entries[0].diagnostics)


def test_non_canonical_entry_key() -> None:
    result = parse_cawg_training_mining({"entries": {"CAWG.AI-Inference": {"use": "notAllowed"}}})
    assert result.entries[0].name == "cawg.ai_inference"
    assert "non-canonical-key" in codes(result.entries[0].diagnostics)


def test_duplicate_keys_in_json() -> None:
    text = (
        '{"entries": {"cawg.ai_inference": {"use": "allowed"}, '
        '"cawg.ai_inference": {"use": "notAllowed"}}}'
    )
    result = parse_cawg_training_mining(text)
    assert "duplicate" in codes(result.diagnostics)
    assert [stances(s) for s in result.statements()] == [{IN: D}]


def test_same_entry_under_two_prefixes() -> None:
    entries = {"cawg.ai_inference": {"use": "allowed"}, "c2pa.ai_inference": {"use": "notAllowed"}}
    result = parse_cawg_training_mining({"entries": entries})
    assert "duplicate" in codes(result.diagnostics)
    assert len(result.statements()) == 2


@pytest.mark.parametrize(
    ("assertion", "code"),
    [
        ("[]", "not-an-object"),
        ("{", "invalid-json"),
        (b"\xff\xfe", "invalid-json"),
        ("[" * 100_000, "invalid-json"),
        ('{"label": "cawg.training-mining"}', "no-entries"),
        ('{"entries": []}', "no-entries"),
        ('{"foo": 1}', "no-entries"),
        (" " * (media.CAWG_SIZE_LIMIT + 1), "too-large"),
    ],
)
def test_cawg_bad_input(assertion: str | bytes, code: str) -> None:
    result = parse_cawg_training_mining(assertion)
    assert code in codes(result.diagnostics)
    assert result.statements() == ()


def test_cawg_type_misuse() -> None:
    with pytest.raises(TypeError):
        parse_cawg_training_mining(3.5)  # type: ignore[arg-type]


# -- C2PA manifests ---------------------------------------------------------------------------

# A C2PA manifest store as it opens in a JPEG APP11 segment: the JPEG-XT header ("JP", box
# instance, sequence number), then the JUMBF superbox and its description box with the C2PA
# manifest store UUID. Enough to be recognised; not a valid manifest.
JUMBF = (
    struct.pack(">I", 40)
    + b"jumb"
    + struct.pack(">I", 32)
    + b"jumd"
    + bytes.fromhex("6332706100110010800000AA00389B71")
    + b"\x03c2pa\x00"
)
APP11 = segment(0xEB, b"JP\x02\x11" + struct.pack(">I", 1) + JUMBF)


def test_c2pa_manifest_without_c2pa_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media, "_import_c2pa", lambda: None)
    result = read_media(jpeg(PROHIBITED, before=JFIF + APP11))
    assert result.c2pa == "unavailable"
    iptc, c2pa = result.statements()
    assert stances(iptc)[T] is D
    assert c2pa.stances == ()
    assert c2pa.rule == "c2pa"
    assert "c2pa-python package is not installed" in c2pa.note
    (diagnostic,) = c2pa.diagnostics
    assert diagnostic.message == "pip install 'reciprocity[media]'" == C2PA_INSTALL_HINT


def test_png_cabx_chunk_without_c2pa_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media, "_import_c2pa", lambda: None)
    data = b"\x89PNG\r\n\x1a\n" + IHDR + chunk(b"caBX", JUMBF) + IDAT + IEND
    (statement,) = media_statements(data)
    assert statement.stances == ()
    assert statement.diagnostics[0].message == C2PA_INSTALL_HINT


def test_no_manifest_no_c2pa_statement(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail() -> ModuleType:
        raise AssertionError("c2pa must not be imported for a file without a manifest")

    monkeypatch.setattr(media, "_import_c2pa", fail)
    assert read_media(jpeg(PROHIBITED)).c2pa == "absent"


class _FakeReader:
    def __init__(self, store: object) -> None:
        self.store = store

    def __enter__(self) -> _FakeReader:
        return self

    def __exit__(self, *args: object) -> None:
        return None

    def json(self) -> str:
        return json.dumps(self.store)


def fake_c2pa(store: object = None, error: Exception | None = None) -> ModuleType:
    """A stand-in for c2pa-python's Reader/Context API (what media.py calls of it)."""
    module = ModuleType("c2pa")

    class Context:
        @staticmethod
        def from_dict(settings: object) -> object:
            assert settings == {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
            return object()

    class Reader:
        @staticmethod
        def try_create(fmt: object, stream: object, manifest: object, context: object) -> object:
            if error is not None:
                raise error
            return None if store is None else _FakeReader(store)

    module.Context = Context  # type: ignore[attr-defined]
    module.Reader = Reader  # type: ignore[attr-defined]
    return module


def store(state: str, *codes_: str, entries: dict[str, Any] | None = None) -> dict[str, Any]:
    entries = entries or json.loads(CAWG_LITERAL)["data"]["entries"]
    return {
        "active_manifest": "urn:c2pa:1",
        "manifests": {
            "urn:c2pa:1": {
                "assertions": [
                    {"label": "c2pa.actions.v2", "data": {"actions": []}},
                    {"label": "cawg.training-mining", "data": {"entries": entries}},
                ]
            },
            "urn:c2pa:ingredient": {
                "assertions": [
                    {
                        "label": "cawg.training-mining",
                        "data": {"entries": {"cawg.ai_inference": {"use": "allowed"}}},
                    }
                ]
            },
        },
        "validation_state": state,
        "validation_status": [{"code": c} for c in codes_],
    }


def test_c2pa_store_active_manifest_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        media, "_import_c2pa", lambda: fake_c2pa(store("Valid", "signingCredential.untrusted"))
    )
    result = read_media(jpeg(None, before=JFIF + APP11))
    assert result.c2pa == "read"
    found = by_rule(result.statements())
    assert stances(found["cawg.ai_inference"]) == {IN: D}  # not the ingredient's allow
    assert "C2PA manifest urn:c2pa:1 (Valid)" in found["cawg.ai_inference"].note


def test_c2pa_invalid_manifest_keeps_denies_only(monkeypatch: pytest.MonkeyPatch) -> None:
    entries = {
        "cawg.ai_generative_training": {"use": "allowed"},
        "cawg.ai_inference": {"use": "notAllowed"},
        "cawg.data_mining": {"use": "notAllowed"},
    }
    fake = fake_c2pa(store("Invalid", "assertion.dataHash.mismatch", entries=entries))
    monkeypatch.setattr(media, "_import_c2pa", lambda: fake)
    result = read_media(jpeg(None, before=JFIF + APP11))
    assert "manifest-invalid" in codes(result.diagnostics)
    found = by_rule(result.statements())
    assert stances(found["cawg.ai_generative_training"]) == {}
    assert "does not validate" in found["cawg.ai_generative_training"].note
    assert stances(found["cawg.ai_inference"]) == {IN: D}
    # With the unverified allow set aside, the general entry speaks for train-ai.
    assert stances(found["cawg.data_mining"]) == {T: D}


def test_c2pa_error(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = fake_c2pa(error=RuntimeError("JUMBF box out of range"))
    monkeypatch.setattr(media, "_import_c2pa", lambda: fake)
    result = read_media(jpeg(None, before=JFIF + APP11))
    assert result.c2pa == "error"
    (statement,) = result.statements()
    assert statement.stances == ()
    assert "JUMBF box out of range" in statement.note
    assert codes(statement.diagnostics) == {"c2pa-error"}


@pytest.mark.parametrize("bad", [[], {"manifests": {}}, {"active_manifest": "x", "manifests": []}])
def test_c2pa_odd_stores(monkeypatch: pytest.MonkeyPatch, bad: object) -> None:
    monkeypatch.setattr(media, "_import_c2pa", lambda: fake_c2pa(bad))
    result = read_media(jpeg(None, before=JFIF + APP11))
    assert all(s.stances == () for s in result.statements())


def _signed_jpeg(c2pa: Any) -> bytes:
    """A JPEG signed by c2pa-python with the §8.1 literal assertion, under a throwaway CA."""
    x509 = pytest.importorskip("cryptography.x509")
    hashes = pytest.importorskip("cryptography.hazmat.primitives.hashes")
    serialization = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    ec = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ec")
    oid = pytest.importorskip("cryptography.x509.oid")
    now = datetime.datetime.now(datetime.timezone.utc)

    def name(cn: str) -> Any:
        return x509.Name([x509.NameAttribute(oid.NameOID.COMMON_NAME, cn)])

    def cert(subject: str, key: Any, issuer: str, issuer_key: Any, ca: bool) -> Any:
        builder = (
            x509.CertificateBuilder()
            .subject_name(name(subject))
            .issuer_name(name(issuer))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(not ca, False, False, False, False, ca, ca, False, False),
                critical=True,
            )
        )
        if not ca:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([oid.ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
            ).add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                critical=False,
            )
        return builder.sign(issuer_key, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    key = ec.generate_private_key(ec.SECP256R1())
    pem = serialization.Encoding.PEM
    chain = cert("Signer", key, "Test CA", ca_key, False).public_bytes(pem) + cert(
        "Test CA", ca_key, "Test CA", ca_key, True
    ).public_bytes(pem)
    private = key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", chain, private, None))
    created = {
        "action": "c2pa.created",
        "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture",
    }
    manifest = {
        "claim_generator_info": [{"name": "reciprocity-tests", "version": "1"}],
        "title": "fixture.jpg",
        "format": "image/jpeg",
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": [created]}},
            json.loads(CAWG_LITERAL),
        ],
    }
    out = io.BytesIO()
    with c2pa.Builder.from_json(json.dumps(manifest)) as builder:
        builder.sign(signer, "image/jpeg", io.BytesIO(jpeg(PROHIBITED)), out)
    signer.close()
    return out.getvalue()


def test_real_c2pa_python() -> None:
    c2pa = pytest.importorskip("c2pa")
    data = _signed_jpeg(c2pa)
    result = read_media(data, media_type="image/jpeg")
    assert result.c2pa == "read"
    found = by_rule(result.statements())
    assert stances(found["plus:DataMining"]) == {T: D, IN: D, S: D}
    assert stances(found["cawg.ai_generative_training"]) == {T: D}
    assert stances(found["cawg.ai_inference"]) == {IN: D}
    assert stances(found["cawg.ai_training"]) == {}
    assert "manifest-invalid" not in codes(result.diagnostics)

    # Change one byte of the image data: the hash no longer matches, the manifest is invalid.
    tampered = bytearray(data)
    scan = tampered.rfind(b"\x12\x34\x56")
    tampered[scan] ^= 0xFF
    broken = read_media(bytes(tampered))
    assert "manifest-invalid" in codes(broken.diagnostics)
    assert stances(by_rule(broken.statements())["cawg.ai_inference"]) == {IN: D}


# -- properties ---------------------------------------------------------------------------------

PREFIXES = st.sampled_from(
    [
        b"",
        b"\xff\xd8",
        b"\xff\xd8\xff\xe1",
        b"\xff\xd8\xff\xe1\x00\x30http://ns.adobe.com/xap/1.0/\x00",
        b"\x89PNG\r\n\x1a\n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\x20iTXtXML:com.adobe.xmp\x00\x01\x00\x00\x00",
        b"RIFF\x20\x00\x00\x00WEBPXMP ",
        b"II*\x00\x08\x00\x00\x00\x01\x00\xbc\x02\x01\x00",
        b"MM\x00*\x00\x00\x00\x08",
        b"GIF89a",
        b"%PDF-1.7 <?xpacket begin",
        b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>",
    ]
)


@settings(max_examples=300)
@given(PREFIXES, st.binary(max_size=1024))
def test_arbitrary_bytes_never_raise(prefix: bytes, data: bytes) -> None:
    result = read_media(prefix + data)
    assert result == read_media(prefix + data)
    assert result.statements() == read_media(prefix + data).statements()
    read_xmp(prefix + data)


@given(st.binary(max_size=2048))
def test_arbitrary_xmp_bytes(data: bytes) -> None:
    result = parse_iptc_data_mining(data)
    assert result == parse_iptc_data_mining(data)
    result.statements()


XMLISH = st.lists(
    st.sampled_from(
        [
            "<",
            ">",
            "/",
            "=",
            '"',
            " ",
            "plus:",
            "DataMining",
            "rdf:",
            "li",
            "DMI-",
            "PROHIBITED",
            "x",
            "\n",
            "&",
            ";",
            "?",
            "!",
            "\u00e9",
            "\x00",
        ]
    ),
    max_size=40,
).map("".join)


@given(XMLISH)
def test_arbitrary_xmpish_text(text: str) -> None:
    packet = xmp(body=text)
    result = parse_iptc_data_mining(packet)
    assert result == parse_iptc_data_mining(packet)
    result.statements()
    parse_iptc_data_mining(text).statements()


JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(["allowed", "notAllowed", "constrained", "cawg.ai_training"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "entries",
                    "use",
                    "label",
                    "data",
                    "constraint_info",
                    "constraints_info",
                    "cawg.ai_inference",
                    "c2pa.data_mining",
                    "cawg.data_mining",
                    "x",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@given(JSONISH)
def test_arbitrary_assertions(value: object) -> None:
    text = json.dumps(value)
    result = parse_cawg_training_mining(text)
    assert result == parse_cawg_training_mining(text)
    result.statements()
    if isinstance(value, dict):
        parse_cawg_training_mining(value).statements()


@given(st.binary(max_size=512))
def test_arbitrary_assertion_bytes(data: bytes) -> None:
    parse_cawg_training_mining(data).statements()
