"""Workflow functions run in a pool of worker processes (docs/automation.md): never in the server's process, stopped
after ZCRM_FUNCTION_TIMEOUT seconds (logged as ``timeout``) while other requests are served as usual, replaced when
they die, and gone when the app stops."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.org_app import OrgClient, serve
from zcrm.automation.functions import FunctionCall
from zcrm.runtime.pool import FunctionPool
from zcrm.runtime.runner import FunctionRunner, ServerCrm

WORKERS = Path(__file__).parent.parent / "data" / "workers.yaml"


class Org(OrgClient):
    def job(self, subject: str, note: str | None = None) -> httpx.Response:
        response = self.call("POST", "/crm/v5/Jobs", {"data": [{"Subject": subject, "Note": note}]})
        assert response.status_code == 201, response.text
        return response

    def log(self, **params: str) -> list[dict[str, Any]]:
        response = self.call("GET", "/__zcrm/automation/log", params=params)
        assert response.status_code == 200, response.text
        return list(response.json()["log"])

    @property
    def pool(self) -> FunctionPool:
        pool = self.client.app.state.zcrm.functions  # type: ignore[attr-defined]
        assert isinstance(pool, FunctionPool)
        return pool


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    with serve(Org, tmp_path / "workers", WORKERS, function_timeout=1.0) as org:
        yield org


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_function_runs_in_a_worker_process_that_imports_little(org: Org) -> None:
    org.job("where")
    [entry] = org.log()
    returned = entry["detail"]["returned"]
    assert entry["status"] == "success"
    assert returned["pid"] != os.getpid() and org.pool.processes == [returned["pid"]]
    assert (
        returned["server_imported"] == []
    )  # no SQLAlchemy, Starlette or server module: it opens no database
    assert returned["admin_token_in_environment"] is False
    note = org.call("GET", f"/crm/v5/Notes/{returned['note']}", params={"fields": "Name,Created_By"})
    assert note.json()["data"][0]["Name"] == "from where"  # its task ran in the server, as the writing user
    org.job("where")  # the same worker serves the next call
    assert org.log()[0]["detail"]["returned"]["pid"] == returned["pid"]


def test_a_looping_function_is_stopped_and_other_requests_are_served_meanwhile(tmp_path: Path) -> None:
    with (
        serve(Org, tmp_path / "loop", WORKERS, function_timeout=3.0) as org,
        socket.create_server(("127.0.0.1", 0)) as listener,
    ):
        listener.settimeout(30)
        answered = threading.Event()
        looping: list[httpx.Response] = []

        def fire() -> None:
            looping.append(org.job("loop", str(listener.getsockname()[1])))
            answered.set()

        firing = threading.Thread(target=fire)
        firing.start()
        connection, _ = listener.accept()  # the function runs now, and loops
        with connection:
            assert connection.recv(16) == b"running"
        started = time.monotonic()
        other = org.call("POST", "/crm/v5/Notes", {"data": [{"Name": "meanwhile"}]})  # a write, too
        took = time.monotonic() - started
        assert other.status_code == 201, other.text
        assert took < 1.5, took  # well under the 3 s the function may run
        assert not answered.is_set()  # the request that fired the function still waits for it
        firing.join(30)
        assert answered.is_set()
        assert looping[0].json()["data"][0]["code"] == "SUCCESS"  # its write stands
        [entry] = org.log()
        assert (entry["target"], entry["status"], entry["detail"]) == (
            "dispatch",
            "timeout",
            {"error": "timed out after 3 s"},
        )
        assert org.log(status="timeout") == [entry] and org.log(status="error") == []


def test_a_sleeping_function_times_out_and_the_pool_recovers(org: Org) -> None:
    org.job("where")
    first = org.pool.processes
    started = time.monotonic()
    org.job("sleep")
    assert 1.0 <= time.monotonic() - started < 10
    timed_out = org.log()[0]
    assert (timed_out["status"], timed_out["detail"]) == ("timeout", {"error": "timed out after 1 s"})
    assert org.pool.processes == [] and not alive(first[0])  # killed, not left running
    org.job("where")  # a new worker runs the next function
    [latest, *_] = org.log()
    assert latest["status"] == "success" and latest["detail"]["returned"]["pid"] not in first


def test_a_worker_that_dies_is_replaced(org: Org) -> None:
    org.job("die")
    assert org.log()[0]["status"] == "error"
    assert org.log()[0]["detail"] == {"error": "the function's worker process ended with exit code 7"}
    org.job("where")
    assert org.log()[0]["status"] == "success"


def test_a_worker_killed_while_idle_is_replaced_before_it_is_used(org: Org) -> None:
    org.job("where")
    [worker] = org.pool._idle  # the idle worker, to kill
    worker.process.kill()
    assert worker.process.wait(30) == -signal.SIGKILL
    org.job("where")
    assert org.log()[0]["status"] == "success"
    assert org.pool.processes == [org.log()[0]["detail"]["returned"]["pid"]] != [worker.process.pid]


def test_what_a_function_returns_crosses_as_json(org: Org) -> None:
    org.job("not_json")
    assert org.log()[0]["detail"] == {
        "returned": {"set": "{1}", "when": "2024-01-02"}
    }  # as the log stores them
    org.job("too_big")
    assert org.log()[0]["status"] == "error"
    assert org.log()[0]["detail"] == {
        "error": "the function returned a value that is not JSON: Integer exceeds 64-bit range"
    }


def test_a_task_with_arguments_of_the_wrong_type_raises_in_the_function(org: Org) -> None:
    org.job("bad_task")
    [entry] = org.log()
    assert entry["status"] == "error"
    assert entry["detail"]["error"] == "TypeError: module_name must be a string, not int"
    assert entry["detail"]["traceback"].endswith("TypeError: module_name must be a string, not int\n")


def test_an_async_handler_is_awaited(org: Org) -> None:
    rid = org.job("later").json()["data"][0]["details"]["id"]
    [entry] = org.log()
    assert (entry["target"], entry["status"], entry["detail"]) == (
        "later",
        "success",
        {"returned": f"later {rid}"},
    )


def test_no_worker_outlives_the_app(tmp_path: Path) -> None:
    with serve(Org, tmp_path / "gone", WORKERS, function_workers=2) as org:
        # two functions at once: two workers
        barrier = threading.Barrier(2)

        def fire() -> None:
            barrier.wait()
            org.job("where")

        threads = [threading.Thread(target=fire) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        pids = org.pool.processes
        assert 1 <= len(pids) <= 2 and all(alive(pid) for pid in pids)
    assert not any(alive(pid) for pid in pids)


# -- who the functions run for is gone: not run; any other failure of the server is raised --------------------------
def runner(org: Org) -> FunctionRunner:
    state = org.client.app.state.zcrm  # type: ignore[attr-defined]
    return FunctionRunner(state.db, state.schemas, state.clock, pool=state.function_pool())


def a_call(org: Org) -> tuple[str, str, FunctionCall]:
    rid = org.call("POST", "/crm/v5/Jobs", {"data": [{"Subject": "where"}], "trigger": []}).json()
    creds = org.client.app.state.credentials  # type: ignore[attr-defined]
    call = FunctionCall(
        rule="Run", function="dispatch", module="Jobs", record_id=rid["data"][0]["details"]["id"]
    )
    return creds.org_id, creds.user_id, call


def test_the_functions_of_an_org_or_user_that_is_gone_are_not_run(
    org: Org, caplog: pytest.LogCaptureFixture
) -> None:
    org_id, user_id, call = a_call(org)
    with caplog.at_level(logging.WARNING, logger="zcrm.automation"):
        runner(org).run("1000001000000000000", user_id, [call])
        runner(org).run(org_id, "1", [call])
    assert caplog.messages == [
        f"function dispatch for Jobs {call.record_id} not run: org 1000001000000000000 no longer exists",
        f"function dispatch for Jobs {call.record_id} not run: user 1 is no longer active",
    ]
    assert org.log() == [] and org.pool.processes == []  # nothing ran, nothing was logged
    runner(org).run(org_id, user_id, [call])
    assert org.log()[0]["status"] == "success"


def test_a_bug_of_the_server_is_raised_not_hidden(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    org_id, user_id, call = a_call(org)

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(ServerCrm, "record", broken)
    with pytest.raises(KeyError, match="a bug"):
        runner(org).run(org_id, user_id, [call])
    assert org.log() == []
