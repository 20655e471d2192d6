"""The API limits as data (zcrm.limits): credits per edition, costs, heavy calls, the window and Retry-After; the
ZCRM_API_* settings."""

from __future__ import annotations

import pytest

from zcrm import limits
from zcrm.http.routes import classify
from zcrm.limits import Overrides, credits_per_day, limits_of
from zcrm.settings import Settings


@pytest.mark.parametrize(
    ("edition", "licences", "expected"),
    [
        ("Free", 1, 5_000),
        ("Free", 500, 5_000),
        ("Standard", 10, 52_500),
        ("Starter", 10, 52_500),
        ("Standard", 200, 100_000),
        ("Standard", 1_000, 100_000),
        ("Professional", 10, 55_000),
        ("Professional", 1_900, 1_000_000),
        ("Professional", 5_000, 1_000_000),
        ("Enterprise", 10, 60_000),
        ("Zoho One", 10, 60_000),
        ("Enterprise", 1_950, 2_000_000),
        ("Enterprise", 3_000, 2_000_000),
        ("Ultimate", 10, 70_000),
        ("CRM Plus", 10, 70_000),
        ("Ultimate", 100_000, 200_050_000),  # no ceiling
        ("Enterprise", 0, 50_000),
    ],
)
def test_credits_per_edition(edition: str, licences: int, expected: int) -> None:
    assert credits_per_day(edition, licences) == expected


@pytest.mark.parametrize(
    ("edition", "concurrency"),
    [
        ("Free", 5),
        ("Standard", 10),
        ("Starter", 10),
        ("Professional", 15),
        ("Enterprise", 20),
        ("Zoho One", 20),
        ("Ultimate", 25),
        ("CRM Plus", 25),
    ],
)
def test_concurrency_per_edition(edition: str, concurrency: int) -> None:
    found = limits_of(edition, 3, Overrides())
    assert found.concurrency == concurrency
    assert found.sub_concurrency == 10


def test_overrides() -> None:
    found = limits_of("Enterprise", 4, Overrides(edition="Free"))
    assert found == limits.Limits("Free", 4, 5_000, 5, 10)
    found = limits_of("Free", 4, Overrides(credits=7, concurrency=2, sub_concurrency=1))
    assert found == limits.Limits("Free", 4, 7, 2, 1)
    assert limits_of("Zoho One", 2, Overrides()).edition == "Enterprise"
    assert found.as_dict() == {
        "edition": "Free",
        "user_licences": 4,
        "credits_per_window": 7,
        "concurrency": 2,
        "sub_concurrency": 1,
    }


@pytest.mark.parametrize(
    ("method", "path", "kind"),
    [
        ("POST", "/oauth/v2/token", "oauth"),
        ("POST", "/crm/v5/coql", "coql"),
        ("GET", "/crm/v5/Leads/search", "search"),
        ("POST", "/crm/v5/Leads/upsert", "write"),
        ("POST", "/crm/v5/Leads", "write"),
        ("PUT", "/crm/v5/Leads", "write"),
        ("GET", "/crm/v5/Leads", "list"),
        ("GET", "/crm/v5/Leads/", "list"),
        ("DELETE", "/crm/v5/Leads", "call"),
        ("PUT", "/crm/v5/Leads/4876876000000100053", "call"),
        ("GET", "/crm/v5/settings/fields", "call"),
        ("GET", "/crm/v5/org", "call"),
        ("GET", "/crm/v5/Approvals", "call"),
        ("GET", "/crm/v5/users", "call"),
    ],
)
def test_kind_of(method: str, path: str, kind: str) -> None:
    assert classify(method, path, "").limit_kind == kind


@pytest.mark.parametrize(
    ("query", "limit", "credits"),
    [
        ("select Last_Name from Leads", 200, 1),
        ("select Last_Name from Leads limit 200", 200, 1),
        ("select Last_Name from Leads limit 201", 201, 2),
        ("select Last_Name from Leads LIMIT 1000", 1000, 2),
        ("select Last_Name from Leads limit 1001", 1001, 3),
        ("select Last_Name from Leads limit 2000 offset 10", 2000, 3),
        ("select Last_Name from Leads limit 10, 500", 500, 2),
    ],
)
def test_coql_cost(query: str, limit: int, credits: int) -> None:
    assert limits.coql_limit({"select_query": query}) == limit
    assert limits.cost("coql", limit) == credits


def test_costs() -> None:
    assert limits.cost("oauth") == 0
    assert limits.cost("write") == limits.cost("list") == limits.cost("search") == limits.cost("call") == 1
    assert limits.coql_limit(None) == limits.coql_limit({"select_query": 3}) == 200


def test_heavy_calls() -> None:
    assert limits.heavy("coql", "", 0) and limits.heavy("search", "", 0)
    assert limits.heavy("write", "", 11) and not limits.heavy("write", "", 10)
    assert limits.heavy("list", "fields=a&sort_by=id", 0) and limits.heavy("list", "cvid=5", 0)
    assert not limits.heavy("list", "fields=a", 0) and not limits.heavy("list", "sort_by=", 0)
    assert not limits.heavy("call", "sort_by=id", 0)
    assert limits.items_of({"data": [{}] * 3}) == 3 and limits.items_of([]) == 0


def test_window() -> None:
    t0 = 1_893_553_440  # the start of a minute
    bucket = limits.minute(t0)
    assert limits.freed_at(bucket) == t0 + 60 + 86_400
    assert limits.first_minute(t0 + 60 + 86_400 - 1) == bucket
    assert limits.first_minute(t0 + 60 + 86_400) == bucket + 1


def test_retry_after() -> None:
    t0 = 1_893_553_440
    b = limits.minute(t0)
    buckets = [(b + 2, 1), (b, 2)]
    # 3 used of 3: one credit is needed, the oldest minute's two free it
    assert limits.retry_after(buckets, 3, 1, 3, t0 + 150) == 60 + 86_400 - 150
    # 3 more needed: both minutes
    assert limits.retry_after(buckets, 3, 1, 1, t0 + 150) == 3 * 60 + 86_400 - 150
    assert limits.retry_after(buckets, 1, 1, 3, t0) == 1  # under the limit
    assert limits.retry_after(buckets, 3, 5, 3, t0) == 86_400  # never fits
    assert limits.retry_after([(b, 1)], 1, 1, 1, t0 + 60 + 86_400 - 1) == 1  # at least 1


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.from_env().api_limits is False
    monkeypatch.setenv("ZCRM_API_LIMITS", "1")
    monkeypatch.setenv("ZCRM_API_EDITION", "Zoho One")
    monkeypatch.setenv("ZCRM_API_CREDITS", "100")
    monkeypatch.setenv("ZCRM_API_CONCURRENCY", "3")
    monkeypatch.setenv("ZCRM_API_SUB_CONCURRENCY", "2")
    settings = Settings.from_env()
    assert (settings.api_limits, settings.api_edition, settings.api_credits) == (True, "Zoho One", 100)
    assert (settings.api_concurrency, settings.api_sub_concurrency) == (3, 2)
    env = settings.environment()  # what worker processes get
    assert env["ZCRM_API_LIMITS"] == "1" and env["ZCRM_API_EDITION"] == "Zoho One"
    assert env["ZCRM_API_CREDITS"] == "100" and env["ZCRM_API_SUB_CONCURRENCY"] == "2"
    monkeypatch.setenv("ZCRM_API_EDITION", "Gold")
    with pytest.raises(ValueError, match="ZCRM_API_EDITION: 'Gold' is not one of"):
        Settings.from_env()
