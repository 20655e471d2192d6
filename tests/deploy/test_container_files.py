"""The container files (Dockerfile, .dockerignore, compose.yaml; docs/deploy.md): where a container runtime can
build (it answers and already holds the base image: this machine and CI reach package registries, not Docker Hub),
the image is built and its configuration read back; otherwise the same properties are read from the Dockerfile by a
small parser. compose.yaml is checked by its structure either way."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]
BASE_IMAGE = "python:3.11-slim"


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case: FROM, RUN, ...
    arguments: str  # the rest of the (joined) line

    def exec_form(self) -> list[str] | None:
        """The JSON-array form's items (``["a", "b"]``), or None for the shell form."""
        text = self.arguments.strip()
        if not text.startswith("["):
            return None
        value = json.loads(text)
        assert isinstance(value, list) and all(isinstance(item, str) for item in value), self
        return value


def parse_dockerfile(text: str) -> list[Instruction]:
    """The instructions of a Dockerfile: comment lines dropped, lines ending in ``\\`` joined (comments inside a
    continued instruction are dropped too, as Docker does)."""
    instructions: list[Instruction] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and not pending):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        joined = (pending + line).strip()
        pending = ""
        if not joined:
            continue
        keyword, _, arguments = joined.partition(" ")
        instructions.append(Instruction(keyword.upper(), arguments.strip()))
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


def final_stage(instructions: list[Instruction]) -> list[Instruction]:
    """The instructions of the last stage (from its FROM on)."""
    starts = [i for i, instruction in enumerate(instructions) if instruction.keyword == "FROM"]
    assert starts, "no FROM"
    return instructions[starts[-1] :]


def dockerfile() -> list[Instruction]:
    return parse_dockerfile((ROOT / "Dockerfile").read_text())


def options_and_rest(arguments: str) -> tuple[dict[str, str], str]:
    """``--name=value`` options at the start of an instruction's arguments, and the rest."""
    options: dict[str, str] = {}
    rest = arguments.strip()
    while match := re.match(r"--([a-z-]+)=(\S+)\s*", rest):
        options[match.group(1)] = match.group(2)
        rest = rest[match.end() :]
    return options, rest


# -- the properties, read from the Dockerfile ------------------------------------------------------------------


def dockerfile_properties() -> dict[str, Any]:
    stage = final_stage(dockerfile())
    users = [i.arguments for i in stage if i.keyword == "USER"]
    volumes: list[str] = []
    for instruction in stage:
        if instruction.keyword == "VOLUME":
            volumes += instruction.exec_form() or instruction.arguments.split()
    exposed = [port for i in stage if i.keyword == "EXPOSE" for port in i.arguments.split()]
    healthchecks = [i for i in stage if i.keyword == "HEALTHCHECK"]
    health: list[str] | None = None
    if healthchecks:
        _, rest = options_and_rest(healthchecks[-1].arguments)
        keyword, _, command = rest.partition(" ")
        assert keyword.upper() == "CMD", healthchecks[-1]
        health = Instruction("CMD", command).exec_form() or ["/bin/sh", "-c", command]
    env: dict[str, str] = {}
    for instruction in stage:
        if instruction.keyword == "ENV":
            for item in shlex.split(instruction.arguments):
                name, _, value = item.partition("=")
                env[name] = value
    return {
        "user": users[-1] if users else None,
        "volumes": sorted(volumes),
        "exposed": sorted(port if "/" in port else f"{port}/tcp" for port in exposed),
        "healthcheck": health,
        "env": env,
    }


# -- the same properties, read from a built image ----------------------------------------------------------------


def runtime_that_can_build() -> str | None:
    """``docker`` or ``podman`` when it answers and holds the base image already, else None (quickly)."""
    for name in ("docker", "podman"):
        if shutil.which(name) is None:
            continue
        try:
            if subprocess.run([name, "info"], capture_output=True, timeout=10).returncode != 0:
                continue
            inspect = subprocess.run([name, "image", "inspect", BASE_IMAGE], capture_output=True, timeout=10)
        except subprocess.TimeoutExpired:
            continue
        if inspect.returncode == 0:
            return name
    return None


def image_properties(runtime: str) -> dict[str, Any]:
    tag = f"zcrm-test-{uuid.uuid4().hex[:12]}"
    subprocess.run([runtime, "build", "--pull=false", "-t", tag, str(ROOT)], check=True, timeout=900)
    try:
        inspected = subprocess.run(
            [runtime, "image", "inspect", tag], check=True, capture_output=True, text=True, timeout=60
        )
    finally:
        subprocess.run([runtime, "image", "rm", "-f", tag], capture_output=True, timeout=60)
    config = json.loads(inspected.stdout)[0]["Config"]
    test = (config.get("Healthcheck") or {}).get("Test")
    return {
        "user": config.get("User") or None,
        "volumes": sorted(config.get("Volumes") or {}),
        "exposed": sorted(config.get("ExposedPorts") or {}),
        "healthcheck": test[1:] if test and test[0] == "CMD" else test,
        "env": dict(item.split("=", 1) for item in config.get("Env") or []),
    }


def test_the_image_runs_as_a_user_with_its_data_on_a_volume_and_a_health_check() -> None:
    runtime = runtime_that_can_build()
    found = image_properties(runtime) if runtime else dockerfile_properties()
    assert found["user"] not in (None, "", "root", "0", "0:0")
    assert found["volumes"] == ["/data"]
    assert found["exposed"] == ["8000/tcp"]
    assert found["env"]["ZCRM_HOST"] == "0.0.0.0"
    assert found["env"]["ZCRM_DATA_DIR"] == "/data"
    assert found["env"].get("ZCRM_PORT", "8000") == "8000"
    health = found["healthcheck"]
    assert health is not None and health[0] == "python", health
    script = " ".join(health)
    assert "urllib.request" in script and "http://127.0.0.1:8000/__zcrm/health" in script
    assert "curl" not in script and "wget" not in script


# -- the Dockerfile's own rules ------------------------------------------------------------------------------------


def test_the_parser_joins_continued_lines_and_drops_comments() -> None:
    parsed = parse_dockerfile("# c\nFROM a:1 AS b\nRUN x \\\n  # inside\n  && y\n\nUSER u\n")
    assert parsed == [
        Instruction("FROM", "a:1 AS b"),
        Instruction("RUN", "x  && y"),
        Instruction("USER", "u"),
    ]


def test_every_base_image_has_a_pinned_tag_and_the_final_stage_is_slim() -> None:
    stages: list[str] = []
    bases = []
    for instruction in dockerfile():
        if instruction.keyword != "FROM":
            continue
        _, rest = options_and_rest(instruction.arguments)
        words = rest.split()
        image = words[0]
        if image not in stages:
            bases.append(image)
            _name, _, tag = image.rpartition("/")[2].partition(":")
            assert tag and tag != "latest", f"unpinned base image {image}"
        if len(words) == 3 and words[1].upper() == "AS":
            stages.append(words[2])
    assert bases == [BASE_IMAGE, BASE_IMAGE]
    assert len(stages) == 1, "a build stage, then the image"


def test_the_build_stage_makes_a_wheel_and_the_image_installs_it() -> None:
    instructions = dockerfile()
    build = instructions[: len(instructions) - len(final_stage(instructions))]
    assert any(i.keyword == "RUN" and "python -m build --wheel" in i.arguments for i in build)
    stage = final_stage(instructions)
    copies = [i.arguments for i in stage if i.keyword == "COPY"]
    assert copies and all(c.startswith("--from=") for c in copies), "the image takes only the wheel"
    assert any(i.keyword == "RUN" and "pip install" in i.arguments and ".whl" in i.arguments for i in stage)


def test_no_add_of_a_remote_url_and_no_root_after_user() -> None:
    instructions = dockerfile()
    for instruction in instructions:
        if instruction.keyword == "ADD":
            assert not re.search(r"\b(https?|git)://|git@", instruction.arguments), instruction
    stage = final_stage(instructions)
    keywords = [i.keyword for i in stage]
    assert keywords.index("USER") < keywords.index("CMD")
    assert all(i.keyword != "RUN" for i in stage[keywords.index("USER") :]), "nothing runs as root after USER"


def test_the_build_context_holds_only_what_the_build_copies() -> None:
    lines = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()]
    rules = [line for line in lines if line and not line.startswith("#")]
    assert rules[0] == "*"
    kept = {rule[1:].rstrip("/") for rule in rules if rule.startswith("!")}
    copied = set()
    for instruction in dockerfile():
        if instruction.keyword == "COPY" and not instruction.arguments.startswith("--from="):
            copied.update(part.rstrip("/") for part in instruction.arguments.split()[:-1])
    assert copied == kept == {"pyproject.toml", "README.md", "src"}
    assert all((ROOT / name).exists() for name in kept)


# -- compose.yaml --------------------------------------------------------------------------------------------------


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def named_volumes(service: dict[str, Any]) -> dict[str, str]:
    """The service's named volumes: volume name → mount path (short syntax)."""
    mounts = {}
    for item in service.get("volumes", []):
        source, _, target = item.partition(":")
        assert not source.startswith((".", "/")), f"a bind mount, not a volume: {item}"
        mounts[source] = target.partition(":")[0]
    return mounts


def test_compose_runs_zcrm_on_postgres_once_the_database_is_healthy() -> None:
    services = compose()["services"]
    assert set(services) == {"zcrm", "db"}
    db, zcrm = services["db"], services["zcrm"]
    assert db["image"] == "postgres:16"
    assert (
        db["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL") and "pg_isready" in db["healthcheck"]["test"][1]
    )
    assert zcrm["build"] == "."
    assert zcrm["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert zcrm["ports"] == ["8000:8000"]

    url = urlsplit(zcrm["environment"]["ZCRM_DATABASE_URL"])
    assert url.scheme == "postgresql"
    assert url.hostname == "db" and (url.port or 5432) == 5432
    env = db["environment"]
    assert (url.username, url.password, url.path) == (
        env["POSTGRES_USER"],
        env["POSTGRES_PASSWORD"],
        "/" + env["POSTGRES_DB"],
    )


def test_compose_keeps_each_service_data_on_a_declared_volume() -> None:
    document = compose()
    services = document["services"]
    assert named_volumes(services["zcrm"]) == {"zcrm-data": "/data"}
    assert named_volumes(services["db"]) == {"db-data": "/var/lib/postgresql/data"}
    assert set(document["volumes"]) == {"zcrm-data", "db-data"}


def test_the_deploy_doc_shows_the_commands() -> None:
    text = (ROOT / "docs" / "deploy.md").read_text()
    assert "## Docker" in text and "## Compose (with PostgreSQL)" in text
    for command in (
        "docker build -t zcrm .",
        "docker run -p 8000:8000 -v zcrm-data:/data zcrm",
        "docker compose up",
        "/__zcrm/health",
        "credentials.json",
    ):
        assert command in text, command
