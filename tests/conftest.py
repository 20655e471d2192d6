"""Shared fixtures: an in-process app per test, an authorised client, and a live ``zcrm serve``."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from zcrm.app import create_app
from zcrm.bootstrap import Credentials
from zcrm.settings import Settings


@dataclass
class Api:
    """A test client for one in-process server, authorised as the default org's administrator."""

    client: TestClient
    creds: Credentials
    data_dir: Path

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Zoho-oauthtoken {self.creds.access_token}"}

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.delete(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        content = kwargs.pop("content", None)
        if content is None and body is not None:
            content = json.dumps(body)
        return self.client.post(
            path, content=content, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    def put(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        content = kwargs.pop("content", None)
        if content is None and body is not None:
            content = json.dumps(body)
        return self.client.put(
            path, content=content, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    def insert(self, module: str, *records: dict[str, Any]) -> list[str]:
        """Inserts records that must all succeed; returns their ids."""
        response = self.post(f"/crm/v5/{module}", {"data": list(records)})
        assert response.status_code == 201, response.text
        return [item["details"]["id"] for item in response.json()["data"]]


def make_settings(data_dir: Path, **changes: Any) -> Settings:
    return Settings(data_dir=data_dir, port=8000, **changes)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        yield Api(client, app.state.credentials, settings.data_dir)
    app.state.zcrm.db.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    data_dir: Path
    port: int
    process: subprocess.Popen[bytes] | None = None
    extra_args: tuple[str, ...] = ()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def credentials(self) -> dict[str, str]:
        return dict(json.loads((self.data_dir / "credentials.json").read_text()))

    def start(self) -> None:
        log = open(self.data_dir.parent / f"server-{self.port}.log", "ab")  # noqa: SIM115 - closed by the process
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "zcrm",
                "serve",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
                "--log-level",
                "warning",
                *self.extra_args,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_PROXY": "127.0.0.1,localhost"},
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"zcrm serve exited with {self.process.returncode}")
            try:
                httpx.get(f"{self.base_url}/crm/v5/org", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("zcrm serve did not start in 30 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    data_dir = tmp_path / "live-data"
    data_dir.mkdir()
    server = LiveServer(data_dir, free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


SPECIMENS = Path(__file__).parent / "data" / "specimens.yaml"


@pytest.fixture
def specimens(tmp_path: Path) -> Iterator[Api]:
    """An Api on an org built from tests/data/specimens.yaml (one field of every type family)."""
    settings = make_settings(tmp_path / "specimens", org_file=SPECIMENS)
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        yield Api(client, app.state.credentials, settings.data_dir)
    app.state.zcrm.db.dispose()
