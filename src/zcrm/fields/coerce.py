"""Input values to stored values, per ``data_type`` (behaviour §3.5).

``coerce(field, value)`` returns the stored form of a non-null value or raises ``FieldValueError``:
- text-like values are stored as strings, multi-select picklists as lists of strings;
- integers as ints, ``bigint`` as digit strings, double/decimal/percent/currency as floats (rounded);
- dates as ``yyyy-MM-dd`` strings, datetimes as epoch seconds (UTC);
- lookups, owners, user lookups and layouts as id strings (their existence is checked by the caller);
- the remaining JSON-shaped types (participants, reminders, line taxes, ...) as the JSON given.

Values come from ``zcrm.json_input.loads_exact``: a string that held a lone surrogate or a NUL (``InvalidText``) is
a type error for every field; a number is turned into text (text fields) or checked (numeric fields) from the
digits it was sent with where a double does not hold them (``Number``), so a number beyond a double's range is a
length error, never ``inf``; a JSON-shaped value nests at most ``MAX_JSON_DEPTH`` levels.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Any

from zcrm.json_input import InvalidText, Number
from zcrm.schema.model import Field

MAX_ID = 9223372036854775807
MIN_EPOCH = -62135596800 + 14 * 3600  # 0001-01-01T00:00:00Z, with room for the widest offsets
MAX_EPOCH = 253402300799 - 14 * 3600  # 9999-12-31T23:59:59Z
_DIGITS = re.compile(r"^[0-9]{1,19}\Z")
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})\Z", re.ASCII)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\Z", re.ASCII)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z")
POSITIVE_INT = re.compile(r"^[0-9]{1,9}\Z")
_INT_STRING = re.compile(r"^-?[0-9]+\Z")
MAX_DIGITS = 4000  # the most digits a number may have where its field sets no length (Python parses 4,300)
MAX_JSON_DEPTH = 32  # the nesting of a JSON-shaped field's value (Zoho's are two or three levels deep)
_NUMBER_STRING = re.compile(r"^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")


class FieldValueError(Exception):
    """A value that does not fit its field. ``kind`` is ``type`` or ``length``."""

    def __init__(self, kind: str, expected: str | None = None, maximum_length: int | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.expected = expected
        self.maximum_length = maximum_length


def parse_id(value: object) -> str | None:
    """A well-formed id (§1.4) as its canonical string, or None when malformed."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if 1 <= value <= MAX_ID:
            return str(value)
        return None
    if isinstance(value, str) and _DIGITS.match(value):
        number = int(value)
        if 1 <= number <= MAX_ID:
            return str(number)
    return None


def parse_datetime(value: str) -> int | None:
    """``yyyy-MM-ddTHH:mm:ss±HH:MM`` (or ``Z``) to epoch seconds; None when malformed."""
    match = _DATETIME.match(value)
    if not match:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    epoch = int(parsed.timestamp())
    if not MIN_EPOCH <= epoch <= MAX_EPOCH:
        return None  # an instant that some user's zone could not render (years 1-9999)
    return epoch


def _type_error(field: Field) -> FieldValueError:
    return FieldValueError("type", expected=field.data_type)


def _length_error(limit: int) -> FieldValueError:
    return FieldValueError("length", maximum_length=limit)


def _check_length(field: Field, text: str) -> str:
    limit = _text_limit(field)
    if limit is not None and len(text) > limit:
        raise _length_error(limit)
    return text


def _text_limit(field: Field) -> int | None:
    if field.data_type == "textarea" and field.length is None:
        return {"large": 32000, "rich_text": 50000}.get(field.textarea_type or "small", 2000)
    return field.max_length


def _text(field: Field, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or isinstance(value, InvalidText):
        raise _type_error(field)
    if isinstance(value, str):
        text = value
    elif isinstance(value, float):  # decimal text of the digits sent, never exponent notation
        number = Decimal(value.text) if isinstance(value, Number) else Decimal(repr(value))
        text = _decimal_text(number, _text_limit(field))
    else:
        text = _int_text(value, _text_limit(field))
    return _check_length(field, text)


def _int_text(value: int, limit: int | None) -> str:
    """An integer's decimal text; a length error past ``limit`` (or ``MAX_DIGITS``) found before writing it."""
    return _decimal_text(Decimal(value), limit) if value.bit_length() > 13_000 else str(value)


def _decimal_text(number: Decimal, limit: int | None) -> str:
    """``number`` written out in full; a length error when that would be longer than ``limit`` (or than
    ``MAX_DIGITS``), found before writing it (``1e999999999`` has a billion digits)."""
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite: JSON has no infinities or NaNs
    length = sign + (len(digits) + exponent if exponent >= 0 else max(len(digits), -exponent + 1) + 1)
    if length > (limit if limit is not None else MAX_DIGITS):
        raise _length_error(limit if limit is not None else MAX_DIGITS)
    return format(number, "f")


def _string_only(field: Field, value: object) -> str:
    if not isinstance(value, str):
        raise _type_error(field)
    return _check_length(field, value)


def _email(field: Field, value: object) -> str:
    if not isinstance(value, str) or not _EMAIL.match(value):
        raise _type_error(field)
    return _check_length(field, value)


def _phone(field: Field, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _type_error(field)
    text = value if isinstance(value, str) else _int_text(value, field.max_length)
    if not any(ch.isdigit() for ch in text) or any(ch.isalpha() and ch not in "xX" for ch in text):
        raise _type_error(field)
    return _check_length(field, text)


def _multiselect(field: Field, value: object) -> list[str]:
    if not isinstance(value, list) or not all(type(item) is str for item in value):
        raise _type_error(field)
    return list(dict.fromkeys(value))


def _integer_digits(field: Field, value: object) -> int:
    if isinstance(value, bool):
        raise _type_error(field)
    if isinstance(value, Number) and _INT_STRING.match(value.text):
        value = value.text  # an integer too long for an int: its digits are counted like a string's
    if isinstance(value, int):
        digits = max(Decimal(value).adjusted() + 1, 1)
        text = None
    elif isinstance(value, str) and _INT_STRING.match(value):
        text = value.lstrip("-").lstrip("0") or "0"  # leading zeros count neither as digits nor for int()
        digits = len(text)
    else:
        raise _type_error(field)
    limit = field.max_length
    if limit is not None and digits > limit:
        raise _length_error(limit)
    if digits > MAX_DIGITS:
        raise _type_error(field)
    if text is None:
        return int(value)
    return -int(text) if str(value).startswith("-") else int(text)


def _integer(field: Field, value: object) -> int:
    number = _integer_digits(field, value)
    if not -2147483648 <= number <= 2147483647:
        raise _type_error(field)
    return number


def _bigint(field: Field, value: object) -> str:
    number = _integer_digits(field, value)
    if not -MAX_ID - 1 <= number <= MAX_ID:
        raise _type_error(field)
    return str(number)


def _decimal(field: Field, value: object, places: int | None) -> float:
    if isinstance(value, bool):
        raise _type_error(field)
    if isinstance(value, Number):
        number = Decimal(value.text)  # the digits sent, beyond a double's precision or range
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _type_error(field)
        number = Decimal(str(value))
    elif (
        isinstance(value, str) and not isinstance(value, InvalidText) and _NUMBER_STRING.match(value.strip())
    ):
        try:
            number = Decimal(value.strip())
        except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid numbers
            raise _type_error(field) from exc
    else:
        raise _type_error(field)
    limit = field.max_length
    integer_digits = max(number.adjusted() + 1, 1)  # counted, not written out: 1e999999999 has a billion
    if limit is not None and integer_digits > limit:
        raise _length_error(limit)
    if integer_digits > MAX_DIGITS:
        raise _type_error(field)
    if places is not None:
        precision = integer_digits + max(places, 0) + 2
        number = number.quantize(
            Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=Context(prec=max(precision, 28))
        )
    stored = float(number)
    if stored in (float("inf"), float("-inf")):  # beyond a double (a field whose length allows 309 digits)
        raise _type_error(field)
    return stored


def _double(field: Field, value: object) -> float:
    return _decimal(field, value, field.decimal_place)


def _currency(field: Field, value: object) -> float:
    precision = field.currency_precision if field.currency_precision is not None else 2
    return _decimal(field, value, precision)


def _boolean(field: Field, value: object) -> bool:
    if not isinstance(value, bool):
        raise _type_error(field)
    return value


def _date(field: Field, value: object) -> str:
    if not isinstance(value, str) or not _DATE.match(value):
        raise _type_error(field)
    try:
        dt.date.fromisoformat(value)
    except ValueError as exc:
        raise _type_error(field) from exc
    return value


def _datetime(field: Field, value: object) -> int:
    if not isinstance(value, str):
        raise _type_error(field)
    parsed = parse_datetime(value)
    if parsed is None:
        raise _type_error(field)
    return parsed


def _reference(field: Field, value: object) -> str:
    """Lookups, owners, user lookups and layouts: ``{"id": X}`` or a bare id."""
    if isinstance(value, dict):
        if "id" not in value:
            raise _type_error(field)
        candidate = value["id"]
    elif isinstance(value, (int, str)) and not isinstance(value, bool):
        candidate = value
    else:
        raise _type_error(field)
    parsed = parse_id(candidate)
    if parsed is None:
        # well-shaped but not an id: it names no record
        raise FieldValueError("invalid_id")
    return parsed


def _json_array(field: Field, value: object) -> Any:
    if not isinstance(value, list):
        raise _type_error(field)
    return _plain_json(field, value)


def _json_object(field: Field, value: object) -> Any:
    if not isinstance(value, dict):
        raise _type_error(field)
    return _plain_json(field, value)


def _json_any(field: Field, value: object) -> Any:
    if not isinstance(value, (list, dict, str)):
        raise _type_error(field)
    return _plain_json(field, value)


def _plain_json(field: Field, value: Any, depth: int = 1) -> Any:
    """A JSON-shaped value as stored (itself when it needs no change), or a type error: nested more than
    ``MAX_JSON_DEPTH`` levels, holding a string that held a lone surrogate or a NUL (``InvalidText``), or a number
    beyond a double's range; a ``Number`` is stored as its float."""
    if isinstance(value, dict | list):
        if depth > MAX_JSON_DEPTH:
            raise _type_error(field)
        if isinstance(value, dict):
            items = {key: _plain_json(field, item, depth + 1) for key, item in value.items()}
            return value if all(items[key] is item for key, item in value.items()) else items
        elements = [_plain_json(field, item, depth + 1) for item in value]
        return value if all(new is old for new, old in zip(elements, value, strict=True)) else elements
    if isinstance(value, InvalidText):
        raise _type_error(field)
    if isinstance(value, Number):
        if value in (float("inf"), float("-inf")):
            raise _type_error(field)
        return float(value)
    return value


_COERCERS = {
    "text": _text,
    "textarea": _string_only,
    "website": _string_only,
    "picklist": _string_only,
    "profileimage": _string_only,
    "mediumtext": _string_only,
    "event_reminder": _json_any,
    "email": _email,
    "phone": _phone,
    "multiselectpicklist": _multiselect,
    "integer": _integer,
    "bigint": _bigint,
    "double": _double,
    "decimal": _double,
    "percent": _double,
    "currency": _currency,
    "boolean": _boolean,
    "date": _date,
    "datetime": _datetime,
    "lookup": _reference,
    "ownerlookup": _reference,
    "userlookup": _reference,
    "layout": _reference,
    "participants": _json_array,
    "linetax": _json_array,
    "pricing_details": _json_array,
    "jsonarray": _json_array,
    "territories": _json_array,
    "multireminder": _json_array,
    "RRULE": _json_object,
    "ALARM": _json_object,
    "consent_lookup": _json_object,
    "multi_module_lookup": _json_object,
}


def coerce(field: Field, value: object) -> Any:
    """The stored form of a non-null input ``value`` for ``field``; raises ``FieldValueError``."""
    if isinstance(value, InvalidText):
        raise _type_error(field)
    coercer = _COERCERS.get(field.data_type, _json_any)
    return coercer(field, value)


def compile_coercer(field: Field) -> Callable[[object], Any]:
    """A coercer for one field with its limits bound once: the hot path of bulk writes. Same results and errors
    as ``coerce(field, value)``."""
    data_type = field.data_type
    if data_type in ("text", "textarea", "website", "picklist", "mediumtext"):
        limit = _text_limit(field)
        numbers_allowed = data_type == "text"

        def text_coercer(value: object) -> Any:
            if type(value) is str:
                if limit is not None and len(value) > limit:
                    raise _length_error(limit)
                return value
            if numbers_allowed:
                return _text(field, value)
            raise _type_error(field)

        return text_coercer
    if data_type == "multiselectpicklist":

        def multiselect_coercer(value: object) -> Any:
            if type(value) is list and all(type(item) is str for item in value):
                return list(dict.fromkeys(value))
            raise _type_error(field)

        return multiselect_coercer
    return lambda value: coerce(field, value)
