"""Zoho CRM's API versions as data: which ``/crm/vN`` prefixes zcrm serves and how a path of any of them maps onto the
one route table (whose templates name ``/crm/v5``); no I/O.

Every version is served by the same handlers over the same data: a record written through ``/crm/v2`` reads back
through ``/crm/v8``. What differs between versions is data (``Version``'s fields, each row of
``DIFFERENCES`` with its source), read by the code that differs; docs/api-versions.md is rendered from it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

CANONICAL = "v5"  # the version the route table's templates name
_PREFIX = "/crm/"
_CANONICAL_PREFIX = f"{_PREFIX}{CANONICAL}/"


@dataclass(frozen=True, slots=True)
class Version:
    """One API version: its path segment (``v2.1``) and its place in order (``(2, 1)``)."""

    name: str
    number: tuple[int, int]

    def at_least(self, name: str) -> bool:
        """Whether this version is ``name`` or later."""
        return self.number >= BY_NAME[name].number

    def has(self, difference: str) -> bool:
        """Whether the ``after`` behaviour of the row ``difference`` of ``DIFFERENCES`` holds in this version."""
        return self.at_least(BY_ID[difference].since)

    def _values(self, kind: str) -> tuple[int | bool | frozenset[str] | None, ...]:
        return _values_in(self, kind)

    def _number(self, kind: str) -> int:
        (value,) = self._values(kind)
        assert isinstance(value, int)
        return value

    @property
    def list_fields_required(self) -> bool:
        """Whether a records list needs ``fields`` (row ``list-fields``)."""
        (value,) = self._values("list_fields_required")
        return bool(value)

    @property
    def coql_max_limit(self) -> int:
        """The largest COQL ``LIMIT`` (row ``coql-limit``)."""
        return self._number("coql_max_limit")

    @property
    def coql_max_reach(self) -> int:
        """The most records COQL's ``LIMIT`` and ``OFFSET`` reach together (row ``coql-reach``)."""
        return self._number("coql_max_reach")

    def omitted_fields(self, module: str) -> frozenset[str]:
        """The API names of ``module``'s fields this version does not have (rows of kind ``omitted_fields``, whose
        values name ``Module.Field``, ``*`` for every module)."""
        return _omitted_fields(self, module)

    def _flag(self, kind: str) -> bool:
        (value,) = self._values(kind)
        assert isinstance(value, bool)
        return value

    @property
    def module_names_in_fields(self) -> bool:
        """Whether field metadata names a module by its API name rather than as ``{"api_name", "id"}`` (row
        ``field-module-refs``)."""
        return self._flag("module_names_in_fields")

    @property
    def subform_in_fields(self) -> bool:
        """Whether a subform field's metadata also names its module in ``subform`` (row ``field-subform-key``)."""
        return self._flag("subform_in_fields")

    @property
    def id_field_in_fields(self) -> bool:
        """Whether field metadata lists the record id as a field (row ``id-field``)."""
        return self._flag("id_field_in_fields")

    @property
    def picklist_forecast_category(self) -> bool:
        """Whether a picklist value in field metadata carries ``forecast_category`` (row
        ``picklist-forecast-category``)."""
        return self._flag("picklist_forecast_category")

    @property
    def linking_details(self) -> bool:
        """Whether multi-select and multi-user lookups describe their linking module as ``linking_details`` (row
        ``linking-details``)."""
        return self._flag("linking_details")

    @property
    def missing_routes(self) -> frozenset[str]:
        """The route templates (``/crm/v5/...``, as the route table names them) this version does not have."""
        return _union(self, "missing_routes")

    @property
    def omitted_module_keys(self) -> frozenset[str]:
        """The keys of a module object (``GET /settings/modules``) this version does not answer."""
        return _union(self, "omitted_module_keys")

    def __str__(self) -> str:
        return self.name


def _version(name: str) -> Version:
    major, _, minor = name[1:].partition(".")
    return Version(name, (int(major), int(minor or 0)))


VERSIONS: tuple[Version, ...] = tuple(
    _version(name) for name in ("v2", "v2.1", "v3", "v4", "v5", "v6", "v7", "v8")
)
BY_NAME: dict[str, Version] = {v.name: v for v in VERSIONS}
DEFAULT = BY_NAME[CANONICAL]


@dataclass(frozen=True, slots=True)
class Difference:
    """One documented difference between API versions: from ``since`` on, ``after`` holds; before it, ``before``.

    ``kind`` names what code reads the row (``Version.value``); an empty kind is a row zcrm documents but does not
    serve (``zcrm`` says why). ``value_before`` and ``value_after`` are what that code reads."""

    id: str
    api: str  # the endpoint concerned
    what: str
    since: str  # the first version with the ``after`` behaviour
    before: str
    after: str
    sources: tuple[str, ...]  # Zoho's pages that document it
    zcrm: str  # how zcrm serves the row
    kind: str = ""
    value_before: int | bool | frozenset[str] | None = None
    value_after: int | bool | frozenset[str] | None = None


_DOCS = "https://www.zoho.com/crm/developer/docs/api"
_SDK = "https://github.com/zoho/zohocrm-python-sdk"  # Zoho's official Python SDKs, one repository per version
_OMITTED_FIELDS = (
    "served: before that version the fields are left out of the fields metadata and of the records that Get "
    "Records, Get Record and Search answer (COQL and related lists still know them)"
)

# v6 removed these keys from the Modules API's answers (v6 change log)
V6_REMOVED_MODULE_KEYS = frozenset(
    {
        "email_parser_supported",
        "emailTemplate_support",
        "filter_supported",
        "global_search_supported",
        "inventory_template_supported",
        "isBlueprintSupported",
        "scoring_supported",
        "triggers_supported",
        "webform_supported",
    }
)

DIFFERENCES: tuple[Difference, ...] = (
    Difference(
        id="list-fields",
        api="GET /crm/{version}/{module}",
        what="the `fields` parameter of Get Records (a list)",
        since="v5",
        before="optional: without it every field of the module is returned",
        after='mandatory: without it 400 `REQUIRED_PARAM_MISSING` `{"param_name":"fields"}`',
        sources=(f"{_DOCS}/v4/get-records.html", f"{_DOCS}/v5/get-records.html"),
        zcrm="served: before v5 a list without `fields` answers every field of the module that a list shows "
        "(subform and multi-select lookup arrays stay out of lists, as in v5). Related Records and Attachments "
        "lists keep `fields` mandatory in every version: no page found gives their older behaviour",
        kind="list_fields_required",
        value_before=False,
        value_after=True,
    ),
    Difference(
        id="modules-status",
        api="GET /crm/{version}/settings/modules",
        what="a module's visibility keys",
        since="v5",
        before="the boolean `visible`; no `status` and no `sub_menu_available`",
        after="`status` (`visible`, `user_hidden`, `system_hidden`, `scheduled_for_deletion`) and "
        "`sub_menu_available` are added; the change log says `status` replaces `visible`",
        sources=(f"{_DOCS}/v5/change-log.html",),
        zcrm="served: before v5 `status` and `sub_menu_available` are left out. From v5 zcrm still also "
        "answers `visible` (as it did before versions were served, and as its v5 tests expect)",
        kind="omitted_module_keys",
        value_before=frozenset({"status", "sub_menu_available"}),
        value_after=frozenset(),
    ),
    Difference(
        id="modules-v6-keys",
        api="GET /crm/{version}/settings/modules",
        what="keys of a module that v6 removed",
        since="v6",
        before="`" + "`, `".join(sorted(V6_REMOVED_MODULE_KEYS)) + "` are answered",
        after="these keys are no longer in the answer",
        sources=(f"{_DOCS}/v6/change-log.html",),
        zcrm="served: from v6 the keys zcrm answered among them are left out",
        kind="omitted_module_keys",
        value_before=frozenset(),
        value_after=V6_REMOVED_MODULE_KEYS,
    ),
    Difference(
        id="modules-recycle-bin",
        api="GET /crm/{version}/settings/modules",
        what="`recycle_bin_on_delete` of a module",
        since="v6",
        before="not in the answer",
        after="the boolean `recycle_bin_on_delete` is answered",
        sources=(f"{_DOCS}/v6/change-log.html",),
        zcrm="not served by version: zcrm answers `recycle_bin_on_delete` in every version, since its v5 answers "
        "already carried it",
    ),
    Difference(
        id="activities-module",
        api="/crm/{version}/Activities",
        what="calls to the Activities module",
        since="v3",
        before="Activities can be called (the union of Tasks, Events and Calls)",
        after="Activities cannot be called: use Tasks, Events (Meetings) and Calls",
        sources=(f"{_DOCS}/v3/change-log.html",),
        zcrm="not served: the standard org (reference/standard-org.json) has no Activities module, so every version "
        "answers it as an unknown module (400 `INVALID_MODULE`)",
    ),
    Difference(
        id="leads-converted-lookups",
        api="GET /crm/{version}/settings/fields?module=Leads, GET /crm/{version}/Leads",
        what="the Leads fields `Converted_Contact`, `Converted_Deal` and `Converted_Account`",
        since="v3",
        before="not among the Leads fields",
        after="introduced: set on a converted lead, `null` on the others",
        sources=(f"{_DOCS}/v3/change-log.html",),
        zcrm=_OMITTED_FIELDS,
        kind="omitted_fields",
        value_before=frozenset(
            {"Leads.Converted_Contact", "Leads.Converted_Deal", "Leads.Converted_Account"}
        ),
        value_after=frozenset(),
    ),
    Difference(
        id="leads-converted-field",
        api="GET /crm/{version}/settings/fields?module=Leads, GET /crm/{version}/Leads",
        what="the Leads field `Converted__s`",
        since="v4",
        before="no such field: whether a lead is converted is the `$converted` property of the Leads module",
        after="the boolean field `Converted__s`; `$converted` is removed from the module's `$properties`",
        sources=(f"{_DOCS}/v4/change-log.html",),
        zcrm=_OMITTED_FIELDS + " (zcrm's modules carry no `$properties`)",
        kind="omitted_fields",
        value_before=frozenset({"Leads.Converted__s"}),
        value_after=frozenset(),
    ),
    Difference(
        id="record-status-field",
        api="GET /crm/{version}/settings/fields, GET /crm/{version}/{module}",
        what="the field `Record_Status__s`",
        since="v6",
        before="no such field",
        after="a system-defined picklist field of every module: `Available`, `Draft` or `Trash`",
        sources=(f"{_DOCS}/v6/change-log.html",),
        zcrm=_OMITTED_FIELDS,
        kind="omitted_fields",
        value_before=frozenset({"*.Record_Status__s"}),
        value_after=frozenset(),
    ),
    Difference(
        id="timeline-api",
        api="GET /crm/{version}/{module}/{id}/__timeline",
        what="the Timeline API (a record's history)",
        since="v5",
        before="no such endpoint: 404 `INVALID_URL_PATTERN`, as for any unknown path",
        after="the timeline of the record",
        sources=("https://www.zoho.com/crm/help/api/release-notes.html",),
        zcrm='served: before v5 the path answers 404 `INVALID_URL_PATTERN`. The page, titled "What\'s New in V5?", '
        "lists Timeline among the new APIs",
        kind="missing_routes",
        value_before=frozenset({"/crm/v5/{module}/{id}/__timeline"}),
        value_after=frozenset(),
    ),
    Difference(
        id="coql-limit",
        api="POST /crm/{version}/coql",
        what="the largest `LIMIT` of a query (records per call)",
        since="v4",
        before='200: a larger `LIMIT` gives 400 `LIMIT_EXCEEDED` `{"limit":200,"param_name":"limit"}`',
        after="2000",
        sources=(
            f"{_DOCS}/v2/COQL-Limitations.html",
            "https://www.zoho.com/developer/docs/vertical-solutions/api/v3/COQL-Overview.html",
            "https://www.zoho.com/developer/docs/vertical-solutions/api/v4/COQL-Overview.html",
            f"{_DOCS}/v7/COQL-Limitations.html",
        ),
        zcrm="served. The CRM pages of v3 and v4 were not found: v4 is where the parallel Vertical Solutions API "
        "documents the change from 200 to 2000",
        kind="coql_max_limit",
        value_before=200,
        value_after=2000,
    ),
    Difference(
        id="coql-reach",
        api="POST /crm/{version}/coql",
        what="how far `LIMIT` and `OFFSET` reach together",
        since="v7",
        before='10,000 records: beyond, 400 `LIMIT_EXCEEDED` `{"limit":10000,"param_name":"offset"}`',
        after="100,000 records",
        sources=(f"{_DOCS}/COQL-Limitations.html", f"{_DOCS}/v7/COQL-Limitations.html"),
        zcrm="served. The v6 page was not found; v7 is the first version whose page gives 100,000",
        kind="coql_max_reach",
        value_before=10_000,
        value_after=100_000,
    ),
    Difference(
        id="field-module-refs",
        api="GET /crm/{version}/settings/fields, GET /crm/{version}/settings/layouts",
        what="how field metadata names a module: `lookup.module`, and the `linking_module` and `connected_module` "
        "of multi-select and multi-user lookups",
        since="v3",
        before='the module\'s API name as a string (`"module": "Accounts"`)',
        after='an object `{"api_name", "id"}`',
        sources=(
            f"{_SDK}-2.0/blob/master/zcrmsdk/src/json_details.json",
            f"{_SDK}-2.1/blob/master/zcrmsdk/src/json_details.json",
            f"{_SDK}-5.0/blob/master/zohocrmsdk/src/json_details.json",
        ),
        zcrm="served. Zoho's v2 and v2.1 SDKs type these keys `String` and read `lookup.module` to fetch the "
        "target module's fields (an object makes them send `module={'api_name': ...}` or fail `int()`); the v5 "
        "SDK types them as objects. No v3 or v4 SDK exists to place the change more exactly",
        kind="module_names_in_fields",
        value_before=True,
        value_after=False,
    ),
    Difference(
        id="field-subform-key",
        api="GET /crm/{version}/settings/fields, GET /crm/{version}/settings/layouts",
        what="the `subform` key of a subform field's metadata",
        since="v3",
        before='`subform: {"module", "id"}` names the subform module (besides `associated_module`)',
        after="the subform module is read from `associated_module` only",
        sources=(
            f"{_SDK}-2.0/blob/master/zcrmsdk/src/com/zoho/crm/api/util/utility.py",
            f"{_SDK}-2.1/blob/master/zcrmsdk/src/com/zoho/crm/api/util/utility.py",
        ),
        zcrm="served: before v3 a subform field carries `subform`. The v2.0 SDK fails on a null `subform`, "
        "v2.1 leaves the rows untyped; the v5 SDK reads `associated_module.module`",
        kind="subform_in_fields",
        value_before=True,
        value_after=False,
    ),
    Difference(
        id="picklist-forecast-category",
        api="GET /crm/{version}/settings/fields?module=Deals",
        what="`forecast_category` of a picklist value (the Deals `Stage`)",
        since="v3",
        before="not in the answer",
        after='the object `{"name", "id"}`',
        sources=(
            f"{_SDK}-2.0/blob/master/zcrmsdk/src/json_details.json",
            f"{_SDK}-2.1/blob/master/zcrmsdk/src/json_details.json",
            f"{_SDK}-5.0/blob/master/zohocrmsdk/src/json_details.json",
        ),
        zcrm="served: left out before v3. The v2.0 SDK's `PickListValue` has no such key and the v2.1 SDK types it "
        "`Long` (it cannot read the Deals fields when it is an object); the v5 SDK has `ForecastCategory`",
        kind="picklist_forecast_category",
        value_before=False,
        value_after=True,
    ),
    Difference(
        id="id-field",
        api="GET /crm/{version}/settings/fields",
        what="the record id as a field of every module",
        since="v4",
        before="not a field: `GET /settings/fields/{its id}` answers 400 `INVALID_DATA`",
        after="listed as the field `id` (`bigint`)",
        sources=("https://www.zoho.com/developer/docs/vertical-solutions/api/v4/field-meta.html",),
        zcrm='served. The page (Vertical Solutions share the CRM API) says "For all modules, ID is introduced as a '
        'field"; the v2.0 SDK types `id` from that entry and then refuses its own `Record.set_id` in a bulk '
        "update (`TYPE ERROR`)",
        kind="id_field_in_fields",
        value_before=False,
        value_after=True,
    ),
    Difference(
        id="linking-details",
        api="GET /crm/{version}/settings/fields, GET /crm/{version}/settings/layouts",
        what="how a multi-select or multi-user lookup's metadata describes its linking module",
        since="v8",
        before="`linking_module`, `connected_module`, `lookup_apiname` and `connectedlookup_apiname`",
        after="`linking_details` (`module`, `lookup_field`, `connected_lookup_field`) and `connected_details` "
        "(`field`, `module`, `layouts`)",
        sources=(
            f"{_SDK}-8.0/blob/master/zohocrmsdk/src/json_details.json",
            f"{_SDK}-8.0/blob/master/zohocrmsdk/src/com/zoho/crm/api/util/utility.py",
            f"{_SDK}-7.0/blob/master/zohocrmsdk/src/json_details.json",
            "https://github.com/zoho/zohocrm-nodejs-sdk-8.0",
        ),
        zcrm="served: from v8 the new keys replace the old ones. The v8 SDK finds the linking module at "
        "`multiselectlookup.linking_details.module.api_name` (without it, it never fetches the linking module's "
        "fields and reads linking rows as plain dicts); the v7 SDK reads `linking_module`. The Node v8 SDKs "
        "(`@zohocrm/nodejs-sdk-8.0`, `@zohocrm/typescript-sdk-8.0`) read the same key (`lib/utils/util/utility.js` "
        "in the npm package 2.0.0) and without it send a linking row's lookup emptied (`{}`), which is refused "
        "`MANDATORY_NOT_FOUND`. No v8 API page found",
        kind="linking_details",
        value_before=False,
        value_after=True,
    ),
)
BY_ID: dict[str, Difference] = {d.id: d for d in DIFFERENCES}


# Every request reads its version's values: each (version, kind) is worked out once.
@functools.cache
def _values_in(version: Version, kind: str) -> tuple[int | bool | frozenset[str] | None, ...]:
    return tuple(
        d.value_after if version.has(d.id) else d.value_before for d in DIFFERENCES if d.kind == kind
    )


@functools.cache
def _union(version: Version, kind: str) -> frozenset[str]:
    union: frozenset[str] = frozenset()
    for value in version._values(kind):
        assert isinstance(value, frozenset)
        union |= value
    return union


@functools.cache
def _omitted_fields(version: Version, module: str) -> frozenset[str]:
    names: set[str] = set()
    for value in version._values("omitted_fields"):
        assert isinstance(value, frozenset)
        names.update(q.partition(".")[2] for q in value if q.partition(".")[0] in (module, "*"))
    return frozenset(names)


def split(path: str) -> tuple[Version, str]:
    """The version a ``/crm/vN/...`` path names and the path as the route table spells it (``/crm/v5/...``); any
    other path (``/oauth/...``, ``/__zcrm/...``, an unknown version) is returned unchanged with the default version,
    so that it matches what it matches today (an unknown ``/crm/v9/...`` matches nothing: 404)."""
    if not path.startswith(_PREFIX) or path.startswith(_CANONICAL_PREFIX):
        return DEFAULT, path
    segment, slash, rest = path[len(_PREFIX) :].partition("/")
    version = BY_NAME.get(segment)
    if version is None or version is DEFAULT:
        return DEFAULT, path
    return version, f"{_PREFIX}{CANONICAL}{slash}{rest}"
