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
    def linking_details(self) -> bool:
        """Whether a multi-select lookup's or multi-user lookup's field metadata describes its linking module as
        ``linking_details`` (with ``connected_details``), as v8 does, rather than as ``linking_module``
        (``connected_module``, ``lookup_apiname``, ``connectedlookup_apiname``), as v2.1 to v7 do.

        Source: Zoho's v8 Python SDK (zoho/zohocrm-python-sdk-8.0, ``zohocrmsdk/src/json_details.json``, class
        ``fields.Multiselectlookup``: ``linking_details`` {``module``, ``lookup_field``, ``connected_lookup_field``},
        ``connected_details`` {``field``, ``module``, ``layouts``}, ``related_list``, ``record_access``; and
        ``crm/api/util/utility.py``, which finds the linking module of both field types at
        ``multiselectlookup.linking_details.module.api_name``); the v7 SDK's model and utility read
        ``linking_module`` (zoho/zohocrm-python-sdk-7.0, same files)."""
        return self.at_least("v8")

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
