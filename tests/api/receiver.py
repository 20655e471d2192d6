"""A local HTTP server the tests point webhooks and notification callbacks at: it records every POST."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    """Records every POST (``requests``: path, headers and raw body, in arrival order) and answers 200, or, for a
    path in ``answers``, the statuses given for it in turn, the last one ever after (``{"/down": [500]}`` always
    fails; ``{"/flaky": [503, 503, 200]}`` fails twice first)."""

    def __init__(self, answers: dict[str, Iterable[int]] | None = None) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answers = {path: list(statuses) for path, statuses in (answers or {}).items()}
        lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with lock:
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    statuses = receiver.answers.get(self.path)
                    status = (statuses.pop(0) if len(statuses) > 1 else statuses[0]) if statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def at(self, path: str) -> list[dict[str, Any]]:
        """The requests received on ``path``."""
        return [r for r in self.requests if r["path"] == path]

    def bodies(self, count: int, timeout: float = 10) -> list[dict[str, Any]]:
        """The JSON bodies received, once there are ``count`` of them (or the timeout passed)."""
        deadline = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return [json.loads(r["body"]) for r in self.requests]

    def shutdown(self) -> None:
        self.server.shutdown()
        self.server.server_close()
