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

# From v8 on, the fields metadata describes a multi-select lookup's (and a multi-user lookup's) linking module in
# ``linking_details`` ({module, lookup_field, connected_lookup_field}) and ``connected_details`` ({module, field})
# objects, where v2.1 to v7 have the flat ``linking_module``, ``connected_module``, ``lookup_apiname`` and
# ``connectedlookup_apiname`` keys. Sources: Zoho's v8 fields metadata API
# (https://www.zoho.com/crm/developer/docs/api/v8/field-meta.html) and the v8 SDKs that read it to find the linking
# module whose fields they fetch: zohocrmsdk8-0 7.0.0 (fields/multiselectlookup.py, fields/linking_details.py,
# util/utility.py) and @zohocrm/nodejs-sdk-8.0 2.0.0 (utils/util/utility.js), where zohocrmsdk7-0 6.0.0 still reads
# ``linking_module``. Without it the v8 SDKs send a multi-select lookup's rows with their lookup emptied (``{}``).
LINKING_DETAILS = "v8"


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
