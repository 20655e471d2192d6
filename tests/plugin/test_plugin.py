"""The pytest plugin (``zcrm.pytest_plugin``) as users get it: pytest runs the sample project of
examples/pytest_project in a subprocess, with pytest-xdist, and every test passes without interference."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from tests.conftest import ON_POSTGRESQL, database_url, sql

SAMPLE = Path(__file__).parents[2] / "examples" / "pytest_project"
INI = """[pytest]
filterwarnings =
    error
    ignore::DeprecationWarning:zohocrmsdk.*
    ignore::ResourceWarning
"""
SAMPLE_TESTS = 10
ORGS_LEFT_BY_SAMPLE = 2  # test_the_server_hands_out_isolated_orgs makes two and leaves them


def run_pytest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--basetemp", str(project / "tmp"), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def copy_sample(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    (project / "pytest.ini").write_text(INI)
    return project


def database_option(tmp_path: Path) -> list[str]:
    url = database_url(tmp_path / "plugin-db")
    return ["--zcrm-database-url", url] if url else []


def org_count(target: Path) -> int:
    return int(sql(target, "SELECT count(*) FROM orgs")[0][0])


def test_the_plugin_is_a_pytest11_entry_point() -> None:
    plugins = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert plugins["zcrm"] == "zcrm.pytest_plugin"


def test_sample_project_passes_on_two_workers(tmp_path: Path) -> None:
    project = copy_sample(tmp_path)
    result = run_pytest(project, "-n", "2", "-v", *database_option(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(rf"\b{SAMPLE_TESTS} passed\b", result.stdout), result.stdout
    assert not re.search(r"skipped|failed|error|warning", result.stdout.splitlines()[-1]), result.stdout
    workers = set(re.findall(r"\[(gw\d)\] \[\s*\d+%\] PASSED", result.stdout))
    assert workers == {"gw0", "gw1"}, result.stdout

    # each worker had a server of its own; zcrm_org deleted every org it made after its test
    servers = sorted(p for p in (project / "tmp").glob("popen-gw*/zcrm-server-gw*") if not p.is_symlink())
    assert [p.parent.name for p in servers] == ["popen-gw0", "popen-gw1"]
    if ON_POSTGRESQL:  # both servers and the apps on one database: one default org, and the app's new_org()
        assert org_count(tmp_path / "plugin-db") == 1 + ORGS_LEFT_BY_SAMPLE + 1
    else:
        assert sum(org_count(path) for path in servers) == 2 + ORGS_LEFT_BY_SAMPLE


OPTION_TESTS = """
import pytest
from zcrm.testing import ZcrmApp, ZcrmOrg, ZcrmServer

KEPT = []


def custom_modules(client):
    return [m["api_name"] for m in client.modules().body["modules"] if m["generated_type"] == "custom"]


def test_default_org_from_the_ini_org_file(zcrm_server: ZcrmServer) -> None:
    with zcrm_server.client() as client:
        assert custom_modules(client) == ["Tickets"]


def test_zcrm_org_from_the_ini_org_file(zcrm_org: ZcrmOrg) -> None:
    assert custom_modules(zcrm_org.client) == ["Tickets"]
    KEPT.append(zcrm_org.credentials)


@pytest.mark.zcrm_org_file({"modules": [{"api_name": "Boats", "fields": [{"api_name": "Name", "data_type": "text"}]}]})
def test_marker_with_a_definition(zcrm_org: ZcrmOrg) -> None:
    assert custom_modules(zcrm_org.client) == ["Boats"]


@pytest.mark.parametrize("zcrm_org", ["standard.json"], indirect=True)
def test_indirect_parameter(zcrm_org: ZcrmOrg) -> None:
    assert "Tickets" not in custom_modules(zcrm_org.client)
    assert zcrm_org.client.get_records("Leads", "Last_Name").status_code == 204


def test_kept_orgs_still_answer(zcrm_server: ZcrmServer) -> None:
    [kept] = KEPT
    with zcrm_server.client(kept) as client:
        assert client.org().body["org"][0]["id"] == kept.org_id


def test_app_uses_the_ini_org_file(zcrm_app: ZcrmApp) -> None:
    assert custom_modules(zcrm_app.client) == ["Tickets"]


@pytest.mark.zcrm_org_file("a.yaml", "b.yaml")
def test_marker_takes_one_argument(zcrm_org: ZcrmOrg) -> None:
    pass
"""


def test_options_ini_keys_marker_and_parameters(tmp_path: Path) -> None:
    project = copy_sample(tmp_path)
    (project / "test_with_zcrm.py").unlink()
    (project / "pytest.ini").write_text(INI + "zcrm_org_file = tickets.yaml\n")
    standard = Path(__file__).parents[2] / "src" / "zcrm" / "schema" / "standard" / "org.json"
    shutil.copy(standard, project / "standard.json")
    (project / "test_options.py").write_text(OPTION_TESTS)
    result = run_pytest(project, "-p", "no:randomly", "-rA", "--zcrm-keep-orgs", *database_option(tmp_path))
    summary = result.stdout.splitlines()[-1]
    assert re.search(r"\b6 passed, 1 error\b", summary), result.stdout + result.stderr
    assert "ERROR test_options.py::test_marker_takes_one_argument" in result.stdout
    assert "@pytest.mark.zcrm_org_file takes one argument: a path or an org definition" in result.stdout
