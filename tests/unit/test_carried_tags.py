"""``records.tags.carried``: Convert Lead's tags within §10.3's limits (10 a record, 200 a module)."""

from __future__ import annotations

from zcrm.records.tags import Tag, carried


def _tag(tag_id: str, name: str) -> Tag:
    return Tag(tag_id, name, None, "u", "u", 1, 1)


def test_existing_names_are_reused_and_new_ones_stop_at_the_module_limit() -> None:
    lead = [_tag("L1", "Hot"), _tag("L2", "New"), _tag("L1", "Hot")]
    module = [_tag(f"M{n}", f"T{n}") for n in range(199)] + [_tag("MH", "HOT")]
    assert carried(lead, module, []) == (["MH"], [])  # the module has 200 tags: "New" is left off
    assert carried(lead, module[1:], []) == (["MH"], [lead[1]])


def test_the_record_limit_counts_its_tags_and_skips_those_it_has() -> None:
    lead = [_tag("L1", "A"), _tag("L2", "B"), _tag("L3", "C")]
    module = [_tag("MA", "a"), _tag("MB", "b")]
    current = ["MA", *[f"X{n}" for n in range(8)]]
    assert carried(lead, module, current) == (["MB"], [])
    assert carried(lead, module, current[:7]) == (["MB"], [lead[2]])
