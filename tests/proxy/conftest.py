"""The live server the proxy tests of one module share: ``zcrm serve --proxy-port 0`` (tests/proxy/serving.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import LiveServer
from tests.proxy.serving import serving_proxy


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with serving_proxy(tmp_path_factory.mktemp("proxy") / "live-data") as live:
        yield live
