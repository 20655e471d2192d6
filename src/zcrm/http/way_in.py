"""The way a request came in: to the plain port, or through zcrm's proxy for one of Zoho's hosts (docs/proxy.md).

The proxy hands each tunnelled connection to uvicorn's HTTP protocol with the Zoho host it was opened for under
``WAY_IN`` in the connection's state (``scope["state"]``); a request to the plain port has none.
"""

from __future__ import annotations

from starlette.requests import Request

WAY_IN = "zcrm.way_in"  # the Zoho host (e.g. ``accounts.zoho.eu``) a proxied connection was opened for


def zoho_host(request: Request) -> str | None:
    """The Zoho host ``request`` came through the proxy for, or None for the plain port."""
    state = request.scope.get("state") or {}
    host = state.get(WAY_IN)
    return host if isinstance(host, str) else None
