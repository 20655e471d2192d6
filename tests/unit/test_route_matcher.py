"""The route matcher's precedence rules (zcrm.http.matcher) on a small table, then on zcrm's own table."""

from __future__ import annotations

from typing import Any

import pytest

from zcrm.http.matcher import Matcher, Operation, Param, Route
from zcrm.http.routes import MATCHER, ROUTES


def route(template: str, *params: Param) -> Route[Any]:
    return Route(template, {"GET": Operation(print, template)}, "zoho", "token", params)


def matched(matcher: Matcher[Any], path: str) -> tuple[str, tuple[str, ...]] | None:
    found = matcher.match(path)
    return None if found is None else (found[0].template, found[1])


SMALL = Matcher(
    [
        route("/a/b/c"),
        route("/a/{x}/d"),
        route("/a/{x}", Param("x", excluded=frozenset({"no"}))),
        route("/a/{y}/e"),
        route("/a"),
    ]
)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/a", ("/a", ())),
        ("/a/b/c", ("/a/b/c", ())),  # a literal beats a parameter
        ("/a/b/d", ("/a/{x}/d", ("b",))),  # backtracks from the literal b to the parameter
        ("/a/b", ("/a/{x}", ("b",))),
        ("/a/no", None),  # the rule's excluded word
        ("/a/no/e", ("/a/{y}/e", ("no",))),  # another route's parameter at that position has no exclusion
        ("/a/z/d", ("/a/{x}/d", ("z",))),
        ("/a/z/e", ("/a/{y}/e", ("z",))),  # parameters are tried in declaration order
        ("/a/", ("/a", ())),  # one trailing slash is ignored
        ("/a/b/", ("/a/{x}", ("b",))),
        ("/a//", None),  # not two
        ("/a//d", None),  # empty segments never match
        ("//a", None),
        ("/", None),
        ("", None),
        ("a", None),
        ("/a/b/c/d", None),
        ("/A", None),  # literals are case-sensitive
    ],
)
def test_precedence(path: str, expected: tuple[str, tuple[str, ...]] | None) -> None:
    assert matched(SMALL, path) == expected


def test_a_table_is_checked_when_built() -> None:
    with pytest.raises(AssertionError, match=r"two routes for /a/\{x\}"):
        Matcher([route("/a/{x}"), route("/a/{x}")])
    with pytest.raises(AssertionError, match=r"rules for parameters not in /a: \['x'\]"):
        route("/a", Param("x"))
    with pytest.raises(AssertionError, match="empty segment"):
        route("/a//b")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/crm/v5/Leads", ("/crm/v5/{module}", ("Leads",))),
        ("/crm/v5/leads/", ("/crm/v5/{module}", ("leads",))),
        ("/crm/v5/Leads/7", ("/crm/v5/{module}/{id}", ("Leads", "7"))),
        ("/crm/v5/Approvals", ("/crm/v5/Approvals", ())),
        ("/crm/v5/Approvals/7", ("/crm/v5/{module}/{id}", ("Approvals", "7"))),
        ("/crm/v5/Leads/7/__timeline", ("/crm/v5/{module}/{id}/__timeline", ("Leads", "7"))),
        ("/crm/v5/Leads/upsert/__timeline", None),  # a word that is never a record id
        ("/crm/v5/Leads/7/actions/approvals", ("/crm/v5/{module}/{id}/actions/approvals", ("Leads", "7"))),
        ("/crm/v5/settings/modules", ("/crm/v5/settings/modules", ())),
        ("/crm/v5/settings/modules/Leads", ("/crm/v5/settings/modules/{api_name}", ("Leads",))),
        ("/crm/v5/users/7", ("/crm/v5/users/{id}", ("7",))),
        ("/crm/v5/actions/watch/", ("/crm/v5/actions/watch", ())),
        ("/oauth/v2/token/revoke", ("/oauth/v2/token/revoke", ())),
        ("/__zcrm/orgs/snapshot", ("/__zcrm/orgs/{id}", ("snapshot",))),
        ("/__zcrm/clock/advance", ("/__zcrm/clock/advance", ())),
        ("/__zcrm/openapi.json", ("/__zcrm/openapi.json", ())),
        # reserved heads are never a module, and some words never a record id
        *(
            (f"/crm/v5/{word}", None)
            for word in ("settings", "users/1/2", "org/1", "actions", "actions/other", "files/1")
        ),
        *((f"/crm/v5/Leads/{word}", None) for word in ("roles", "actions", "actions/other")),
        ("/crm/v5/files", ("/crm/v5/files", ())),
        ("/crm/v5/Leads/deleted", ("/crm/v5/{module}/deleted", ("Leads",))),
        ("/crm/v5/Leads/actions/add_tags", ("/crm/v5/{module}/actions/add_tags", ("Leads",))),
        ("/crm/v5/Leads/7/Notes", ("/crm/v5/{module}/{id}/Notes", ("Leads", "7"))),
        ("/crm/v5/Leads/7/Campaigns", ("/crm/v5/{module}/{id}/{related_list}", ("Leads", "7", "Campaigns"))),
        (
            "/crm/v5/Leads/7/Campaigns/8",
            ("/crm/v5/{module}/{id}/{related_list}/{related_id}", ("Leads", "7", "Campaigns", "8")),
        ),
        ("/crm/v5/Leads/7/actions/convert", ("/crm/v5/{module}/{id}/actions/convert", ("Leads", "7"))),
        ("/crm/v5/Leads/7/actions/other", None),
        ("/crm/v5/Leads/upsert", ("/crm/v5/{module}/upsert", ("Leads",))),
        ("/crm/v5/Leads/search", ("/crm/v5/{module}/search", ("Leads",))),
        ("/crm/v5/coql", ("/crm/v5/coql", ())),
        ("/crm/v5/Leads//7", None),
        ("/crm/v5/", None),
        ("/crm/v4/Leads", None),
        ("/__zcrm/records/Leads//state", None),
        ("/__zcrm/clock/x", None),
        ("/__zcrm/", None),
    ],
)
def test_zcrm_routes(path: str, expected: tuple[str, tuple[str, ...]] | None) -> None:
    assert matched(MATCHER, path) == expected


def test_every_template_matches_itself() -> None:
    for r in ROUTES:
        path = r.template.replace("{", "").replace("}", "")  # a parameter's name as its value
        assert matched(MATCHER, path) == (r.template, tuple(p.name for p in r.path_params)), r.template
