"""The package: ``python -m build`` makes a wheel and an sdist without a deprecation warning (in any case), and the wheel,
installed into a new virtualenv (its dependencies from the package index), serves: ``zcrm serve --port 0`` from
that virtualenv answers ``GET /__zcrm/health`` with 200."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def _clean_env() -> dict[str, str]:
    """This environment without PYTHONPATH (which can name the source tree, whose metadata would pass for an
    installed zcrm) and ZCRM_* settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith("ZCRM_") and k != "PYTHONPATH"}


def _build(out: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    return output


def _port(log: Path, process: subprocess.Popen[bytes]) -> int:
    from zcrm.listen import LISTENING as PREFIX

    pattern = re.compile(re.escape(PREFIX) + r"http://\S+:(\d+)")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        match = pattern.search(log.read_text())
        if match:
            return int(match.group(1))
        time.sleep(0.1)
    raise AssertionError(f"no port printed: {log.read_text()}")


def test_the_wheel_installs_and_serves(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    output = _build(dist)
    assert "deprecat" not in output.lower(), output  # e.g. "`project.license` as a TOML table is deprecated"
    [wheel] = dist.glob("zcrm-*-py3-none-any.whl")
    [sdist] = dist.glob("zcrm-*.tar.gz")
    assert sdist.stat().st_size > 0

    venv = tmp_path / "venv"
    env = _clean_env()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120, env=env)
    python = venv / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr

    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(venv / "bin" / "zcrm"), "serve", "--port", "0", "--data-dir", str(tmp_path / "data")],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**env, "NO_PROXY": "127.0.0.1,localhost"},
            cwd=tmp_path,  # not the source tree: the installed package answers
        )
    try:
        port = _port(log, process)
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and status != 200:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/__zcrm/health", timeout=2).status_code
            except httpx.TransportError:
                time.sleep(0.1)
        assert status == 200, log.read_text()
        assert httpx.get(f"http://127.0.0.1:{port}/__zcrm/health").json() == {"status": "ok"}
    finally:
        process.terminate()
        process.wait(20)
    assert (
        str(venv)
        in subprocess.run(
            [str(python), "-c", "import zcrm; print(zcrm.__file__)"],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            cwd=tmp_path,
        ).stdout
    )
