"""Large answers pass through the layers that hold answers back (``middleware/answer.Recorded``: request log, API
limits) instead of being held whole: a streamed download arrives byte-identical, the layers' early step runs once
the first 64 KiB are there, and the request log keeps no more than its cap (the issue's "Where the bytes live")."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient
from starlette.types import Message

from tests.conftest import make_settings
from zcrm.app import create_app
from zcrm.http.middleware.answer import HOLD_BYTES, Recorded

MB = 1024 * 1024


def test_a_large_answer_passes_through_and_keeps_only_its_head() -> None:
    sent: list[Message] = []
    early: list[int] = []

    async def downstream(message: Message) -> None:
        sent.append(message)

    async def step() -> None:
        early.append(len(sent))

    async def run() -> Recorded:
        answer = Recorded(downstream, step, keep=100)
        await answer.send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"x/y")]}
        )
        for n in range(8):
            await answer.send({"type": "http.response.body", "body": bytes([n]) * MB, "more_body": True})
            assert answer.messages == []  # nothing held once the first MB went by
        await answer.send({"type": "http.response.body", "body": b"end", "more_body": False})
        return answer

    answer = asyncio.run(run())
    assert early == [0]  # the early step ran once, before anything was sent on
    assert len(sent) == 9 and [m["type"] for m in sent[:1]] == ["http.response.start"]
    assert [m["type"] for m in answer.messages] == ["http.response.body"]  # the last is held for the layer
    assert answer.body() == b"\x00" * 100 and answer.status == 200 and answer.header(b"content-type") == "x/y"


def test_a_small_answer_is_held_whole_until_forwarded() -> None:
    sent: list[Message] = []

    async def downstream(message: Message) -> None:
        sent.append(message)

    async def run() -> Recorded:
        answer = Recorded(downstream)
        await answer.send({"type": "http.response.start", "status": 201, "headers": []})
        await answer.send({"type": "http.response.body", "body": b"a" * (HOLD_BYTES - 1), "more_body": True})
        await answer.send({"type": "http.response.body", "body": b"b" * 10, "more_body": False})
        return answer

    answer = asyncio.run(run())
    assert sent == [] and len(answer.messages) == 3 and not answer.streaming
    asyncio.run(answer.forward(downstream))
    assert len(sent) == 3 and answer.messages == []
    assert answer.body() == b"a" * (HOLD_BYTES - 1) + b"b"  # kept: the first HOLD_BYTES


def test_a_streamed_download_through_every_layer_is_byte_identical(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path / "data", request_log_body_bytes=1000))
    headers = {"Authorization": f"Zoho-oauthtoken {app.state.credentials.access_token}"}
    content = os.urandom(5 * MB + 3)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        uploaded = client.post(
            "/crm/v5/files", headers=headers, files=[("file", ("big.bin", content, "a/b"))]
        )
        file_id = uploaded.json()["data"][0]["details"]["id"]
        got = client.get("/crm/v5/files", params={"id": file_id}, headers=headers)
        assert got.status_code == 200 and got.content == content
        assert got.headers["content-length"] == str(len(content))
        logged: list[dict[str, Any]] = client.get("/__zcrm/requests", headers=headers).json()["requests"]
    download = next(e for e in logged if e["method"] == "GET" and e["path"] == "/crm/v5/files")
    assert download["status"] == 200 and download["response_body"] is not None
    assert len(download["response_body"]) <= 1000
    upload = next(e for e in logged if e["method"] == "POST")
    assert upload["status"] == 200 and len(upload["request_body"] or "") <= 1000
