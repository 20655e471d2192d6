"""Input coercion per ``data_type`` (behaviour §3.5, §1.4, §1.5) and datetime rendering (§1.5, §1.9).

Pure unit tests: ``Field`` objects are built directly; no server, no database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from zcrm.fields.coerce import MAX_ID, FieldValueError, coerce, parse_datetime, parse_id
from zcrm.fields.render import Renderer, format_datetime, zone
from zcrm.schema.model import Field, Layout, Module, OrgInfo, OrgSchema, PicklistValue, Profile, Role, User

# 2024-05-02T11:17:33+05:30 == 2024-05-02T05:47:33Z
EPOCH = 1714628853


def make_field(data_type: str, **kwargs: Any) -> Field:
    return Field(id="1", api_name="F", field_label="F", data_type=data_type, **kwargs)


def type_error(field: Field, value: object) -> FieldValueError:
    with pytest.raises(FieldValueError) as info:
        coerce(field, value)
    assert info.value.kind == "type"
    assert info.value.expected == field.data_type
    assert info.value.maximum_length is None
    return info.value


def length_error(field: Field, value: object, limit: int) -> FieldValueError:
    with pytest.raises(FieldValueError) as info:
        coerce(field, value)
    assert info.value.kind == "length"
    assert info.value.maximum_length == limit
    return info.value


def invalid_id(field: Field, value: object) -> FieldValueError:
    with pytest.raises(FieldValueError) as info:
        coerce(field, value)
    assert info.value.kind == "invalid_id"
    return info.value


# --------------------------------------------------------------------------------------------- FieldValueError


def test_field_value_error_attributes() -> None:
    err = FieldValueError("length", maximum_length=10)
    assert (err.kind, err.expected, err.maximum_length) == ("length", None, 10)
    err = FieldValueError("type", expected="integer")
    assert (err.kind, err.expected, err.maximum_length) == ("type", "integer", None)
    assert isinstance(err, Exception)


# ------------------------------------------------------------------------------------------------------- text


def test_text_string_stored_as_given() -> None:
    assert coerce(make_field("text"), "Hello world") == "Hello world"
    assert coerce(make_field("text"), "") == ""


def test_text_number_becomes_its_decimal_text() -> None:
    field = make_field("text")
    assert coerce(field, 12) == "12"
    assert coerce(field, -7) == "-7"
    assert coerce(field, 1.5) == "1.5"
    assert coerce(field, 0) == "0"


@pytest.mark.parametrize("value", [True, False, {"a": 1}, {}, [1], [], ["x"]])
def test_text_bool_object_array_are_type_errors(value: object) -> None:
    type_error(make_field("text"), value)


def test_text_default_length_is_255() -> None:
    field = make_field("text")
    assert coerce(field, "a" * 255) == "a" * 255
    length_error(field, "a" * 256, 255)


def test_text_explicit_length() -> None:
    field = make_field("text", length=10)
    assert coerce(field, "a" * 10) == "a" * 10
    length_error(field, "a" * 11, 10)


def test_text_number_text_is_length_checked() -> None:
    length_error(make_field("text", length=3), 12345, 3)


def test_text_length_counts_characters_not_bytes() -> None:
    assert coerce(make_field("text", length=3), "äöü") == "äöü"


# --------------------------------------------------------------------------------------------------- textarea


@pytest.mark.parametrize(
    ("textarea_type", "limit"), [(None, 2000), ("small", 2000), ("large", 32000), ("rich_text", 50000)]
)
def test_textarea_limit_by_textarea_type(textarea_type: str | None, limit: int) -> None:
    field = make_field("textarea", textarea_type=textarea_type)
    assert coerce(field, "a" * limit) == "a" * limit
    length_error(field, "a" * (limit + 1), limit)


@pytest.mark.parametrize("textarea_type", [None, "small", "large", "rich_text"])
def test_textarea_explicit_length_wins(textarea_type: str | None) -> None:
    field = make_field("textarea", length=50, textarea_type=textarea_type)
    assert coerce(field, "a" * 50) == "a" * 50
    length_error(field, "a" * 51, 50)


@pytest.mark.parametrize("value", [1, True, {"a": 1}, ["a"]])
def test_textarea_non_string_is_type_error(value: object) -> None:
    type_error(make_field("textarea"), value)


# ------------------------------------------------------------------------------------------------------ email


@pytest.mark.parametrize("value", ["a@b.co", "first.last+tag@mail.example.com", "x@sub.domain.org"])
def test_email_valid(value: str) -> None:
    assert coerce(make_field("email"), value) == value


@pytest.mark.parametrize(
    "value",
    [
        "plainaddress",
        "@example.com",  # empty local part
        "a@@example.com",
        "a@b@example.com",  # two @
        "a@example",  # domain not dotted
        "a b@example.com",  # space
        "a@exa mple.com",
        "",
        12,
        True,
        {"email": "a@b.co"},
        ["a@b.co"],
    ],
)
def test_email_invalid_is_type_error(value: object) -> None:
    type_error(make_field("email"), value)


def test_email_default_length_100() -> None:
    field = make_field("email")
    ok = "a" * 94 + "@b.com"  # 100 characters
    assert len(ok) == 100
    assert coerce(field, ok) == ok
    length_error(field, "a" + ok, 100)


# ------------------------------------------------------------------------------------------------------ phone


@pytest.mark.parametrize(
    "value", ["5551234", "+1 (555) 123-4567", "555-1234 x89", "555-1234 X89", "555-1234x12", "0"]
)
def test_phone_accepted_strings(value: str) -> None:
    assert coerce(make_field("phone"), value) == value


def test_phone_number_becomes_text() -> None:
    assert coerce(make_field("phone"), 5551234) == "5551234"


@pytest.mark.parametrize("value", ["555-CALL", "555 1234 ext 5", "abc", "12a3", "1-800-FLOWERS"])
def test_phone_letters_rejected(value: str) -> None:
    type_error(make_field("phone"), value)


def test_phone_non_ascii_letters_rejected() -> None:
    # "no letters except x/X for an extension": a letter is a letter, ASCII or not
    type_error(make_field("phone"), "555 1234 é")


@pytest.mark.parametrize("value", ["", "+", "() -", "x", " "])
def test_phone_without_digit_rejected(value: str) -> None:
    type_error(make_field("phone"), value)


@pytest.mark.parametrize("value", [True, False, {"a": 1}, [1]])
def test_phone_wrong_type_rejected(value: object) -> None:
    type_error(make_field("phone"), value)


def test_phone_default_length_30() -> None:
    field = make_field("phone")
    assert coerce(field, "1" * 30) == "1" * 30
    length_error(field, "1" * 31, 30)


# ---------------------------------------------------------------------------------------------------- website


def test_website_string() -> None:
    assert coerce(make_field("website"), "https://www.zoho.com") == "https://www.zoho.com"


def test_website_default_length_255() -> None:
    field = make_field("website")
    assert coerce(field, "w" * 255) == "w" * 255
    length_error(field, "w" * 256, 255)


def test_website_explicit_length() -> None:
    length_error(make_field("website", length=20), "https://example.com/abc", 20)


@pytest.mark.parametrize("value", [1, True, {"url": "x"}, ["x"]])
def test_website_non_string_is_type_error(value: object) -> None:
    type_error(make_field("website"), value)


# ---------------------------------------------------------------------------------------------------- picklist


def _picklist_field(data_type: str) -> Field:
    values = tuple(
        PicklistValue(display_value=v, actual_value=v, id=str(i + 1), sequence_number=i + 1)
        for i, v in enumerate(["Red", "Green", "Blue"])
    )
    return make_field(data_type, pick_list_values=values)


def test_picklist_known_value() -> None:
    assert coerce(_picklist_field("picklist"), "Green") == "Green"


def test_picklist_value_not_in_list_is_stored_as_given() -> None:
    field = _picklist_field("picklist")
    assert coerce(field, "Purple") == "Purple"
    # metadata is not changed
    assert [v.actual_value for v in field.pick_list_values] == ["Red", "Green", "Blue"]


@pytest.mark.parametrize("value", [1, 1.5, True, {"a": "Red"}, ["Red"]])
def test_picklist_non_string_is_type_error(value: object) -> None:
    type_error(_picklist_field("picklist"), value)


# -------------------------------------------------------------------------------------------- multiselectpicklist


def test_multiselect_list_of_strings() -> None:
    assert coerce(_picklist_field("multiselectpicklist"), ["Red", "Blue"]) == ["Red", "Blue"]


def test_multiselect_duplicates_dropped_first_occurrence_order_kept() -> None:
    field = _picklist_field("multiselectpicklist")
    assert coerce(field, ["Blue", "Red", "Blue", "Green", "Red"]) == ["Blue", "Red", "Green"]


def test_multiselect_empty_list() -> None:
    assert coerce(_picklist_field("multiselectpicklist"), []) == []


def test_multiselect_values_outside_list_stored() -> None:
    assert coerce(_picklist_field("multiselectpicklist"), ["Red", "Teal"]) == ["Red", "Teal"]


def test_multiselect_returns_a_new_list() -> None:
    given = ["Red", "Red"]
    result = coerce(_picklist_field("multiselectpicklist"), given)
    assert result == ["Red"]
    assert given == ["Red", "Red"]


@pytest.mark.parametrize(
    "value", ["Red", "Red;Blue", 1, True, {"Red": True}, ["Red", 1], ["Red", None], [["Red"]], [True]]
)
def test_multiselect_not_list_of_strings_is_type_error(value: object) -> None:
    type_error(_picklist_field("multiselectpicklist"), value)


# ----------------------------------------------------------------------------------------------------- integer


def test_integer_json_int() -> None:
    field = make_field("integer")
    result = coerce(field, 42)
    assert result == 42 and type(result) is int
    assert coerce(field, 0) == 0
    assert coerce(field, -123456789) == -123456789


def test_integer_digit_string() -> None:
    result = coerce(make_field("integer"), "42")
    assert result == 42 and type(result) is int


@pytest.mark.parametrize(
    "value", [1.0, 1.5, -2.0, True, False, "1.5", "abc", "", " 12", "12 ", "1e3", {}, [1]]
)
def test_integer_float_bool_and_others_are_type_errors(value: object) -> None:
    type_error(make_field("integer"), value)


def test_integer_digit_string_with_trailing_newline_is_type_error() -> None:
    # "a string of digits": "12\n" is not one
    type_error(make_field("integer"), "12\n")


def test_integer_default_length_9() -> None:
    field = make_field("integer")
    assert coerce(field, 999999999) == 999999999
    assert coerce(field, -999999999) == -999999999
    length_error(field, 1000000000, 9)
    length_error(field, "1000000000", 9)
    length_error(field, -1000000000, 9)


def test_integer_explicit_length() -> None:
    field = make_field("integer", length=3)
    assert coerce(field, 999) == 999
    length_error(field, 1000, 3)


def test_integer_range_is_32_bit() -> None:
    field = make_field("integer", length=10)
    assert coerce(field, 2147483647) == 2147483647
    assert coerce(field, -2147483648) == -2147483648
    type_error(field, 2147483648)
    type_error(field, -2147483649)
    type_error(field, "2147483648")


# ------------------------------------------------------------------------------------------------------ bigint


def test_bigint_returned_as_digit_string() -> None:
    field = make_field("bigint")
    assert coerce(field, 123456789012345678) == "123456789012345678"
    assert coerce(field, "123456789012345678") == "123456789012345678"
    assert coerce(field, 5) == "5"
    assert coerce(field, "5") == "5"


def test_bigint_at_most_18_digits() -> None:
    field = make_field("bigint")
    assert coerce(field, "9" * 18) == "9" * 18
    length_error(field, "1" * 19, 18)
    length_error(field, 10**18, 18)


def test_bigint_digit_string_with_trailing_newline_is_type_error() -> None:
    type_error(make_field("bigint"), "12\n")


@pytest.mark.parametrize("value", [1.0, 1.5, True, "1.5", "abc", " 5", "", {}, [5]])
def test_bigint_type_errors(value: object) -> None:
    type_error(make_field("bigint"), value)


# ------------------------------------------------------------------------------------ double / decimal / percent

REAL_TYPES = ["double", "decimal", "percent"]


@pytest.mark.parametrize("data_type", REAL_TYPES)
def test_real_rounds_half_up_to_decimal_place(data_type: str) -> None:
    field = make_field(data_type, decimal_place=2)
    assert coerce(field, 1.005) == 1.01
    assert coerce(field, 1.004) == 1.0
    assert coerce(field, 2.675) == 2.68
    assert coerce(field, -1.005) == -1.01
    assert coerce(field, 12.3) == 12.3
    assert coerce(field, 7) == 7.0
    field0 = make_field(data_type, decimal_place=0)
    assert coerce(field0, 2.5) == 3.0
    assert coerce(field0, 3.5) == 4.0
    assert coerce(field0, -2.5) == -3.0


@pytest.mark.parametrize("data_type", REAL_TYPES)
def test_real_returns_float(data_type: str) -> None:
    result = coerce(make_field(data_type, decimal_place=2), 7)
    assert result == 7.0 and type(result) is float


@pytest.mark.parametrize("data_type", REAL_TYPES)
def test_real_without_decimal_place_kept(data_type: str) -> None:
    assert coerce(make_field(data_type), 1.23456) == 1.23456


@pytest.mark.parametrize("data_type", REAL_TYPES)
def test_real_numeric_strings(data_type: str) -> None:
    field = make_field(data_type, decimal_place=2)
    assert coerce(field, "12.345") == 12.35
    assert coerce(field, "-3") == -3.0


@pytest.mark.parametrize("data_type", REAL_TYPES)
def test_real_integer_digits_over_default_length_16(data_type: str) -> None:
    field = make_field(data_type)
    assert coerce(field, "1234567890123456") == 1234567890123456.0
    length_error(field, "12345678901234567", 16)
    length_error(field, 12345678901234567, 16)


@pytest.mark.parametrize("data_type", REAL_TYPES)
def test_real_integer_digits_over_explicit_length(data_type: str) -> None:
    field = make_field(data_type, length=5, decimal_place=2)
    assert coerce(field, 12345.678) == 12345.68  # decimals do not count
    assert coerce(field, -12345.5) == -12345.5  # the sign does not count
    length_error(field, 123456.7, 5)
    length_error(field, "123456", 5)


@pytest.mark.parametrize("data_type", REAL_TYPES)
@pytest.mark.parametrize(
    "value", [True, False, "abc", "", "1.2.3", "1,5", "nan", "inf", float("nan"), float("inf"), {}, [1.5]]
)
def test_real_type_errors_name_their_own_type(data_type: str, value: object) -> None:
    type_error(make_field(data_type, decimal_place=2), value)


# ---------------------------------------------------------------------------------------------------- currency


def test_currency_default_precision_2_half_up() -> None:
    field = make_field("currency")
    assert coerce(field, 2.005) == 2.01
    assert coerce(field, 2.004) == 2.0
    assert coerce(field, "19.999") == 20.0
    assert coerce(field, 100) == 100.0


def test_currency_ignores_decimal_place_and_uses_precision() -> None:
    assert coerce(make_field("currency", decimal_place=5), 2.005) == 2.01
    field = make_field("currency", currency_precision=0)
    assert coerce(field, 2.5) == 3.0
    field3 = make_field("currency", currency_precision=3)
    assert coerce(field3, 1.0005) == 1.001


def test_currency_length() -> None:
    length_error(make_field("currency"), 12345678901234567, 16)
    length_error(make_field("currency", length=4), 12345, 4)


@pytest.mark.parametrize("value", [True, "abc", {}, [1]])
def test_currency_type_error_names_currency(value: object) -> None:
    type_error(make_field("currency"), value)


# ----------------------------------------------------------------------------------------------------- boolean


def test_boolean_true_false() -> None:
    assert coerce(make_field("boolean"), True) is True
    assert coerce(make_field("boolean"), False) is False


@pytest.mark.parametrize("value", [1, 0, "true", "false", "True", "", 1.0, {}, []])
def test_boolean_anything_else_is_type_error(value: object) -> None:
    type_error(make_field("boolean"), value)


# -------------------------------------------------------------------------------------------------------- date


@pytest.mark.parametrize("value", ["2024-02-29", "1999-12-31", "2024-01-01"])
def test_date_real_calendar_dates(value: str) -> None:
    assert coerce(make_field("date"), value) == value


@pytest.mark.parametrize(
    "value",
    [
        "2024-02-30",
        "2023-02-29",
        "2024-13-01",
        "2024-00-10",
        "2024-04-31",
        "2024-1-05",
        "24-01-05",
        "2024/01/05",
        "20240105",
        "2024-01-05T00:00:00",
        "2024-01-05T00:00:00+00:00",
        " 2024-01-05",
        "2024-01-05\n",
        "",
        20240105,
        True,
        {"date": "2024-01-05"},
    ],
)
def test_date_invalid_is_type_error(value: object) -> None:
    type_error(make_field("date"), value)


# ---------------------------------------------------------------------------------------------------- datetime


def test_datetime_with_offset_to_epoch_seconds() -> None:
    field = make_field("datetime")
    result = coerce(field, "2024-05-02T11:17:33+05:30")
    assert result == EPOCH and type(result) is int
    assert coerce(field, "2024-05-02T01:47:33-04:00") == EPOCH
    assert coerce(field, "2024-05-02T05:47:33+00:00") == EPOCH


def test_datetime_z_counts_as_utc() -> None:
    assert coerce(make_field("datetime"), "2024-05-02T05:47:33Z") == EPOCH
    assert coerce(make_field("datetime"), "1970-01-01T00:00:00Z") == 0


@pytest.mark.parametrize(
    "value",
    [
        "2024-05-02T11:17:33.123+05:30",  # fractional seconds
        "2024-05-02T11:17:33.000Z",
        "2024-05-02T11:17:33",  # no offset
        "2024-05-02 11:17:33+05:30",  # space instead of T
        "2024-05-02T11:17+05:30",  # no seconds
        "2024-05-02T11:17:33+0530",  # offset not ±HH:MM
        "2024-05-02T11:17:33+05",
        "2024-02-30T00:00:00Z",  # not a calendar date
        "2024-05-02T25:00:00Z",
        "2024-05-02",
        "2024-05-02T11:17:33+05:30\n",
        "",
        EPOCH,
        True,
        {"dt": "2024-05-02T11:17:33+05:30"},
    ],
)
def test_datetime_invalid_is_type_error(value: object) -> None:
    type_error(make_field("datetime"), value)


def test_parse_datetime() -> None:
    assert parse_datetime("2024-05-02T11:17:33+05:30") == EPOCH
    assert parse_datetime("2024-05-02T05:47:33Z") == EPOCH
    assert parse_datetime("2024-05-02T11:17:33.5+05:30") is None
    assert parse_datetime("2024-05-02 11:17:33+05:30") is None
    assert parse_datetime("2024-05-02T11:17:33") is None
    assert parse_datetime("2024-02-30T11:17:33Z") is None
    assert parse_datetime("not a date") is None


# ------------------------------------------------------------------------------ lookup / ownerlookup / userlookup / layout

REFERENCE_TYPES = ["lookup", "ownerlookup", "userlookup", "layout"]


@pytest.mark.parametrize("data_type", REFERENCE_TYPES)
def test_reference_object_or_bare_id(data_type: str) -> None:
    field = make_field(data_type, lookup_module="Accounts" if data_type == "lookup" else None)
    assert coerce(field, {"id": "4876876000000100053"}) == "4876876000000100053"
    assert coerce(field, {"id": 4876876000000100053}) == "4876876000000100053"
    assert coerce(field, {"id": "12", "name": "ignored"}) == "12"
    assert coerce(field, "4876876000000100053") == "4876876000000100053"
    assert coerce(field, 4876876000000100053) == "4876876000000100053"


@pytest.mark.parametrize("data_type", REFERENCE_TYPES)
@pytest.mark.parametrize("value", [True, False, [1], [], ["12"], {"name": "Acme"}, {}])
def test_reference_wrong_shape_is_type_error_of_own_type(data_type: str, value: object) -> None:
    type_error(make_field(data_type), value)


@pytest.mark.parametrize("data_type", REFERENCE_TYPES)
@pytest.mark.parametrize(
    "value", [{"id": "abc"}, {"id": 0}, {"id": "-5"}, {"id": -5}, {"id": "1" * 20}, {"id": True}, {"id": 1.5}]
)
def test_reference_malformed_id_is_invalid_id(data_type: str, value: object) -> None:
    err = invalid_id(make_field(data_type), value)
    assert err.maximum_length is None


# --------------------------------------------------------------------------------------------------- ids (§1.4)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, "1"),
        (12, "12"),
        (4876876000000100053, "4876876000000100053"),
        (MAX_ID, "9223372036854775807"),
        ("1", "1"),
        ("12", "12"),
        ("4876876000000100053", "4876876000000100053"),
        ("9223372036854775807", "9223372036854775807"),
    ],
)
def test_parse_id_well_formed(value: object, expected: str) -> None:
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        0,
        "0",
        -1,
        "-1",
        -4876876000000100053,
        MAX_ID + 1,
        "9223372036854775808",
        "9999999999999999999",
        "12345678901234567890",  # 20 digits
        "00000000000000000001",  # 20 characters
        1.0,
        12.0,
        "12.0",
        "1e3",
        True,
        False,
        " 12",
        "12 ",
        "+12",
        "abc",
        "12abc",
        "",
        "١٢",  # non-ASCII digits
        "\uff11\uff12",  # fullwidth digits
        None,
        {"id": "12"},
        ["12"],
    ],
)
def test_parse_id_malformed(value: object) -> None:
    assert parse_id(value) is None


def test_parse_id_rejects_trailing_newline() -> None:
    # "a string of 1-19 ASCII digits": "12\n" is not one
    assert parse_id("12\n") is None


def test_lookup_id_with_trailing_newline_is_invalid_id() -> None:
    invalid_id(make_field("lookup"), {"id": "12\n"})


def test_max_id_constant() -> None:
    assert MAX_ID == 2**63 - 1 == 9223372036854775807


# ------------------------------------------------------------------------------------------ JSON-shaped types


@pytest.mark.parametrize(
    "data_type", ["participants", "linetax", "pricing_details", "jsonarray", "multireminder"]
)
def test_json_array_types(data_type: str) -> None:
    value = [{"a": 1}]
    assert coerce(make_field(data_type), value) is value
    type_error(make_field(data_type), {"a": 1})


@pytest.mark.parametrize("data_type", ["RRULE", "ALARM"])
def test_json_object_types(data_type: str) -> None:
    value = {"FREQ": "DAILY"}
    assert coerce(make_field(data_type), value) is value
    type_error(make_field(data_type), [value])


@pytest.mark.parametrize("data_type", ["profileimage", "mediumtext"])
def test_string_only_special_types(data_type: str) -> None:
    assert coerce(make_field(data_type), "x") == "x"
    type_error(make_field(data_type), 1)


# ---------------------------------------------------------------------------------------------- format_datetime


def test_format_datetime_in_zone_with_offset() -> None:
    assert format_datetime(EPOCH, ZoneInfo("Asia/Kolkata")) == "2024-05-02T11:17:33+05:30"
    assert format_datetime(EPOCH, ZoneInfo("America/New_York")) == "2024-05-02T01:47:33-04:00"
    assert format_datetime(EPOCH, ZoneInfo("Europe/Berlin")) == "2024-05-02T07:47:33+02:00"


def test_format_datetime_follows_dst() -> None:
    winter = 1704110400  # 2024-01-01T12:00:00Z
    assert format_datetime(winter, ZoneInfo("America/New_York")) == "2024-01-01T07:00:00-05:00"


def test_format_datetime_local_mean_time_offsets_are_cut_to_whole_minutes() -> None:
    """Found by the fuzzer: before a zone adopted standard time its offset had seconds (Asia/Kolkata +05:21:10,
    Europe/Dublin -00:25:21), and the rendered text was ``…+05:21:10``, which no client, nor ``parse_datetime``,
    reads. The offset is cut to whole minutes towards zero and the wall time moves with it: same instant."""
    kolkata = -2019705671  # 1905-12-31T18:38:49Z
    assert format_datetime(kolkata, ZoneInfo("Asia/Kolkata")) == "1905-12-31T23:59:49+05:21"
    assert parse_datetime("1905-12-31T23:59:49+05:21") == kolkata
    dublin = -2500000000  # 1890-10-11T19:33:20Z
    assert format_datetime(dublin, ZoneInfo("Europe/Dublin")) == "1890-10-11T19:08:20-00:25"
    assert parse_datetime("1890-10-11T19:08:20-00:25") == dublin


def test_format_datetime_utc_is_plus_zero_never_z() -> None:
    assert format_datetime(EPOCH, dt.UTC) == "2024-05-02T05:47:33+00:00"
    assert format_datetime(EPOCH, ZoneInfo("UTC")) == "2024-05-02T05:47:33+00:00"
    assert format_datetime(0, dt.UTC) == "1970-01-01T00:00:00+00:00"
    assert format_datetime(EPOCH, dt.timezone(dt.timedelta(0))) == "2024-05-02T05:47:33+00:00"


def test_format_datetime_no_milliseconds() -> None:
    text = format_datetime(EPOCH, dt.UTC)
    assert "." not in text
    assert format_datetime(EPOCH + 0.75, dt.UTC) == "2024-05-02T05:47:33+00:00"  # type: ignore[arg-type]


def test_format_then_parse_round_trips() -> None:
    for name in ("Asia/Kolkata", "America/Sao_Paulo", "UTC", "Pacific/Chatham"):
        assert parse_datetime(format_datetime(EPOCH, ZoneInfo(name))) == EPOCH


def test_zone_unknown_name_falls_back_to_utc() -> None:
    assert zone("Not/AZone") is dt.UTC
    assert zone("") is dt.UTC
    assert zone("Asia/Kolkata") == ZoneInfo("Asia/Kolkata")


# ---------------------------------------------------------------------------------------------------- Renderer


def _user(user_id: str, time_zone: str, **kwargs: Any) -> User:
    defaults: dict[str, Any] = {
        "first_name": "Priya",
        "last_name": "Raman",
        "email": "priya@zylker.test",
        "status": "active",
        "role_id": "100",
        "profile_id": "200",
    }
    defaults.update(kwargs)
    return User(id=user_id, time_zone=time_zone, **defaults)


def _schema(org_tz: str = "Asia/Kolkata", users: tuple[User, ...] = ()) -> OrgSchema:
    org = OrgInfo(
        id="1",
        prefix="4876876",
        company_name="Zylker",
        time_zone=org_tz,
        currency="USD",
        country_code="US",
        edition="Enterprise",
        primary_email="priya@zylker.test",
        created_time=0,
    )
    module = Module(
        id="10",
        api_name="Deals",
        singular_label="Deal",
        plural_label="Deals",
        generated_type="default",
        api_supported=True,
        scope_name="deals",
        sequence=1,
        display_field=("Deal_Name",),
        fields=(),
        layouts=(Layout(id="300", name="Standard"), Layout(id="301", name="Partner")),
    )
    return OrgSchema(
        org=org,
        version=1,
        modules=(module,),
        users=users,
        profiles=(Profile(id="200", name="Administrator", admin=True, permissions={}),),
        roles=(Role(id="100", name="CEO", reports_to=None),),
    )


def test_renderer_uses_user_time_zone() -> None:
    user = _user("500", "America/New_York")
    renderer = Renderer(_schema("Asia/Kolkata", (user,)), user)
    assert renderer.datetime(EPOCH) == "2024-05-02T01:47:33-04:00"
    assert renderer.value(make_field("datetime"), EPOCH) == "2024-05-02T01:47:33-04:00"


def test_renderer_falls_back_to_org_time_zone() -> None:
    user = _user("500", "")
    assert Renderer(_schema("Asia/Kolkata", (user,)), user).datetime(EPOCH) == "2024-05-02T11:17:33+05:30"
    assert Renderer(_schema("Asia/Kolkata"), None).datetime(EPOCH) == "2024-05-02T11:17:33+05:30"


def test_renderer_utc_when_no_zone_at_all() -> None:
    user = _user("500", "")
    assert Renderer(_schema("", (user,)), user).datetime(EPOCH) == "2024-05-02T05:47:33+00:00"
    assert Renderer(_schema(""), None).datetime(EPOCH) == "2024-05-02T05:47:33+00:00"


def test_renderer_datetime_none() -> None:
    assert Renderer(_schema(), None).datetime(None) is None
    assert Renderer(_schema(), None).value(make_field("datetime"), None) is None


def test_renderer_user_refs() -> None:
    active = _user("500", "UTC")
    renderer = Renderer(_schema(users=(active,)), active)
    owner = make_field("ownerlookup", lookup_module="Users")
    assert renderer.value(owner, "500") == {"name": "Priya Raman", "id": "500", "email": "priya@zylker.test"}
    assert renderer.user_ref("500", with_email=False) == {"name": "Priya Raman", "id": "500"}
    assert renderer.user_ref("999") is None
    assert renderer.user_ref(None) is None


def test_renderer_record_ref() -> None:
    renderer = Renderer(_schema(), None, names={"42": "Acme"})
    lookup = make_field("lookup", lookup_module="Accounts")
    assert renderer.value(lookup, "42") == {"name": "Acme", "id": "42"}
    assert renderer.value(lookup, "43") is None  # a lookup whose target is gone reads as null


def test_renderer_layout_ref() -> None:
    renderer = Renderer(_schema(), None)
    layout = make_field("layout")
    assert renderer.value(layout, "301") == {"name": "Partner", "id": "301"}
    assert renderer.value(layout, "999") is None


def test_renderer_other_values_unchanged() -> None:
    renderer = Renderer(_schema(), None)
    assert renderer.value(make_field("bigint"), "123") == "123"
    assert renderer.value(make_field("multiselectpicklist"), ["a", "b"]) == ["a", "b"]
    assert renderer.value(make_field("double"), 1.5) == 1.5
    assert renderer.value(make_field("text"), None) is None
