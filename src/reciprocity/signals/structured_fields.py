"""RFC 9651 Structured Field Values: Items, Lists and Dictionaries, parsed strictly.

AIPREF ``Content-Usage`` (and other preference carriers) are Structured Field Dictionaries, so this
is the one parser they share. It follows the parsing algorithms of RFC 9651 §4.2 step by step in
outcome (regular expressions do the per-character work); a field that fails to parse yields
``value=None`` and a diagnostic, never an exception, because RFC 9651 §4.2 says a failed field is
ignored as a whole.

Python types of bare items:

==================  ==========================================================================
Integer             ``int``
Decimal             ``decimal.Decimal``: exact, so ``1.1`` stays ``1.1`` and serialising rounds
                    half-to-even as §4.1.5 asks; a float cannot hold most three-place decimals
String              ``str`` (ASCII, escapes removed)
Token               :class:`Token` (kept apart from a String of the same letters)
Byte Sequence       ``bytes``
Boolean             ``bool``
Date                :class:`Date` (whole seconds since the epoch)
Display String      :class:`DisplayString` (Unicode, percent-decoding done)
==================  ==========================================================================

Equality of :class:`Item`, :class:`InnerList` and :class:`FrozenMap` is type-strict, since Python
would otherwise equate ``?1`` with ``1`` and ``1.0`` with ``1``. Dictionaries and Parameters are
:class:`FrozenMap` instances: ordered, a repeated key keeps its first position and takes its last
value (§4.2.2, §4.2.3.2).

Deliberate leniency, each reported as a diagnostic on a successful result: a Byte Sequence without
``=`` padding or with non-zero pad bits is accepted (§4.2.7 says parsers SHOULD NOT fail on
either). Repeated dictionary keys and parameters are reported too; they are valid.

Several field lines of one field are joined with ``", "`` before parsing (RFC 9110 §5.3).
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Final, Generic, TypeAlias, TypeVar
from urllib.parse import unquote_to_bytes

from reciprocity.signals.diagnostics import Diagnostic

__all__ = [
    "EMPTY_PARAMS",
    "SPEC_VERSION",
    "BareItem",
    "Date",
    "Diagnostic",
    "Dictionary",
    "DisplayString",
    "FieldLines",
    "FrozenMap",
    "InnerList",
    "Item",
    "Member",
    "Parameters",
    "ParseResult",
    "SerializationError",
    "Token",
    "parse_dictionary",
    "parse_item",
    "parse_list",
    "serialize_dictionary",
    "serialize_item",
    "serialize_list",
]

SPEC_VERSION: Final = "RFC 9651 (Structured Field Values for HTTP, September 2024)"


# --- data model ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    """An SF Token (§3.3.4): a word such as AIPREF's ``y``, never equal to the String ``"y"``."""

    value: str

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Date:
    """An SF Date (§3.3.7): seconds since 1970-01-01T00:00:00Z, leap seconds excluded."""

    seconds: int


@dataclass(frozen=True, slots=True)
class DisplayString:
    """An SF Display String (§3.3.8): Unicode text meant for people, kept apart from a String."""

    value: str

    def __str__(self) -> str:
        return self.value


_V_co = TypeVar("_V_co", covariant=True)
_T = TypeVar("_T")


def _same(a: object, b: object) -> bool:
    # bool is an int and Decimal(1) == 1 in Python; in Structured Fields they are different values.
    return a is b or (type(a) is type(b) and a == b)


class FrozenMap(Mapping[str, _V_co]):
    """An immutable ordered map from keys to values (the RFC's Dictionary and Parameters).

    Equal to another :class:`FrozenMap` when keys, order and values (type-strict) agree; equal to
    any other mapping when they hold the same items, as a ``dict`` would be.
    """

    __slots__ = ("_d",)
    _d: dict[str, _V_co]

    def __init__(self, items: Mapping[str, _V_co] | Iterable[tuple[str, _V_co]] = ()) -> None:
        object.__setattr__(self, "_d", dict(items))

    @classmethod
    def _adopt(cls, d: dict[str, _V_co]) -> FrozenMap[_V_co]:
        # The parser hands over a dict nobody else holds: no copy on the hot path.
        new = object.__new__(cls)
        object.__setattr__(new, "_d", d)
        return new

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __getitem__(self, key: str) -> _V_co:
        return self._d[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def __contains__(self, key: object) -> bool:
        return key in self._d

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            mine, theirs = self._d, other._d
            return len(mine) == len(theirs) and all(
                k1 == k2 and _same(v1, v2)
                for (k1, v1), (k2, v2) in zip(mine.items(), theirs.items(), strict=True)
            )
        if isinstance(other, Mapping):
            return self._d == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self._d.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({self._d!r})"


BareItem: TypeAlias = int | Decimal | str | Token | bytes | bool | Date | DisplayString
"""The value of an Item or of a parameter."""
Parameters: TypeAlias = FrozenMap[BareItem]
"""Parameters of an Item or Inner List: key -> bare item (``True`` when written without ``=``)."""

EMPTY_PARAMS: Final[Parameters] = FrozenMap()


@dataclass(frozen=True, slots=True, eq=False)
class Item:
    """A bare item with its parameters (§3.3)."""

    value: BareItem
    params: Parameters = EMPTY_PARAMS

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Item):
            return NotImplemented
        return _same(self.value, other.value) and self.params == other.params

    def __hash__(self) -> int:
        return hash((self.value, self.params))


@dataclass(frozen=True, slots=True)
class InnerList:
    """An Inner List (§3.1.1): items in parentheses, with parameters of its own."""

    items: tuple[Item, ...]
    params: Parameters = EMPTY_PARAMS


Member: TypeAlias = Item | InnerList
"""A member of a List or a Dictionary."""
Dictionary: TypeAlias = FrozenMap[Member]
"""A parsed Dictionary: key -> member, in order of first appearance."""
FieldLines: TypeAlias = str | bytes | Sequence[str | bytes]
"""One field value, or the values of all field lines of one field (joined with ``", "``)."""


@dataclass(frozen=True, slots=True)
class ParseResult(Generic[_T]):
    """What a parse gave: ``value`` is ``None`` exactly when the field failed to parse.

    ``diagnostics`` holds the reason of a failure, or what a successful parse noticed (repeated
    keys, repaired base64). ``line`` is the field line (see ``first_line``); each message ends with
    ``(offset N)``, the 0-based character offset in that line.
    """

    value: _T | None
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def ok(self) -> bool:
        return self.value is not None


# --- parsing ---------------------------------------------------------------------------------


class _Fail(Exception):
    """Parsing failed at ``pos`` of the combined field value (internal; never escapes)."""

    def __init__(self, pos: int, code: str, message: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.code = code
        self.message = message


_Note = tuple[int, str, str]  # (position, code, message) of a diagnostic on a successful parse

_KEY_RE: Final = re.compile(r"[a-z*][a-z0-9_.*-]*")
_TOKEN_RE: Final = re.compile(r"[A-Za-z*][!#$%&'*+.^_`|~0-9A-Za-z:/-]*")
_NUMBER_RE: Final = re.compile(r"-?([0-9]+)(\.[0-9]*)?")
# Unrolled loops (plain run, then escape + plain run): linear, and where the match stops is the
# character that ended the value, which is all a diagnostic needs.
_STRING_RE: Final = re.compile(r'"[ !#-\[\]-~]*(?:\\["\\][ !#-\[\]-~]*)*')
_UNESCAPE_RE: Final = re.compile(r'\\(["\\])')
_DISPLAY_RE: Final = re.compile(r'%"[ !#$&-~]*(?:%[0-9a-f]{2}[ !#$&-~]*)*')
_B64_RE: Final = re.compile(r"([A-Za-z0-9+/]*)(=*)")
_B64_ALPHABET: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_NON_ASCII_RE: Final = re.compile(r"[^\x00-\x7f]")
_NON_ASCII_BYTES_RE: Final = re.compile(rb"[^\x00-\x7f]")


def _token(s: str, i: int, notes: list[_Note]) -> tuple[Token, int]:
    m = _TOKEN_RE.match(s, i)
    if m is None:  # the dispatch only sends ALPHA and "*" here
        raise _Fail(i, "bad-token", "a token starts with a letter or '*'")
    return Token(m.group()), m.end()


def _number(s: str, i: int, notes: list[_Note]) -> tuple[int | Decimal, int]:
    m = _NUMBER_RE.match(s, i)
    if m is None:
        raise _Fail(i, "bad-number", "'-' must be followed by a digit")
    digits, fraction = m.group(1), m.group(2)
    if fraction is None:
        if len(digits) > 15:
            raise _Fail(i, "bad-number", f"integer of {len(digits)} digits (at most 15)")
        value = int(digits)
        return (-value if s[i] == "-" else value), m.end()
    if len(digits) > 12:
        raise _Fail(i, "bad-number", f"decimal with {len(digits)} integer digits (at most 12)")
    if len(fraction) == 1:
        raise _Fail(i, "bad-number", "decimal without digits after '.'")
    if len(fraction) > 4:
        raise _Fail(
            i, "bad-number", f"decimal with {len(fraction) - 1} fractional digits (at most 3)"
        )
    decimal = Decimal(m.group())
    # "-0.0" is zero (the RFC multiplies by the sign); drop the sign so it prints as it compares.
    return (decimal if decimal else abs(decimal)), m.end()


def _string(s: str, i: int, notes: list[_Note]) -> tuple[str, int]:
    m = _STRING_RE.match(s, i)
    end = m.end() if m is not None else i + 1
    if end < len(s) and s[end] == '"':
        body = s[i + 1 : end]
        if "\\" in body:
            body = _UNESCAPE_RE.sub(r"\1", body)
        return body, end + 1
    if end >= len(s):
        raise _Fail(i, "bad-string", "string not closed with '\"'")
    if s[end] == "\\":
        raise _Fail(end, "bad-string", "'\\' may only escape '\"' or '\\' in a string")
    raise _Fail(end, "bad-string", f"{s[end]!r} is not allowed in a string")


def _byte_sequence(s: str, i: int, notes: list[_Note]) -> tuple[bytes, int]:
    close = s.find(":", i + 1)
    if close < 0:
        raise _Fail(i, "bad-byte-sequence", "byte sequence not closed with ':'")
    body = s[i + 1 : close]
    m = _B64_RE.match(body)
    if m is None or m.end() != len(body):
        stop = m.end() if m is not None else 0
        what = "after '=' padding" if body[stop] in _B64_ALPHABET else "is not base64"
        raise _Fail(i + 1 + stop, "bad-byte-sequence", f"{body[stop]!r} {what}")
    data, pad = m.group(1), m.group(2)
    rest = len(data) % 4
    if rest == 1:
        raise _Fail(i, "bad-byte-sequence", f"{len(data)} base64 characters cannot be decoded")
    if pad:
        if rest == 0 or rest + len(pad) != 4:
            raise _Fail(i, "bad-byte-sequence", f"{len(pad)} '=' do not pad {len(data)} characters")
    elif rest:
        notes.append((i, "base64-padding", "'=' padding missing; decoded as if present"))
        pad = "=" * (4 - rest)
    if rest and _B64_ALPHABET.index(data[-1]) & (0x0F if rest == 2 else 0x03):
        notes.append((i, "base64-pad-bits", "non-zero pad bits ignored"))
    try:
        return binascii.a2b_base64(data + pad), close + 1
    except binascii.Error as exc:  # unreachable after the checks above; kept so we never raise
        raise _Fail(i, "bad-byte-sequence", str(exc)) from None


def _boolean(s: str, i: int, notes: list[_Note]) -> tuple[bool, int]:
    flag = s[i + 1 : i + 2]
    if flag == "1":
        return True, i + 2
    if flag == "0":
        return False, i + 2
    raise _Fail(i, "bad-boolean", "'?' must be followed by 0 or 1")


def _date(s: str, i: int, notes: list[_Note]) -> tuple[Date, int]:
    if s[i + 1 : i + 2] not in _NUMBER_STARTS:
        raise _Fail(i, "bad-date", "'@' must be followed by an integer")
    seconds, end = _number(s, i + 1, notes)
    if isinstance(seconds, Decimal):
        raise _Fail(i, "bad-date", "a date is a whole number of seconds, not a decimal")
    return Date(seconds), end


def _display_string(s: str, i: int, notes: list[_Note]) -> tuple[DisplayString, int]:
    m = _DISPLAY_RE.match(s, i)
    if m is None:
        raise _Fail(i, "bad-display-string", "'%' must be followed by '\"'")
    end = m.end()
    if end < len(s) and s[end] == '"':
        body = s[i + 2 : end]
        if "%" in body:
            try:
                body = unquote_to_bytes(body).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _Fail(i, "bad-display-string", f"not UTF-8: {exc.reason}") from None
        return DisplayString(body), end + 1
    if end >= len(s):
        raise _Fail(i, "bad-display-string", "display string not closed with '\"'")
    if s[end] == "%":
        raise _Fail(end, "bad-display-string", "'%' must be followed by two lowercase hex digits")
    raise _Fail(end, "bad-display-string", f"{s[end]!r} is not allowed in a display string")


_BareParser = Callable[[str, int, list[_Note]], tuple[BareItem, int]]
_NUMBER_STARTS: Final = frozenset("-0123456789")
_BARE: Final[dict[str, _BareParser]] = {
    **dict.fromkeys("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz*", _token),
    **dict.fromkeys(_NUMBER_STARTS, _number),
    '"': _string,
    ":": _byte_sequence,
    "?": _boolean,
    "@": _date,
    "%": _display_string,
}


def _bare(s: str, i: int, notes: list[_Note]) -> tuple[BareItem, int]:
    if i >= len(s):
        raise _Fail(i, "bad-item", "a value was expected, the field ended")
    parse = _BARE.get(s[i])
    if parse is None:
        raise _Fail(i, "bad-item", f"{s[i]!r} cannot start a value")
    return parse(s, i, notes)


def _key(s: str, i: int) -> tuple[str, int]:
    m = _KEY_RE.match(s, i)
    if m is None:
        if i >= len(s):
            raise _Fail(i, "bad-key", "a key was expected, the field ended")
        raise _Fail(i, "bad-key", f"{s[i]!r} cannot start a key (a-z or '*')")
    return m.group(), m.end()


def _params(s: str, i: int, notes: list[_Note]) -> tuple[Parameters, int]:
    if not s.startswith(";", i):
        return EMPTY_PARAMS, i
    found: dict[str, BareItem] = {}
    n = len(s)
    while i < n and s[i] == ";":
        i += 1
        while i < n and s[i] == " ":
            i += 1
        start = i
        key, i = _key(s, i)
        value: BareItem = True
        if i < n and s[i] == "=":
            value, i = _bare(s, i + 1, notes)
        if key in found:
            notes.append((start, "duplicate-parameter", f"parameter {key!r} repeated; last wins"))
        found[key] = value
    return FrozenMap._adopt(found), i


# Items are immutable, so the few token values a preference field uses (y, n, ...) are built once
# and shared; the bounds keep a stream of odd headers from growing the table without end.
_TOKEN_ITEMS: Final[dict[str, Item]] = {}
_TOKEN_ITEMS_MAX: Final = 4096
_TOKEN_ITEM_LENGTH_MAX: Final = 64
_TRUE_ITEM: Final = Item(True)


def _item(s: str, i: int, notes: list[_Note]) -> tuple[Item, int]:
    value: BareItem
    m = _TOKEN_RE.match(s, i)
    if m is not None:
        i = m.end()
        text = m.group()
        if not s.startswith(";", i):
            item = _TOKEN_ITEMS.get(text)
            if item is None:
                item = Item(Token(text))
                if len(_TOKEN_ITEMS) < _TOKEN_ITEMS_MAX and len(text) <= _TOKEN_ITEM_LENGTH_MAX:
                    _TOKEN_ITEMS[text] = item
            return item, i
        value = Token(text)
    else:
        value, i = _bare(s, i, notes)
    if not s.startswith(";", i):
        return Item(value), i
    params, i = _params(s, i, notes)
    return Item(value, params), i


def _inner_list(s: str, i: int, notes: list[_Note]) -> tuple[InnerList, int]:
    start, n = i, len(s)
    i += 1
    items: list[Item] = []
    while True:
        while i < n and s[i] == " ":
            i += 1
        if i >= n:
            raise _Fail(start, "bad-inner-list", "inner list not closed with ')'")
        if s[i] == ")":
            params, i = _params(s, i + 1, notes)
            return InnerList(tuple(items), params), i
        item, i = _item(s, i, notes)
        items.append(item)
        if i < n and s[i] not in " )":
            raise _Fail(i, "bad-inner-list", f"{s[i]!r} after an item of an inner list")


def _member(s: str, i: int, notes: list[_Note]) -> tuple[Member, int]:
    if s.startswith("(", i):
        return _inner_list(s, i, notes)
    return _item(s, i, notes)


def _next_member(s: str, i: int) -> int:
    """Past the comma between members; ``len(s)`` when the field is done."""
    n = len(s)
    if s.startswith(", ", i) and i + 2 < n and s[i + 2] not in " \t,":
        return i + 2  # the serialised form, and by far the most common
    while i < n and s[i] in " \t":
        i += 1
    if i >= n:
        return i
    if s[i] != ",":
        raise _Fail(i, "bad-separator", f"{s[i]!r} where ',' or the end of the field belongs")
    comma = i
    i += 1
    while i < n and s[i] in " \t":
        i += 1
    if i >= n:
        raise _Fail(comma, "trailing-comma", "',' ends the field")
    if s[i] == ",":
        raise _Fail(i, "empty-member", "no member between two ','")
    return i


def _list(s: str, i: int, notes: list[_Note]) -> tuple[tuple[Member, ...], int]:
    members: list[Member] = []
    n = len(s)
    while i < n:
        member, i = _member(s, i, notes)
        members.append(member)
        i = _next_member(s, i)
    return tuple(members), i


def _dictionary(s: str, i: int, notes: list[_Note]) -> tuple[Dictionary, int]:
    found: dict[str, Member] = {}
    n = len(s)
    while i < n:
        start = i
        m = _KEY_RE.match(s, i)
        if m is None:
            raise _Fail(i, "bad-key", f"{s[i]!r} cannot start a key (a-z or '*')")
        key, i = m.group(), m.end()
        member: Member
        if s.startswith("=", i):
            member, i = _member(s, i + 1, notes)
        elif s.startswith(";", i):
            params, i = _params(s, i, notes)
            member = Item(True, params)
        else:
            member = _TRUE_ITEM
        if key in found:
            notes.append((start, "duplicate-key", f"key {key!r} repeated; last wins"))
        found[key] = member
        i = _next_member(s, i)
    return FrozenMap._adopt(found), i


def _top_item(s: str, i: int, notes: list[_Note]) -> tuple[Item, int]:
    if i >= len(s):
        raise _Fail(i, "empty", "an Item field cannot be empty")
    item, i = _item(s, i, notes)
    n = len(s)
    while i < n and s[i] == " ":
        i += 1
    if i < n:
        raise _Fail(i, "trailing-characters", f"{s[i]!r} after the item")
    return item, i


class _Rejected(Exception):
    """The input is not a field value at all (internal; never escapes)."""

    def __init__(self, index: int | None, code: str, message: str) -> None:
        super().__init__(message)
        self.index = index  # the field line at fault, if one is
        self.code = code
        self.message = message


def _combine(lines: object) -> tuple[str, tuple[int, ...]]:
    """The field value as one ASCII string, and the length of each field line in it."""
    parts: list[object]
    if isinstance(lines, (str, bytes, bytearray)):
        parts = [lines]
    elif isinstance(lines, Iterable):
        parts = list(lines)
    else:
        raise _Rejected(None, "bad-input", f"{type(lines).__name__} is not a field value")
    texts: list[str] = []
    for k, part in enumerate(parts):
        if isinstance(part, str):
            if not part.isascii():
                bad = _NON_ASCII_RE.search(part)
                where = bad.start() if bad is not None else 0
                char = bad.group() if bad is not None else ""
                raise _Rejected(k, "not-ascii", f"{char!r} is not ASCII (offset {where})")
            texts.append(part)
        elif isinstance(part, (bytes, bytearray)):
            if not part.isascii():
                found = _NON_ASCII_BYTES_RE.search(part)
                where = found.start() if found is not None else 0
                byte = found.group()[0] if found is not None else 0
                raise _Rejected(k, "not-ascii", f"byte 0x{byte:02x} is not ASCII (offset {where})")
            texts.append(part.decode("ascii"))
        else:
            message = f"{type(part).__name__} is not a field line (str or bytes)"
            raise _Rejected(k, "bad-input", message)
    return ", ".join(texts), tuple(map(len, texts))


def _locate(pos: int, lengths: tuple[int, ...]) -> tuple[int, int]:
    """(line index, offset in that line) of ``pos``; the ", " after a line counts to that line."""
    start = 0
    last = len(lengths) - 1
    for k, length in enumerate(lengths):
        if pos < start + length + 2 or k == last:
            return k, max(0, min(pos - start, length))
        start += length + 2
    return 0, pos  # no lines at all: an empty field


def _run(
    lines: object,
    first_line: int,
    parse: Callable[[str, int, list[_Note]], tuple[_T, int]],
) -> ParseResult[_T]:
    lengths: tuple[int, ...]
    if type(lines) is str and lines.isascii():  # the common case, without the general path
        s, lengths = lines, (len(lines),)
    else:
        try:
            s, lengths = _combine(lines)
        except _Rejected as rejected:
            line = 0 if rejected.index is None else first_line + rejected.index
            return ParseResult(None, (Diagnostic(line, rejected.code, rejected.message),))

    notes: list[_Note] = []
    i = 0
    if s.startswith(" "):
        i = len(s) - len(s.lstrip(" "))
    try:
        value, _ = parse(s, i, notes)
    except _Fail as failure:
        where = (failure.pos, failure.code, failure.message)
        return ParseResult(None, (_diagnostic(where, lengths, first_line),))
    if not notes:
        return ParseResult(value)
    return ParseResult(value, tuple(_diagnostic(note, lengths, first_line) for note in notes))


def _diagnostic(note: _Note, lengths: tuple[int, ...], first_line: int) -> Diagnostic:
    pos, code, message = note
    k, offset = _locate(pos, lengths)
    return Diagnostic(first_line + k, code, f"{message} (offset {offset})")


def parse_item(lines: FieldLines, *, first_line: int = 1) -> ParseResult[Item]:
    """Parse a field whose value is an Item (RFC 9651 §4.2, field_type "item").

    ``first_line`` numbers the first field line in diagnostics (pass the robots.txt line number,
    say); later lines count up from it.
    """
    return _run(lines, first_line, _top_item)


def parse_list(lines: FieldLines, *, first_line: int = 1) -> ParseResult[tuple[Member, ...]]:
    """Parse a field whose value is a List; an empty field is an empty list."""
    return _run(lines, first_line, _list)


def parse_dictionary(lines: FieldLines, *, first_line: int = 1) -> ParseResult[Dictionary]:
    """Parse a field whose value is a Dictionary (AIPREF ``Content-Usage``); empty is empty."""
    return _run(lines, first_line, _dictionary)


# --- serialising -----------------------------------------------------------------------------


class SerializationError(ValueError):
    """A value that has no Structured Field form (RFC 9651 §4.1 says: fail serialisation)."""


_STRING_CHARS_RE: Final = re.compile(r"[ -~]*")
_MAX_INTEGER: Final = 999_999_999_999_999
_THOUSANDTH: Final = Decimal("0.001")
_WIDE: Final = Context(prec=40)  # room for 12 + 3 digits and more, so quantize never traps
_DISPLAY_BYTES: Final = tuple(
    chr(b) if 0x20 <= b <= 0x7E and b not in (0x22, 0x25) else f"%{b:02x}" for b in range(256)
)


def _ser_integer(value: int) -> str:
    if not -_MAX_INTEGER <= value <= _MAX_INTEGER:
        raise SerializationError(f"integer {value} is outside ±{_MAX_INTEGER}")
    return str(value)


def _ser_decimal(value: Decimal) -> str:
    if not value.is_finite() or abs(value) >= 10**13:
        raise SerializationError(f"decimal {value} has no Structured Field form")
    rounded = value.quantize(_THOUSANDTH, rounding=ROUND_HALF_EVEN, context=_WIDE)
    if abs(rounded) >= 10**12:
        raise SerializationError(f"decimal {value} has more than 12 integer digits")
    whole, _, fraction = format(abs(rounded), "f").partition(".")
    return f"{'-' if rounded < 0 else ''}{whole}.{fraction.rstrip('0') or '0'}"


def _ser_bare(value: object) -> str:
    # bool before int: True is an int to Python, a Boolean to Structured Fields.
    if isinstance(value, bool):
        return "?1" if value else "?0"
    if isinstance(value, int):
        return _ser_integer(value)
    if isinstance(value, Token):
        if not isinstance(value.value, str) or not _TOKEN_RE.fullmatch(value.value):
            raise SerializationError(f"{value.value!r} is not a token")
        return value.value
    if isinstance(value, str):
        if not _STRING_CHARS_RE.fullmatch(value):
            raise SerializationError(f"{value!r} holds characters a String cannot carry")
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, Decimal):
        return _ser_decimal(value)
    if isinstance(value, (bytes, bytearray)):
        return ":" + binascii.b2a_base64(value, newline=False).decode("ascii") + ":"
    if isinstance(value, Date):
        if isinstance(value.seconds, bool) or not isinstance(value.seconds, int):
            raise SerializationError(f"date {value.seconds!r} is not a whole number of seconds")
        return "@" + _ser_integer(value.seconds)
    if isinstance(value, DisplayString):
        try:
            data = value.value.encode("utf-8")
        except (AttributeError, UnicodeEncodeError):
            raise SerializationError(f"{value.value!r} is not Unicode text") from None
        return '%"' + "".join(map(_DISPLAY_BYTES.__getitem__, data)) + '"'
    raise SerializationError(f"{type(value).__name__} is not a Structured Field value")


def _ser_key(key: object) -> str:
    if not isinstance(key, str) or not _KEY_RE.fullmatch(key):
        raise SerializationError(f"{key!r} is not a key (a-z or '*', then a-z 0-9 _ - . *)")
    return key


def _ser_params(params: Mapping[str, object]) -> str:
    out = []
    for key, value in params.items():
        out.append(";" + _ser_key(key))
        if value is not True:
            out.append("=" + _ser_bare(value))
    return "".join(out)


def _ser_item(item: object) -> str:
    if not isinstance(item, Item):
        raise SerializationError(f"{type(item).__name__} is not an Item")
    return _ser_bare(item.value) + _ser_params(item.params)


def _ser_member(member: object) -> str:
    if isinstance(member, InnerList):
        inner = " ".join(map(_ser_item, member.items))
        return f"({inner}){_ser_params(member.params)}"
    return _ser_item(member)


def serialize_item(item: Item) -> str:
    """The field value of an Item (RFC 9651 §4.1.3); raises :class:`SerializationError`."""
    return _ser_item(item)


def serialize_list(members: Iterable[Member]) -> str:
    """The field value of a List; ``""`` for an empty list, which §4.1 says not to send."""
    return ", ".join(map(_ser_member, members))


def serialize_dictionary(members: Mapping[str, Member]) -> str:
    """The field value of a Dictionary; ``""`` for an empty one, which §4.1 says not to send."""
    out = []
    for key, member in members.items():
        if isinstance(member, Item) and member.value is True:
            out.append(_ser_key(key) + _ser_params(member.params))
        else:
            out.append(_ser_key(key) + "=" + _ser_member(member))
    return ", ".join(out)
