"""The pure derivation of a module's related lists (zcrm.schema.related, zoho-v5-related.md §2.3)."""

from __future__ import annotations

from zcrm.schema.model import Field, LinkSpec, Module
from zcrm.schema.related import find, list_id, related_lists, relation_name


def module(api_name: str, number: int, *fields: Field, generated_type: str = "default") -> Module:
    return Module(
        id=f"1234567{number:012d}",
        api_name=api_name,
        singular_label=api_name,
        plural_label=api_name.replace("_", " "),
        generated_type=generated_type,
        api_supported=True,
        scope_name=api_name.lower(),
        sequence=number,
        display_field=("Name",),
        fields=(
            Field(id=f"1234567{number:09d}001", api_name="Name", field_label="Name", data_type="text"),
            *fields,
        ),
        layouts=(),
    )


def lookup(api_name: str, target: str, custom: bool = False) -> Field:
    return Field(id="1", api_name=api_name, field_label=api_name, data_type="lookup", lookup_module=target,
                 custom_field=custom)  # fmt: skip


ACCOUNTS = module("Accounts", 1, lookup("Parent_Account", "Accounts"))
CONTACTS = module("Contacts", 2, lookup("Account_Name", "Accounts"), lookup("Reports_To", "Contacts"))
PRODUCTS = module("Products", 3)
PRICE_BOOKS = module("Price_Books", 4)
CAMPAIGNS = module("Campaigns", 5)
LEADS = module("Leads", 6)
TASKS = module("Tasks", 7)
NOTES = module("Notes", 8)
PROJECTS = module(
    "Projects", 9, lookup("Account", "Accounts"), lookup("Sponsor", "Contacts"), lookup("Backup", "Contacts"),
    Field(id="2", api_name="Members", field_label="Members", data_type="multiselectlookup",
          link=LinkSpec("Projects_X_Contacts", "Project", "Member", "Contacts")),
    generated_type="custom",
)  # fmt: skip
LINKING = module("Projects_X_Contacts", 10, generated_type="linking")
ORG = (ACCOUNTS, CONTACTS, PRODUCTS, PRICE_BOOKS, CAMPAIGNS, LEADS, TASKS, NOTES, PROJECTS, LINKING)


def names(parent: Module) -> list[str]:
    return [item.api_name for item in related_lists(ORG, parent)]


def test_standard_lists_need_their_modules_and_fields() -> None:
    # no Deals, Cases, … in this org: their lists are left out; Parent_Account and Reports_To make none
    assert names(ACCOUNTS) == [
        "Notes",
        "Attachments",
        "Activities",
        "Tasks",
        "Contacts",
        "Products",
        "Projects",
    ]
    assert names(CONTACTS) == [
        "Notes", "Attachments", "Activities", "Tasks", "Campaigns", "Products", "Projects_Sponsor", "Projects_Backup",
    ]  # fmt: skip
    assert names(NOTES) == ["Attachments"]
    assert names(TASKS) == ["Notes", "Attachments"]
    assert names(LINKING) == []
    assert names(PROJECTS) == ["Notes", "Attachments", "Activities", "Tasks", "Members"]


def test_kinds_and_their_details() -> None:
    lists = related_lists(ORG, CONTACTS)
    contacts = find(related_lists(ORG, ACCOUNTS), "Contacts")
    assert contacts is not None and (contacts.kind, contacts.module, contacts.field) == (
        "lookup",
        "Contacts",
        "Account_Name",
    )
    campaigns = find(lists, "Campaigns")
    assert campaigns is not None and campaigns.many_to_many
    assert (campaigns.relation, campaigns.parent_is_left) == ("Campaigns.Contacts", False)
    assert [f.api_name for f in campaigns.junction] == ["Member_Status"]
    books = find(related_lists(ORG, PRODUCTS), "Price_Books")
    assert books is not None and books.parent_is_left is False and books.relation == "Price_Books.Products"
    assert [f.api_name for f in books.junction] == ["list_price"]
    activities = find(lists, "Activities")
    assert activities is not None and activities.modules == ("Tasks",)
    members = find(related_lists(ORG, PROJECTS), "Members")
    assert members is not None
    assert (members.kind, members.module, members.connected, members.connected_lookup) == (
        "multiselectlookup", "Projects_X_Contacts", "Contacts", "Member",
    )  # fmt: skip
    assert find(lists, "campaigns") is None  # names match case-sensitively


def test_ids_are_derived_and_distinct() -> None:
    everything = [item for parent in ORG for item in related_lists(ORG, parent)]
    assert len({item.id for item in everything}) == len(everything)
    again = [item.id for parent in ORG for item in related_lists(ORG, parent)]
    assert again == [item.id for item in everything]
    assert (
        list_id(ACCOUNTS.id, "Contacts").startswith("12345679")
        and len(list_id(ACCOUNTS.id, "Contacts")) == 19
    )
    assert relation_name("Products", "Leads") == "Leads.Products"


def test_the_coverage_generator_resolves_related_list_literals() -> None:
    from zcrm.http import coverage
    from zcrm.http.routes import ROUTES

    modules, lists = coverage.standard_modules(), coverage.standard_related_lists()
    assert "Listings" in lists["Deals"] and "Contacts" in lists["Accounts"]

    def resolved(method: str, template: str) -> coverage.Row:
        return coverage.resolve(method, template, ROUTES, modules, lists)

    served = resolved("GET", "/crm/v5/Accounts/{account}/Contacts")
    assert served.route is not None and served.route.template == "/crm/v5/{module}/{id}/{related_list}"
    assert resolved("GET", "/crm/v5/{module}/{id}/Campaigns").route is not None  # some module has it
    assert (
        resolved("GET", "/crm/v5/Accounts/{account}/Leads").note == "`Leads` is not a related list zcrm has"
    )
    assert resolved("GET", "/crm/v5/{module}/{id}/Emails").note == "`Emails` is not a related list zcrm has"
