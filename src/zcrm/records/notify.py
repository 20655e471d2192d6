"""Zoho's Notifications API on record writes: each write request queues one callback per channel that watches
the module and operation (see automation/notifications.py and docs/notifications.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from zcrm.automation.functions import AfterCommit
from zcrm.schema.model import Module

# (record id, the fields the write changed as {api_name: [old, new]}, the record's field values after the write
# or None for a delete)
Written = tuple[str, dict[str, Any], dict[str, Any] | None]


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
    counts them on ``after.queued`` so that the deliverer is woken once the write has committed."""
    return None
