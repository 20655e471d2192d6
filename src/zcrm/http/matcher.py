"""Route templates as data and the matcher over them; no HTTP.

A route is a template such as ``/crm/v5/{module}/{id}/actions/approvals``, its operations by method (a handler and a
one-line summary), a tag (``zoho`` or ``zcrm``), who may call it, and rules for its path parameters. The table
in ``http/routes.py`` is the one source of dispatch, the OpenAPI document (``http/openapi.py``) and the coverage
page (``http/coverage.py``).

Matching rules (docs/architecture.md, "Routing"):
- one trailing slash is ignored; an empty segment matches nothing (no literal is empty, no parameter takes "");
- at each segment a literal beats a parameter, and parameters are tried in the order the routes declare them;
  when the rest of the path fails under the literal, the parameters are tried (backtracking), so
  ``/crm/v5/Approvals/1`` is a record of the module ``Approvals`` while ``/crm/v5/Approvals`` is the approvals list;
- a parameter refuses the words its rule excludes (``/crm/v5/{module}`` is never ``settings``, the ``{id}`` of
  ``/crm/v5/{module}/{id}`` is never ``upsert``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

H = TypeVar("H", bound=Callable[..., Any])
Tag = Literal["zoho", "zcrm"]
Auth = Literal["token", "org_admin", "admin", "server_admin", "none"]
# an org access token; one of a user whose profile is an administrator's; the server admin token or an
# administrator's of the org the path names; the server admin token only; nothing. ``http/routes.dispatch``
# enforces ``org_admin`` (a hook of the handler's ``State.authed``) and gives ``admin`` and ``server_admin``
# handlers the ``AdminCall`` whose unit of work checks them (``http/control/access.py``); ``token`` is
# ``State.authed``'s


@dataclass(frozen=True, slots=True)
class Param:
    """A path parameter's rule: never empty, never one of ``excluded``. ``module``: it holds a module's API name
    (so an SDK path spelling a module, such as ``/crm/v5/Notes``, fills it; see http/coverage.py)."""

    name: str
    description: str = ""
    excluded: frozenset[str] = frozenset()
    module: bool = False

    def accepts(self, segment: str) -> bool:
        return bool(segment) and segment not in self.excluded


@dataclass(frozen=True, slots=True)
class Operation(Generic[H]):
    handler: H
    summary: str


@dataclass(frozen=True, slots=True)
class Route(Generic[H]):
    """``operations`` by method; a handler is called with the request, the state and the template's parameters in
    order. A template parameter without an entry in ``params`` gets a plain rule (any non-empty segment). ``kind``
    is the family of calls the route serves, from which a request is classified once (``http/call.describe``)."""

    template: str
    operations: Mapping[str, Operation[H]]
    tag: Tag
    auth: Auth = "token"
    params: tuple[Param, ...] = ()
    kind: str = "other"
    segments: tuple[str | Param, ...] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        rules: dict[str, Param] = {p.name: p for p in self.params}
        segments: list[str | Param] = []
        assert self.template.startswith("/"), self.template
        for part in self.template[1:].split("/"):
            assert part, f"empty segment in {self.template}"
            if part.startswith("{") and part.endswith("}"):
                name = part[1:-1]
                segments.append(rules.pop(name) if name in rules else Param(name))
            else:
                segments.append(part)
        assert not rules, f"rules for parameters not in {self.template}: {sorted(rules)}"
        object.__setattr__(self, "segments", tuple(segments))

    @property
    def path_params(self) -> tuple[Param, ...]:
        return tuple(s for s in self.segments if isinstance(s, Param))


class _Node(Generic[H]):
    __slots__ = ("literals", "params", "route")

    def __init__(self) -> None:
        self.literals: dict[str, _Node[H]] = {}
        self.params: list[tuple[Param, _Node[H]]] = []
        self.route: Route[H] | None = None


class Matcher(Generic[H]):
    """The routes as a tree of segments: ``match`` walks it once per request."""

    def __init__(self, routes: Iterable[Route[H]]) -> None:
        self.routes = tuple(routes)
        self._root: _Node[H] = _Node()
        for route in self.routes:
            node = self._root
            for segment in route.segments:
                if isinstance(segment, str):
                    node = node.literals.setdefault(segment, _Node())
                    continue
                for param, child in node.params:
                    if param == segment:
                        node = child
                        break
                else:
                    child = _Node()
                    node.params.append((segment, child))
                    node = child
            assert node.route is None, f"two routes for {route.template}"
            node.route = route

    def match(self, path: str) -> tuple[Route[H], tuple[str, ...]] | None:
        """The route of ``path`` and its parameter values in order, or None."""
        if len(path) > 1 and path[-1] == "/":
            path = path[:-1]  # one trailing slash is ignored
        if not path.startswith("/"):
            return None
        return _walk(self._root, path[1:].split("/"), 0, ())


def _walk(
    node: _Node[H], segments: list[str], i: int, values: tuple[str, ...]
) -> tuple[Route[H], tuple[str, ...]] | None:
    if i == len(segments):
        return None if node.route is None else (node.route, values)
    segment = segments[i]
    child = node.literals.get(segment)
    if child is not None:
        found = _walk(child, segments, i + 1, values)
        if found is not None:
            return found
    for param, child in node.params:
        if param.accepts(segment):
            found = _walk(child, segments, i + 1, (*values, segment))
            if found is not None:
                return found
    return None
