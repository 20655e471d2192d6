"""Webhook actions: queued with the write (nothing for a failed record or without ``workflow``), delivered by the
background worker with an HMAC signature, JSON or form bodies, retried with backoff, every attempt readable at
``GET /__zcrm/webhooks/deliveries``. A receiver started by the test answers them."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from tests.api.org_app import OrgClient, serve
from tests.api.receiver import Receiver

ORG = Path(__file__).parent.parent / "data" / "webhooks.yaml"
# the receiver's special paths: /flaky fails twice with 503 before answering 200, /down always answers 500
ANSWERS = {"/flaky": [503, 503, 200], "/down": [500]}


class Org(OrgClient):
    receiver: Receiver

    def create(self, record: dict[str, Any], **body: Any) -> str:
        response = self.call("POST", "/crm/v5/Orders", {"data": [record], **body})
        assert response.status_code == 201, response.text
        return str(response.json()["data"][0]["details"]["id"])

    def deliveries(self, **params: str) -> list[dict[str, Any]]:
        response = self.call("GET", "/__zcrm/webhooks/deliveries", params=params)
        assert response.status_code == 200, response.text
        return list(response.json()["deliveries"])

    def settled(self, count: int, timeout: float = 20) -> list[dict[str, Any]]:
        """The deliveries once ``count`` of them are delivered or failed."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.deliveries()
            if sum(d["status"] != "pending" for d in found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    receiver = Receiver(ANSWERS)
    org_file = tmp_path / "webhooks.yaml"
    org_file.write_text(ORG.read_text().replace("{port}", str(receiver.port)))
    with serve(Org, tmp_path / "hooks", org_file, webhook_backoff=0.05, webhook_attempts=4) as org:
        org.receiver = receiver
        yield org
    receiver.shutdown()


def test_json_and_form_webhooks_are_signed_and_carry_the_record(org: Org) -> None:
    rid = org.create({"Name": "Big deal", "Tags": ["a", "b"]})
    response = org.call("PUT", f"/crm/v5/Orders/{rid}", {"data": [{"Stage": "Won"}]})
    assert response.status_code == 200, response.text
    deliveries = org.settled(2)
    assert sorted((d["webhook"], d["status"], d["attempts"]) for d in deliveries) == [
        ("orders", "delivered", 1),
        ("orders_form", "delivered", 1),
    ]
    [sent] = org.receiver.at("/orders")
    body = json.loads(sent["body"])
    assert body["module"] == "Orders" and body["rule"] == "Won" and body["event"] == "edit"
    assert body["ids"] == [rid]
    record = body["record"]
    assert (record["id"], record["Name"], record["Stage"], record["Amount"], record["Tags"]) == (
        rid,
        "Big deal",
        "Won",
        100,  # the rule's field update, made before the webhook
        ["a", "b"],
    )
    expected = "sha256=" + hmac.new(b"s3cret", sent["body"], hashlib.sha256).hexdigest()
    assert sent["headers"]["X-Zcrm-Signature"] == expected
    assert sent["headers"]["Content-Type"] == "application/json"
    assert sent["headers"]["X-Zcrm-Webhook"] == "orders"
    [form] = org.receiver.at("/form")
    assert form["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    fields = parse_qs(form["body"].decode())
    assert fields["id"] == [rid] and fields["Stage"] == ["Won"] and fields["Tags"] == ["a,b"]
    assert (
        form["headers"]["X-Zcrm-Signature"]
        == "sha256=" + hmac.new(b"other", form["body"], hashlib.sha256).hexdigest()
    )
    one = next(d for d in deliveries if d["webhook"] == "orders")
    assert one["url"] == f"http://127.0.0.1:{org.receiver.port}/orders" and "secret" not in one
    assert one["body"] == sent["body"].decode()
    assert one["attempt_log"][0]["status_code"] == 200 and one["attempt_log"][0]["error"] is None


def test_failed_attempts_are_retried_with_backoff(org: Org) -> None:
    org.create({"Name": "flaky one"})
    [delivery] = org.settled(1)
    assert (delivery["status"], delivery["attempts"]) == ("delivered", 3)
    assert [a["status_code"] for a in delivery["attempt_log"]] == [503, 503, 200]
    times = [a["time"] for a in delivery["attempt_log"]]
    assert times == sorted(times)
    assert len(org.receiver.at("/flaky")) == 3


def test_a_delivery_fails_after_its_attempts(org: Org) -> None:
    org.create({"Name": "down again"})
    [delivery] = org.settled(1)
    assert (delivery["status"], delivery["attempts"]) == ("failed", 4)
    assert [a["status_code"] for a in delivery["attempt_log"]] == [500] * 4
    assert org.deliveries(status="failed") == [delivery]
    assert org.deliveries(status="delivered") == []


def test_no_webhook_without_workflow_or_for_a_failed_record(org: Org) -> None:
    org.create({"Name": "flaky but quiet"}, trigger=["approval"])
    rid = org.create({"Name": "x"})
    response = org.call("PUT", "/crm/v5/Orders", {"data": [{"id": rid, "Stage": "Won", "Name": "y" * 300}]})
    assert response.status_code == 400  # the only record failed: nothing of it is written, no webhook queued
    assert org.deliveries() == []
    assert org.receiver.requests == []


def test_deliveries_need_a_known_status(org: Org) -> None:
    response = org.call("GET", "/__zcrm/webhooks/deliveries", params={"status": "sent"})
    assert response.status_code == 400
    assert response.json()["details"] == {
        "param_name": "status",
        "supported_values": ["pending", "delivered", "failed"],
    }


def test_delete_rules_send_the_record_as_it_was_unless_wf_trigger_is_false(org: Org) -> None:
    first = org.create({"Name": "gone soon", "Amount": 5})
    second = org.create({"Name": "gone quietly"})
    assert org.call("DELETE", f"/crm/v5/Orders/{first}").status_code == 200
    assert (
        org.call("DELETE", "/crm/v5/Orders", params={"ids": second, "wf_trigger": "false"}).status_code == 200
    )
    [delivery] = org.settled(1)
    body = json.loads(delivery["body"])
    assert (body["event"], body["rule"], body["ids"]) == ("delete", "Gone", [first])
    assert (body["record"]["Name"], body["record"]["Amount"]) == ("gone soon", 5)
