"""Unit tests of ``zcrm.json_input``: the decoders of request bodies."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from typing import Any

import orjson
import pytest

from zcrm.json_input import (
    MAX_DEPTH,
    ORJSON_DEPTH,
    InvalidText,
    JsonError,
    Number,
    _lossy,
    loads,
    loads_exact,
)


def nested(depth: int, inner: str = "1") -> bytes:
    return ("[" * depth + inner + "]" * depth).encode()


def test_orjson_still_refuses_exactly_past_its_documented_depth() -> None:
    """``ORJSON_DEPTH`` is what the depth check wraps bodies against: pinned here."""
    assert orjson.loads(nested(ORJSON_DEPTH)) is not None
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(nested(ORJSON_DEPTH + 1))


@pytest.mark.parametrize("inner", ["1", "1.50", "{}", '"x"'])
def test_the_strict_decoder_reads_max_depth_and_not_one_more(inner: str) -> None:
    depth = MAX_DEPTH - (1 if inner == "{}" else 0)  # the innermost {} is a level of its own
    value = loads(nested(depth, inner))
    for _ in range(depth):
        assert isinstance(value, list) and len(value) == 1
        value = value[0]
    with pytest.raises(JsonError):
        loads(nested(depth + 1, inner))


def test_the_exact_decoder_reads_what_orjson_reads() -> None:
    assert loads_exact(nested(ORJSON_DEPTH)) is not None
    with pytest.raises(JsonError):
        loads_exact(nested(ORJSON_DEPTH + 1))
    for inner in ('"\\ud800"', "1e400", "0.10000000000000000001"):  # the standard decoder
        assert loads_exact(nested(500, inner)) is not None


@pytest.mark.parametrize("decode", [loads, loads_exact])
@pytest.mark.parametrize("depth", [ORJSON_DEPTH + 1, 10_000, 1_000_000])
def test_any_deeper_body_is_refused_without_recursion(decode: Any, depth: int) -> None:
    for body in (nested(depth), b'{"a":' + nested(depth) + b',"b":1e400}', b"[" * depth):
        with pytest.raises(JsonError):
            decode(body)


def test_brackets_inside_strings_do_not_count() -> None:
    text = "[" * 5_000 + "]" * 2_000 + "{"
    assert loads(json.dumps({"x": text}).encode()) == {"x": text}
    assert loads_exact(json.dumps({"x": text, "n": 1.50}).encode()) == {"x": text, "n": 1.5}


def test_the_strict_decoder_refuses_lone_surrogates_and_infinities() -> None:
    for body in (
        b'"\\ud800"',
        b'{"a":"x\\udc00"}',
        b'{"\\ud800":1}',
        b"1e400",
        b"[-1e400]",
        b"NaN",
        b"Infinity",
    ):
        with pytest.raises(JsonError):
            loads(body)
    assert loads(b'"\\ud83d\\ude00"') == "\U0001f600"
    assert loads(b"18446744073709551615") == 2**64 - 1
    assert loads(b"18446744073709551616") == float(
        2**64
    )  # beyond 64 bits: a float, refused by every int check


def test_the_exact_decoder_marks_strings_with_lone_surrogates() -> None:
    value = loads_exact(b'{"a":["\\ud800",{"b":"x\\udfffy"}],"c":"\\ud83d\\ude00","d":"plain"}')
    assert value == {"a": ["\ufffd", {"b": "x\ufffdy"}], "c": "\U0001f600", "d": "plain"}
    assert type(value["a"][0]) is InvalidText
    assert type(value["a"][1]["b"]) is InvalidText
    assert type(value["c"]) is str and type(value["d"]) is str
    assert type(loads_exact(b'"\\udc00\\ud800"')) is InvalidText  # a pair the wrong way round
    assert orjson.dumps(value)  # always safe to echo


@pytest.mark.parametrize("body", [b'{"\\ud800":1}', b'{"a":{"b\\udc00":1}}', b'[{"\\ud800x":"\\ud800"}]'])
def test_a_lone_surrogate_in_a_key_is_unreadable(body: bytes) -> None:
    with pytest.raises(JsonError):
        loads_exact(body)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("123456789012345678901234567890", 123456789012345678901234567890),
        ("-9223372036854775809", -9223372036854775809),
        ("18446744073709551616", 18446744073709551616),
        ("9223372036854775807", 9223372036854775807),
    ],
)
def test_the_exact_decoder_keeps_every_integer(text: str, value: int) -> None:
    decoded = loads_exact(f'{{"n":{text}}}'.encode())["n"]
    assert type(decoded) is int and decoded == value


@pytest.mark.parametrize(
    "text",
    [
        "1e400",
        "-1e400",
        "1e-400",
        "0.10000000000000000001",
        "1" * 5_000,
        "12345678901234567.5",
        "1234567890123456789e3",
    ],
)
def test_the_exact_decoder_keeps_the_text_of_numbers_a_float_does_not(text: str) -> None:
    decoded = loads_exact(f'{{"n":{text}}}'.encode())["n"]
    assert type(decoded) is Number
    assert decoded.text == text
    assert decoded == float(text)


@pytest.mark.parametrize("text", ["1.5", "0.1", "-2.25", "1500.0", "-0.0", "1.50", "1E+2", "0.00001"])
def test_floats_that_hold_the_number_stay_floats(text: str) -> None:
    decoded = loads_exact(f'{{"n":{text}, "x":1e-400}}'.encode())["n"]  # 1e-400: the exact decoder runs
    assert type(decoded) is float and decoded == float(text)


def test_the_fast_path_is_only_taken_where_orjson_keeps_the_number() -> None:
    """Where ``_lossy`` finds nothing, orjson's number is the number written: checked over many random literals
    (a miss would store another text or value)."""
    rng = random.Random(12)
    for _ in range(30_000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 24)))
        point = rng.randint(0, len(digits))
        text = (digits[:point].lstrip("0") or "0") + ("." + digits[point:] if point < len(digits) else "")
        if rng.random() < 0.3:
            text += rng.choice(["e", "E"]) + rng.choice(["", "+", "-"]) + str(rng.randint(0, 400))
        if rng.random() < 0.5:
            text = "-" + text
        raw = text.encode()
        if _lossy(raw):
            continue
        try:
            parsed = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue  # beyond a double: orjson refuses it, the standard decoder reads it
        assert Decimal(repr(parsed) if isinstance(parsed, float) else parsed) == Decimal(text), text


def test_nul_characters_are_refused_like_lone_surrogates() -> None:
    for body in (b'"a\\u0000"', b'{"a":["\\u0000"]}', b'{"\\u0000":1}', b'"\\\\\\u0000"'):
        with pytest.raises(JsonError):
            loads(body)
    assert loads(b'"a\\\\u0000"') == "a\\u0000"  # a backslash, then u0000: no NUL
    value = loads_exact(b'{"a":"x\\u0000y","b":"\\\\u0000","n":1}')
    assert value == {"a": "x\ufffdy", "b": "\\u0000", "n": 1}
    assert type(value["a"]) is InvalidText and type(value["b"]) is str
    with pytest.raises(JsonError):
        loads_exact(b'{"\\u0000":1}')
