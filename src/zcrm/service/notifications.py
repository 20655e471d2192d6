"""The Notifications API's units of work: enable, replace, update and disable channels of an org, in the caller's
write transaction. Each takes the org's lock, checks and applies the items against the org's live channels
(``automation/notifications.py``, pure), saves what changed (``store/notifications.py``) and returns the
per-item results in input order; ``http/notifications.py`` renders them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from zcrm.auth.identity import Identity
from zcrm.automation import notifications as watch
from zcrm.automation.notifications import Channel
from zcrm.errors import AlreadyUsed, NotSubscribed, ZohoError
from zcrm.store import notifications as store
from zcrm.store.orgs import lock as lock_org

MESSAGE_OF = {
    "enable": watch.MSG_SUBSCRIBED,
    "replace": watch.MSG_SUBSCRIBED,
    "update": watch.MSG_UPDATED,
    "remove": watch.MSG_REMOVED,
}
Result = dict[str, Any] | ZohoError


def live(conn: Connection, org_id: str, now: int) -> list[Channel]:
    """The org's channels that have not expired by ``now`` , oldest first (for the list)."""
    return store.live(conn, org_id, now)


def apply(
    conn: Connection, ident: Identity, items: list[Any], action: str, now: int
) -> tuple[list[Result], dict[str, Channel | None]]:
    """Checks and applies the items in order against the org's live channels; returns the per-item results and
    the channels changed (None: disabled)."""
    current: dict[str, Channel | None] = {c.channel_id: c for c in store.live(conn, ident.org_id, now)}
    changed: dict[str, Channel | None] = {}
    results: list[Result] = []
    for index, raw in enumerate(items):
        item = watch.parse_item(ident.schema, index, raw, action)
        if item.error is not None:
            results.append(item.error)
            continue
        channel_id = item.channel_id
        where = {"api_name": "channel_id", "json_path": f"$.watch[{index}].channel_id"}
        existing = current.get(channel_id)
        if item.action == "enable" and existing is not None:
            results.append(AlreadyUsed(details=where))
            continue
        if item.action != "enable" and existing is None:
            results.append(NotSubscribed(details=where))
            continue
        channel = watch.build(item, now, ident.user.id, existing)
        if item.action == "remove":
            details = watch.event_details(
                ident.schema, channel, list(item.values["events"]), with_expiry=False
            )
        else:
            details = watch.event_details(ident.schema, channel, list(channel.events))
        current[channel_id] = changed[channel_id] = channel if channel.events else None
        results.append(watch.success(MESSAGE_OF[item.action], {"events": details}))
    return results, changed


def _save(conn: Connection, org_id: str, changed: dict[str, Channel | None]) -> None:
    store.remove(conn, org_id, [cid for cid, channel in changed.items() if channel is None])
    store.put(conn, org_id, [channel for channel in changed.values() if channel is not None])


def change(conn: Connection, ident: Identity, items: list[Any], action: str, now: int) -> list[Result]:
    """Enables, replaces or updates channels (``action``): under the org's lock, applied, then saved."""
    lock_org(conn, ident.org_id)
    results, changed = apply(conn, ident, items, action, now)
    _save(conn, ident.org_id, changed)
    return results


def disable(conn: Connection, ident: Identity, channel_ids: list[str], now: int) -> list[Result]:
    """Disables channels by id, under the org's lock: a result per id, ``NOT_SUBSCRIBED`` for an unknown one."""
    lock_org(conn, ident.org_id)
    live = {c.channel_id: c for c in store.live(conn, ident.org_id, now)}
    results: list[Result] = []
    for channel_id in channel_ids:
        channel = live.pop(channel_id, None)
        if channel is None:
            results.append(NotSubscribed(details={"channel_id": channel_id}))
            continue
        results.extend(watch.unsubscribed(ident.schema, channel))
        store.remove(conn, ident.org_id, [channel_id])
    return results
