"""``carry_over_tags`` within the tags' limits (zoho-v5-related.md §8.4, §10.3): a record that would carry more than
10 tags gets the named tags up to 10, in the request's order, and the conversion succeeds."""

from __future__ import annotations

from tests.api.test_convert import PAUL, convert, converted
from tests.api.test_convert_moves import module_ids, tag, tags_of
from tests.conftest import Api


def test_tags_stop_at_ten_per_record(api: Api) -> None:
    m = module_ids(api)
    [lead] = api.insert("Leads", PAUL)
    [contact] = api.insert("Contacts", {"Last_Name": "Daly", "Email": "paul@daly.test"})
    for n in range(8):
        tag(api, m["Contacts"], f"Old{n}", contact)
    for name in ("Zeta", "Alpha", "Mid", "Old3"):
        tag(api, m["Leads"], name, lead)
    carry = {"Contacts": ["old3", "zeta", "Alpha", "Mid"]}  # Old3: carried already, does not count
    details = converted(convert(api, lead, {"Contacts": contact, "carry_over_tags": carry}))
    assert details["Contacts"]["id"] == contact
    names = [name for name, _, _ in tags_of(api, contact)]
    assert names == sorted([f"Old{n}" for n in range(8)] + ["Zeta", "Alpha"])
    assert len(names) == 10
    assert [name for name, _, _ in tags_of(api, lead)] == ["Alpha", "Mid", "Old3", "Zeta"]


def test_a_record_at_ten_tags_gets_none(api: Api) -> None:
    m = module_ids(api)
    [lead] = api.insert("Leads", PAUL)
    [contact] = api.insert("Contacts", {"Last_Name": "Daly", "Email": "paul@daly.test"})
    for n in range(10):
        tag(api, m["Contacts"], f"Old{n}", contact)
    tag(api, m["Leads"], "Hot", lead)
    converted(convert(api, lead, {"Contacts": contact, "carry_over_tags": {"Contacts": ["Hot"]}}))
    assert [name for name, _, _ in tags_of(api, contact)] == sorted(f"Old{n}" for n in range(10))
    assert [t for t in tags_of(api, contact) if t[0] == "Hot"] == []
