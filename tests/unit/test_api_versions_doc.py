"""docs/api-versions.md is rendered from zcrm/versions.py's table of differences and is current; every row of the
table names a served version and Zoho's pages."""

from __future__ import annotations

import ast
from pathlib import Path

from zcrm import versions_doc
from zcrm.versions import BY_NAME, DIFFERENCES, VERSIONS

ROOT = Path(__file__).resolve().parents[2]


def test_the_doc_is_current() -> None:
    current = (ROOT / "docs" / "api-versions.md").read_text(encoding="utf-8")
    assert current == versions_doc.render(), "run: .venv/bin/python -m zcrm.versions_doc"


def test_every_row_names_a_served_version_after_the_first_and_zohos_pages() -> None:
    assert len({d.id for d in DIFFERENCES}) == len(DIFFERENCES)
    for d in DIFFERENCES:
        assert d.since in BY_NAME and d.since != VERSIONS[0].name, d.id
        assert d.sources and all(
            s.startswith(("https://www.zoho.com/", "https://github.com/zoho/")) for s in d.sources
        ), d.id
        assert d.what and d.before and d.after and d.zcrm and d.api, d.id
        if d.kind:  # a served row: code reads its two values
            assert d.value_before is not None and d.value_after is not None, d.id
            assert d.value_before != d.value_after, d.id


def test_every_row_is_in_the_doc_with_its_sources() -> None:
    text = versions_doc.render()
    for d in DIFFERENCES:
        assert f"### `{d.id}`" in text
        for source in d.sources:
            assert f"<{source}>" in text


def test_check_fails_on_a_stale_doc(tmp_path: Path) -> None:
    stale = tmp_path / "api-versions.md"
    stale.write_text("old\n", encoding="utf-8")
    assert versions_doc.main(["--check", "--output", str(stale)]) == 1
    assert versions_doc.main(["--output", str(stale)]) == 0
    assert versions_doc.main(["--check", "--output", str(stale)]) == 0


# each row of the table and the test that shows zcrm's behaviour for it, before and after its version
ROW_TESTS = {
    "list-fields": "api/test_api_versions.py::test_a_list_without_fields_answers_every_field_before_v5_and_is_refused_from_v5",
    "modules-status": "api/test_api_versions.py::test_module_visibility_keys_follow_the_version",
    "modules-v6-keys": "api/test_api_versions.py::test_the_keys_v6_removed_are_answered_before_v6_only",
    "modules-recycle-bin": "api/test_api_versions.py::test_the_keys_v6_removed_are_answered_before_v6_only",
    "activities-module": "api/test_api_versions.py::test_activities_is_an_unknown_module_in_every_version",
    "leads-converted-lookups": "api/test_api_versions.py::test_the_leads_fields_metadata_has_the_converted_fields_of_its_version",
    "leads-converted-field": "api/test_api_versions.py::test_a_lead_read_through_a_version_has_the_converted_fields_of_that_version",
    "record-status-field": "api/test_api_versions.py::test_record_status_is_a_field_from_v6",
    "timeline-api": "api/test_api_versions.py::test_the_timeline_is_an_unknown_path_before_v5",
    "coql-limit": "api/test_api_versions.py::test_the_largest_coql_limit_is_200_before_v4_and_2000_from_v4",
    "coql-reach": "api/test_api_versions.py::test_coql_reaches_10000_records_before_v7_and_100000_from_v7",
    "field-module-refs": "api/test_metadata_versions.py::test_before_v3_field_metadata_names_modules_by_api_name",
    "field-subform-key": "api/test_metadata_versions.py::test_before_v3_field_metadata_names_modules_by_api_name",
    "picklist-forecast-category": "api/test_metadata_versions.py::test_from_v3_field_metadata_has_module_objects",
    "id-field": "api/test_metadata_versions.py::test_before_v4_the_id_field_cannot_be_read_by_its_id",
    "linking-details": "api/test_link_metadata_versions.py::test_from_v8_the_linking_module_is_in_linking_details",
}


def test_every_row_has_a_test() -> None:
    tests = Path(__file__).resolve().parents[1]
    assert set(ROW_TESTS) == {d.id for d in DIFFERENCES}
    for row, where in ROW_TESTS.items():
        file, _, name = where.partition("::")
        tree = ast.parse((tests / file).read_text(encoding="utf-8"))
        assert any(isinstance(n, ast.FunctionDef) and n.name == name for n in tree.body), (row, where)
