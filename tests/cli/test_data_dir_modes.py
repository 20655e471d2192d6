"""The data dir is private (700) and every file zcrm writes in it is 600 — the database with its WAL and shared
memory files, credentials.json, admin-token — whatever the umask; looser modes are tightened at start, with a note."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
from sqlalchemy import text

from tests.cli.test_serve_output import Served, serve
from tests.conftest import ON_POSTGRESQL, copy_data_dir, db_args, make_settings
from zcrm.app import create_app
from zcrm.datadir import secure
from zcrm.store import Database

ZCRM_FILES = {"credentials.json", "admin-token"} | (
    set() if ON_POSTGRESQL else {"zcrm.sqlite3", "zcrm.sqlite3-wal", "zcrm.sqlite3-shm", "zcrm.sqlite3-lock"}
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(data_dir: Path) -> dict[str, int]:
    """The mode of the data dir (key ``.``) and of every file in it."""
    return {".": mode(data_dir), **{p.name: mode(p) for p in data_dir.iterdir()}}


def private(names: set[str]) -> dict[str, int]:
    return {".": 0o700, **dict.fromkeys(names, 0o600)}


def write_something(server: Served) -> None:
    creds = server.credentials
    response = httpx.post(
        f"http://127.0.0.1:{server.port}/crm/v5/Leads",
        headers={"Authorization": f"Zoho-oauthtoken {creds['access_token']}"},
        json={"data": [{"Last_Name": "Mode", "Company": "Z"}]},
        timeout=30,
    )
    assert response.status_code == 201, response.text


def test_a_fresh_data_dir_is_private_whatever_the_umask(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh"
    server = serve(data_dir, "--port", "0", umask=0)  # files would be 666 and directories 777
    try:
        write_something(server)  # the WAL has frames: every database file exists now
        assert modes(data_dir) == private(ZCRM_FILES)
    finally:
        _, err = server.stop()
    assert "note: data dir" not in err
    assert modes(data_dir) == private(ZCRM_FILES & {n for n in os.listdir(data_dir)})


def test_looser_modes_are_tightened_at_start_with_a_note(tmp_path: Path) -> None:
    data_dir = tmp_path / "loose"
    create_app(make_settings(data_dir)).state.zcrm.db.dispose()
    os.chmod(data_dir, 0o755)
    present = sorted(p.name for p in data_dir.iterdir())
    for name in present:
        os.chmod(data_dir / name, 0o644)
    (data_dir / "notes.txt").write_text("mine")
    os.chmod(data_dir / "notes.txt", 0o644)
    server = serve(data_dir, "--port", "0")
    try:
        write_something(server)
    finally:
        _, err = server.stop()
    notes = [line for line in err.splitlines() if line.startswith("note: data dir: ")]
    absolute = data_dir.absolute()
    assert notes == [f"note: data dir: tightened {absolute} from 755 to 700"] + [
        f"note: data dir: tightened {absolute / name} from 644 to 600"
        for name in (
            "credentials.json",
            "admin-token",
            "zcrm.sqlite3",
            "zcrm.sqlite3-wal",
            "zcrm.sqlite3-shm",
            "zcrm.sqlite3-lock",
        )
        if name in present
    ]
    assert modes(data_dir) == {
        **private(set(present) | ZCRM_FILES),
        "notes.txt": 0o644,
    }  # not zcrm's: left alone


def test_commands_on_a_data_dir_make_its_files_private(tmp_path: Path, prepared_data_dir: Path) -> None:
    data_dir = tmp_path / "cli"
    copy_data_dir(
        prepared_data_dir, data_dir
    )  # the commands need an existing database (`zcrm serve` makes it)
    data_dir.chmod(0o777)
    for path in data_dir.iterdir():
        path.chmod(0o666)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "zcrm",
            "user",
            "create",
            "--data-dir",
            str(data_dir),
            *db_args(data_dir),
            "--email",
            "mode@zylker.test",
            "--last-name",
            "Mode",
        ],
        capture_output=True,
        text=True,
        umask=0,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    names = {p.name for p in data_dir.iterdir()}
    assert {"credentials.json", "admin-token"} <= names
    assert modes(data_dir) == private(names)


def test_secure_creates_an_sqlite_file_elsewhere_private(tmp_path: Path) -> None:
    elsewhere = tmp_path / "db"
    elsewhere.mkdir()
    url = f"sqlite:///{elsewhere / 'other.sqlite3'}"
    assert secure(tmp_path / "data", url) == []
    assert mode(elsewhere / "other.sqlite3") == 0o600 and mode(tmp_path / "data") == 0o700
    db = Database(url)
    try:
        with db.write() as conn:  # SQLite gives the -wal and -shm files the database file's mode
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
        assert {p.name: mode(p) for p in elsewhere.iterdir()} == {
            "other.sqlite3": 0o600,
            "other.sqlite3-wal": 0o600,
            "other.sqlite3-shm": 0o600,
        }
    finally:
        db.dispose()
    assert secure(tmp_path / "data", "postgresql://u@h/db") == []
    assert secure(tmp_path / "data", "sqlite://") == []  # in memory: no file
