"""Convert Lead as one unit of work in the caller's transaction (zoho-v5-related.md §8): the new account, contact
and deal go through the record engine (``service/records``: validation, mandatory fields, unique values, search
keys, the timeline, workflow rules, notifications), the lead is marked converted through the write tail
(``service/save``), and its notes, attachments, links and tags move (the notes, attachments, relations and tags stores). A per-item error raises
``records.convert.Failed``, so that the caller's transaction ends without any of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from zcrm.auth.identity import Identity
from zcrm.auth.sharing import can_see
from zcrm.automation.functions import AfterCommit
from zcrm.errors import IdAlreadyConverted, InvalidData, ZohoError
from zcrm.fields.coerce import parse_id
from zcrm.records import convert as rules
from zcrm.records.body import TRIGGERS, data_items
from zcrm.records.common import change_row, state_error
from zcrm.records.convert import Conversion, Failed
from zcrm.records.model import StoredRecord
from zcrm.records.plan import Plan
from zcrm.records.present import display_name
from zcrm.records.tags import Tag, carried
from zcrm.records.update import Target
from zcrm.schema.model import Module
from zcrm.schema.related import find, related_lists
from zcrm.service import records as writes
from zcrm.service.processes import settle
from zcrm.service.save import save
from zcrm.store import attachments as attachment_store
from zcrm.store import keys as key_store
from zcrm.store import matches as match_store
from zcrm.store import notes as note_store
from zcrm.store import records as record_store
from zcrm.store import relations as relation_store
from zcrm.store import tags as tag_store
from zcrm.store.ids import allocate
from zcrm.store.orgs import lock as lock_org
from zcrm.store.records import ListQuery

TRIGGERED = frozenset(
    TRIGGERS
)  # the new records' writes run automation as an insert without ``trigger`` does


def _bad_lead() -> InvalidData:
    return InvalidData(details={"resource_path_index": 1})


class _Unit:
    """One conversion: who, when, and the modules it writes."""

    def __init__(self, conn: Connection, ident: Identity, now: int, after: AfterCommit | None) -> None:
        self.conn, self.ident, self.now, self.after = conn, ident, now, after
        self.org_id = ident.org_id
        schema = ident.schema
        self.modules = {
            name: _module(schema.module(name), name) for name in ("Contacts", "Accounts", "Deals")
        }

    def visible(self, module: Module, records: list[StoredRecord]) -> list[StoredRecord]:
        return [r for r in records if can_see(self.ident.schema, self.ident.user, module, r.owner_id)]

    def given(self, key: str, record_id: str | None) -> StoredRecord | None:
        """The record ``Contacts`` or ``Accounts`` names, if it names one the user can see."""
        if record_id is None:
            return None
        module = self.modules[key]
        found = record_store.fetch(self.conn, self.org_id, [record_id], module_id=module.id).get(record_id)
        if found is None or found.parent_id is not None or not self.visible(module, [found]):
            raise rules.not_found(key)
        return found

    def matches(self, key: str, field: str, value: Any) -> list[StoredRecord]:
        if not isinstance(value, str) or not value:
            return []
        module = self.modules[key]
        return self.visible(module, match_store.text_matches(self.conn, self.org_id, module.id, field, value))

    def insert(self, key: str, item: dict[str, Any]) -> str:
        [result] = writes.insert_records(
            self.conn, self.ident, self.modules[key], [item], self.now, TRIGGERED, self.after
        )
        return _written(result, key)

    def update(self, key: str, item: dict[str, Any]) -> None:
        [result] = writes.update_records(
            self.conn, self.ident, self.modules[key], [item], self.now, TRIGGERED, Target(), None, self.after
        )
        _written(result, key)

    def name(self, key: str, record_id: str) -> tuple[str, str]:
        module = self.modules[key]
        record = record_store.fetch(self.conn, self.org_id, [record_id], module_id=module.id)[record_id]
        return display_name(module, record.data, record_id), record_id


def _module(module: Module | None, name: str) -> Module:
    if module is None:  # an org file without the module: nothing to convert into
        raise InvalidData(details={"resource_path_index": 1})
    return module


def _written(result: dict[str, Any] | ZohoError, key: str) -> str:
    if isinstance(result, ZohoError):
        raise Failed(rules.nested(result, key))
    return str(result["details"]["id"])


def convert_lead(
    conn: Connection,
    ident: Identity,
    leads: Module,
    raw_id: str,
    body: Callable[[], dict[str, Any]],
    now: int,
    after: AfterCommit | None = None,
) -> dict[str, Any]:
    """Converts the lead ``raw_id`` as the request's body says (``body()`` parses it, once the lead is known:
    §1.3); returns the success entry. Request-level errors are raised as themselves, per-item ones as ``Failed``."""
    lead_id = parse_id(raw_id)
    if lead_id is None:
        raise _bad_lead()
    lock_org(conn, ident.org_id)
    lead = record_store.fetch(conn, ident.org_id, [lead_id], module_id=leads.id, for_update=True).get(lead_id)
    if (
        lead is None
        or lead.parent_id is not None
        or not can_see(ident.schema, ident.user, leads, lead.owner_id)
    ):
        raise _bad_lead()
    if lead.converted:
        raise IdAlreadyConverted(details={"resource_path_index": 1})
    [item] = data_items(body(), limit=1)
    unit = _Unit(conn, ident, now, after)
    settle(conn, ident.org_id, [lead], now, persist=True)
    blocked = state_error(lead, rules.BLOCKED) if isinstance(item, dict) else None
    if blocked is not None:  # the lead's state before the item's keys (behaviour §3.4)
        raise Failed(blocked)
    conversion = rules.parse(item)
    contact = unit.given("Contacts", conversion.contact_id)
    account = unit.given("Accounts", conversion.account_id)
    rules.check_owner(ident.schema, conversion)
    data = lead.data
    company = data["Company"] if isinstance(data.get("Company"), str) else ""
    account_id = (
        account.id
        if account
        else rules.match_account(company, unit.matches("Accounts", "Account_Name", company))
    )
    rules.check_attachments(conversion, account_id is not None or bool(company))
    owner = conversion.assign_to or lead.owner_id
    if account_id is None and company:
        account_id = unit.insert("Accounts", rules.account_item(data, owner))
    elif (
        account is not None
        and conversion.overwrite
        and company
        and account.data.get("Account_Name") != company
    ):
        unit.update("Accounts", {"id": account.id, "Account_Name": company})
    contact_id = _contact(unit, conversion, data, contact, account_id, owner)
    deal_id = None
    if conversion.deal is not None:
        deal_id = unit.insert("Deals", rules.deal_item(conversion.deal, data, contact_id, account_id, owner))
    _mark(conn, ident, leads, lead, contact_id, account_id, deal_id, now, after)
    _move(unit, conversion, lead, {"Contacts": contact_id, "Accounts": account_id, "Deals": deal_id})
    return rules.answer(
        unit.name("Contacts", contact_id),
        None if account_id is None else unit.name("Accounts", account_id),
        None if deal_id is None else unit.name("Deals", deal_id),
    )


def _contact(
    unit: _Unit,
    conversion: Conversion,
    lead: dict[str, Any],
    contact: StoredRecord | None,
    account_id: str | None,
    owner: str | None,
) -> str:
    """The contact (§8.2 steps 1 and 3): given, matched or new; an existing one takes the account when it has none
    or with ``overwrite``."""
    if contact is None:
        candidates = unit.matches("Contacts", "Email", lead.get("Email")) + unit.matches(
            "Contacts", "Last_Name", lead.get("Last_Name")
        )
        matched = rules.match_contact(lead, candidates)
        if matched is None:
            return unit.insert("Contacts", rules.contact_item(lead, account_id, owner))
        contact = next(r for r in candidates if r.id == matched)
    current = contact.data.get("Account_Name")
    if account_id is not None and current != account_id and (current is None or conversion.overwrite):
        unit.update("Contacts", {"id": contact.id, "Account_Name": {"id": account_id}})
    return contact.id


def _mark(
    conn: Connection,
    ident: Identity,
    leads: Module,
    lead: StoredRecord,
    contact_id: str,
    account_id: str | None,
    deal_id: str | None,
    now: int,
    after: AfterCommit | None,
) -> None:
    """Marks the lead converted through the write tail: its search keys, a change event (the timeline) and the
    notifications of an update."""
    user_id = ident.user.id
    changed = rules.mark_converted(lead, contact_id, account_id, deal_id, user_id, now)
    prefix = ident.schema.org.prefix
    [change_id] = allocate(conn, ident.org_id, prefix, 1)
    plan = Plan("update", updates=[lead], actor=user_id)
    plan.changes.append(
        change_row(change_id, leads, lead.id, "update", user_id, now, frozenset(), changed, None, lead.data)
    )
    plan.written.append((lead.id, changed, lead.data))
    save(conn, ident.org_id, prefix, leads, plan, now, after)


def _move(unit: _Unit, conversion: Conversion, lead: StoredRecord, targets: dict[str, str | None]) -> None:
    """Notes to the contact, attachments where ``move_attachments_to`` says, campaign and product links to the
    contact, the tags ``carry_over_tags`` names to their records (§8.4)."""
    conn, org_id, schema = unit.conn, unit.org_id, unit.ident.schema
    contact_id = targets["Contacts"]
    assert contact_id is not None
    notes = schema.module("Notes")
    if notes is not None:
        mine = record_store.list_records(
            conn,
            org_id,
            ListQuery(
                notes.id,
                "id",
                False,
                limit=2**62,
                approved=None,
                condition=note_store.parent_condition(conn.dialect.name, lead.id),
            ),
        )
        for note in mine:
            note.data = rules.reparent_note(note.data, contact_id)
        key_store.write(
            conn, org_id, notes, [], mine, []
        )  # their parent's key (store/keys.py) before the data
        record_store.update(conn, org_id, mine)
    target = targets[conversion.attachments_to]
    if target is not None:
        attachment_store.move(conn, org_id, lead.id, target, unit.modules[conversion.attachments_to].id)
    _move_links(unit, lead.id, contact_id)
    _carry_tags(unit, conversion, lead.id, targets)


def _move_links(unit: _Unit, lead_id: str, contact_id: str) -> None:
    """The lead's campaign and product links become the contact's, with their junction data; a pair the contact
    has already keeps its own."""
    modules = unit.ident.schema.modules
    leads, contacts = unit.ident.schema.module("Leads"), unit.modules["Contacts"]
    assert leads is not None
    for name in ("Campaigns", "Products"):
        old = find(related_lists(modules, leads), name)
        new = find(related_lists(modules, contacts), name)
        if old is None or new is None or not old.many_to_many or not new.many_to_many:
            continue
        moved = relation_store.links(unit.conn, unit.org_id, old, lead_id, None)
        if not moved:
            continue
        kept = relation_store.links(unit.conn, unit.org_id, new, contact_id, list(moved))
        added = {rid: data for rid, data in moved.items() if rid not in kept}
        relation_store.save(unit.conn, unit.org_id, new, contact_id, added, {}, unit.now)
        relation_store.remove(unit.conn, unit.org_id, old, lead_id, list(moved))


def _carry_tags(unit: _Unit, conversion: Conversion, lead_id: str, targets: dict[str, str | None]) -> None:
    """Each tag ``carry_over_tags`` names that the lead carries (ignoring case) to that record: the module's tag of
    that name, created when it has none; within §10.3's limits (``records.tags.carried``)."""
    if not conversion.tags:
        return
    conn, org_id, user_id, now = unit.conn, unit.org_id, unit.ident.user.id, unit.now
    lead_tags = {t.name.lower(): t for t in tag_store.of_records(conn, org_id, [lead_id]).get(lead_id, [])}
    for key, names in conversion.tags.items():
        record_id = targets[key]
        wanted = [lead_tags[n.lower()] for n in names if n.lower() in lead_tags]
        if record_id is None or not wanted:
            continue
        module_id = unit.modules[key].id
        current = tag_store.tag_ids(conn, org_id, [record_id]).get(record_id, [])
        linked, new = carried(wanted, tag_store.module_tags(conn, org_id, module_id), current)
        ids = allocate(conn, org_id, unit.ident.schema.org.prefix, len(new))
        created = [
            Tag(tag_id, t.name, t.color_code, user_id, user_id, now, now)
            for tag_id, t in zip(ids, new, strict=True)
        ]
        tag_store.insert_tags(conn, org_id, module_id, created)
        tag_store.link(conn, org_id, [(record_id, tag_id) for tag_id in [*linked, *ids]])
