"""Zoho's Notifications API on record writes: each write request queues one callback per channel that watches
the module and operation (see automation/notifications.py and docs/notifications.md)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from zcrm.automation import notifications as watch
from zcrm.automation.functions import AfterCommit, WebhookCall
from zcrm.records.plan import Written
from zcrm.schema.model import Module
from zcrm.store import notifications as store
from zcrm.store.webhooks import enqueue


def queue(
    conn: Connection,
    org_id: str,
    prefix: str,
    module: Module,
    operation: str,
    written: Sequence[Written],
    now: int,
    after: AfterCommit | None,
) -> None:
    """Queues, in the write's transaction, the notifications of the org's live channels that watch ``module``
    for ``operation`` (insert | update | delete) about the records ``written`` (the successful ones, in order);
    counts them on ``after.queued`` so that the deliverer is woken once the write has committed. One indexed query
    (the org's live channels) when anything was written; none otherwise."""
    if not written:
        return
    channels = watch.watching(store.live(conn, org_id, now), module.api_name, operation, now)
    if not channels:
        return
    calls = [
        WebhookCall(
            rule="notification",
            webhook=channel.channel_id,
            url=channel.notify_url,
            body_type="json",
            secret="",  # callbacks carry the channel's token, not a signature
            module=module.api_name,
            record_id=written[0][0],
            body=watch.callback_body(channel, module, operation, written, now).decode(),
        )
        for channel in channels
    ]
    enqueue(conn, org_id, prefix, now, calls)
    if after is not None:
        after.queued += len(calls)
