"""A live ``zcrm serve --proxy-port 0`` on a new data dir, as a context manager: ``serving_proxy(data_dir)`` makes
``data_dir``, starts the server on it (``credentials.json`` then names the proxy's real port and the CA), yields the
``LiveServer`` and stops it on the way out (a test may stop and start it in between)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import LiveServer


@contextmanager
def serving_proxy(data_dir: Path) -> Iterator[LiveServer]:
    data_dir.mkdir()
    server = LiveServer(data_dir, extra_args=("--proxy-port", "0"))
    server.start()
    try:
        yield server
    finally:
        server.stop()
