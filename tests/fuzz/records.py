"""Hypothesis strategies for record bodies of any module of an org, from its schema: for every field data type, values
the server must store (and read back as sent, where the type keeps values as they are) and values it must refuse,
each refusal with the exact per-record error it gets (behaviour §3.5).

A record is drawn as ``Drawn(item, expected)``: the ``data[]`` item and, when one of its values is invalid, the
error that item must get. Valid records carry every mandatory field of the layout; unique fields get values no
other record has.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import hypothesis.strategies as st

from zcrm.fields.coerce import MAX_EPOCH, MIN_EPOCH
from zcrm.schema.model import COMPUTED_TYPES, IGNORED_KEYS, ROW_TYPES, SYSTEM_FIELDS, Field, Module, OrgSchema

INVALID_DATA = "invalid data"
INVALID_ID = "the id given seems to be invalid"
INVALID_FIELD = "the field api name given seems to be invalid"
JSON_TYPES = {  # data type -> the JSON shape it takes
    "participants": "array",
    "linetax": "array",
    "pricing_details": "array",
    "jsonarray": "array",
    "territories": "array",
    "multireminder": "array",
    "RRULE": "object",
    "ALARM": "object",
    "consent_lookup": "object",
    "multi_module_lookup": "object",
    "event_reminder": "any",
}
TEXT_TYPES = ("text", "textarea", "website", "picklist", "profileimage", "mediumtext")
NUMBER_TYPES = ("double", "decimal", "percent", "currency")
REFERENCE_TYPES = ("lookup", "ownerlookup", "userlookup", "layout")
UNKNOWN_ID = "9223372036854775000"  # well formed, names nothing


def characters() -> st.SearchStrategy[str]:
    """Any character a stored text can hold: not a lone surrogate nor NUL (each field refuses them: ``invalid``)."""
    return st.characters(exclude_categories=("Cs",), exclude_characters="\x00")


def some_text(max_size: int, min_size: int = 1) -> st.SearchStrategy[str]:
    return st.text(characters(), min_size=min_size, max_size=max_size)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    some_text(8, 0),
    st.floats(allow_nan=False, allow_infinity=False),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(some_text(6), inner, max_size=3),
    max_leaves=8,
)


@dataclass(frozen=True)
class Expected:
    """The per-record error an item must get."""

    code: str
    message: str
    details: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "details": self.details, "message": self.message, "status": "error"}


@dataclass(frozen=True)
class Drawn:
    item: dict[str, Any]
    expected: Expected | None = None
    check: dict[str, Any] = field(default_factory=dict)  # api name -> the value a read must show


@dataclass
class Pools:
    """What exists in the org: record ids by module, active user ids, layout ids by module."""

    records: dict[str, list[str]]
    users: list[str]
    images: list[str] = field(default_factory=list)  # ids of uploaded files (zoho-v5-related.md §6): images
    documents: list[str] = field(default_factory=list)  # ... and other files
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def record_ids(self, module: str | None) -> list[str]:
        if module in (None, "se_module"):
            return [i for ids in self.records.values() for i in ids]
        return self.records.get(module or "", [])


def type_error(fld: Field, path: str) -> Expected:
    return Expected(
        "INVALID_DATA",
        INVALID_DATA,
        {"expected_data_type": fld.data_type, "api_name": fld.api_name, "json_path": path},
    )


def length_error(fld: Field, limit: int, path: str) -> Expected:
    return Expected(
        "INVALID_DATA", INVALID_DATA, {"maximum_length": limit, "api_name": fld.api_name, "json_path": path}
    )


def id_error(fld: Field, path: str) -> Expected:
    return Expected("INVALID_DATA", INVALID_ID, {"api_name": fld.api_name, "json_path": path})


def text_limit(fld: Field) -> int | None:
    if fld.data_type == "textarea" and fld.length is None:
        return {"large": 32000, "rich_text": 50000}.get(fld.textarea_type or "small", 2000)
    return fld.max_length


class RecordStrategies:
    """Strategies over one org's schema and what exists in it."""

    def __init__(self, schema: OrgSchema, pools: Pools) -> None:
        self.schema = schema
        self.pools = pools

    # -- which fields ----------------------------------------------------------------------------------------
    def writable(self, module: Module) -> list[Field]:
        return [
            f
            for f in module.fields
            if f.api_name not in SYSTEM_FIELDS
            and f.api_name not in IGNORED_KEYS
            and not (f.api_name == "Parent_Id" and module.generated_type == "subform")
            and not (f.api_name == "Parent_Id" and module.api_name == "Notes")  # ``note_parent`` gives it
            and not (f.data_type in REFERENCE_TYPES and f.data_type != "layout" and not self._targets(f))
        ]

    def _targets(self, fld: Field) -> list[str]:
        if fld.data_type in ("ownerlookup", "userlookup"):
            return self.pools.users
        return self.pools.record_ids(fld.lookup_module)

    def note_parent(self, module: Module) -> dict[str, Any]:
        """What a note needs besides its fields (zoho-v5-related.md §4.2): a parent record and its module (a Lead of
        the pools); nothing for another module, or while there is no Lead."""
        leads = self.pools.record_ids("Leads") if module.api_name == "Notes" else []
        return {"Parent_Id": {"id": leads[0]}, "$se_module": "Leads"} if leads else {}

    def mandatory(self, module: Module) -> list[Field]:
        layout = module.default_layout
        required = layout.required if layout else frozenset()
        return [
            f
            for f in module.fields
            if (f.system_mandatory or f.api_name in required)
            and f.api_name not in SYSTEM_FIELDS
            and f.api_name not in ("Owner", "Layout")
            and not (f.api_name == "Parent_Id" and module.generated_type == "subform")
            and f.data_type not in COMPUTED_TYPES
        ]

    # -- valid values ----------------------------------------------------------------------------------------
    def valid(self, module: Module, fld: Field) -> st.SearchStrategy[tuple[Any, Any]]:
        """(value sent, value a read shows, or ``...`` when the read is not compared) of a value the field takes."""
        dt_ = fld.data_type
        if fld.unique and dt_ in TEXT_TYPES:
            return st.builds(lambda: f"U{next(self.pools.counter)}").map(lambda v: (v, v))
        if dt_ in COMPUTED_TYPES or fld.read_only:
            return JSON_VALUES.map(lambda v: (v, ...))  # ignored on input
        if dt_ in TEXT_TYPES:
            limit = min(text_limit(fld) or 255, 300)
            text = some_text(limit)
            if (
                module.api_name == "Calls" and fld.api_name == "Call_Duration"
            ):  # 0 with a call type: a mismatch
                text = text.filter(lambda t: t not in ("0", "00:00"))
            return text.map(lambda v: (v, v))
        if dt_ == "email":
            return st.from_regex(r"\A[a-z0-9._%+-]{1,20}@[a-z0-9-]{1,12}\.[a-z]{2,6}\Z").map(lambda v: (v, v))
        if dt_ == "phone":
            return st.from_regex(r"\A\+?[0-9 ()-]{0,10}[0-9][0-9 x-]{0,10}\Z").map(lambda v: (v, v))
        if dt_ == "multiselectpicklist":
            return st.lists(some_text(20), max_size=4).map(lambda v: (v, list(dict.fromkeys(v))))
        if dt_ in ("integer", "bigint"):
            digits = fld.max_length or (9 if dt_ == "integer" else 18)
            bound = min(10**digits - 1, 2**31 - 1 if dt_ == "integer" else 2**63 - 1)
            shown = int if dt_ == "integer" else str
            return st.integers(-bound, bound).flatmap(
                lambda n: st.sampled_from([(n, shown(n)), (str(n), shown(n))])
            )
        if dt_ in NUMBER_TYPES:
            digits = fld.max_length or 16
            places = fld.currency_precision if dt_ == "currency" else fld.decimal_place
            if dt_ == "currency" and places is None:
                places = 2
            bound = Decimal(10) ** max(digits - 2, 1)  # a float near 10^digits may round up to it
            number = st.decimals(
                min_value=-bound, max_value=bound, allow_nan=False, allow_infinity=False, places=4
            )
            return number.flatmap(lambda d: st.sampled_from([(float(d), ...), (format(d, "f"), ...)]))
        if dt_ == "boolean":
            return st.booleans().map(lambda v: (v, v))
        if dt_ == "date":
            return st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(
                lambda d: (d.isoformat(), d.isoformat())
            )
        if dt_ == "datetime":
            return st.integers(MIN_EPOCH + 86400, MAX_EPOCH - 86400).flatmap(self._datetime)
        if dt_ in ("lookup", "ownerlookup", "userlookup"):
            return st.sampled_from(self._targets(fld)).flatmap(
                lambda i: st.sampled_from([i, int(i), {"id": i}]).map(lambda v: (v, ...))
            )
        if dt_ == "layout":
            return st.sampled_from([layout.id for layout in module.layouts]).map(lambda v: ({"id": v}, ...))
        if dt_ in JSON_TYPES:
            shape = JSON_TYPES[dt_]
            if shape == "array":
                return st.lists(JSON_VALUES, max_size=4).map(lambda v: (v, ...))
            if shape == "object":
                return st.dictionaries(some_text(6), JSON_VALUES, max_size=3).map(lambda v: (v, ...))
            return st.one_of(st.lists(JSON_VALUES, max_size=3), some_text(20)).map(lambda v: (v, ...))
        if dt_ in ROW_TYPES:
            return self.rows(fld).map(lambda v: (v, ...))
        return JSON_VALUES.filter(lambda v: isinstance(v, list | dict | str)).map(lambda v: (v, ...))

    @staticmethod
    def _datetime(epoch: int) -> st.SearchStrategy[tuple[Any, Any]]:
        def text(offset_minutes: int) -> tuple[Any, Any]:
            zone = dt.timezone(dt.timedelta(minutes=offset_minutes))
            moment = dt.datetime.fromtimestamp(epoch, zone).isoformat(timespec="seconds")
            return moment.replace("+00:00", "Z") if offset_minutes == 0 and epoch % 2 else moment, epoch

        return st.sampled_from([0, 330, -480, 840, -720]).map(text)

    def rows(self, fld: Field) -> st.SearchStrategy[list[dict[str, Any]]]:
        """Rows of a subform, multi-select or multi-user lookup, or upload, that the server takes."""
        if fld.link is not None:
            key = fld.link.connectedlookup_apiname
            pool = (
                self.pools.users
                if fld.data_type == "multiuserlookup"
                else self.pools.record_ids(fld.link.connected_module)
            )
            return (
                st.lists(st.sampled_from(pool).map(lambda i: {key: {"id": i}}), max_size=3)
                if pool
                else st.just([])
            )
        rows_module = self.schema.module(fld.associated_module or "")
        assert rows_module is not None
        if fld.data_type in ("imageupload", "fileupload"):  # files an upload returned (§6.3)
            files = self.pools.images + (self.pools.documents if fld.data_type == "fileupload" else [])
            if not files:
                return st.just([])
            return st.lists(st.sampled_from(files).map(lambda i: {"File_Id__s": i}), max_size=2)
        return st.lists(self.row(rows_module), min_size=1 if fld.system_mandatory else 0, max_size=2)

    def row(self, module: Module) -> st.SearchStrategy[dict[str, Any]]:
        fields = [f for f in self.writable(module) if f.data_type not in ROW_TYPES]
        needed = [f for f in self.mandatory(module) if f.data_type not in ROW_TYPES]
        optional = [f for f in fields if f not in needed]
        return st.fixed_dictionaries(
            {f.api_name: self.valid(module, f).map(lambda v: v[0]) for f in needed},
            optional={f.api_name: self.valid(module, f).map(lambda v: v[0]) for f in optional},
        )

    # -- invalid values ----------------------------------------------------------------------------------------
    def invalid(
        self, module: Module, fld: Field, path: str
    ) -> st.SearchStrategy[tuple[Any, Expected]] | None:
        """(value, the error it gets) for a field that refuses some values; None for one that takes anything."""
        dt_ = fld.data_type
        if dt_ in COMPUTED_TYPES or fld.read_only:
            return None
        wrong = lambda values: st.sampled_from(values).map(lambda v: (v, type_error(fld, path)))  # noqa: E731
        if dt_ in TEXT_TYPES:
            limit = text_limit(fld)
            # a number is text to a text field (its exact decimal text), and a lone surrogate is no text at all:
            # both in tests/api/test_bad_input.py; NUL is no text PostgreSQL stores
            options = [
                wrong([True, {"a": 1}, ["x"], "a\x00b"] if dt_ == "text" else [1, 2.5, False, {}, ["x"]])
            ]
            if limit is not None and limit <= 2000:
                options.append(
                    st.integers(limit + 1, limit + 20).map(
                        lambda n: ("x" * n, length_error(fld, limit, path))
                    )
                )
            return st.one_of(options)
        if dt_ == "email":
            return st.one_of(
                wrong([5, True, ["a@b.c"], "no-at-sign", "a@b", "a b@c.d", "@b.c"]),
                st.just(("a" * 95 + "@b.com", length_error(fld, fld.max_length or 100, path))),
            )
        if dt_ == "phone":
            return wrong([True, 1.5, {}, ["1"], "call me", "--", "12a34"])
        if dt_ == "multiselectpicklist":
            return wrong(["A", 1, {"a": "b"}, [1], ["a", None]])
        if dt_ in ("integer", "bigint"):
            digits = fld.max_length or (9 if dt_ == "integer" else 18)
            too_long: list[Any] = [str(-(10**digits)), 10**digits]  # beyond 64 bits too: its digits' length
            options = [
                wrong([True, 1.5, "1.5", "one", {"n": 1}, [1], " 1"]),
                st.sampled_from(too_long).map(lambda v: (v, length_error(fld, digits, path))),
            ]
            if dt_ == "bigint" and digits > 19:  # as many digits as the field takes, beyond int64
                options.append(st.just((str(2**63), type_error(fld, path))))
            return st.one_of(options)
        if dt_ in NUMBER_TYPES:
            digits = fld.max_length or 16
            return st.one_of(
                wrong([True, "1e5", "1,5", "one", {"n": 1}, [1.5], "--1"]),
                st.just((10.0 ** (digits + 1), length_error(fld, digits, path))),
                st.just((str(10**digits), length_error(fld, digits, path))),
            )
        if dt_ == "boolean":
            return wrong(["true", 1, 0, {"b": True}, ["true"], "false"])
        if dt_ == "date":
            return wrong(
                ["2024-02-30", "2024-13-01", "24-01-01", "2024/01/01", 20240101, True, "2024-01-01T00:00:00Z"]
            )
        if dt_ == "datetime":
            return wrong(
                [
                    "2024-01-01",
                    "2024-01-01T00:00:00",
                    "2024-01-01T25:00:00Z",
                    1700000000,
                    True,
                    "0001-01-01T00:00:00+14:00",
                ]
            )
        if dt_ in ("lookup", "ownerlookup", "userlookup", "layout"):
            return st.one_of(
                wrong([True, 1.5, ["1"], {"name": "x"}]),
                st.sampled_from(
                    [UNKNOWN_ID, int(UNKNOWN_ID), {"id": UNKNOWN_ID}, "abc", 0, -5, {"id": "x"}]
                ).map(lambda v: (v, id_error(fld, path))),
            )
        if dt_ in JSON_TYPES:
            shape = JSON_TYPES[dt_]
            if shape == "array":
                return wrong([{"a": 1}, "x", 5, True])
            if shape == "object":
                return wrong([["a"], "x", 5, True])
            return wrong([5, True, 1.5])
        if dt_ in ROW_TYPES:
            return st.one_of(
                wrong([{"a": 1}, "x", 5, True]),
                st.sampled_from(["x", 5, None, ["y"]]).map(
                    lambda v: (
                        [v],
                        Expected(
                            "INVALID_DATA",
                            INVALID_DATA,
                            {
                                "expected_data_type": "jsonobject",
                                "api_name": fld.api_name,
                                "json_path": f"{path}[0]",
                            },
                        ),
                    )
                ),
            )
        return None

    # -- records ----------------------------------------------------------------------------------------------
    def record(
        self, module: Module, *, update: bool = False, invalid: bool = False, focus: Field | None = None
    ) -> st.SearchStrategy[Drawn]:
        """A ``data[0]`` item: valid values for every mandatory field (insert), ``focus`` and some others; with
        ``invalid``, one field (``focus`` when it refuses some values, or an unknown key) gets a value the server
        refuses."""

        @st.composite
        def drawn(draw: st.DrawFn) -> Drawn:
            return self._draw(draw, module, update, invalid, focus)

        return drawn()

    def _draw(
        self, draw: st.DrawFn, module: Module, update: bool, invalid: bool, focus: Field | None
    ) -> Drawn:
        fields = self.writable(module)
        needed = [] if update else [f for f in self.mandatory(module) if f in fields]
        if focus is not None and focus not in needed:
            needed.append(focus)
        optional = [f for f in fields if f not in needed]
        chosen = needed + draw(st.lists(st.sampled_from(optional), max_size=8, unique=True))
        item: dict[str, Any] = {} if update else self.note_parent(module)
        check: dict[str, Any] = {}
        for fld in chosen:
            sent, shown = draw(self.valid(module, fld))
            item[fld.api_name] = sent
            if shown is not ...:
                check[fld.api_name] = shown
        if not invalid:
            return Drawn(item, None, check)
        if focus is not None and self.invalid(module, focus, "") is not None:
            target: Field | None = focus
        else:
            candidates = [f for f in fields if self.invalid(module, f, "") is not None]
            target = draw(st.sampled_from([None, *candidates]))
        item.pop(target.api_name if target else "", None)
        if target is None:  # a key the module does not have
            key = draw(
                st.from_regex(r"\A[A-Za-z][A-Za-z0-9_]{0,20}\Z").filter(
                    lambda k: k not in module.by_name and k not in IGNORED_KEYS and k not in SYSTEM_FIELDS
                )
            )
            path = f"$.data[0].{key}"
            item[key] = draw(JSON_VALUES)
            return Drawn(item, Expected("INVALID_DATA", INVALID_FIELD, {"api_name": key, "json_path": path}))
        path = f"$.data[0].{target.api_name}"
        strategy = self.invalid(module, target, path)
        assert strategy is not None
        value, expected = draw(strategy)
        item[target.api_name] = value
        return Drawn(item, expected)


def minimal_value(strategies: RecordStrategies, module: Module, fld: Field) -> Any:
    """A fixed valid value, for the records the fuzz runs start from."""
    simple: dict[str, Callable[[], Any]] = {
        "text": lambda: "Seed",
        "textarea": lambda: "Seed",
        "picklist": lambda: fld.pick_list_values[1].actual_value if len(fld.pick_list_values) > 1 else "Seed",
        "date": lambda: "2030-01-31",
        "datetime": lambda: "2030-01-31T10:00:00+05:30",
        "double": lambda: 1,
        "integer": lambda: 1,
        "email": lambda: "seed@fuzz.test",
    }
    if fld.data_type in simple:
        return simple[fld.data_type]()
    if fld.data_type in ("lookup", "ownerlookup", "userlookup"):
        targets = strategies._targets(fld)
        return {"id": targets[0]} if targets else None
    if fld.data_type == "subform":
        rows_module = strategies.schema.module(fld.associated_module or "")
        assert rows_module is not None
        row = {
            f.api_name: minimal_value(strategies, rows_module, f) for f in strategies.mandatory(rows_module)
        }
        return [row] if None not in row.values() else None
    return None
