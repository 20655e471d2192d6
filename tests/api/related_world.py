"""What the tests of the APIs hanging off a record share (issue 15: related records and lists, notes, attachments,
photos, files, tags, conversion, the recycle bin): Zoho's error entries, the info of a list that fits one page and
the refused upload size."""

from __future__ import annotations

from typing import Any

MB = 1024 * 1024
RELATED_ID = "the related id given seems to be invalid"
TOO_LARGE = {
    "code": "FILE_SIZE_MORE_THAN_ALLOWED_SIZE",
    "details": {},
    "message": "please check if the file size is in the correct range",
    "status": "error",
}


def err(code: str, details: dict[str, Any], message: str = "invalid data") -> dict[str, Any]:
    """Zoho's error entry (or whole error answer)."""
    return {"code": code, "details": details, "message": message, "status": "error"}


def error(code: str, message: str, **details: Any) -> dict[str, Any]:
    """``err`` with the message first and the details as keywords."""
    return err(code, details, message)


def too_many(maximum: int) -> dict[str, Any]:
    """The answer to a body whose ``data`` holds more than ``maximum`` entries."""
    details = {"maximum_length": maximum, "api_name": "data"}
    return {"data": [err("LIMIT_EXCEEDED", details, "count of records in your request exceeds the limit")]}


def one_page(count: int) -> dict[str, Any]:
    """The ``info`` of a list whose ``count`` records fit its first page of 200."""
    return {
        "per_page": 200,
        "next_page_token": None,
        "count": count,
        "page": 1,
        "previous_page_token": None,
        "page_token_expiry": None,
        "more_records": False,
    }
