"""The sharing org (tests/data/sharing.yaml) served in process, with a token for every user and every scope set a
test asks for: record sharing and scope tests of Search and COQL."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from starlette.testclient import TestClient

from tests.conftest import make_settings
from zcrm.app import create_app

SHARING = Path(__file__).parent.parent / "data" / "sharing.yaml"


@contextmanager
def sharing_org(
    data_dir: Path, scope_sets: Sequence[str], org_file: Path = SHARING
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A client of the sharing org (or another org file) and its tokens, keyed ``"<user> <scopes>"`` (the user:
    their email's local part)."""
    app = create_app(make_settings(data_dir, org_file=org_file))
    state, creds = app.state.zcrm, app.state.credentials
    tokens: dict[str, str] = {}
    with state.db.write() as conn:
        now = state.clock.now()
        for user_id, email in conn.execute(
            text("SELECT id, email FROM users WHERE org_id = :o"), {"o": creds.org_id}
        ):
            for scopes in scope_sets:
                tokens[f"{email.split('@')[0]} {scopes}"] = state.oauth.issue_access_token(
                    conn, None, creds.client_id, creds.org_id, user_id, scopes, now
                )
    try:
        with TestClient(app, base_url="http://127.0.0.1:8000") as client:
            yield client, tokens
    finally:
        state.db.dispose()


def as_user(
    client: TestClient, tokens: dict[str, str], user: str, scopes: str, method: str, path: str, **kwargs: Any
) -> httpx.Response:
    """A request by ``user`` with their token for ``scopes`` (one of ``sharing_org``'s ``tokens``)."""
    headers = {"Authorization": f"Zoho-oauthtoken {tokens[f'{user} {scopes}']}"}
    return client.request(method, path, headers=headers, **kwargs)
