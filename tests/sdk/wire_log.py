"""The wire log of an SDK driver, with no SDK import: importing this module wraps ``requests.Session.send`` so that
``WIRE`` holds every HTTP request the process sends, in order (method, path, query, JSON or form body, the
``Content-Type`` and ``Authorization`` headers, the status and JSON answer). A driver imports it before its SDK.

An upload (a ``multipart/`` body) is logged as its size (``multipart_bytes``), not its bytes. ``driver_base.py`` (the
``zohocrmsdk`` drivers) imports it, and so do the drivers of the SDKs that run in their own venv (the v2 and v2.1
SDKs' ``zcrmsdk``), where ``driver_base`` (which imports ``zohocrmsdk``) cannot run.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

WIRE: list[dict[str, Any]] = []
_send = requests.Session.send


def _logged_send(self: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> Any:
    parts = urlsplit(request.url or "")
    entry: dict[str, Any] = {
        "method": request.method,
        "path": parts.path,
        "query": {k: v[0] if len(v) == 1 else v for k, v in parse_qs(parts.query).items()},
    }
    body = request.body
    if body and (request.headers.get("Content-Type") or "").startswith("multipart/"):
        entry["multipart_bytes"] = len(body)  # an upload: its size, not its bytes
        body = None
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    if body and parts.path.startswith("/oauth/"):
        entry["form"] = {k: v[0] for k, v in parse_qs(body).items()}
    elif body:
        entry["json"] = json.loads(body)
    entry["content_type"] = request.headers.get("Content-Type")
    entry["authorization"] = request.headers.get("Authorization")
    WIRE.append(entry)
    response = _send(self, request, **kwargs)
    entry["status"] = response.status_code
    entry["response_type"] = response.headers.get("Content-Type")
    if response.content and "json" in (entry["response_type"] or ""):
        entry["response"] = json.loads(response.content)  # exact integers: Python's json keeps them
    return response


requests.Session.send = _logged_send  # type: ignore[method-assign]
