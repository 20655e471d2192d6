"""The org lifecycle commands: zcrm snapshot save|load, zcrm org delete|reset|set-seed, zcrm seed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from tests.admin.test_admin_cli import Cli, Server, auth
from tests.conftest import CREDENTIAL_KEYS, SPECIMENS, copy_data_dir, make_settings, sql
from zcrm.app import create_app


@pytest.fixture
def cli(tmp_path: Path, prepared_data_dir: Path) -> Cli:
    copy_data_dir(
        prepared_data_dir, tmp_path / "d"
    )  # the commands need an existing database (`zcrm serve` makes it)
    return Cli(tmp_path / "d")


@pytest.fixture
def server(cli: Cli) -> Iterator[Server]:
    """In-process servers on the CLI's data dir (as in test_admin_cli.py)."""
    apps: list[Any] = []

    def start() -> TestClient:
        apps.append(create_app(make_settings(cli.data_dir)))
        return TestClient(apps[-1], base_url="http://127.0.0.1:8000")

    yield start
    for app in apps:
        app.state.zcrm.db.dispose()


def deal(client: TestClient, token: str) -> str:
    account = client.post("/crm/v5/Accounts", json={"data": [{"Account_Name": "Acme"}]}, headers=auth(token))
    body = {
        "Deal_Name": "Big",
        "Stage": "Qualification",
        "Closing_Date": "2024-01-01",
        "Account_Name": {"id": account.json()["data"][0]["details"]["id"]},
        "Competitors": [{"Competitor_Name": "Rival"}],
    }
    made = client.post("/crm/v5/Deals", json={"data": [body]}, headers=auth(token))
    assert made.status_code == 201, made.text
    return str(made.json()["data"][0]["details"]["id"])


def read(client: TestClient, token: str, record: str) -> Any:
    return (
        client.get(f"/crm/v5/Deals/{record}", headers=auth(token)).json(),
        client.get(f"/crm/v5/Deals/{record}/__timeline", headers=auth(token)).json(),
        client.get("/crm/v5/settings/fields", params={"module": "Deals"}, headers=auth(token)).json(),
    )


def test_snapshot_save_and_load_into_a_new_org(cli: Cli, server: Server, tmp_path: Path) -> None:
    with server() as client:
        token = cli.creds["access_token"]
        record = deal(client, token)
        before = read(client, token, record)
    file = tmp_path / "org.json"
    saved = cli.ok("snapshot", "save", str(file))
    assert saved["org_id"] == cli.creds["org_id"] and saved["saved"]["records"] == 3  # deal, account, row
    document = json.loads(file.read_text())
    assert document["format"] == "zcrm-snapshot/1" and document["org"]["id"] == cli.creds["org_id"]
    creds = cli.ok("snapshot", "load", "--new", str(file))
    assert list(creds) == CREDENTIAL_KEYS and creds["org_id"] != cli.creds["org_id"]
    with server() as client:
        assert read(client, creds["access_token"], record) == before
    # stdout and stdin
    out = cli.run("snapshot", "save", "-", "--org-id", creds["org_id"])
    assert out.exit_code == 0 and json.loads(out.output)["records"] == document["records"]


def test_snapshot_load_replaces_an_existing_org(cli: Cli, server: Server, tmp_path: Path) -> None:
    with server() as client:
        token = cli.creds["access_token"]
        record = deal(client, token)
        before = read(client, token, record)
    file = tmp_path / "org.json"
    cli.ok("snapshot", "save", str(file))
    with server() as client:
        client.put(f"/crm/v5/Deals/{record}", json={"data": [{"Deal_Name": "Changed"}]}, headers=auth(token))
        assert read(client, token, record) != before
    loaded = cli.ok("snapshot", "load", str(file))
    assert loaded["org_id"] == cli.creds["org_id"] and loaded["imported"]["records"] == 3
    with server() as client:
        assert read(client, token, record) == before


def test_snapshot_load_errors(cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "org.json"
    cli.ok("snapshot", "save", str(file))
    assert cli.run("snapshot", "load", "--new", "--org-id", "1", str(file)).exit_code == 2
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "zcrm-snapshot/9"}')
    assert (
        'INVALID_DATA: invalid data {"api_name":"format","json_path":"$.format","supported_values":["zcrm-snapshot/1"]}'
        in cli.fails("snapshot", "load", str(bad))
    )
    bad.write_text("{nope")
    assert "bad.json" in cli.fails("snapshot", "load", str(bad))
    assert "no org 1234567000000000000" in cli.fails(
        "snapshot", "load", "--org-id", "1234567000000000000", str(file)
    )
    assert "no org 1234567000000000000" in cli.fails(
        "snapshot", "save", "--org-id", "1234567000000000000", str(file)
    )


def test_org_delete_reset_and_set_seed(cli: Cli, server: Server) -> None:
    creds = cli.ok("org", "create")
    org_id, token = creds["org_id"], creds["access_token"]
    with server() as client:
        record = deal(client, token)
    reset = cli.ok("org", "reset", "--org-id", org_id)
    assert reset == {"org_id": org_id, "reset": reset["reset"]} and reset["reset"]["records"] == 0
    with server() as client:
        assert client.get(f"/crm/v5/Deals/{record}", headers=auth(token)).status_code == 204
        record = deal(client, token)
    seeded = cli.ok("org", "set-seed", "--org-id", org_id)
    assert seeded["org_id"] == org_id
    with server() as client:
        client.delete(f"/crm/v5/Deals/{record}", headers=auth(token))
    cli.ok("org", "reset", "--org-id", org_id)
    with server() as client:
        assert client.get(f"/crm/v5/Deals/{record}", headers=auth(token)).status_code == 200
    deleted = cli.ok("org", "delete", "--org-id", org_id)
    assert deleted["org_id"] == org_id and deleted["deleted"]["records"] == 3
    assert sql(cli, "SELECT COUNT(*) FROM records WHERE org_id = :org", {"org": org_id}) == [(0,)]
    assert sql(cli, "SELECT COUNT(*) FROM orgs WHERE id = :org", {"org": org_id}) == [(0,)]
    assert f"no org {org_id}" in cli.fails("org", "delete", "--org-id", org_id)
    assert "the default org cannot be deleted" in cli.fails("org", "delete", "--org-id", cli.creds["org_id"])
    assert cli.run("org", "delete").exit_code == 2  # --org-id is required
    assert cli.ok("org", "reset")["org_id"] == cli.creds["org_id"]  # the default org


# -- seed ----------------------------------------------------------------------------------------------------------
@pytest.fixture
def specimens_cli(tmp_path: Path) -> Iterator[Cli]:
    """A CLI on a data dir whose default org is tests/data/specimens.yaml."""
    data_dir = tmp_path / "specimens"
    app = create_app(make_settings(data_dir, org_file=SPECIMENS))
    app.state.zcrm.db.dispose()
    yield Cli(data_dir)


def specimens_of(cli: Cli) -> dict[str, dict[str, Any]]:
    rows = sql(
        cli,
        "SELECT r.id, r.data, r.created_by FROM records r JOIN modules m ON m.id = r.module_id AND m.org_id = r.org_id"
        ' WHERE r.org_id = :org AND r.parent_id IS NULL AND m.definition LIKE \'%"api_name":"Specimens"%\'',
        {"org": cli.creds["org_id"]},
    )
    return {json.loads(data)["Name"]: {**json.loads(data), "$created_by": by} for _, data, by in rows}


def test_seed_json_in_batches_of_100_with_the_insert_api_checks(specimens_cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "many.json"
    file.write_text(json.dumps([{"Name": f"S{i}", "Code": f"C{i}", "Count": i} for i in range(250)]))
    result = specimens_cli.ok("seed", str(file), "--module", "specimens")
    assert result == {
        "org_id": specimens_cli.creds["org_id"], "module": "Specimens", "inserted": 250, "failed": 0, "errors": [],
    }  # fmt: skip
    stored = specimens_of(specimens_cli)
    assert len(stored) == 250 and stored["S249"]["Count"] == 249
    assert sorted(int(r["Number"][3:]) for r in stored.values()) == list(range(100, 350))  # autonumbers
    changes = sql(
        specimens_cli,
        "SELECT COUNT(*) FROM changes WHERE org_id = :org",
        {"org": specimens_cli.creds["org_id"]},
    )
    assert changes == [(250,)]  # one change row per record: the timeline has them


def test_seed_yaml_and_csv_as_a_named_user_with_row_errors(specimens_cli: Cli, tmp_path: Path) -> None:
    target = specimens_cli.ok(
        "seed", str(write(tmp_path / "t.yaml", {"data": [{"Name": "T1"}]})), "--module", "Targets"
    )
    assert target["inserted"] == 1
    target_id = sql(specimens_cli, "SELECT id FROM records WHERE data LIKE '%T1%'")[0][0]
    yml = write(tmp_path / "s.yml", [{"Name": "Y1", "Code": "Y1", "Day": "2024-05-01", "Flag": True}])
    csv_file = tmp_path / "s.csv"
    csv_file.write_text(
        "Name,Code,Flag,Tags_Multi,Count,Target,Parts\n"
        f'C1,C1,true,A;B,7,"{{""id"": ""{target_id}""}}","[{{""Part_Name"": ""p""}}]"\n'
        "C2,y1,FALSE,,,,\n"  # a taken unique value
        ",C3,,,,,\n"  # the mandatory name missing
        "C4,C4,maybe,,x,,\n"  # not a boolean
    )
    result = specimens_cli.run(
        "seed", str(yml), str(csv_file), "--module", "Specimens", "--as", "ada@specimen.test"
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert (report["inserted"], report["failed"]) == (2, 3)
    assert [(e["file"], e["row"], e["code"]) for e in report["errors"]] == [
        (str(csv_file), 2, "DUPLICATE_DATA"),
        (str(csv_file), 3, "MANDATORY_NOT_FOUND"),
        (str(csv_file), 4, "INVALID_DATA"),
    ]
    assert report["errors"][1]["details"] == {
        "api_name": "Name",
        "json_path": "$.data[2].Name",
    }  # its index in its batch
    stored = specimens_of(specimens_cli)
    assert set(stored) == {"Y1", "C1"}
    assert stored["Y1"]["Day"] == "2024-05-01" and stored["Y1"]["Flag"] is True
    assert (
        stored["C1"]["Flag"] is True
        and stored["C1"]["Tags_Multi"] == ["A", "B"]
        and stored["C1"]["Count"] == 7
    )
    assert stored["C1"]["Target"] == target_id
    ada = sql(specimens_cli, "SELECT id FROM users WHERE email = 'ada@specimen.test'")[0][0]
    assert stored["C1"]["$created_by"] == ada
    parts = sql(
        specimens_cli, "SELECT data FROM records WHERE parent_id = :p", {"p": _id_of(specimens_cli, "C1")}
    )
    assert [json.loads(d)["Part_Name"] for (d,) in parts] == ["p"]


def _id_of(cli: Cli, name: str) -> str:
    return str(
        sql(cli, "SELECT id FROM records WHERE data LIKE :n AND parent_id IS NULL", {"n": f'%"{name}"%'})[0][
            0
        ]
    )


def write(path: Path, value: Any) -> Path:
    path.write_text(yaml.safe_dump(value))
    return path


def test_seed_file_and_option_errors(specimens_cli: Cli, tmp_path: Path) -> None:
    good = tmp_path / "ok.json"
    good.write_text("[]")
    for name, text, message in (
        ("a.txt", "[]", "unknown file type: expected one of .json, .yaml, .yml, .csv"),
        ("b.json", "{nope", "not JSON"),
        ("c.json", '{"records": []}', 'expected a list of records or {"data": [...]}'),
        ("d.yaml", "a: [", "not YAML"),
        ("e.csv", "", "a header row of field API names is required"),
        ("f.csv", "Name\nA,B\n", "line 2: 2 cells, the header names 1"),
    ):
        path = tmp_path / name
        path.write_text(text)
        assert message in specimens_cli.fails("seed", str(path), "--module", "Specimens"), name
    assert "INVALID_MODULE" in specimens_cli.fails("seed", str(good), "--module", "Nope")
    assert "no user nobody@x.test" in specimens_cli.fails(
        "seed", str(good), "--module", "Targets", "--as", "nobody@x.test"
    )
    assert "is inactive" in specimens_cli.fails(
        "seed", str(good), "--module", "Targets", "--as", "ina@specimen.test"
    )
    assert specimens_cli.ok("seed", str(good), "--module", "Targets")["inserted"] == 0


def test_seed_shows_a_progress_bar_when_asked(specimens_cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "t.json"
    file.write_text(json.dumps([{"Name": f"T{i}"} for i in range(150)]))
    result = specimens_cli.run("seed", str(file), "--module", "Targets", "--progress")
    assert result.exit_code == 0 and "seeding Targets" in result.output
    assert json.loads(result.output[result.output.index("{") :])["inserted"] == 150
    quiet = specimens_cli.run("seed", str(file), "--module", "Targets")  # not a terminal: no bar
    assert quiet.exit_code == 0 and json.loads(quiet.output)["inserted"] == 150
