"""The OpenAPI document describes every download as bytes (zoho-v5-related.md §5.4, §6.2): Get Files and an
attachment's download answer the file's own content, not JSON."""

from __future__ import annotations

from tests.conftest import Api


def test_downloads_are_binary_answers(api: Api) -> None:
    paths = api.client.get("/__zcrm/openapi.json").json()["paths"]
    for path in ("/crm/v5/files", "/crm/v5/{module}/{id}/Attachments/{attachment_id}"):
        answers = paths[path]["get"]["responses"]
        assert list(answers["200"]["content"]) == ["*/*"], path
        assert answers["200"]["content"]["*/*"]["schema"] == {"type": "string", "format": "binary"}, path
        assert "content" not in answers["204"], path
