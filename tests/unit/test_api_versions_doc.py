"""docs/api-versions.md is rendered from zcrm/versions.py's table of differences and is current; every row of the
table names a served version and Zoho's pages."""

from __future__ import annotations

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
