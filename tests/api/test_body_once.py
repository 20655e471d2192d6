"""A record write's body is decoded once per request, however many layers read it (API limits count its records,
fault rules match its ids, the handler writes it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Api, make_settings, sql
from zcrm import json_input
from zcrm.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """``api``'s settings here: the API limits on (they count a write's records from its body)."""
    return make_settings(tmp_path / "data", api_limits=True)


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The bodies of the requests' exact JSON decodes, in order."""
    seen: list[bytes] = []
    real = json_input.loads_exact

    def counting(raw: bytes) -> Any:
        seen.append(bytes(raw))
        return real(raw)

    monkeypatch.setattr(json_input, "loads_exact", counting)
    monkeypatch.setattr("zcrm.http.request.loads_exact", counting)
    return seen


def test_a_bulk_update_under_api_limits_decodes_its_body_once(api: Api, decodes: list[bytes]) -> None:
    ids = api.insert("Leads", {"Last_Name": "A", "Company": "C"}, {"Last_Name": "B", "Company": "C"})
    decodes.clear()
    body = {"data": [{"id": ids[0], "Last_Name": "A2"}, {"id": ids[1], "Last_Name": "B2"}]}
    raw = json.dumps(body).encode()
    response = api.put("/crm/v5/Leads", content=raw)
    assert response.status_code == 200, response.text
    assert [item["code"] for item in response.json()["data"]] == ["SUCCESS", "SUCCESS"]
    assert decodes == [raw]  # API limits counted the records from the same decode the handler wrote
    stored = sql(api, "SELECT data FROM records WHERE id IN (:a, :b) ORDER BY id", {"a": ids[0], "b": ids[1]})
    assert sorted(json.loads(row[0])["Last_Name"] for row in stored) == ["A2", "B2"]


def test_fault_rules_matching_body_ids_read_the_same_decode(api: Api, decodes: list[bytes]) -> None:
    """A fault rule matching a record id of the body fires once (``count`` 1): the first request ends with the
    fault, the second is written; each decoded its body once for the rule, API limits and the handler."""
    ids = api.insert("Leads", {"Last_Name": "A", "Company": "C"})
    rule = {"match": {"operation": "update", "record_id": ids[0]}, "effect": {"status": 500}, "count": 1}
    made = api.post("/__zcrm/faults", rule)
    assert made.status_code == 201, made.text
    decodes.clear()
    raw = json.dumps({"data": [{"id": ids[0], "Last_Name": "Again"}]}).encode()
    first = api.put("/crm/v5/Leads", content=raw)
    assert (first.status_code, first.json()) == (
        500,
        {"code": "INTERNAL_ERROR", "details": {}, "message": "Internal Server Error", "status": "error"},
    )
    assert decodes == [raw]
    stored = sql(api, "SELECT data FROM records WHERE id = :a", {"a": ids[0]})
    assert json.loads(stored[0][0])["Last_Name"] == "A"  # the fault ended it before the handler
    second = api.put("/crm/v5/Leads", content=raw)
    assert second.status_code == 200, second.text
    assert decodes == [raw, raw]  # one decode per request
    stored = sql(api, "SELECT data FROM records WHERE id = :a", {"a": ids[0]})
    assert json.loads(stored[0][0])["Last_Name"] == "Again"
