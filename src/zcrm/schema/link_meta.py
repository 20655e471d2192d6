"""The ``multiselectlookup`` / ``multiuserlookup`` object of a field's metadata, in the shape of the API version
asked: ``linking_module`` and its companions up to v7, ``linking_details`` and ``connected_details`` from v8
(``Version.linking_details``, with its source). Pure: no I/O."""

from __future__ import annotations

from typing import Any

from zcrm.schema.model import Field, Module, OrgSchema
from zcrm.versions import DEFAULT, Version


def _ref(module: Module | None) -> dict[str, Any] | None:
    return None if module is None else {"api_name": module.api_name, "id": module.id}


def named(ref: dict[str, Any] | None, version: Version) -> dict[str, Any] | str | None:
    """A module reference in field metadata as ``version`` spells it: ``{"api_name", "id"}`` or, before v3, the API
    name (``Version.module_names_in_fields``)."""
    return ref["api_name"] if ref is not None and version.module_names_in_fields else ref


def _module(module: Module) -> dict[str, Any]:
    return {"plural_label": module.plural_label, "api_name": module.api_name, "id": module.id}


def _field(module: Module | None, api_name: str) -> dict[str, Any] | None:
    fld = module.by_name.get(api_name) if module is not None else None
    return None if fld is None else {"api_name": fld.api_name, "field_label": fld.field_label, "id": fld.id}


def _reverse(connected: Module | None, linking: str) -> Field | None:
    """The connected module's own multi-select lookup through the same linking module, if it has one."""
    if connected is None:
        return None
    return next(
        (f for f in connected.fields if f.link is not None and f.link.linking_module == linking), None
    )


def link_json(schema: OrgSchema, fld: Field, version: Version = DEFAULT) -> dict[str, Any]:
    """The linking metadata of ``fld`` (empty for a field without one)."""
    if fld.link is None:
        return {}
    linking = schema.module(fld.link.linking_module)
    connected = schema.module(fld.link.connected_module)
    if version.linking_details and linking is not None:
        reverse = _reverse(connected, linking.api_name)
        return {
            "linking_details": {
                "module": {"visibility": 1, **_module(linking)},
                "lookup_field": _field(linking, fld.link.lookup_apiname),
                "connected_lookup_field": _field(linking, fld.link.connectedlookup_apiname),
            },
            "connected_details": {
                "field": None
                if reverse is None
                else {"api_name": reverse.api_name, "field_label": reverse.field_label, "id": reverse.id},
                "module": _module(connected)
                if connected
                else {"plural_label": "Users", "api_name": "Users", "id": fld.id},
                "layouts": [],
            },
            "record_access": False,
        }
    return {
        "display_label": fld.field_label,
        "linking_module": named(_ref(linking), version),
        "lookup_apiname": fld.link.lookup_apiname,
        "api_name": fld.api_name,
        "connected_module": named(
            _ref(connected) if connected else {"api_name": "Users", "id": fld.id}, version
        ),
        "connectedfield_apiname": fld.link.connectedlookup_apiname,
        "connectedlookup_apiname": fld.link.connectedlookup_apiname,
        "id": fld.id,
        "record_access": False,
    }
