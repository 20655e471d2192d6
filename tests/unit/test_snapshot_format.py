"""The snapshot format's checks and id floor (schema/snapshot.py) and seed-file reading (records/seedfile.py),
without a database."""

from __future__ import annotations

from typing import Any

import pytest

from zcrm.errors import InvalidData
from zcrm.records.seedfile import SeedFileError, batches, read_records
from zcrm.schema.model import Field, Module
from zcrm.schema.snapshot import FORMAT, TABLES, id_floor, parse

PREFIX = "1234567"


def ident(counter: int, prefix: str = PREFIX) -> str:
    return f"{prefix}{counter:012d}"


def minimal(**tables: Any) -> dict[str, Any]:
    org = {
        "id": ident(0),
        "prefix": PREFIX,
        "next_id": 10,
        "schema_version": 1,
        "info": {},
        "created_time": 0,
    }
    return {"format": FORMAT, "org": org, **tables}


def test_a_minimal_snapshot_has_every_table_empty() -> None:
    snapshot = parse(minimal())
    assert snapshot.counts() == {table: 0 for table in TABLES}
    assert snapshot.as_document(5)["exported_time"] == 5


def test_the_id_floor_skips_every_id_of_the_prefix_in_rows_and_definitions() -> None:
    module = {"id": ident(3), "seq": 0, "definition": {"workflow_rules": [{"id": ident(40)}]}}
    field = {
        "id": ident(7),
        "module_id": ident(3),
        "seq": 0,
        "definition": {"pick_list_values": [{"id": ident(55)}]},
    }
    other = {"id": ident(90, "7654321"), "module_id": ident(3), "seq": 1, "definition": {}}
    snapshot = parse(minimal(modules=[module], fields=[field, other]))
    assert id_floor(snapshot, PREFIX) == 56
    assert id_floor(snapshot, "7654321") == 91
    assert id_floor(snapshot, "1111111") == 1


@pytest.mark.parametrize(
    ("change", "path", "extra"),
    [
        ({"org": {**minimal()["org"], "id": ident(1)}}, "$.org.id", {"expected_data_type": "id"}),
        ({"org": {**minimal()["org"], "next_id": 0}}, "$.org.next_id", {}),
        ({"org": {**minimal()["org"], "info": []}}, "$.org.info", {"expected_data_type": "jsonobject"}),
        ({"sequences": [{"field_id": ident(1), "next_value": True}]}, "$.sequences[0].next_value", {"expected_data_type": "integer"}),
        ({"roles": [{"id": ident(1), "seq": 0, "definition": {}, "x": 1}]}, "$.roles[0].x", None),
    ],
)  # fmt: skip
def test_rows_are_checked(change: dict[str, Any], path: str, extra: dict[str, Any] | None) -> None:
    with pytest.raises(InvalidData) as caught:
        parse({**minimal(), **change}, "$")
    assert caught.value.details["json_path"] == path
    if extra is not None:
        assert caught.value.details == {"api_name": "snapshot", "json_path": path, **extra}


def test_references_are_checked() -> None:
    field = {"field_id": ident(9), "next_value": 1}
    with pytest.raises(InvalidData) as caught:
        parse(minimal(sequences=[field]))
    assert caught.value.message == "the snapshot refers to an id it does not hold"
    assert caught.value.details == {"api_name": "snapshot", "json_path": "$.sequences[0].field_id"}


MODULE = Module(
    id="1", api_name="Things", singular_label="Thing", plural_label="Things", generated_type="default",
    api_supported=True, scope_name="ZohoCRM.modules.custom", sequence=0, display_field=("Name",), layouts=(),
    fields=tuple(
        Field(id=str(i), api_name=name, field_label=name, data_type=kind, sequence=i)
        for i, (name, kind) in enumerate(
            [("Name", "text"), ("Flag", "boolean"), ("Tags", "multiselectpicklist"), ("Ref", "lookup"), ("Note", "textarea")]
        )
    ),
)  # fmt: skip


def test_csv_cells_follow_the_field_types() -> None:
    content = 'Name,Flag,Tags,Ref,Note,Other\nA,TRUE,x; y,"{""id"": ""5""}",[kept],v\n,,,,,\nB,no,,[bad,,\n'
    assert read_records("f.CSV", content, MODULE) == [
        {"Name": "A", "Flag": True, "Tags": ["x", "y"], "Ref": {"id": "5"}, "Note": "[kept]", "Other": "v"},
        {"Name": "B", "Flag": "no", "Ref": "[bad"},
    ]


def test_json_and_yaml_take_a_list_or_data() -> None:
    assert read_records("a.json", '{"data": [{"Name": "A"}]}', MODULE) == [{"Name": "A"}]
    assert read_records("a.yml", "- {Name: A, Day: 2024-01-02}\n", MODULE) == [
        {"Name": "A", "Day": "2024-01-02"}
    ]
    with pytest.raises(SeedFileError, match="expected a list"):
        read_records("a.yaml", "Name: A\n", MODULE)


def test_batches_of_100() -> None:
    assert [(offset, len(items)) for offset, items in batches(list(range(250)))] == [
        (0, 100),
        (100, 100),
        (200, 50),
    ]
    assert batches([]) == []
