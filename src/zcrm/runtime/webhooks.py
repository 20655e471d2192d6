"""Delivering webhooks: a background thread in each server process sends the deliveries that workflow rules queued
(``service/deliveries.py``), never on a request's path.

Each delivery is a POST of its body (JSON, or a form) with ``X-Zcrm-Signature: sha256=<hex>``, the HMAC-SHA256 of
the body under the webhook's secret (left out when the secret is empty, as for Notifications API callbacks),
``X-Zcrm-Delivery`` (its id) and ``X-Zcrm-Webhook`` (its name). A 2xx answer
delivers it; anything else (another status, a timeout, a refused connection) is retried after ``backoff``,
``2 x backoff``, ``4 x backoff``… seconds until ``attempts`` attempts were made, then it is failed. Every attempt is
kept with the delivery and readable at ``GET /__zcrm/webhooks/deliveries``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from typing import Any

import httpx

from zcrm.service import deliveries
from zcrm.service.unit import Database
from zcrm.settings import Settings

log = logging.getLogger("zcrm.webhooks")
CONTENT_TYPES = {"json": "application/json", "form": "application/x-www-form-urlencoded"}


def signature(secret: str, body: bytes) -> str:
    """The ``X-Zcrm-Signature`` header value for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookDeliverer:
    def __init__(self, db: Database, settings: Settings, interval: float = 1.0) -> None:
        self.db = db
        self.attempts = settings.webhook_attempts
        self.backoff = settings.webhook_backoff
        self.timeout = settings.webhook_timeout
        self.interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="zcrm-webhooks", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._wake.set()
            self._thread.join(timeout=self.timeout + 5)
            self._thread = None

    def wake(self) -> None:
        """Something was queued: look now rather than at the next tick."""
        self._wake.set()

    def _run(self) -> None:
        client = _LazyClient(self.timeout)  # made on the first delivery: most servers send none
        try:
            while not self._stop.is_set():
                try:
                    sent = self.tick(client)
                except Exception:  # pragma: no cover - logged, retried on the next tick
                    log.exception("webhook delivery failed")
                    sent = 0
                if not sent:  # nothing was due: sleep until the next tick or a wake-up
                    self._wake.wait(self.interval)
                    self._wake.clear()
        finally:
            client.close()

    def tick(self, client: _LazyClient) -> int:
        """Sends the deliveries due now; returns how many were attempted."""
        now_ms = int(time.time() * 1000)
        claimed = deliveries.claim_due(self.db, now_ms, int((self.timeout + 5) * 1000), 20)
        for delivery in claimed:
            attempt, ok = self.send(client, delivery)
            attempts = delivery.attempts + 1
            if ok:
                status, next_ms = "delivered", 0
            elif attempts >= self.attempts:
                status, next_ms = "failed", 0
            else:
                status = "pending"
                next_ms = int(time.time() * 1000 + self.backoff * 1000 * 2 ** (attempts - 1))
            deliveries.record_attempt(self.db, delivery, attempt, status, next_ms)
        return len(claimed)

    def send(self, client: _LazyClient, delivery: deliveries.Delivery) -> tuple[dict[str, Any], bool]:
        body = delivery.body.encode()
        headers = {
            "Content-Type": CONTENT_TYPES.get(delivery.body_type, "application/json"),
            "User-Agent": "zcrm-webhooks",
            "X-Zcrm-Delivery": delivery.id,
            "X-Zcrm-Webhook": delivery.webhook,
        }
        if delivery.secret:  # notification callbacks have none: they carry the channel's token instead
            headers["X-Zcrm-Signature"] = signature(delivery.secret, body)
        started = time.time()
        attempt: dict[str, Any] = {"attempt": delivery.attempts + 1, "time": int(started)}
        try:
            response = client.get().post(delivery.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            attempt.update(status_code=None, error=f"{type(exc).__name__}: {exc}")
            ok = False
        else:
            attempt.update(status_code=response.status_code, error=None, response=response.text[:500])
            ok = 200 <= response.status_code < 300
        attempt["duration_ms"] = round((time.time() - started) * 1000, 1)
        return attempt, ok


class _LazyClient:
    """The deliverer's HTTP client, made when the first delivery is sent (making one loads the CA bundle: about
    20 ms, which every server start and stop, and every test's app, would otherwise spend)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._client: httpx.Client | None = None

    def get(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(timeout=self.timeout, follow_redirects=False)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
