"""Coercion of what ``zcrm.json_input.loads_exact`` gives record fields: strings that held lone surrogates
(``InvalidText``), numbers with their text (``Number``), and numbers beyond a double's range or Python's digits.
Both ``coerce`` and the compiled coercers of the bulk path are checked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from zcrm.fields.coerce import FieldValueError, coerce, compile_coercer
from zcrm.json_input import InvalidText, Number
from zcrm.schema.model import Field

Coercer = Callable[[Field, object], Any]
COERCERS: list[Coercer] = [coerce, lambda field, value: compile_coercer(field)(value)]


def make_field(data_type: str, **kwargs: Any) -> Field:
    return Field(id="1", api_name="F", field_label="F", data_type=data_type, **kwargs)


def refused(run: Coercer, field: Field, value: object) -> FieldValueError:
    with pytest.raises(FieldValueError) as info:
        run(field, value)
    return info.value


BAD = InvalidText("a\ufffdb")


@pytest.mark.parametrize("run", COERCERS)
@pytest.mark.parametrize(
    ("data_type", "value"),
    [
        ("text", BAD),
        ("textarea", BAD),
        ("email", InvalidText("a\ufffd@b.test")),
        ("phone", InvalidText("123\ufffd")),
        ("website", BAD),
        ("picklist", BAD),
        ("mediumtext", BAD),
        ("profileimage", BAD),
        ("multiselectpicklist", ["A", BAD]),
        ("date", BAD),
        ("datetime", BAD),
        ("integer", InvalidText("12\ufffd")),
        ("bigint", BAD),
        ("double", InvalidText("1.5\ufffd")),
        ("currency", BAD),
        ("event_reminder", BAD),
        ("jsonarray", [{"a": BAD}]),
        ("participants", [{"participant": BAD}]),
        ("RRULE", {"FREQ": [BAD]}),
        ("multi_module_lookup", {"module": {"api_name": BAD}}),
    ],
)
def test_a_string_that_held_a_lone_surrogate_is_a_type_error(
    run: Coercer, data_type: str, value: object
) -> None:
    error = refused(run, make_field(data_type), value)
    assert (error.kind, error.expected) == ("type", data_type)


@pytest.mark.parametrize("run", COERCERS)
def test_a_lookup_to_such_a_string_names_no_record(run: Coercer) -> None:
    assert refused(run, make_field("lookup"), {"id": InvalidText("12\ufffd")}).kind == "invalid_id"


@pytest.mark.parametrize("run", COERCERS)
@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("1.50", "1.50"),
        ("1E+2", "100"),
        ("1e-7", "0.0000001"),
        ("0.10000000000000000001", "0.10000000000000000001"),
        ("-1e30", "-1000000000000000000000000000000"),
        ("9" * 255, "9" * 255),
    ],
)
def test_a_number_in_a_text_field_is_its_decimal_text(run: Coercer, text: str, stored: str) -> None:
    assert run(make_field("text"), Number(text)) == stored


@pytest.mark.parametrize("run", COERCERS)
@pytest.mark.parametrize("text", ["1e400", "-1e400", "1e999999999", "1e-999999999", "9" * 256, "1" * 5_000])
def test_a_number_too_long_to_write_in_a_text_field_is_a_length_error(run: Coercer, text: str) -> None:
    error = refused(run, make_field("text"), Number(text))
    assert (error.kind, error.maximum_length) == ("length", 255)


@pytest.mark.parametrize("run", COERCERS)
def test_an_integer_in_a_text_field_is_written_out_only_when_it_fits(run: Coercer) -> None:
    assert run(make_field("text"), 2**70) == str(2**70)
    assert run(make_field("text", length=10_000), 10**3_999) == "1" + "0" * 3_999
    error = refused(run, make_field("text", length=10_000), 10**20_000)  # more digits than Python writes
    assert (error.kind, error.maximum_length) == ("length", 10_000)
    assert refused(run, make_field("phone"), 10**20_000).maximum_length == 30


@pytest.mark.parametrize("run", COERCERS)
@pytest.mark.parametrize(
    ("data_type", "value", "kind", "limit"),
    [
        ("integer", Number("1" * 5_000), "length", 9),  # an integer longer than an int holds
        ("integer", "1" * 5_000, "length", 9),
        ("integer", "-" + "1" * 5_000, "length", 9),
        ("integer", Number("1e400"), "type", None),
        ("bigint", 10**30, "length", 18),
        ("bigint", "0" * 5_000 + "7", None, None),  # leading zeros are no digits
        ("double", Number("1e400"), "length", 16),
        ("double", Number("-1e999999999"), "length", 16),
        ("double", Number("1e-999999999"), None, None),
        ("double", "9" * 5_000, "length", 16),
        ("currency", 10**5_000, "length", 16),
    ],
    ids=lambda value: "huge" if isinstance(value, int) and value.bit_length() > 1_000 else None,
)
def test_numbers_beyond_a_field_s_digits(
    run: Coercer, data_type: str, value: object, kind: str | None, limit: int | None
) -> None:
    field = make_field(data_type)
    if kind is None:
        run(field, value)
        return
    error = refused(run, field, value)
    assert (error.kind, error.maximum_length) == (kind, limit)


@pytest.mark.parametrize("run", COERCERS)
def test_a_field_without_a_length_still_refuses_what_no_double_holds(run: Coercer) -> None:
    wide = make_field("double", length=400, decimal_place=2)
    assert run(wide, Number("1e300")) == 1e300
    assert refused(run, wide, Number("1e350")).kind == "type"  # beyond a double: never stored as inf
    assert refused(run, make_field("double", length=10_000), "9" * 5_000).kind == "type"


@pytest.mark.parametrize("run", COERCERS)
def test_numeric_fields_round_the_digits_sent(run: Coercer) -> None:
    assert run(make_field("currency"), Number("1.0049999999999999999")) == 1.0
    assert run(make_field("currency"), Number("1.005")) == 1.01
    assert run(make_field("double", decimal_place=2), Number("0.125000000000000000001")) == 0.13


@pytest.mark.parametrize("run", COERCERS)
def test_json_fields_store_plain_floats(run: Coercer) -> None:
    value = [{"n": Number("1.50"), "m": [Number("2.0e0")], "s": "x"}]
    stored = run(make_field("jsonarray"), value)
    assert stored == [{"n": 1.5, "m": [2.0], "s": "x"}]
    assert type(stored[0]["n"]) is float and type(stored[0]["m"][0]) is float
    plain = [{"n": 1.5}]
    assert run(make_field("jsonarray"), plain) is plain
    assert refused(run, make_field("jsonarray"), [Number("1e400")]).kind == "type"
