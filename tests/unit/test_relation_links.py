"""Per-item answers of linking and delinking (zcrm.records.relations, zoho-v5-related.md §3.2, §3.3)."""

from __future__ import annotations

from zcrm.errors import ZohoError
from zcrm.records.relations import delink_results, item_id, plan_links
from zcrm.schema.related import LIST_PRICE, RelatedList

BOOKS = RelatedList(
    "1", "Products", "Price_Books", "Price Books", "many", "Price_Books", "2",
    relation="Price_Books.Products", junction=(LIST_PRICE,),
)  # fmt: skip


def answers(results: list[dict[str, object] | ZohoError]) -> list[object]:
    return [r.as_dict() if isinstance(r, ZohoError) else r["message"] for r in results]


def test_a_new_link_takes_its_defaults_and_a_repeated_id_updates_it() -> None:
    items = [{"id": "11"}, {"id": "11", "list_price": "7.5"}, {"id": "12", "list_price": None}]
    ids = [item_id(item, n, None) for n, item in enumerate(items)]
    plan = plan_links(
        items, ids, BOOKS, {"11", "12"}, {"12": {"list_price": 3.0}}, {"11": {"list_price": 9.0}}
    )
    assert answers(plan.results) == ["relation added"] * 3
    assert plan.added == {"11": {"list_price": 7.5}}
    assert plan.changed == {"12": {"list_price": None}}


def test_the_path_id_wins_and_bad_ids_are_per_item() -> None:
    assert item_id({"id": "99"}, 0, "42") == "42"
    bad = item_id({"id": "99"}, 0, "x")
    assert isinstance(bad, ZohoError) and bad.details == {"api_name": "id", "json_path": "$.data[0].id"}
    missing = item_id({}, 3, None)
    assert isinstance(missing, ZohoError) and missing.code == "MANDATORY_NOT_FOUND"
    not_object = item_id([], 1, None)
    assert isinstance(not_object, ZohoError) and not_object.details["expected_data_type"] == "jsonobject"


def test_delink_answers_in_order_once_per_link() -> None:
    results, removed = delink_results(["5", "6", "5"], {"5"})
    assert removed == ["5"]
    assert answers(results)[0] == "relation removed"
    assert [r.details for r in results[1:] if isinstance(r, ZohoError)] == [{"id": "6"}, {"id": "5"}]
