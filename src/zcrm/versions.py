"""Zoho CRM's API versions as data: which ``/crm/vN`` prefixes zcrm serves and how a path of any of them maps onto the
one route table (whose templates name ``/crm/v5``); no I/O.

Every version is served by the same handlers over the same data: a record written through ``/crm/v2`` reads back
through ``/crm/v8``. What differs between versions is data (``Version``'s fields, each row of
``DIFFERENCES`` with its source), read by the code that differs; docs/api-versions.md is rendered from it.
"""

from __future__ import annotations

from dataclasses import dataclass

CANONICAL = "v5"  # the version the route table's templates name
_PREFIX = "/crm/"


@dataclass(frozen=True, slots=True)
class Version:
    """One API version: its path segment (``v2.1``) and its place in order (``(2, 1)``)."""

    name: str
    number: tuple[int, int]

    def at_least(self, name: str) -> bool:
        """Whether this version is ``name`` or later."""
        return self.number >= BY_NAME[name].number

    @property
    def module_names_in_fields(self) -> bool:
        """Whether field metadata names a module by its API name (``"module": "Accounts"``) rather than as an object
        ``{"api_name", "id"}``: ``lookup.module`` and the ``linking_module`` and ``connected_module`` of
        ``multiselectlookup`` and ``multiuserlookup``. Source: Zoho's own SDKs, ``zcrmsdk/src/json_details.json`` of
        zohocrmsdk2-0 6.0.0 and zohocrmsdk2-1 3.0.0 (``fields.Module.module``, ``fields.MultiSelectLookup`` and
        ``fields.MultiUserLookup``: ``String``), where zohocrmsdk5-0 has objects (``MinifiedModule``); v3 and v4 are
        taken to have the objects (not verified). The v2 SDKs read ``lookup.module`` to fetch the target module's
        fields: an object sends ``module={'api_name': ...}`` (INVALID_MODULE) or fails ``int()``."""
        return not self.at_least("v3")

    @property
    def subform_in_fields(self) -> bool:
        """Whether a subform field's metadata names its subform module in ``subform`` (``{"module", "id"}``) as well
        as in ``associated_module``. Source: ``utility.py`` of zohocrmsdk2-0 6.0.0 and zohocrmsdk2-1 3.0.0
        (``set_data_type``: ``field.get_subform().get_module()``; 2.0 fails on a null ``subform``, 2.1 then leaves the
        rows untyped), where zohocrmsdk5-0 reads ``associated_module.module``; v3 and v4 not verified."""
        return not self.at_least("v3")

    @property
    def id_field_in_fields(self) -> bool:
        """Whether field metadata lists the record id as a field (``api_name`` ``id``, ``bigint``). Source: Zoho's v4
        Fields Meta Data page, as kept for Vertical Solutions, which share the CRM API
        (https://zoho.com/developer/docs/vertical-solutions/api/v4/field-meta.html: "For all modules, ID is
        introduced as a field"). The v2.0 SDK types ``id`` from that entry and then refuses its own
        ``Record.set_id`` in a bulk update (``TYPE ERROR``, accepted type ``String``)."""
        return self.at_least("v4")

    @property
    def picklist_forecast_category(self) -> bool:
        """Whether a picklist value in field metadata carries ``forecast_category`` (``{"name", "id"}``). Source:
        ``json_details.json`` of zohocrmsdk2-0 6.0.0 (``fields.PickListValue`` has no such key) and zohocrmsdk2-1
        3.0.0 (types it ``Long``: ``int()`` of the object fails, so the SDK cannot read the fields of Deals); the
        object is in zohocrmsdk5-0's ``fields.ForecastCategory``. zcrm leaves the key out on v2 and v2.1."""
        return self.at_least("v3")

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


def split(path: str) -> tuple[Version, str]:
    """The version a ``/crm/vN/...`` path names and the path as the route table spells it (``/crm/v5/...``); any
    other path (``/oauth/...``, ``/__zcrm/...``, an unknown version) is returned unchanged with the default version,
    so that it matches what it matches today (an unknown ``/crm/v9/...`` matches nothing: 404)."""
    if not path.startswith(_PREFIX):
        return DEFAULT, path
    segment, slash, rest = path[len(_PREFIX) :].partition("/")
    version = BY_NAME.get(segment)
    if version is None or version is DEFAULT:
        return DEFAULT, path
    return version, f"{_PREFIX}{CANONICAL}{slash}{rest}"
