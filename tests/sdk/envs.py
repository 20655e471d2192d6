"""Each official Python SDK in its own virtual environment, created on first use and cached between runs.

Several of Zoho's SDKs share a top-level package (``zcrmsdk`` for the v2 and v2.1 SDKs, ``zohocrmsdk`` for v5 to
v8), so each one gets a venv of its own under ``<this venv>/sdk-envs/`` (``make clean`` removes it with the rest of
``.venv``). A venv is built once, under a file lock (the suite runs in parallel), into a temporary directory that is
renamed into place when its install succeeded: a half-built venv is never used. The drivers run with the venv's
interpreter (``python_of``); they need only the SDK and ``requests``, which every SDK depends on.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class PythonSdk:
    """An official Python SDK: its distribution on PyPI, the version pinned here, and the API version it calls."""

    distribution: str
    version: str
    api: str  # the path segment its requests use, e.g. "v2.1"
    package: str  # the top-level package it installs

    @property
    def requirement(self) -> str:
        return f"{self.distribution}=={self.version}"


PYTHON_SDKS: dict[str, PythonSdk] = {
    sdk.api: sdk
    for sdk in (
        PythonSdk("zohocrmsdk2-0", "6.0.0", "v2", "zcrmsdk"),
        PythonSdk("zohocrmsdk2-1", "3.0.0", "v2.1", "zcrmsdk"),
        PythonSdk("zohocrmsdk5-0", "2.0.0", "v5", "zohocrmsdk"),
        PythonSdk("zohocrmsdk6-0", "8.0.0", "v6", "zohocrmsdk"),
        PythonSdk("zohocrmsdk7-0", "6.0.0", "v7", "zohocrmsdk"),
        PythonSdk("zohocrmsdk8-0", "7.0.0", "v8", "zohocrmsdk"),
    )
}


def cache_root() -> Path:
    """Where the SDK environments live: ``ZCRM_SDK_ENVS``, else ``sdk-envs`` inside the running venv."""
    configured = os.environ.get("ZCRM_SDK_ENVS")
    return Path(configured) if configured else Path(sys.prefix) / "sdk-envs"


def python_of(sdk: PythonSdk) -> Path:
    """The interpreter of ``sdk``'s venv, built (once, under a lock) when it is missing."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    home = root / f"{sdk.distribution}-{sdk.version}"
    python = home / "bin" / "python"
    if python.exists():
        return python
    with open(root / f"{home.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if python.exists():  # another worker built it while this one waited
            return python
        building = root / f"{home.name}.building"
        shutil.rmtree(building, ignore_errors=True)
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", str(building)], check=True, capture_output=True)
        install = subprocess.run(
            [
                str(building / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                sdk.requirement,
            ],
            capture_output=True,
            text=True,
        )
        if install.returncode != 0:
            shutil.rmtree(building, ignore_errors=True)
            raise RuntimeError(f"pip install {sdk.requirement} failed:\n{install.stdout}\n{install.stderr}")
        building.rename(home)  # a venv's scripts name its path: fix them after the move
        _relocate(building, home)
    return python


def _relocate(old: Path, new: Path) -> None:
    """Rewrites the venv's own path in its config and scripts after it moved from ``old`` to ``new``."""
    for path in [new / "pyvenv.cfg", *(new / "bin").iterdir()]:
        if path.is_symlink() or not path.is_file():
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        if str(old) in text:
            path.write_text(text.replace(str(old), str(new)))
