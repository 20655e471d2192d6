"""Every route of ``GET /__zcrm/openapi.json``, fuzzed by schemathesis against a live ``zcrm serve`` (on SQLite, or
on PostgreSQL with ``ZCRM_TEST_DATABASE_URL``): as the org's administrator, and as a read-only user. No answer is a
5xx, every body is JSON, every answer conforms to the document, and the server is healthy afterwards
(tests/fuzz/harness.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fuzz.api_fuzzer import ApiFuzzer
from tests.fuzz.harness import Org, assert_healthy, prepare_org, start_server


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    server = start_server(tmp_path)
    try:
        yield prepare_org(server)
    finally:
        server.stop()


TAGS = ["zoho", "zcrm"]  # Zoho's API and OAuth; the control plane: halves that run in parallel (pytest -n)


@pytest.mark.parametrize("tag", TAGS)
def test_every_operation_as_the_org_administrator(org: Org, tag: str) -> None:
    fuzzer = ApiFuzzer(org, org.token)
    fuzzer.run(tag)
    assert fuzzer.findings == [], fuzzer.report()
    assert fuzzer.sent > 0
    assert_healthy(org)


@pytest.mark.parametrize("tag", TAGS)
def test_every_operation_as_a_read_only_user(org: Org, tag: str) -> None:
    fuzzer = ApiFuzzer(org, org.read_only_token)
    fuzzer.run(tag)
    assert fuzzer.findings == [], fuzzer.report()
    assert fuzzer.sent > 0
    assert_healthy(org)
