"""``zcrm serve --org`` refuses an org file with an unknown data type or key before it creates anything. The
command runs in its own process with a timeout: a server that accepted the file would keep serving."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import db_args


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
    command = ["serve", "--port", "0", "--data-dir", str(data_dir), *db_args(data_dir), "--org", str(bad)]
    try:
        result = subprocess.run(
            [sys.executable, "-c", "import sys; from zcrm.cli import main; main(sys.argv[1:])", *command],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"zcrm serve accepted the org file and kept serving: {exc.stdout!r}") from exc
    assert result.returncode == 1
    assert f"Error: {message}\n" in result.stderr
    assert not (data_dir / "credentials.json").exists()
