"""What the Notes tests share (tests/api/test_notes.py, test_notes_routes.py): two leads and a contact, a note
added under a record, a note read back."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api

FIELDS = "Note_Title,Note_Content,Parent_Id"


@pytest.fixture
def world(api: Api) -> dict[str, str]:
    lead, other = api.insert(
        "Leads", {"Last_Name": "Daly", "Company": "Z"}, {"Last_Name": "Boyle", "Company": "Y"}
    )
    (contact,) = api.insert("Contacts", {"Last_Name": "Paul"})
    return {"lead": lead, "other": other, "contact": contact}


def note(api: Api, parent: str, module: str = "Leads", **values: Any) -> str:
    body = {"Note_Content": "text", **values}
    response = api.post(f"/crm/v5/{module}/{parent}/Notes", {"data": [body]})
    assert response.status_code == 201, response.text
    return str(response.json()["data"][0]["details"]["id"])


def read(api: Api, note_id: str) -> dict[str, Any]:
    response = api.get(f"/crm/v5/Notes/{note_id}", params={"fields": FIELDS})
    assert response.status_code == 200, response.text
    return {k: v for k, v in response.json()["data"][0].items() if k in (*FIELDS.split(","), "$se_module")}
