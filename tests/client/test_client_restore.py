"""zcrm.client: ``restore_record`` (``POST /__zcrm/records/{module}/{id}/restore``), sync and async, against the
in-process app (zcrm.testing.ZcrmApp)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import make_settings
from zcrm.client import Response
from zcrm.testing import ZcrmApp


@pytest.fixture
def app(tmp_path: Path) -> Iterator[ZcrmApp]:
    with ZcrmApp(make_settings(tmp_path / "data")) as zcrm:
        yield zcrm


def test_restore_record_sync_and_async(app: ZcrmApp) -> None:
    client = app.client
    made = client.insert_records(
        "Leads", [{"Last_Name": "Boyle", "Company": "Z"}, {"Last_Name": "Kay", "Company": "Z"}]
    )
    first, second = (item["details"]["id"] for item in made.body["data"])
    assert client.delete_records("Leads", [first, second]).status_code == 200

    back = client.restore_record("Leads", first)
    assert (back.status_code, back.body["code"], back.body["details"]["id"]) == (200, "SUCCESS", first)
    again = client.restore_record("Leads", first)
    assert (again.status_code, again.body["code"]) == (400, "INVALID_DATA")

    async def scenario() -> Response:
        async with app.async_client() as aclient:
            return await aclient.restore_record("Leads", int(second))

    done = asyncio.run(scenario())
    assert (done.status_code, done.body["details"]["id"]) == (200, second)
    assert client.get_record("Leads", second).status_code == 200
