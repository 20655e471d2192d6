"""The org file's record processes of a module: ``approval_processes`` (see automation/approvals.py),
``review_process`` and ``zia_image_validation`` (see docs/automation.md), checked against the module's fields
and the org's users."""

from __future__ import annotations

from typing import Any

from zcrm.automation.approvals import APPROVAL_WHEN, APPROVE_MODES
from zcrm.automation.zia import OUTCOMES
from zcrm.schema.orgfile_checks import OrgFileError, criteria, req


def _users(raw: Any, key: str, at: str) -> list[str]:
    if not isinstance(raw, list) or not raw or not all(isinstance(u, str) and u for u in raw):
        raise OrgFileError(f"{at}: '{key}' must be a non-empty list of user emails")
    return [u.lower() for u in raw]


def approval_processes(raw: Any, fields: list[dict[str, Any]], where: str) -> list[dict[str, Any]]:
    """A module's approval processes, in the order they are tried."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise OrgFileError(f"{where}: 'approval_processes' must be a list")
    by_name = {f["api_name"]: f for f in fields}
    processes = []
    for index, process in enumerate(raw):
        at = f"{where}.approval_processes[{index}]"
        if not isinstance(process, dict):
            raise OrgFileError(f"{at}: a process must be a mapping")
        when = process.get("when", "create_or_edit")
        if when not in APPROVAL_WHEN:
            raise OrgFileError(f"{at}: when must be one of {list(APPROVAL_WHEN)}")
        approve = process.get("approve", "any")
        if approve not in APPROVE_MODES:
            raise OrgFileError(f"{at}: approve must be one of {list(APPROVE_MODES)}")
        processes.append(
            {
                "name": str(req(process, "name", at)),
                "when": when,
                **criteria(process, at, by_name),
                "approvers": _users(process.get("approvers"), "approvers", at),
                "approve": approve,
                "active": bool(process.get("active", True)),
            }
        )
    return processes


def review_process(raw: Any, fields: list[dict[str, Any]], where: str) -> dict[str, Any] | None:
    """A module's review process: records written while it applies wait for one of its reviewers."""
    if raw is None:
        return None
    at = f"{where}.review_process"
    if not isinstance(raw, dict):
        raise OrgFileError(f"{at}: must be a mapping")
    when = raw.get("when", "create_or_edit")
    if when not in APPROVAL_WHEN:
        raise OrgFileError(f"{at}: when must be one of {list(APPROVAL_WHEN)}")
    return {
        "name": str(raw.get("name") or "Review"),
        "when": when,
        **criteria(raw, at, {f["api_name"] for f in fields}),
        "approvers": _users(raw.get("reviewers"), "reviewers", at),
        "approve": "any",
        "active": bool(raw.get("active", True)),
    }


def zia_image_validation(raw: Any, fields: list[dict[str, Any]], where: str) -> dict[str, Any] | None:
    """A module's Zia image validation: which image fields, how long it takes (seconds; none: until ended
    through the control plane) and how it ends by itself."""
    if raw is None:
        return None
    at = f"{where}.zia_image_validation"
    if not isinstance(raw, dict):
        raise OrgFileError(f"{at}: must be a mapping")
    images = [f["api_name"] for f in fields if f["data_type"] == "imageupload"]
    chosen = raw.get("fields", images)
    if not isinstance(chosen, list) or not chosen or not set(chosen) <= set(images):
        raise OrgFileError(f"{at}: 'fields' must list image upload fields of the module {images}")
    delay = raw.get("delay")
    if delay is not None and (isinstance(delay, bool) or not isinstance(delay, int) or delay < 0):
        raise OrgFileError(f"{at}: 'delay' must be a whole number of seconds (0 or more)")
    outcome = raw.get("outcome", "approved")
    if outcome not in OUTCOMES:
        raise OrgFileError(f"{at}: outcome must be one of {list(OUTCOMES)}")
    return {
        "fields": list(chosen),
        "delay": delay,
        "outcome": outcome,
    }


def check_users(modules: list[dict[str, Any]], users: list[dict[str, Any]]) -> None:
    """Every approver and reviewer is one of the org's users."""
    emails = {u["email"].lower() for u in users}
    for module in modules:
        where = f"modules.{module['api_name']}"
        for index, process in enumerate(module.get("approval_processes") or []):
            for email in process["approvers"]:
                if email not in emails:
                    raise OrgFileError(
                        f"{where}.approval_processes[{index}]: approver '{email}' is not one of the org's users"
                    )
        for email in (module.get("review_process") or {}).get("approvers", []):
            if email not in emails:
                raise OrgFileError(
                    f"{where}.review_process: reviewer '{email}' is not one of the org's users"
                )
