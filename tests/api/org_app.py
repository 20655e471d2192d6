"""What the automation tests share: an org served in-process from an org file, and a client for it that calls
with the org's admin token."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
from starlette.testclient import TestClient

from tests.conftest import make_settings
from zcrm.app import create_app
from zcrm.clock import Clock


class OrgClient:
    def __init__(self, client: TestClient, token: str, data_dir: Path) -> None:
        self.client, self.token, self.data_dir = client, token, data_dir

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Zoho-oauthtoken {self.token}"}
        return self.client.request(method, path, json=body, headers=headers, **kwargs)


C = TypeVar("C", bound=OrgClient)


@contextmanager
def serve(
    kind: type[C], data_dir: Path, org_file: Path, clock: Clock | None = None, **settings: Any
) -> Iterator[C]:
    """An app on ``data_dir`` created from ``org_file`` (with its lifespan running), and a ``kind`` client for it;
    ``clock`` is the server's clock (the wall clock by default)."""
    config = make_settings(data_dir, org_file=org_file, **settings)
    app = create_app(config, clock)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        yield kind(client, app.state.credentials.access_token, config.data_dir)
    app.state.zcrm.db.dispose()
