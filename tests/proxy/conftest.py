"""The live server the proxy tests of one module share: ``zcrm serve --proxy-port 0`` (``served`` in
tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import LiveServer, served


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with served(tmp_path_factory.mktemp("proxy") / "live-data", "--proxy-port", "0") as live:
        yield live
