"""Data dirs that do not hold what a command expects (issue 17 §3): an admin command on a data dir without a zcrm
database is refused (exit 2, nothing created: only ``zcrm serve`` creates one), and ``zcrm serve --org`` on a data
dir that holds one warns that the org file is ignored."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.test_serve_output import serve
from tests.conftest import SPECIMENS, copy_data_dir, db_args
from zcrm.cli import main


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _refusal(data_dir: Path) -> str:
    text = (
        f"Error: no zcrm database in data dir {data_dir}: check --data-dir (ZCRM_DATA_DIR), or create one with "
        f"`zcrm serve --data-dir {data_dir}`\n"
    )
    if db_args(data_dir):
        text = text.replace(
            f"in data dir {data_dir}",
            f"in the database of --database-url (ZCRM_DATABASE_URL) for data dir {data_dir}",
        )
    return text


@pytest.mark.parametrize(
    "command",
    [("requests", "list"), ("clock", "show"), ("faults", "list"), ("limits", "show"), ("org", "create")],
    ids=" ".join,
)
def test_a_missing_data_dir_is_refused_and_not_created(tmp_path: Path, command: tuple[str, ...]) -> None:
    typo = tmp_path / "typo"
    code, out, err = _run(*command, "--data-dir", str(typo), *db_args(typo))
    assert (code, out, err) == (2, "", _refusal(typo))
    assert not typo.exists()


def test_a_data_dir_without_a_database_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not zcrm")
    code, out, err = _run("clock", "show", "--data-dir", str(empty), *db_args(empty))
    assert (code, out, err) == (2, "", _refusal(empty))
    assert sorted(p.name for p in empty.iterdir()) == ["notes.txt"]


def test_an_existing_data_dir_still_works(tmp_path: Path, prepared_data_dir: Path) -> None:
    data_dir = tmp_path / "d"
    copy_data_dir(prepared_data_dir, data_dir)
    code, out, err = _run("clock", "show", "--data-dir", str(data_dir), *db_args(data_dir))
    assert code == 0, err
    assert '"frozen": false' in out
    code, out, err = _run("org", "create", "--data-dir", str(data_dir), *db_args(data_dir))
    assert code == 0, err
    assert '"org_id"' in out


WARNING = "is ignored: the data dir"


def test_org_on_an_existing_data_dir_warns(tmp_path: Path, prepared_data_dir: Path) -> None:
    data_dir = tmp_path / "d"
    copy_data_dir(prepared_data_dir, data_dir)
    server = serve(data_dir, "--port", "0", "--org", str(SPECIMENS))
    _, err = server.stop()
    assert (
        f"warning: --org {SPECIMENS} is ignored: the data dir {data_dir} already holds a zcrm database (an org"
        " file is read only when the database is created; a new --data-dir starts from it)\n"
    ) in err


def test_org_on_a_new_data_dir_does_not_warn(tmp_path: Path) -> None:
    data_dir = tmp_path / "new"
    server = serve(data_dir, "--port", "0", "--org", str(SPECIMENS))
    _, err = server.stop()
    assert WARNING not in err


def test_an_existing_data_dir_without_org_does_not_warn(tmp_path: Path, prepared_data_dir: Path) -> None:
    data_dir = tmp_path / "d"
    copy_data_dir(prepared_data_dir, data_dir)
    server = serve(data_dir, "--port", "0")
    _, err = server.stop()
    assert WARNING not in err
