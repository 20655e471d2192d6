"""The org file's vocabulary (``zcrm.schema.orgfile_keys``): an unknown data type or key is refused with the path of
the offending entry; every key and data type the standard org, the docs and the field engine use is known."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from zcrm.fields.coerce import _COERCERS
from zcrm.schema.orgfile import OrgFileError, normalise, read_org_file
from zcrm.schema.orgfile_keys import DATA_TYPES, FIELD_KEYS, MODULE_KEYS, ORG_KEYS, TOP_KEYS

DOC = Path(__file__).resolve().parents[2] / "docs" / "org-file.md"


def small_org() -> dict[str, Any]:
    return {
        "format": "zcrm-org/1",
        "org": {"company_name": "Typos Ltd"},
        "modules": [
            {"api_name": "Accounts", "fields": [{"api_name": "Account_Name", "data_type": "text"}]},
            {
                "api_name": "Tickets",
                "layouts": [{"name": "Standard", "required": ["Subject"]}],
                "fields": [
                    {"api_name": "Subject", "data_type": "text"},
                    {"api_name": "Notes", "data_type": "textarea"},
                    {"api_name": "Account", "data_type": "lookup", "lookup_module": "Accounts"},
                ],
            },
        ],
    }


def refusal(raw: dict[str, Any]) -> str:
    with pytest.raises(OrgFileError) as caught:
        normalise(raw)
    return str(caught.value)


def test_the_small_org_is_accepted() -> None:
    modules = {m["api_name"]: m for m in normalise(small_org())["modules"]}
    assert [f["data_type"] for f in modules["Tickets"]["fields"][:3]] == ["text", "textarea", "lookup"]


def test_an_unknown_data_type_is_refused() -> None:
    raw = small_org()
    raw["modules"][1]["fields"][1]["data_type"] = "textt"
    assert refusal(raw) == "modules[1].fields[1].data_type: unknown data type 'textt'"


def test_a_data_type_that_is_not_a_string_is_refused() -> None:
    raw = small_org()
    raw["modules"][1]["fields"][0]["data_type"] = ["text"]
    assert refusal(raw) == "modules[1].fields[0].data_type: unknown data type ['text']"


def test_a_data_type_is_matched_exactly() -> None:
    raw = small_org()
    raw["modules"][0]["fields"][0]["data_type"] = "Text"
    assert refusal(raw) == "modules[0].fields[0].data_type: unknown data type 'Text'"


def test_a_missing_data_type_is_still_reported_as_required() -> None:
    raw = small_org()
    del raw["modules"][1]["fields"][2]["data_type"]
    assert refusal(raw) == "modules.Tickets.fields[2].Account: 'data_type' is required"


@pytest.mark.parametrize(
    ("path", "key", "message"),
    [
        ((), "modles", "modles: unknown key"),
        (("org",), "company", "org.company: unknown key"),
        (("modules", 1), "plural_lable", "modules[1].plural_lable: unknown key"),
        (("modules", 1, "layouts", 0), "requried", "modules[1].layouts[0].requried: unknown key"),
        (("modules", 1, "fields", 2), "lookup_modul", "modules[1].fields[2].lookup_modul: unknown key"),
        (("modules", 0, "fields", 0), "data_tpye", "modules[0].fields[0].data_tpye: unknown key"),
    ],
)
def test_an_unknown_key_is_refused_with_its_path(path: tuple[Any, ...], key: str, message: str) -> None:
    raw = small_org()
    entry: Any = raw
    for step in path:
        entry = entry[step]
    entry[key] = "x"
    assert refusal(raw) == message


def test_a_misspelt_data_type_key_is_named_before_the_missing_data_type() -> None:
    raw = small_org()
    field = raw["modules"][1]["fields"][0]
    field["data_tpye"] = field.pop("data_type")
    assert refusal(raw) == "modules[1].fields[0].data_tpye: unknown key"


def test_the_standard_org_uses_only_known_keys_and_data_types() -> None:
    raw = read_org_file(None)
    assert set(raw) <= TOP_KEYS and set(raw["org"]) <= ORG_KEYS
    for module in raw["modules"]:
        assert set(module) <= MODULE_KEYS, module["api_name"]
        for field in module["fields"]:
            assert set(field) <= FIELD_KEYS and field["data_type"] in DATA_TYPES, field
    normalise(copy.deepcopy(raw))


def test_every_type_the_field_engine_checks_is_a_known_data_type() -> None:
    assert set(_COERCERS) <= DATA_TYPES


def test_the_documented_keys_and_data_types_are_the_known_ones() -> None:
    text = DOC.read_text()

    def table_keys(heading: str) -> set[str]:
        section = text.split(heading, 1)[1].split("\n## ", 1)[0]
        section = section.split("\n### ", 1)[0]
        names: set[str] = set()
        for line in section.splitlines():
            if line.startswith("| `"):
                names.update(re.findall(r"`([A-Za-z_]+)`", line.split("|")[1]))
        return names

    assert table_keys("\n## `org`") == set(ORG_KEYS)
    assert table_keys("\n## `modules`") == set(MODULE_KEYS)
    assert table_keys("\n## Fields") == set(FIELD_KEYS)
    assert table_keys("\n## Data types") <= set(DATA_TYPES)
