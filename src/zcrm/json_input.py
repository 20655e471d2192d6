"""Decoding the JSON of request bodies: nesting limit, exact numbers, lone surrogates; no I/O (docs/security.md,
"Bad input").

``loads(raw)`` is the strict decoder of every body but record writes: anything but UTF-8 JSON nested at most
``MAX_DEPTH`` levels, without lone surrogates (``"\\ud800"``) or NUL characters (``"\\u0000"``, which no
PostgreSQL text column stores) and without numbers beyond a double's range (``1e400``), raises ``JsonError``. Numbers are ints (exact) or floats; integers beyond 64 bits are floats.

``loads_exact(raw)`` decodes record bodies (insert, update), whose field values Zoho checks one by one, so that a
bad value is that field's ``INVALID_DATA`` rather than the whole body's:

- every integer is an exact ``int``, up to ``MAX_INT_TEXT`` characters;
- a number whose text a float does not keep (an exponent, a second trailing zero, more than 15 digits with a
  point, beyond a double's range, or a longer integer) is a ``Number``: a float that remembers its ``text``;
- a string that holds a lone surrogate or a NUL is an ``InvalidText``: the string with each one replaced by U+FFFD
  (so it is always safe to echo or store), which record fields refuse; a key that holds one makes the body
  unreadable.

Both refuse nesting deeper than ``MAX_DEPTH`` cheaply: orjson (which refuses more than 1,024 levels while it
parses) parses the body inside ``ORJSON_DEPTH - MAX_DEPTH`` extra levels when it has enough brackets to need it;
the standard library's decoder, used only where orjson cannot keep what the body holds, is walked afterwards (it
refuses nesting past Python's recursion limit while it parses).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import orjson

MAX_DEPTH = 64  # arrays and objects inside each other; orjson itself cannot write more than 254 levels
ORJSON_DEPTH = 1024  # the nesting orjson.loads accepts (tests/unit/test_json_input.py checks it)
MAX_INT_TEXT = 4000  # longer integers are a Number (Python's int() reads at most 4,300 digits)
_WRAP = ORJSON_DEPTH - MAX_DEPTH
_OPEN, _CLOSE = b"[" * _WRAP, b"]" * _WRAP
# a number orjson would not keep exactly (false positives inside strings only cost the slower decoder): an
# exponent, two or more fraction digits ending in 0, 16 or more digits with a point, or an integer beyond 64 bits
_INEXACT = re.compile(
    rb"[0-9][eE]|\.[0-9]*[0-9]0(?![0-9])|(?<![0-9.])(?=[0-9]*\.)[0-9.]{17}|[0-9]{20}|-[0-9]{19}"
)
_SURROGATE_ESCAPE = re.compile(rb"\\u(?:[dD][89a-fA-F]|0000)", re.ASCII)  # maybe a lone surrogate or a NUL
_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")  # \u0000 after an even number of backslashes
_LONE = re.compile("[\ud800-\udfff\x00]")


class JsonError(ValueError):
    """The body is not JSON that zcrm reads (not UTF-8 JSON, too deep, a lone surrogate or an infinite number)."""


class Number(float):
    """A JSON number whose text a float does not keep: its float value (``inf`` beyond a double's range) and
    ``text``, the number as it was written."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> Number:
        number = super().__new__(cls, text)
        number.text = text
        return number


class InvalidText(str):
    """A JSON string that held a lone surrogate or a NUL, with each replaced by U+FFFD."""

    __slots__ = ()


def loads(raw: bytes) -> Any:
    """A strict decode (see the module docstring); raises ``JsonError``."""
    try:
        value = _orjson(raw)
    except orjson.JSONDecodeError:
        raise JsonError("unreadable") from None
    if _has_nul(raw):
        raise JsonError("a NUL character")
    return value


def loads_exact(raw: bytes) -> Any:
    """A record body's decode, numbers and bad strings kept for its fields (see the module docstring); raises
    ``JsonError``."""
    if not _INEXACT.search(raw) and not _has_nul(raw):
        try:
            return _orjson(raw)
        except orjson.JSONDecodeError:
            pass  # lone surrogates or an infinite number, perhaps: the standard decoder says
    try:
        value = _DECODER.decode(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise JsonError("unreadable") from None
    return _checked(value, mark=_SURROGATE_ESCAPE.search(raw) is not None)


def _has_nul(raw: bytes) -> bool:
    return b"\\u0000" in raw and _NUL_ESCAPE.search(raw) is not None


def _orjson(raw: bytes) -> Any:
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return orjson.loads(raw)  # it cannot nest deeper than it has brackets
    value = orjson.loads(b"".join((_OPEN, raw, _CLOSE)))  # more than MAX_DEPTH levels inside: too deep
    for _ in range(_WRAP):
        value = value[0]
    return value


def _number(text: str) -> float:
    number = float(text)
    return number if repr(number) == text else Number(text)


def _integer(text: str) -> int | float:
    return int(text) if len(text) <= MAX_INT_TEXT else Number(text)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_float=_number, parse_int=_integer, parse_constant=_no_constant)


def _checked(value: Any, mark: bool) -> Any:
    """``value`` (from the standard decoder) after checking its depth and, when ``mark``, with every string that
    holds a lone surrogate or a NUL made an ``InvalidText``; iterative, so that no depth can overflow the stack."""
    if not mark and not isinstance(value, (dict, list)):
        return value
    if mark and isinstance(value, str):
        return _text(value)
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        container, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise JsonError("too deep")
        if mark and isinstance(container, dict) and any(_LONE.search(key) for key in container):
            raise JsonError("a key holds a lone surrogate or a NUL")
        items: Iterable[tuple[Any, Any]] = (
            container.items() if isinstance(container, dict) else enumerate(container)
        )
        for key, item in items:
            if isinstance(item, (dict, list)):
                stack.append((item, depth + 1))
            elif mark and isinstance(item, str) and _LONE.search(item):
                container[key] = _text(item)
    return value


def _text(value: str) -> str:
    return InvalidText(_LONE.sub("\ufffd", value)) if _LONE.search(value) else value
