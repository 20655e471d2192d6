"""Who may call the server-level control plane (``/__zcrm/orgs…``), as the route table declares it (``routes.py``):

- ``server_admin``: the server admin token only (``POST /__zcrm/orgs``, ``DELETE /__zcrm/orgs/{id}``);
- ``admin``: the server admin token, or an administrator's token of the org the path names (so that a test can
  isolate itself without the server's token).

``dispatch`` gives each such handler an ``AdminCall`` for its request; the handler runs its work through
``AdminCall.unit`` (or checks with ``AdminCall.authorise`` in a read of its own), which authorises inside the unit
of work, before the work: the one place these routes are checked. The work learns whether the caller holds the
server admin token (an import by an org administrator keeps the org's functions, …).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Connection
from starlette.requests import Request

from zcrm.auth.admin import current_hash, is_admin_token, presented_token, settled_hash
from zcrm.auth.identity import authenticate
from zcrm.errors import AuthenticationFailure, InvalidToken, NoPermission, ZohoError, invalid_id
from zcrm.fields.coerce import parse_id
from zcrm.http.state import State
from zcrm.service import orgs as org_service

T = TypeVar("T")
ORG_PATH_INDEX = 2  # /__zcrm/orgs/{org_id}/…
SERVER_ADMINISTRATOR = {"permissions": ["server_administrator"]}


@dataclass(frozen=True)
class AdminCall:
    """A request to a server-level route: its headers, the org its path names (None: ``POST /__zcrm/orgs``) and
    whether that org's own administrator may make it (the route's ``auth``)."""

    request: Request
    org_id: str | None
    org_admin: bool

    async def stored_hash(self, state: State) -> str:
        """The stored hash of the server admin token, made on first use in its own committed unit (a rejected call
        must not roll it back)."""
        data_dir = state.settings.data_dir
        return await state.unit(lambda conn, now: current_hash(conn, data_dir), write=True)

    def authorise(self, conn: Connection, state: State, stored: str, now: int) -> bool:
        """True for the server admin token (the org, when the path names one, must exist); False for an
        administrator of the named org where the route lets one in; else raises Zoho's 401 or 403."""
        header = self.request.headers.get("authorization")
        admin = self.request.headers.get("x-zcrm-admin-token")
        presented = presented_token(header, admin)
        if is_admin_token(presented, stored):
            if self.org_id is not None:
                parsed = parse_id(self.org_id)
                if parsed is None or parsed != self.org_id or not org_service.exists(conn, parsed):
                    raise invalid_id({"resource_path_index": ORG_PATH_INDEX})
            return True
        if presented is None:
            raise AuthenticationFailure()
        if admin is not None:  # a wrong server admin token
            raise InvalidToken()
        try:  # a working org token that is not the server admin token
            ident = authenticate(conn, state.schemas, header, now)
        except ZohoError:
            raise InvalidToken() from None
        if self.org_admin and ident.org_id == self.org_id:
            profile = ident.schema.profiles_by_id.get(ident.user.profile_id)
            if profile is not None and profile.admin:
                return False
            raise NoPermission("Permission denied", {"permissions": ["administrator"]})
        raise NoPermission("Permission denied", SERVER_ADMINISTRATOR)

    async def unit(
        self, state: State, work: Callable[[Connection, int, bool], T], *, write: bool = True
    ) -> T:
        """Authorises, then runs ``work(conn, now, server_admin)``, in one unit of work. The admin token's hash is
        read in that unit; only on first use (or after ``ZCRM_ADMIN_TOKEN`` changed) is it made first, in a unit
        of its own."""
        stored: str | None = None

        def run(conn: Connection, now: int) -> T | _Unsettled:
            known = stored or settled_hash(conn)
            if known is None:
                return _UNSETTLED
            return work(conn, now, self.authorise(conn, state, known, now))

        answer = await state.unit(run, write=write)
        if isinstance(answer, _Unsettled):
            stored = await self.stored_hash(state)
            answer = await state.unit(run, write=write)
            assert not isinstance(answer, _Unsettled)
        return answer


class _Unsettled:
    """The admin token's hash had to be made before the call could be checked."""


_UNSETTLED = _Unsettled()
