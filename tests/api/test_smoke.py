from tests.conftest import Api


def test_insert_and_read_back(api: Api) -> None:
    [lead_id] = api.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker"})
    response = api.get(f"/crm/v5/Leads/{lead_id}")
    assert response.status_code == 200
    assert response.json()["data"][0]["Last_Name"] == "Daly"
