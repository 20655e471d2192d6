"""Each official Node SDK in its own npm project, created on first use and cached between runs.

Like ``envs.py`` for the Python SDKs: a project lives under ``<this venv>/sdk-envs/node-<package>-<version>``
(``ZCRM_SDK_ENVS`` moves the root), built once, under a file lock (the suite runs in parallel), into a temporary
directory renamed into place when ``npm install --no-audit --no-fund`` succeeded, so a half-built project is never
used; after that no test touches the registry. The pins are data in ``zcrm/sdks.py`` (``NODE_SDKS``); the
TypeScript SDK's project also holds the pinned ``typescript`` and ``@types/node`` its driver is compiled with.

The drivers (``tests/sdk/node/``) are copied into the project, under a directory named after a hash of their
sources (``drivers-<hash>``), so that ``import "@zohocrm/..."`` resolves as in a user's project; the TypeScript
driver is compiled there by ``tsc`` once per version of the sources. ``driver_command`` is what runs one;
``run_flows`` runs the flows driver and reads its report; ``QUAY_LOFTS`` is the deal that outlives the flows, as
``stored`` reads it back over plain HTTP.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.sdk.live import report_of_run
from zcrm.sdks import NODE_SDKS, NodeSdk, cache_root

__all__ = ["NODE_SDKS", "NodeSdk", "driver_command", "global_agent", "run_flows"]

SOURCES = Path(__file__).with_name("node")


def _home(sdk: NodeSdk) -> str:
    tools = hashlib.sha256("\0".join(sdk.tools).encode()).hexdigest()[:8]  # a project per set of tools
    return f"node-{sdk.package.replace('@', '').replace('/', '+')}-{sdk.version}-{tools}"


def global_agent(name: str) -> str:
    """The path of global-agent's bootstrap in SDK ``name``'s project: ``node --require`` it, with
    ``GLOBAL_AGENT_HTTP_PROXY`` set, to send every request of the process through a proxy."""
    return str(project_of(NODE_SDKS[name]) / "node_modules" / "global-agent" / "bootstrap.js")


def _locked(root: Path, name: str) -> Path:
    return root / f"{name}.lock"


def project_of(sdk: NodeSdk) -> Path:
    """``sdk``'s npm project (a directory holding ``node_modules``), built (once, under a lock) when missing."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    home = root / _home(sdk)
    if (home / "node_modules").is_dir():
        return home
    with open(_locked(root, _home(sdk)), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (home / "node_modules").is_dir():  # another worker built it while this one waited
            return home
        building = root / f"{_home(sdk)}.building"
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir()
        (building / "package.json").write_text(json.dumps({"name": "zcrm-sdk-driver", "private": True}))
        install = subprocess.run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--save-exact",
                f"{sdk.package}@{sdk.version}",
                *sdk.tools,
            ],
            cwd=building,
            capture_output=True,
            text=True,
        )
        if install.returncode != 0:
            shutil.rmtree(building, ignore_errors=True)
            raise RuntimeError(
                f"npm install {sdk.package}@{sdk.version} failed:\n{install.stdout}\n{install.stderr}"
            )
        building.rename(home)
    return home


def _sources_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(SOURCES.iterdir()):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def drivers_of(sdk: NodeSdk) -> Path:
    """The drivers copied into ``sdk``'s project (and compiled, for TypeScript), once per version of their sources."""
    project = project_of(sdk)
    name = f"drivers-{_sources_hash()}"
    ready = project / name
    if (ready / ".ready").exists():
        return ready
    with open(_locked(project.parent, f"{_home(sdk)}-{name}"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (ready / ".ready").exists():
            return ready
        shutil.rmtree(ready, ignore_errors=True)
        shutil.copytree(SOURCES, ready)
        if sdk.typescript:
            tsc = subprocess.run(
                ["node", str(project / "node_modules" / "typescript" / "bin" / "tsc"), "-p", "tsconfig.json"],
                cwd=ready,
                capture_output=True,
                text=True,
            )
            if tsc.returncode != 0:
                shutil.rmtree(ready, ignore_errors=True)
                raise RuntimeError(f"tsc failed:\n{tsc.stdout}\n{tsc.stderr}")
        (ready / ".ready").touch()
    return ready


def driver_command(sdk: NodeSdk) -> list[str]:
    """The command that runs ``sdk``'s flows driver (its arguments follow: CREDENTIALS_JSON WORK_DIR ARGS_JSON)."""
    drivers = drivers_of(sdk)
    script = drivers / "build" / "flows_driver.js" if sdk.typescript else drivers / "flows_driver.mjs"
    return ["node", str(script)]


def run_flows(
    name: str, credentials: Path, work: Path, args: dict[str, Any], env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Runs SDK ``name``'s flows driver (in UTC, so that dates are what the driver wrote) against the server of
    ``credentials``; its report, which must say ``ok``, with each logged body parsed (``json``, ``response``)."""
    work.mkdir(parents=True)
    command = [*driver_command(NODE_SDKS[name]), str(credentials), str(work), json.dumps(args)]
    report = report_of_run(command, work, cwd=work, env={"TZ": "UTC", **(env or {})})
    for entry in report["wire"]:
        if "body_text" in entry:
            entry["json"] = json.loads(entry.pop("body_text"))
        text = entry.pop("response_text", "")
        if text and "json" in (entry.get("response_type") or ""):
            entry["response"] = json.loads(text)
    return report


# The second deal the flows driver makes, as the flows leave it (its id aside).
QUAY_LOFTS = {
    "Deal_Name": "Quay Lofts",
    "Stage": "Needs Analysis",
    "Amount": 5000.5,
    "Foreign_Languages": ["Spanish", "Hindi"],
}


def stored(answer: Any) -> dict[str, Any]:
    """The one record of a plain HTTP read (``answer``: an ``httpx.Response``), without its ``$`` keys."""
    [record] = answer.json()["data"]
    return {k: v for k, v in record.items() if not k.startswith("$")}
