"""W3C TDM Reservation Protocol (TDMRep): ``/.well-known/tdmrep.json``, headers and HTML meta.

Follows the Community Group Final Report of 2024-05-10 ("TDMRep", ``CG-FINAL-tdmrep-20240510``).
Two properties say everything: ``tdm-reservation`` (``1``: TDM rights reserved, the DSM Art. 4
"opt-out"; ``0``: not reserved; anything else is a protocol error and counts as *unset*) and
``tdm-policy`` (the URL of a TDM Policy describing how a licence may be obtained).

Three carriers are read here, each by a pure function that never raises on content:

* :func:`parse_tdmrep_json` reads the site-wide file: a JSON array of rules
  ``{"location", "tdm-reservation", "tdm-policy"}``. ``location`` is a path pattern matched as
  robots.txt patterns are (``*`` any run of characters, a final ``$`` anchors the end, matching
  from the start of the path, case-sensitive); :meth:`TdmRepFile.lookup` returns the **first**
  matching rule in array order ("the most specific match is the first in sequence"), not the
  longest.
* :func:`parse_tdmrep_headers` reads ``tdm-reservation`` / ``tdm-policy`` response fields.
* :func:`parse_tdmrep_meta` reads ``<meta name="tdm-reservation" …>`` pairs (the HTML scan is
  done elsewhere). They apply to the HTML document only, not to the media it embeds.

:func:`resolve_tdmrep` then applies the spec's processing priority: header values supersede
the file's, HTML meta supersedes both, and the absence of a property never resets the current
value. Within TDMRep the more specific technique wins even when it is less restrictive (a page's
``0`` overrides the site's ``1``); only across mechanisms does the resolver combine most
restrictively.

Leniency (each case is reported in ``diagnostics``): a single rule object without the array
brackets, trailing or missing commas between rules, trailing commas inside a rule, ``"1"`` as a
string and JSON ``true``/``false``, key spellings such as ``TDM-Reservation`` or
``tdm_reservation``, absolute-URL locations (the origin is dropped), locations without their
leading ``/``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from reciprocity.obligations import Duty, Obligation
from reciprocity.signals.diagnostics import Diagnostic
from reciprocity.signals.robots import normalise_pattern, path_params_query, pattern_matches
from reciprocity.signals.statement import Carrier, Mechanism, Statement
from reciprocity.uses import Stance, Use

__all__ = [
    "PRIORITY",
    "RESERVATIONS",
    "SPEC_VERSION",
    "TDMREP_SIZE_LIMIT",
    "TdmRepFile",
    "TdmRepRule",
    "TdmRepSignal",
    "parse_tdmrep_headers",
    "parse_tdmrep_json",
    "parse_tdmrep_meta",
    "resolve_tdmrep",
]

SPEC_VERSION: Final = "W3C TDMRep Community Group Final Report, 2024-05-10"

# The vocabulary: what each tdm-reservation value says about each use (SPEC_VERSION §2.1).
#
# TDM is "automated analysis of text and data in digital form in order to generate information
# which includes but is not limited to patterns, trends and correlations" (DSM Art. 2(2)); both
# training a model and feeding content to one at inference are such analysis, so `1` reserves
# train-ai and ai-use (DESIGN.md §3, "Vocabulary readings to keep"). Whether building a search
# index is TDM the spec does not say: search is left unknown.
#
# `0` is "TDM rights are not reserved. TDM agents can mine the content for TDM purposes without
# having to contact the rightsholder": an explicit permission, not mere silence, so it is read as
# allow for the same two uses. Across mechanisms the resolver still lets any deny win over it.
RESERVATIONS: Final[Mapping[int, tuple[tuple[Use, Stance], ...]]] = {
    1: ((Use.TRAIN_AI, Stance.DENY), (Use.AI_USE, Stance.DENY)),
    0: ((Use.TRAIN_AI, Stance.ALLOW), (Use.AI_USE, Stance.ALLOW)),
}

# The spec's own forms of a tdm-reservation value, and the lenient forms read with a diagnostic.
# JSON true/false are accepted because the spec calls the property "a boolean value"; strings
# "1"/"0" because third-party tdmrep.json generators write them. Any other value is a protocol
# error and makes tdm-reservation unset (spec: "TDM Agents MUST consider that tdm-reservation
# is unset").
_TEXT_VALUES: Final[Mapping[str, int]] = {"1": 1, "0": 0}

PRIORITY: Final = (Carrier.TDMREP_JSON, Carrier.HTTP_HEADER, Carrier.HTML_META, Carrier.MEDIA)
"""The processing-priority steps in order (a later step supersedes an earlier one): the file on
the origin, the response's header fields, the HTML page's meta, the EPUB/PDF metadata (read by
the media parsers, which can pass a ``TdmRepSignal`` with carrier ``MEDIA``)."""

_RANK: Final = {carrier: rank for rank, carrier in enumerate(PRIORITY)}

TDMREP_SIZE_LIMIT: Final = 1024 * 1024
"""Bytes of a tdmrep.json that are read; the complete rules before the cut still count."""

RESERVATION_FIELD: Final = "tdm-reservation"
POLICY_FIELD: Final = "tdm-policy"
_LOCATION: Final = "location"
_KEYS: Final = frozenset({_LOCATION, RESERVATION_FIELD, POLICY_FIELD})

_WS: Final = " \t\n\r"
_MAX_RAW: Final = 2000  # characters of a rule kept as its evidence text
_UNRESERVED: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE_RE: Final = re.compile(r"%[0-9A-F]{2}")
_STRING: Final = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_TOKEN_RE: Final = re.compile(_STRING + r"?|[\[\]{}]", re.DOTALL)
_TRAILING_COMMA_RE: Final = re.compile(f"({_STRING})" + r"|,(\s*[\]}])", re.DOTALL)
_SCHEME_RE: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


# -- matching ----------------------------------------------------------------------------------


def _unescape_unreserved(match: re.Match[str]) -> str:
    char = chr(int(match.group()[1:], 16))
    return char if char in _UNRESERVED else match.group()


def _canonical(text: str) -> str:
    """``text`` with non-ASCII characters %-escaped, escapes upper-cased, and escapes of
    unreserved characters decoded (the spec: "it MUST be unencoded prior to comparison, unless
    it is a reserved character"), so that ``/caf%C3%A9``, ``/café`` and ``/%63af%c3%a9`` compare
    equal. Escapes of reserved characters stay escapes: ``%2F`` is not ``/``."""
    text = normalise_pattern(text)
    return _ESCAPE_RE.sub(_unescape_unreserved, text) if "%" in text else text


def _canonical_pattern(location: str) -> str:
    # `*` is always special; `$` only as the last character (as in robots.txt). A `$` elsewhere
    # is literal and is compared as the `%24` it becomes in a path (see `_canonical_path`).
    pattern = _canonical(location)
    anchored = pattern.endswith("$")
    body = pattern[:-1] if anchored else pattern
    return body.replace("$", "%24") + ("$" if anchored else "")


def _canonical_path(url: str) -> str:
    # The spec's own example: the pattern `/path/foo-%24` matches `https://provider.com/path/foo-$`.
    # A literal `$` or `*` in a URL can only be named by its escape in a pattern, so the path
    # carries them escaped.
    path = _canonical(path_params_query(url))
    if "$" in path or "*" in path:
        path = path.replace("$", "%24").replace("*", "%2A")
    return path


# -- results -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TdmRepRule:
    """One rule of a ``tdmrep.json`` array."""

    index: int
    """0-based position in the array (first match decides)."""
    line: int
    """Line where the rule's object starts."""
    location: str
    """The ``location`` as written."""
    pattern: str
    """The pattern matched: origin dropped, leading ``/`` added, %-escapes canonical."""
    reservation: int | None
    """``1``, ``0``, or ``None`` (unset: missing, or a protocol error)."""
    policy: str | None
    raw: str
    """The rule as read, as compact JSON."""
    diagnostics: tuple[Diagnostic, ...] = ()

    def matches(self, path: str) -> bool:
        """Whether this rule's location matches ``path`` (a path or URL, %-encoded)."""
        return pattern_matches(_canonical_path(path), self.pattern)

    def statement(self) -> Statement:
        """This rule as a statement (carrier ``tdmrep.json``, rule = its location)."""
        return _statement(
            Carrier.TDMREP_JSON,
            self.reservation,
            self.policy,
            self.raw,
            line=self.line,
            rule=self.location,
            diagnostics=self.diagnostics,
        )


@dataclass(frozen=True, slots=True)
class TdmRepFile:
    """A parsed ``/.well-known/tdmrep.json``."""

    rules: tuple[TdmRepRule, ...]
    diagnostics: tuple[Diagnostic, ...] = ()

    def lookup(self, path: str) -> TdmRepRule | None:
        """The first rule in array order whose location matches ``path`` (a path or a URL,
        %-encoded), or ``None``: then tdm-reservation is unset for it."""
        canonical = _canonical_path(path)
        for rule in self.rules:
            if pattern_matches(canonical, rule.pattern):
                return rule
        return None

    def statements(self, path: str) -> tuple[Statement, ...]:
        """The statement of the rule that applies to ``path`` (none when no rule matches).

        A matching rule whose ``tdm-reservation`` is unset still decides (it comes first) and
        yields a statement without stances, so that the invalid rule is visible as evidence.
        """
        rule = self.lookup(path)
        return () if rule is None else (rule.statement(),)


@dataclass(frozen=True, slots=True)
class TdmRepSignal:
    """``tdm-reservation`` / ``tdm-policy`` as read from one response's headers or one page's
    ``<meta>`` elements."""

    carrier: Carrier
    reservation: int | None
    """``1``, ``0``, or ``None`` (absent, or a protocol error)."""
    policy: str | None
    reservation_line: int | None = None
    """Field-line index (headers, 1-based) or HTML line (meta) of the value read."""
    policy_line: int | None = None
    raw: str = ""
    """The fields read, one ``name: value`` per line."""
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def present(self) -> bool:
        """Whether any ``tdm-*`` field or meta was found at all (even an invalid one)."""
        return bool(self.raw)

    def statements(self) -> tuple[Statement, ...]:
        """This carrier's statement on its own (before the processing priority is applied)."""
        if not self.present:
            return ()
        return (
            _statement(
                self.carrier,
                self.reservation,
                self.policy,
                self.raw,
                line=self.reservation_line,
                rule=RESERVATION_FIELD if self.reservation is not None else None,
                diagnostics=self.diagnostics,
            ),
        )


def _statement(
    carrier: Carrier,
    reservation: int | None,
    policy: str | None,
    raw: str,
    *,
    line: int | None,
    rule: str | None,
    diagnostics: tuple[Diagnostic, ...],
    extra_note: str = "",
) -> Statement:
    stances = RESERVATIONS.get(reservation, ()) if reservation is not None else ()
    obligations: tuple[Obligation, ...] = ()
    license_url: str | None = None
    if reservation is None:
        note = "tdm-reservation unset"
        if policy:
            note += f"; tdm-policy {policy} not applied without a reservation"
    elif reservation == 1:
        note = "TDM rights reserved (DSM Art. 4 opt-out)"
        if policy:
            # The policy says on which terms a TDM licence may be obtained: kept as the licence
            # URL and as the obligation to obtain one there (obligations.SPEC_VERSIONS["tdmrep"]),
            # so a builder who obtains one knows whose terms apply.
            obligations = (Obligation(Duty.LICENCE, url=policy),)
            license_url = policy
            note += f"; a TDM licence may be obtained on the terms of the TDM Policy {policy}"
    else:
        note = "TDM rights not reserved"
        if policy:
            # Spec: "TDM Agents SHOULD NOT process tdm-policy in this case."
            note += f"; tdm-policy {policy} not processed (tdm-reservation is 0)"
    if extra_note:
        note += f"; {extra_note}"
    return Statement(
        Mechanism.TDMREP,
        carrier,
        stances,
        raw,
        line=line,
        rule=rule,
        obligations=obligations,
        license=license_url,
        note=note,
        diagnostics=diagnostics,
    )


# -- tdmrep.json -------------------------------------------------------------------------------


class _Object(dict[str, object]):
    """A JSON object that remembers the keys it saw twice (the last value is kept, as most JSON
    readers, JavaScript's included, keep it)."""

    duplicates: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, object]]) -> _Object:
    obj = _Object(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        repeated: list[str] = []
        for key, _ in pairs:
            if key in seen:
                repeated.append(key)
            seen.add(key)
        obj.duplicates = tuple(repeated)
    return obj


_DECODER: Final = json.JSONDecoder(object_pairs_hook=_object)


class _Lines:
    """Line numbers of offsets, counted incrementally (offsets are asked for in order)."""

    __slots__ = ("line", "pos", "text")

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def __call__(self, pos: int) -> int:
        if pos < self.pos:
            self.pos, self.line = 0, 1
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    return pos


def _extent(text: str, pos: int) -> int:
    """End of the bracketed value starting at ``pos`` (string-aware), or -1 if it never closes.
    Iterative, so no nesting depth can exhaust the stack; the regex skips strings at C speed."""
    depth = 0
    for token in _TOKEN_RE.finditer(text, pos):
        char = token.group()[0]
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return token.end()
    return -1


class _InvalidValue(ValueError):
    """A value that cannot be read; ``end`` is where the next one may start (-1: nowhere)."""

    def __init__(self, end: int) -> None:
        super().__init__("invalid JSON value")
        self.end = end


def _decode_value(text: str, pos: int) -> tuple[object, int, str | None]:
    """One JSON value at ``pos``: (value, end, repair), ``repair`` naming a repair that was
    needed (trailing commas inside the value); raises :class:`_InvalidValue` otherwise.

    An object or array is delimited first and decoded on its own, so that an error costs the
    length of the value, not of the file (``JSONDecodeError`` counts lines up to its position,
    which on a long file with many bad rules would be quadratic).
    """
    if text[pos] not in "[{":
        try:
            value, end = _DECODER.raw_decode(text, pos)
        except (ValueError, RecursionError):
            raise _InvalidValue(-1) from None
        return value, end, None
    end = _extent(text, pos)
    if end < 0:
        raise _InvalidValue(-1)
    chunk = text[pos:end]
    try:
        return _DECODER.decode(chunk), end, None
    except (ValueError, RecursionError):
        pass
    repaired = _TRAILING_COMMA_RE.sub(lambda m: m.group(1) or m.group(2), chunk)
    if repaired != chunk:
        try:
            return _DECODER.decode(repaired), end, "trailing-comma"
        except (ValueError, RecursionError):
            pass
    raise _InvalidValue(end)


def _elements(text: str, diagnostics: list[Diagnostic]) -> Iterator[tuple[int, object, str]]:
    """The elements of the top-level array as (offset, value, source text), read one at a time
    so that one bad element, or a file cut short, loses only what is bad."""
    line_of = _Lines(text)
    pos = _skip_ws(text, 0)
    if pos == len(text):
        diagnostics.append(Diagnostic(0, "empty", "tdmrep.json is empty; no rules"))
        return
    if text[pos] != "[":
        try:
            value, end, repair = _decode_value(text, pos)
        except _InvalidValue:
            diagnostics.append(
                Diagnostic(line_of(pos), "invalid-json", "not a JSON array of rules; no rules")
            )
            return
        if isinstance(value, dict):
            diagnostics.append(
                Diagnostic(
                    line_of(pos), "not-array", "a single rule object without [ ]; read as one rule"
                )
            )
            if repair:
                diagnostics.append(Diagnostic(line_of(pos), repair, "trailing comma ignored"))
            yield pos, value, text[pos:end]
        else:
            diagnostics.append(
                Diagnostic(line_of(pos), "not-array", "the file is not a JSON array; no rules")
            )
        return
    pos += 1
    expect_value = True  # after `[` or `,`
    count = 0
    while True:
        pos = _skip_ws(text, pos)
        if pos >= len(text):
            diagnostics.append(
                Diagnostic(
                    line_of(pos), "unterminated", "the array never closes; rules read so far"
                )
            )
            return
        char = text[pos]
        if char == "]":
            if expect_value and count:
                diagnostics.append(Diagnostic(line_of(pos), "trailing-comma", "comma before ]"))
            end = _skip_ws(text, pos + 1)
            if end < len(text):
                diagnostics.append(
                    Diagnostic(line_of(end), "trailing-data", "text after the array ignored")
                )
            return
        if char == ",":
            if expect_value:
                diagnostics.append(Diagnostic(line_of(pos), "empty-element", "extra comma"))
            expect_value = True
            pos += 1
            continue
        if not expect_value:
            diagnostics.append(
                Diagnostic(line_of(pos), "missing-comma", "no comma between rules; read on")
            )
        try:
            value, end, repair = _decode_value(text, pos)
        except _InvalidValue as invalid:
            end = invalid.end
            if end < 0:
                diagnostics.append(
                    Diagnostic(line_of(pos), "invalid-json", "invalid JSON; rest of file ignored")
                )
                return
            diagnostics.append(
                Diagnostic(line_of(pos), "invalid-json", "element is not valid JSON; skipped")
            )
            pos, expect_value = end, False
            continue
        if repair:
            diagnostics.append(Diagnostic(line_of(pos), repair, "trailing comma ignored"))
        count += 1
        yield pos, value, text[pos:end]
        pos, expect_value = end, False


def _key(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def _read_reservation(value: object, line: int, diagnostics: list[Diagnostic]) -> int | None:
    if isinstance(value, bool):
        diagnostics.append(
            Diagnostic(
                line, "boolean-value", f"tdm-reservation {json.dumps(value)} read as {int(value)}"
            )
        )
        return int(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return int(value)
    if isinstance(value, str) and value.strip() in _TEXT_VALUES:
        diagnostics.append(
            Diagnostic(
                line, "string-value", f"tdm-reservation {value!r} is a string; read as a number"
            )
        )
        return _TEXT_VALUES[value.strip()]
    diagnostics.append(
        Diagnostic(
            line,
            "invalid-reservation",
            f"tdm-reservation {_show(value)} is neither 1 nor 0: unset (protocol error)",
        )
    )
    return None


def _show(value: object) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):  # pragma: no cover - values come from JSON
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _read_policy(value: object, line: int, diagnostics: list[Diagnostic]) -> str | None:
    if not isinstance(value, str) or not value.strip():
        diagnostics.append(
            Diagnostic(line, "invalid-policy", f"tdm-policy {_show(value)} is not a URL; ignored")
        )
        return None
    policy = value.strip()
    if not _SCHEME_RE.match(policy):
        diagnostics.append(
            Diagnostic(line, "relative-policy", f"tdm-policy {policy!r} is not an absolute URL")
        )
    return policy


def _read_location(value: object, line: int, diagnostics: list[Diagnostic]) -> str | None:
    """The path pattern of a ``location``, or ``None`` when the rule cannot match anything."""
    if not isinstance(value, str):
        diagnostics.append(
            Diagnostic(
                line, "invalid-location", f"location {_show(value)} is not a string; rule skipped"
            )
        )
        return None
    location = value.strip()
    if location != value:
        diagnostics.append(
            Diagnostic(line, "location-whitespace", "spaces around location ignored")
        )
    if not location:
        diagnostics.append(Diagnostic(line, "empty-location", "empty location; rule skipped"))
        return None
    if _SCHEME_RE.match(location) or location.startswith("//"):
        # Generators write full URLs; the file is per origin, so only the path counts.
        path = path_params_query(location)
        diagnostics.append(
            Diagnostic(line, "absolute-location", f"location {location!r} read as path {path!r}")
        )
        location = path
    elif not location.startswith(("/", "*")):
        diagnostics.append(
            Diagnostic(line, "relative-location", f"location {location!r} read as '/{location}'")
        )
        location = "/" + location
    return _canonical_pattern(location)


def _read_rule(
    index: int, line: int, value: object, source: str, file_diagnostics: list[Diagnostic]
) -> TdmRepRule | None:
    if not isinstance(value, dict):
        file_diagnostics.append(
            Diagnostic(line, "invalid-rule", f"rule {index} is not an object; skipped")
        )
        return None
    diagnostics: list[Diagnostic] = []
    for name in getattr(value, "duplicates", ()):
        diagnostics.append(Diagnostic(line, "duplicate-key", f"{name!r} repeated; last value kept"))
    fields: dict[str, object] = {}
    for name, item in value.items():
        key = _key(name)
        if key not in _KEYS:
            diagnostics.append(Diagnostic(line, "unknown-key", f"{name!r} ignored"))
            continue
        if key != name:
            diagnostics.append(Diagnostic(line, "key-spelling", f"{name!r} read as {key!r}"))
        if key in fields:
            diagnostics.append(
                Diagnostic(line, "duplicate-key", f"{name!r} repeats {key!r}; last kept")
            )
        fields[key] = item
    if _LOCATION not in fields:
        diagnostics.append(Diagnostic(line, "missing-location", "rule has no location; skipped"))
        file_diagnostics.extend(diagnostics)
        return None
    pattern = _read_location(fields[_LOCATION], line, diagnostics)
    if pattern is None:
        file_diagnostics.extend(diagnostics)
        return None
    if RESERVATION_FIELD in fields:
        reservation = _read_reservation(fields[RESERVATION_FIELD], line, diagnostics)
    else:
        reservation = None
        diagnostics.append(
            Diagnostic(line, "missing-reservation", "rule has no tdm-reservation: unset")
        )
    policy = (
        _read_policy(fields[POLICY_FIELD], line, diagnostics) if POLICY_FIELD in fields else None
    )
    try:
        raw = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    except (ValueError, RecursionError):  # unknown keys nested deeper than the encoder goes
        raw = source
    if len(raw) > _MAX_RAW:
        raw = raw[: _MAX_RAW - 3] + "..."
    file_diagnostics.extend(diagnostics)
    return TdmRepRule(
        index, line, str(fields[_LOCATION]), pattern, reservation, policy, raw, tuple(diagnostics)
    )


def _text(
    data: bytes | bytearray | memoryview | str, max_bytes: int, diagnostics: list[Diagnostic]
) -> str:
    if isinstance(data, str):
        if len(data) > max_bytes:
            diagnostics.append(
                Diagnostic(0, "size-limit", f"{len(data)} characters; only {max_bytes} read")
            )
            data = data[:max_bytes]
        if data.startswith("\ufeff"):
            diagnostics.append(Diagnostic(1, "bom", "byte order mark skipped"))
            data = data[1:]
        return data
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"tdmrep.json must be bytes or str, not {type(data).__name__}")
    body = bytes(data)
    if len(body) > max_bytes:
        diagnostics.append(
            Diagnostic(0, "size-limit", f"file is {len(body)} bytes; only {max_bytes} read")
        )
        body = body[:max_bytes]
    if body.startswith(b"\xef\xbb\xbf"):
        diagnostics.append(Diagnostic(1, "bom", "byte order mark skipped"))
        body = body[3:]
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        diagnostics.append(
            Diagnostic(line, "invalid-utf8", f"not UTF-8 at byte {exc.start}; bad bytes replaced")
        )
        return body.decode("utf-8", "replace")


def parse_tdmrep_json(
    data: bytes | bytearray | memoryview | str, *, max_bytes: int = TDMREP_SIZE_LIMIT
) -> TdmRepFile:
    """Parse a ``/.well-known/tdmrep.json`` body. Never raises on content; see ``diagnostics``.

    Rules without a usable ``location`` are skipped (they can match nothing). A rule whose
    ``tdm-reservation`` is missing or invalid is kept with ``reservation=None``: it still comes
    first for the paths it matches, and for those the reservation is unset.
    """
    diagnostics: list[Diagnostic] = []
    text = _text(data, max_bytes, diagnostics)
    line_of = _Lines(text)
    rules: list[TdmRepRule] = []
    for index, (pos, value, source) in enumerate(_elements(text, diagnostics)):
        rule = _read_rule(index, line_of(pos), value, source, diagnostics)
        if rule is not None:
            rules.append(rule)
    return TdmRepFile(tuple(rules), tuple(diagnostics))


# -- headers and meta --------------------------------------------------------------------------


def _read_text_value(value: str, line: int, diagnostics: list[Diagnostic]) -> int | None:
    """A header or meta ``tdm-reservation`` value. HTTP may have combined repeated fields into
    one comma-separated line; identical members are one value, differing ones a protocol error."""
    members = [m.strip(" \t") for m in value.split(",")]
    read: list[int] = []
    for member in members:
        if len(member) >= 2 and member[0] == member[-1] == '"':
            diagnostics.append(Diagnostic(line, "quoted-value", f"{member} read without quotes"))
            member = member[1:-1].strip()
        number = _TEXT_VALUES.get(member)
        if number is None:
            diagnostics.append(
                Diagnostic(
                    line,
                    "invalid-reservation",
                    f"tdm-reservation {member[:60]!r} is neither 1 nor 0: unset (protocol error)",
                )
            )
            return None
        read.append(number)
    if len(set(read)) > 1:
        diagnostics.append(
            Diagnostic(
                line, "conflicting-values", f"tdm-reservation {value!r}: unset (protocol error)"
            )
        )
        return None
    if len(read) > 1:
        diagnostics.append(
            Diagnostic(line, "repeated-value", f"tdm-reservation {value!r} read once")
        )
    return read[0]


def _read_signal(
    carrier: Carrier, items: Sequence[tuple[str, str, int | None]], what: str
) -> TdmRepSignal:
    diagnostics: list[Diagnostic] = []
    raw: list[str] = []
    reservations: list[tuple[int | None, int | None, str]] = []  # (value, line, as written)
    policies: list[tuple[str, int | None]] = []
    for name, value, line in items:
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError(f"{what} must be (name, value) pairs of str")
        key = name.strip().lower()
        if key not in (RESERVATION_FIELD, POLICY_FIELD):
            continue
        where = line or 0
        raw.append(f"{key}: {value.strip()}")
        if key == RESERVATION_FIELD:
            reservations.append((_read_text_value(value, where, diagnostics), line, value.strip()))
        else:
            policy = _read_policy(value, where, diagnostics)
            if policy is not None:
                policies.append((policy, line))
    reservation: int | None = None
    reservation_line: int | None = None
    if len(reservations) > 1:
        values = {value for value, _, _ in reservations}
        where = reservations[1][1] or 0
        if values == {None}:
            reservation_line = reservations[0][1]  # each invalid value is diagnosed already
        elif len(values) == 1:
            diagnostics.append(
                Diagnostic(
                    where, "repeated-field", f"{RESERVATION_FIELD} given {len(reservations)} times"
                )
            )
            reservation, reservation_line = reservations[0][0], reservations[0][1]
        else:
            written = ", ".join(text for _, _, text in reservations)
            diagnostics.append(
                Diagnostic(
                    where,
                    "conflicting-values",
                    f"{RESERVATION_FIELD} given as {written!r}: unset (protocol error)",
                )
            )
            reservation_line = reservations[0][1]
    elif reservations:
        reservation, reservation_line = reservations[0][0], reservations[0][1]
    policy_value: str | None = None
    policy_line: int | None = None
    if policies:
        policy_value, policy_line = policies[0]
        if len({p for p, _ in policies}) > 1:
            diagnostics.append(
                Diagnostic(
                    policies[1][1] or 0, "repeated-policy", "several tdm-policy URLs; first kept"
                )
            )
    return TdmRepSignal(
        carrier,
        reservation,
        policy_value,
        reservation_line,
        policy_line,
        "\n".join(raw),
        tuple(diagnostics),
    )


def parse_tdmrep_headers(headers: Sequence[tuple[str, str]]) -> TdmRepSignal:
    """Read the ``tdm-reservation`` / ``tdm-policy`` fields of one HTTP response.

    ``headers`` are (name, value) field lines in order; names compare case-insensitively. The
    line of a value is its 1-based field-line index. Values other than ``1``/``0``, and repeated
    fields that disagree, are protocol errors: ``reservation`` is then ``None`` (unset).
    """
    items = [(name, value, index) for index, (name, value) in enumerate(headers, 1)]
    return _read_signal(Carrier.HTTP_HEADER, items, "headers")


def parse_tdmrep_meta(
    metas: Sequence[tuple[str, str] | tuple[str, str, int]],
) -> TdmRepSignal:
    """Read ``<meta name="tdm-reservation" content=…>`` / ``tdm-policy`` of one HTML page.

    ``metas`` are (name, content) pairs, or (name, content, line) when the scanner knows the
    line; names compare case-insensitively. Values are read as the header values are.
    """
    items: list[tuple[str, str, int | None]] = []
    for meta in metas:
        if len(meta) == 3:
            name, content, line = meta
            items.append((name, content, line))
        elif len(meta) == 2:
            items.append((meta[0], meta[1], None))
        else:
            raise TypeError("metas must be (name, content) or (name, content, line) tuples")
    return _read_signal(Carrier.HTML_META, items, "metas")


# -- processing priority -----------------------------------------------------------------------


def resolve_tdmrep(
    file_rule: TdmRepRule | None = None,
    header: TdmRepSignal | None = None,
    meta: TdmRepSignal | None = None,
    *,
    embedded: TdmRepSignal | None = None,
) -> tuple[Statement, ...]:
    """The one TDMRep statement in force for a resource, by the spec's processing priority.

    ``file_rule`` is ``TdmRepFile.lookup(path)`` for the resource; ``header`` the response's
    fields; ``meta`` the page's ``<meta>`` values (HTML documents only); ``embedded`` the
    EPUB/PDF metadata of the resource, when a media parser read it. Each step supersedes
    the ones before it, property by property, and "the absence of tdm-reservation and
    tdm-policy MUST not reset current values": a step that does not set a valid
    ``tdm-reservation`` (absent, or a protocol error) leaves the earlier one in force.

    The statement returned is that of the step that set the reservation (its carrier, line and
    raw text), with the policy in force attached and the superseded steps named in the note.
    When no step sets a reservation but some step said something (an invalid value, a policy
    alone), a statement without stances is returned so that it shows as evidence; when nothing
    was said at all, the result is empty.
    """
    steps: list[tuple[Carrier, int | None, str | None, Statement]] = []
    if file_rule is not None:
        steps.append(
            (Carrier.TDMREP_JSON, file_rule.reservation, file_rule.policy, file_rule.statement())
        )
    for signal in (header, meta, embedded):
        if signal is not None and signal.present:
            steps.append(
                (signal.carrier, signal.reservation, signal.policy, signal.statements()[0])
            )
    # By carrier, not by argument position: a signal passed in the wrong slot keeps its rank.
    steps.sort(key=lambda step: _RANK.get(step[0], len(PRIORITY)))
    if not steps:
        return ()
    reservation: int | None = None
    deciding: Statement | None = None
    policy: str | None = None
    policy_from: Carrier | None = None
    superseded: list[str] = []
    for carrier, value, step_policy, statement in steps:
        if value is not None:
            if deciding is not None and reservation != value:
                superseded.append(f"{deciding.carrier.value} tdm-reservation {reservation}")
            reservation, deciding = value, statement
        if step_policy is not None:
            policy, policy_from = step_policy, carrier
    if deciding is None:
        last = steps[-1][3]
        return (last,)
    notes = []
    if superseded:
        notes.append(f"supersedes {', '.join(superseded)} (TDMRep processing priority)")
    if policy is not None and policy_from is not deciding.carrier:
        notes.append(f"tdm-policy from {policy_from.value if policy_from else '?'}")
    return (
        _statement(
            deciding.carrier,
            reservation,
            policy,
            deciding.raw,
            line=deciding.line,
            rule=deciding.rule,
            diagnostics=deciding.diagnostics,
            extra_note="; ".join(notes),
        ),
    )
