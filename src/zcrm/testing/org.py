"""``ZcrmOrg``: one org of a zcrm (live or in-process) with its credentials and an authorised client."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from zcrm.client import AsyncClient, Client, Credentials


@dataclass
class ZcrmOrg:
    """An org's administrator ``credentials`` (the keys of ``credentials.json``), a blocking ``client`` for them,
    and, for an in-process app, the ``transport`` that reaches it (``None`` for a live server)."""

    credentials: Credentials
    client: Client
    transport: httpx.AsyncBaseTransport | None = field(default=None, repr=False)

    @property
    def org_id(self) -> str:
        return self.credentials.org_id

    @property
    def user_id(self) -> str:
        return self.credentials.user_id

    @property
    def base_url(self) -> str:
        return self.credentials.base_url

    def async_client(self) -> AsyncClient:
        """An ``AsyncClient`` for this org (through the app's ``httpx.ASGITransport`` in-process); use it as
        ``async with org.async_client() as client:``."""
        return AsyncClient(self.credentials.base_url, self.credentials.access_token, transport=self.transport)

    def configure_sdk(self, work_dir: str | Path, **options: Any) -> None:
        """Points Zoho's official SDK at this org (``zcrm.testing.configure_sdk``; a live server only)."""
        from zcrm.testing.sdk import configure_sdk

        configure_sdk(self.credentials, work_dir, **options)
