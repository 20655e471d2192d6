"""``zcrm serve --org`` refuses an org file with an unknown data type or key before it creates anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import db_args
from zcrm.cli import main


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (
            "{api_name: A, data_type: textt}",
            "org file: modules[0].fields[1].data_type: unknown data type 'textt'",
        ),
        ("{api_name: A, data_tpye: text}", "org file: modules[0].fields[1].data_tpye: unknown key"),
    ],
)
def test_serve_refuses_a_typo_in_the_org_file(tmp_path: Path, field: str, message: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        f"modules:\n  - api_name: X\n    fields:\n      - {{api_name: Name, data_type: text}}\n      - {field}\n"
    )
    data_dir = tmp_path / "d"
    result = CliRunner().invoke(
        main, ["serve", "--data-dir", str(data_dir), *db_args(data_dir), "--org", str(bad)]
    )
    assert result.exit_code == 1
    assert f"Error: {message}\n" in result.output
    assert not (data_dir / "credentials.json").exists()
