"""What ``zcrm serve`` prints at start, and how it hands its bound socket to uvicorn.

The banner (stdout) says where the server listens and where its files are, never a secret unless asked
(``--show-credentials``): start-up output ends up in CI logs. Warnings (stderr): a listening address beyond
loopback, and data-dir modes that were tightened.
"""

from __future__ import annotations

import contextlib
import inspect
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import make_url

from zcrm.listen import LISTENING, Listening
from zcrm.settings import Settings

if TYPE_CHECKING:
    from zcrm.bootstrap import Credentials


def database_text(url: str) -> str:
    """A database URL as printed: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def banner(
    settings: Settings,
    listening: Listening,
    creds: Credentials,
    admin_token_file: Path,
    show_credentials: bool,
) -> list[str]:
    """The lines ``zcrm serve`` prints on stdout before serving."""
    data_dir = Path(settings.data_dir).resolve()
    credentials_file = data_dir / "credentials.json"
    lines = [
        f"zcrm {settings.base_url}",
        f"{LISTENING}{listening.describe()}",
        f"  database:         {database_text(settings.effective_database_url)}",
        f"  data dir:         {data_dir}",
        f"  org id:           {creds.org_id}",
        f"  credentials file: {credentials_file}  (client id and secret, refresh and access tokens)",
    ]
    if show_credentials:
        lines += [
            f"  client id:        {creds.client_id}",
            f"  client secret:    {creds.client_secret}",
            f"  refresh token:    {creds.refresh_token}",
            f"  access token:     {creds.access_token}",
        ]
    else:
        lines.append(
            "                    (tokens and secrets are not printed: --show-credentials prints them)"
        )
    required = "required" if settings.passwords_required else "only for users who have one"
    lines += [
        f"  admin token file: {admin_token_file}  (for POST /__zcrm/orgs)",
        f"  passwords:        {required} on the OAuth consent page (ZCRM_REQUIRE_PASSWORDS)",
        f"  try: TOKEN=$(python3 -c \"import json; print(json.load(open('{credentials_file}'))['access_token'])\")",
        f"       curl -H \"Authorization: Zoho-oauthtoken $TOKEN\" '{settings.base_url}/crm/v5/Leads?fields=Last_Name,Email'",
    ]
    return lines


def exposure_warning(settings: Settings, listening: Listening) -> str | None:
    """The warning for an address beyond loopback (None on loopback)."""
    if listening.loopback:
        return None
    text = (
        f"WARNING: zcrm listens on {listening.describe()}, not only on loopback: anyone who can reach this address"
        " can call its API with a token and open its OAuth consent page."
    )
    if settings.passwords_required:
        return text + (
            " The consent page requires passwords: users without one cannot sign in there"
            " (set one with `zcrm user set-password EMAIL`). See docs/security.md."
        )
    return text + (
        " ZCRM_REQUIRE_PASSWORDS=off: the consent page signs in users without a password, so anyone who reaches"
        " it can act as them. See docs/security.md."
    )


def run(app: Any, sock: socket.socket, settings: Settings, options: dict[str, Any]) -> None:
    """Serves ``app`` on the bound socket: in this process, or with ``settings.workers`` > 1 in uvicorn's worker
    processes, each of which builds the app with ``zcrm.app:worker_app``."""
    import uvicorn

    if settings.workers > 1:
        from uvicorn.supervisors import Multiprocess

        config = uvicorn.Config("zcrm.app:worker_app", factory=True, workers=settings.workers, **options)
        supervisor: Any = Multiprocess
        with contextlib.suppress(KeyboardInterrupt):
            if "target" in inspect.signature(Multiprocess).parameters:  # older uvicorn (0.30)
                supervisor(config, target=uvicorn.Server(config).run, sockets=[sock]).run()
            else:
                supervisor(config, sockets=[sock]).run()
        return
    server = uvicorn.Server(uvicorn.Config(app, **options))
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])
    if not server.started:
        sys.exit(3)  # uvicorn's STARTUP_FAILURE
