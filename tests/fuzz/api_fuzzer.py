"""Every operation of ``GET /__zcrm/openapi.json`` driven by schemathesis against a live server, as one user.

For each operation, in each generation mode (positive: what the document admits; negative: what it refuses),
hypothesis draws ``EXAMPLES`` requests. Half of the positive ones name things that exist (a module of the org, a
record of that module, a user, the org itself) instead of made-up ones, so that the handlers go past their
look-ups. After the calls that change the org's settings for everyone (fault rules, the clock, workflow rules,
notification channels), the runner puts them back, so that one call cannot spoil the others. Failures are
collected per operation and reported together.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import hypothesis.strategies as st
import requests
import schemathesis
from hypothesis import given
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode

from tests.fuzz.harness import CHECKS, EXAMPLES, Org, forget_channels, fuzz_settings, reset_clock
from zcrm.http.routes import MATCHER, ROUTES, _openapi

CLOCK_CHANGES = {"/__zcrm/clock", "/__zcrm/clock/advance", "/__zcrm/clock/freeze", "/__zcrm/clock/unfreeze"}


@dataclass
class Finding:
    operation: str
    mode: str
    report: str


@dataclass
class ApiFuzzer:
    org: Org
    token: str
    examples: int = EXAMPLES
    findings: list[Finding] = field(default_factory=list)
    sent: int = 0
    elsewhere: int = 0  # negative path parameters that make another route's path

    def __post_init__(self) -> None:
        self.session = requests.Session()
        self.session.trust_env = False  # a proxy of the environment must not stand between us and the server
        self.schema = schemathesis.openapi.from_dict(_openapi())
        token = self.token

        @self.schema.auth.auth(refresh_interval=None)
        class Token:
            """The user's access token, as configured authentication: the checks then know the request carries a
            valid one (``ignored_auth`` sends it again without, and with a wrong one), and never count leaving it
            out as the fault of a negative request."""

            def get(self, case: Case, context: Any) -> str:
                return token

            def set(self, case: Case, data: str, context: Any) -> None:
                case.headers = {**(case.headers or {}), "Authorization": f"Zoho-oauthtoken {data}"}

    def run(self, tag: str) -> None:
        """Every operation of the routes tagged ``tag`` (``zoho``: Zoho's API and OAuth; ``zcrm``: the control
        plane), in both generation modes."""
        operations = [result.ok() for result in self.schema.get_all_operations()]
        assert len(operations) == sum(len(route.operations) for route in ROUTES)
        for operation in operations:
            if operation.definition.raw["tags"] != [tag]:
                continue
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                self._run(operation, mode)

    def _run(self, operation: Any, mode: GenerationMode) -> None:
        strategy = operation.as_strategy(generation_mode=mode, auth_storage=self.schema.auth)

        @fuzz_settings(self.examples)
        @given(case=strategy, data=st.data())
        def exercise(case: Case, data: st.DataObject) -> None:
            if mode is GenerationMode.POSITIVE:
                self._existing(case, data)
            if self._another_route(case):
                self.elsewhere += 1
                return
            self.sent += 1
            try:
                case.call_and_validate(
                    base_url=self.org.base_url,
                    session=self.session,
                    checks=CHECKS,
                    timeout=60,
                )
            finally:
                self._restore(case)

        try:
            exercise()
        except Unsatisfiable:
            pass  # nothing of this operation can be negated (no parameters, no body)
        except (Exception, BaseExceptionGroup) as exc:  # every failure is collected and reported at the end
            self.findings.append(Finding(operation.label, mode.value, f"{type(exc).__name__}: {exc}"[:6000]))

    # -- real names in place of made-up ones ---------------------------------------------------------------------
    def _existing(self, case: Case, data: st.DataObject) -> None:
        params = case.path_parameters
        if not params or not data.draw(st.booleans(), label="existing"):
            return
        path = case.operation.path
        if "module" in params or "api_name" in params:
            module = data.draw(st.sampled_from(self.org.modules), label="module")
            params["module" if "module" in params else "api_name"] = module
            if "id" in params and path.startswith(("/crm/v5/{module}/", "/__zcrm/records/")):
                ids = self.org.records.get(module) or [
                    id_ for ids in self.org.records.values() for id_ in ids
                ]
                params["id"] = data.draw(st.sampled_from(ids), label="record id")
        elif "id" in params and path.startswith("/__zcrm/orgs/"):
            params["id"] = self.org.org_id
        elif "id" in params and path in ("/crm/v5/users/{id}", "/__zcrm/users/{id}"):
            others = [u for u in self.org.users if u not in (self.org.user_id, self.org.read_only_user)]
            params["id"] = data.draw(st.sampled_from(others or self.org.users), label="user id")

    @staticmethod
    def _another_route(case: Case) -> bool:
        """A path parameter that holds ``/`` or a word its rule excludes (``/crm/v5/{module}`` with ``org``) makes
        the path of another route: its answer is that route's, not this operation's."""
        found = MATCHER.match(urllib.parse.unquote(case.formatted_path))
        return found is not None and found[0].template != case.operation.path

    # -- putting back what one call changes for every other --------------------------------------------------------
    def _restore(self, case: Case) -> None:
        path, method = case.operation.path, case.method.upper()
        headers = {"Authorization": f"Zoho-oauthtoken {self.org.token}"}
        if path == "/__zcrm/faults" and method == "POST":
            self.session.delete(f"{self.org.base_url}/__zcrm/faults", headers=headers, timeout=60)
        elif path in CLOCK_CHANGES and method != "GET":
            reset_clock(self.org)
        elif path == "/__zcrm/modules/{module}/workflow_rules" and method == "PUT":
            module = case.path_parameters.get("module")
            if module in self.org.modules:
                self.session.put(
                    f"{self.org.base_url}/__zcrm/modules/{module}/workflow_rules",
                    json={"workflow_rules": []},
                    headers=headers,
                    timeout=60,
                )
        elif path == "/crm/v5/actions/watch" and method in ("POST", "PUT", "PATCH"):
            forget_channels(self.org)

    def report(self) -> str:
        lines = [
            f"{len(self.findings)} operations failed ({self.sent} requests sent, {self.elsewhere} paths of other"
            " routes not sent):"
        ]
        for finding in self.findings:
            lines.append(f"--- {finding.operation} [{finding.mode}]\n{finding.report}")
        return "\n".join(lines)
