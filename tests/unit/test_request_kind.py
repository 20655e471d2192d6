"""The one classification of a request (``zcrm.http.routes.classify``, ``zcrm.http.call``): what fault rules, API
limits and the request log see of each path, from the route that serves it."""

from __future__ import annotations

import pytest

from zcrm.http import middleware
from zcrm.http.call import Call
from zcrm.http.routes import classify


@pytest.mark.parametrize(
    ("method", "path", "query", "seen"),
    [
        ("POST", "/crm/v5/Leads", "", ("Leads", "insert", (), "write")),
        ("PUT", "/crm/v5/Leads/", "", ("Leads", "update", (), "write")),
        ("GET", "/crm/v5/Leads", "ids=1,2&ids=3", ("Leads", "read", ("1", "2", "3"), "list")),
        ("DELETE", "/crm/v5/Leads", "ids=4", ("Leads", "delete", ("4",), "call")),
        ("PATCH", "/crm/v5/Leads", "", ("Leads", "other", (), "call")),
        ("GET", "/crm/v5/Leads/5", "", ("Leads", "read", ("5",), "call")),
        ("GET", "/crm/v5/Leads/5/__timeline", "", ("Leads", "read", ("5",), "call")),
        ("POST", "/crm/v5/Leads/5/actions/approvals", "", ("Leads", "action", ("5",), "call")),
        ("GET", "/crm/v5/settings/fields", "module=Deals", ("Deals", "metadata", (), "call")),
        ("GET", "/crm/v5/users", "type=AllUsers", (None, "metadata", (), "call")),
        ("GET", "/crm/v5/org", "", (None, "metadata", (), "call")),
        ("GET", "/crm/v5/actions/watch", "", (None, "other", (), "call")),
        ("GET", "/crm/v5/Approvals", "", (None, "other", (), "call")),
        # a literal wins, a parameter is tried next: Approvals/{id} is a record of the module Approvals
        ("GET", "/crm/v5/Approvals/7", "", ("Approvals", "read", ("7",), "call")),
        # COQL, search and upsert are charged as what they are (credits by COQL limit, heavy calls)
        ("POST", "/crm/v5/coql", "", (None, "other", (), "coql")),
        ("GET", "/crm/v5/Leads/search", "", ("Leads", "read", (), "search")),
        ("POST", "/crm/v5/Leads/upsert", "", ("Leads", "insert", (), "write")),
        # paths no route serves: their plane alone
        ("GET", "/crm/v5/files/1", "", (None, "other", (), "call")),
        ("GET", "/crm/v5/Leads/5/notes/6/7", "", (None, "other", (), "call")),
        ("POST", "/oauth/v2/token", "", (None, "oauth", (), "oauth")),
        ("POST", "/oauth/v2/nowhere", "", (None, "oauth", (), "oauth")),
    ],
)
def test_what_each_layer_sees(method: str, path: str, query: str, seen: tuple[object, ...]) -> None:
    kind = classify(method, path, query)
    assert (kind.module, kind.operation, kind.record_ids, kind.limit_kind) == seen
    assert kind.target.module == kind.module and kind.target.record_ids == kind.record_ids


def test_the_route_found_is_the_one_dispatch_calls() -> None:
    kind = classify("GET", "/crm/v5/Leads/5", "")
    assert kind.route is not None and kind.route.template == "/crm/v5/{module}/{id}"
    assert kind.values == ("Leads", "5")
    assert classify("GET", "/crm/v5/files/1", "").route is None
    assert classify("GET", "/crm/v5/nowhere/1/2/3/4", "").route is None


def test_planes() -> None:
    control = classify("GET", "/__zcrm/faults", "")
    assert (control.control, control.limited) == (True, False)
    assert classify("GET", "/__zcrm/nowhere", "").control
    assert (
        classify("GET", "/crm/v5/nowhere/1/2/3/4", "").limited,
        classify("GET", "/nowhere", "").limited,
    ) == (
        True,
        False,
    )
    assert not classify("POST", "/oauth/v2/token", "").limited


def test_the_body_is_decoded_once() -> None:
    call = Call(classify("PUT", "/crm/v5/Leads", ""))
    call.chunks.append(b'{"data": [{"id": "1"}, {"id": 2}')
    assert call.json() is None and call.body_ids() == ()
    call.chunks.append(b', {"id": null}]}')
    first = call.json()
    assert call.body_ids() == ("1", "2") and call.json() is first


def test_the_middleware_package_exports_sorted() -> None:
    assert middleware.__all__ == sorted(middleware.__all__)
