"""docs/coverage.md (zcrm.http.coverage): up to date with the route table and the official SDK; the SDK's
endpoints read statically; every endpoint zcrm does not implement answers 404 INVALID_URL_PATTERN (or 400
INVALID_REQUEST_METHOD on a path zcrm serves with other methods)."""

from __future__ import annotations

from pathlib import Path

import pytest

from zcrm.http import coverage
from zcrm.http.coverage import Endpoint, Row
from zcrm.http.routes import MATCHER, ROUTES

DOC = Path(__file__).resolve().parents[2] / "docs" / "coverage.md"
SAMPLE_ID = "4876876000000102003"


@pytest.fixture(scope="module")
def endpoints() -> list[Endpoint]:
    return coverage.catalogue(coverage.sdk_root())


@pytest.fixture(scope="module")
def table(endpoints: list[Endpoint]) -> list[Row]:
    return coverage.rows(endpoints, ROUTES, coverage.standard_modules())


def test_docs_coverage_md_is_up_to_date() -> None:
    expected = coverage.generate()
    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/coverage.md is out of date: regenerate it with `.venv/bin/python -m zcrm.http.coverage`"
    )


def test_check_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / "coverage.md"
    stale.write_text("old", encoding="utf-8")
    assert coverage.main(["--check", "--output", str(stale)]) == 1
    assert capsys.readouterr().err == f"{stale} is out of date: run .venv/bin/python -m zcrm.http.coverage\n"
    assert coverage.main(["--output", str(stale)]) == 0
    assert coverage.main(["--check", "--output", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == coverage.generate()


def test_the_catalogue_is_read_statically(endpoints: list[Endpoint]) -> None:
    assert len(endpoints) == 297
    assert Endpoint("GET", "/crm/v5/{module}/{id}", "record.get_record") in endpoints
    assert Endpoint("POST", "/crm/v5/{module}/upsert", "record.upsert_records") in endpoints
    assert Endpoint("PATCH", "/crm/v5/actions/watch", "notifications.disable_notification") in endpoints
    assert Endpoint("POST", "/crm/bulk/v5/read", "bulk_read.create_bulk_read_job") in endpoints
    # the SDK's spellings of a module parameter are one
    assert not any("{module_api_name}" in e.template or "{module_name}" in e.template for e in endpoints)


def _row(table: list[Row], method: str, template: str) -> Row:
    [row] = [r for r in table if (r.method, r.template) == (method, template)]
    return row


def test_rows_resolve_against_the_route_table(table: list[Row]) -> None:
    def served(method: str, template: str) -> str | None:
        route = _row(table, method, template).route
        return None if route is None else route.template

    assert served("PUT", "/crm/v5/{module}") == "/crm/v5/{module}"
    assert served("GET", "/crm/v5/Notes/{id}") == "/crm/v5/{module}/{id}"  # a module of the standard org
    assert served("GET", "/crm/v5/settings/fields/{field}") == "/crm/v5/settings/fields/{id}"
    assert served("GET", "/crm/v5/{module}/{record_id}/__timeline") == "/crm/v5/{module}/{id}/__timeline"
    assert served("POST", "/crm/v5/{module}/upsert") == "/crm/v5/{module}/upsert"
    assert served("GET", "/crm/v5/{module}/deleted") == "/crm/v5/{module}/deleted"
    assert served("GET", "/crm/v5/Contacts/roles") is None  # a literal never fills a record id
    assert (
        served("GET", "/crm/v5/{module}/{record_id}/{related_list_api_name}")
        == "/crm/v5/{module}/{id}/{related_list}"
    )
    assert _row(table, "GET", "/crm/v5/Entity_Scores__s").note == (
        "`Entity_Scores__s` is not a module of the standard org"
    )
    assert _row(table, "PUT", "/crm/v5/users/{user}").note == "zcrm serves GET on this path"
    merged = _row(table, "GET", "/crm/v5/{module}/{id}")
    assert merged.operations == ("record.get_record", "record.get_record_using_external_id")
    assert len(table) == len({(r.method, coverage._shape(r.template)) for r in table})


def test_unimplemented_endpoints_are_unknown_paths(table: list[Row]) -> None:
    checked = 0
    for row in table:
        if row.route is not None or not row.template.startswith("/") or "not a module" in row.note:
            continue
        if "not a related list" in row.note:  # the related-records route: 400 for an unknown list
            assert MATCHER.match(row.template.replace("{", "").replace("}", "")) is not None
            continue
        path = "/".join(
            ("Leads" if s == "{module}" else SAMPLE_ID) if s.startswith("{") else s
            for s in row.template.split("/")
        )
        found = MATCHER.match(path)
        if found is None:
            checked += 1
        else:  # a path zcrm serves with other methods: 400 INVALID_REQUEST_METHOD
            assert row.method not in found[0].operations, (row.method, path)
            assert row.note == f"zcrm serves {', '.join(found[0].operations)} on this path"
    assert checked > 150


def test_every_sdk_version_resolves_against_the_one_route_table() -> None:
    from zcrm.sdks import PYTHON_SDKS

    v8 = coverage.rows(
        coverage.catalogue(coverage.sdk_root(PYTHON_SDKS["v8"])), ROUTES, coverage.standard_modules()
    )
    v2 = coverage.rows(
        coverage.catalogue(coverage.sdk_root(PYTHON_SDKS["v2"])), ROUTES, coverage.standard_modules()
    )
    record = _row(v8, "GET", "/crm/v8/{module}/{id}")
    assert record.route is not None and record.route.template == "/crm/v5/{module}/{id}"
    assert _row(v2, "POST", "/crm/v2/{module}/upsert").route is not None
    assert _row(v8, "POST", "/crm/bulk/v8/read").route is None  # zcrm has no bulk APIs in any version
    text = DOC.read_text(encoding="utf-8")
    for sdk in PYTHON_SDKS.values():
        assert f"## {sdk.label} (`/crm/{sdk.api}`)" in text
