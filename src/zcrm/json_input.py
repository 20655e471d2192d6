"""Decoding the JSON of request bodies: nesting limits, exact numbers, lone surrogates and NULs; no I/O
(docs/architecture.md, "Reading request bodies").

``loads(raw)`` is the strict decoder of every body but record writes. Anything but UTF-8 JSON nested at most
``MAX_DEPTH`` levels, without lone surrogates (``"\\ud800"``) or NULs (``"\\u0000"``, which no PostgreSQL text
column stores) and without numbers beyond a double's range (``1e400``) raises ``JsonError``. Numbers are ints or
floats; integers beyond 64 bits are floats, which no integer key takes.

``loads_exact(raw)`` decodes record bodies (insert, update), whose values Zoho checks field by field, so that a bad
value is its field's ``INVALID_DATA`` rather than the whole body's:

- every integer is an exact ``int`` (up to ``MAX_INT_TEXT`` characters; a longer one is a ``Number``);
- a number whose value a double does not hold exactly as written (more than 15 significant digits, beyond a
  double's range, far below its normal range) is a ``Number``: a float that keeps its ``text``;
- a string that holds a lone surrogate or a NUL is an ``InvalidText``: the string with each one replaced by U+FFFD
  (so it is always safe to echo or store), which every record field refuses; a key holding one makes the body
  unreadable;
- nesting is refused past orjson's ``ORJSON_DEPTH`` levels (JSON-shaped fields take less: ``fields/coerce.py``).

Both are orjson (C) for the bodies clients send. Deep nesting is refused while parsing: orjson refuses more than
1,024 levels; for ``MAX_DEPTH`` the strict decoder parses a body that has enough brackets to need it inside
``ORJSON_DEPTH - MAX_DEPTH`` extra levels. The standard library's decoder runs only where orjson cannot keep what
a record body holds (``_lossy``, lone surrogates, NULs, ``1e400``); it refuses nesting past Python's recursion
limit (about 1,000 levels) while it parses, and its result is walked without recursion.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import orjson

MAX_DEPTH = 64  # arrays and objects inside each other in any body but a record write's
ORJSON_DEPTH = 1024  # the nesting orjson.loads accepts (tests/unit/test_json_input.py checks it)
MAX_INT_TEXT = 4000  # longer integers are a Number (Python's int() reads at most 4,300 digits)
_WRAP = ORJSON_DEPTH - MAX_DEPTH
_OPEN, _CLOSE = b"[" * _WRAP, b"]" * _WRAP
_AS_ZERO = bytes.maketrans(b"123456789-E", b"000000000" + b"0e")  # for the searches of _lossy
_LONG_FRACTIONS = tuple(b"0" * k + b"." + b"0" * (16 - k) for k in range(17))
_SURROGATE_ESCAPE = re.compile(rb"\\u(?:[dD][89a-fA-F]|0000)", re.ASCII)  # maybe a lone surrogate or a NUL
_NUL_ESCAPE = re.compile(
    rb"(?<!\\)(?:\\\\)*\\u0000"
)  # a \u0000 escape (not an escaped backslash, then u0000)
_BAD_CHARACTER = re.compile("[\ud800-\udfff\x00]")


class JsonError(ValueError):
    """The body is not JSON that zcrm reads (see the module docstring)."""


class Number(float):
    """A JSON number whose value a double does not hold exactly as written: the nearest float (``inf`` beyond a
    double's range) and ``text``, the number as it was written."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> Number:
        number = super().__new__(cls, text)
        number.text = text
        return number


class InvalidText(str):
    """A JSON string that held a lone surrogate or a NUL, each replaced by U+FFFD."""

    __slots__ = ()


def loads(raw: bytes) -> Any:
    """A strict decode (see the module docstring); raises ``JsonError``."""
    try:
        if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
            value = orjson.loads(raw)  # it cannot nest deeper than it has brackets
        else:
            value = orjson.loads(b"".join((_OPEN, raw, _CLOSE)))  # more than MAX_DEPTH inside: too deep
            for _ in range(_WRAP):
                value = value[0]
    except orjson.JSONDecodeError:
        raise JsonError("unreadable") from None
    if _has_nul(raw):
        raise JsonError("a NUL")
    return value


def loads_exact(raw: bytes) -> Any:
    """A record body's decode, numbers and bad strings kept for its fields (see the module docstring); raises
    ``JsonError``."""
    if not _has_nul(raw) and not _lossy(raw):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass  # lone surrogates or an infinite number, perhaps: the standard decoder says
    try:
        value = _DECODER.decode(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise JsonError("unreadable") from None
    return _checked(value, mark=_SURROGATE_ESCAPE.search(raw) is not None)


def _has_nul(raw: bytes) -> bool:
    return b"\\u0000" in raw and _NUL_ESCAPE.search(raw) is not None


def _lossy(raw: bytes) -> bool:
    """Whether ``raw`` may hold a number that orjson would not keep exactly: an integer beyond 64 bits (20 digits,
    or a minus and 19), 16 digits or more with a point or before an exponent (beyond a double's precision), or an
    exponent of -100 or below (near and below a double's smallest). Substring searches over the body with its
    digits and minus signs made 0s and its E an e, so no Python runs per byte; a false positive (digits in a
    string) only costs the slower decoder."""
    zeros = raw.translate(_AS_ZERO)
    if b"00000000" not in zeros and b"e0000" not in zeros:
        return False  # the common body: no run of 8 digits, no exponent of 4 characters
    return (
        b"00000000000000000000" in zeros
        or b"0000000000000000e" in zeros
        or b"e0000" in zeros
        or (
            (b"00000000." in zeros or b".00000000" in zeros)
            and any(long in zeros for long in _LONG_FRACTIONS)
        )
    )


def _number(text: str) -> float:
    number = float(text)
    if repr(number) == text or Decimal(repr(number)) == Decimal(text):
        return number  # the float is the number written (1.50 is 1.5)
    return Number(text)


def _integer(text: str) -> int | float:
    return int(text) if len(text) <= MAX_INT_TEXT else Number(text)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_float=_number, parse_int=_integer, parse_constant=_no_constant)


def _checked(value: Any, mark: bool) -> Any:
    """``value`` (from the standard decoder, which refused nesting past Python's recursion limit, below
    ``ORJSON_DEPTH``) with, when ``mark``, every string that holds a lone surrogate or a NUL made an
    ``InvalidText``; iterative, so that no depth can overflow the stack."""
    if not mark:
        return value
    if isinstance(value, str):
        return _text(value)
    stack = [value] if isinstance(value, (dict, list)) else []
    while stack:
        container = stack.pop()
        if isinstance(container, dict) and any(_BAD_CHARACTER.search(key) for key in container):
            raise JsonError("a key holds a lone surrogate or a NUL")
        items: Iterable[tuple[Any, Any]] = (
            container.items() if isinstance(container, dict) else enumerate(container)
        )
        for key, item in items:
            if isinstance(item, (dict, list)):
                stack.append(item)
            elif isinstance(item, str) and _BAD_CHARACTER.search(item):
                container[key] = _text(item)
    return value


def _text(value: str) -> str:
    return InvalidText(_BAD_CHARACTER.sub("\ufffd", value)) if _BAD_CHARACTER.search(value) else value
