"""A COQL column path resolved against an org's schema (zoho-v5-queries.md §3.3, §3.5): the lookups it walks and the
field it ends on, with the type it is compared and aggregated as."""

from __future__ import annotations

from dataclasses import dataclass

from zcrm.coql.parse import Path
from zcrm.errors import InvalidQuery, LimitExceeded
from zcrm.schema.model import Field, Module, OrgSchema
from zcrm.search.checks import data_type

MAX_RELATIONS = 2  # lookups one path may walk, and distinct relations one query may use
UNSELECTABLE = frozenset(
    {
        "multiselectlookup",
        "multiuserlookup",
        "subform",
        "imageupload",
        "fileupload",
        "participants",
        "linetax",
    }
)
MSG_UNKNOWN = "column given seems to be invalid"
MSG_UNSUPPORTED = "data type not supported"


@dataclass(frozen=True, slots=True)
class Ref:
    """A resolved path: ``steps`` are the lookup fields walked (each into its target module), ``field`` the field
    read at the end (None: the record's id), ``kind`` its data type (``"id"`` for the id; a formula's return type)."""

    text: str  # as written, quotes removed
    steps: tuple[Field, ...]
    field: Field | None
    kind: str

    @property
    def relations(self) -> list[tuple[str, ...]]:
        """The relations the path uses, each named by the lookups leading to it."""
        names = tuple(step.api_name for step in self.steps)
        return [names[: i + 1] for i in range(len(names))]


def unknown(text: str) -> InvalidQuery:
    return InvalidQuery(MSG_UNKNOWN, {"column_name": text})


def unsupported(text: str, kind: str) -> InvalidQuery:
    return InvalidQuery(MSG_UNSUPPORTED, {"column_name": text, "data_type": kind})


def joins_exceeded() -> LimitExceeded:
    return LimitExceeded(details={"limit": MAX_RELATIONS, "param_name": "joins"})


def resolve(schema: OrgSchema, module: Module, path: Path) -> Ref:
    """The path's fields, else 400: more than two relations (``LIMIT_EXCEEDED`` joins), an unknown field or a step
    through a field that is not a lookup to a module (unknown column, the whole path)."""
    text = path.text
    if len(path.names) - 1 > MAX_RELATIONS:
        raise joins_exceeded()
    steps: list[Field] = []
    current = module
    for name in path.names[:-1]:
        field = current.by_name.get(name)
        target = (
            None if field is None or field.data_type != "lookup" else schema.module(field.lookup_module or "")
        )
        if field is None or target is None:
            raise unknown(text)
        steps.append(field)
        current = target
    last = path.names[-1]
    if last == "id":
        return Ref(text, tuple(steps), None, "id")
    field = current.by_name.get(last)
    if field is None:
        raise unknown(text)
    return Ref(text, tuple(steps), field, data_type(field))


def check_relations(refs: list[Ref]) -> None:
    """At most two distinct relations in the whole query (§3.5)."""
    seen: set[tuple[str, ...]] = set()
    for ref in refs:
        seen.update(ref.relations)
        if len(seen) > MAX_RELATIONS:
            raise joins_exceeded()
