"""Image and file upload fields' rows (zoho-v5-related.md §6.3, behaviour §3.8), pure.

A new row ``{"File_Id__s": "<file id>"}`` attaches a file that ``POST /files`` returned. The validator queues one
``FileRef`` per new row; once the engine has asked ``Stored.files`` about them, ``file_error`` reports the first
unknown id (or a non-image in an image-upload field) and fills the rows of the known ones with the file's facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from zcrm.errors import MSG_INVALID_ID, InvalidData, ZohoError
from zcrm.fields.coerce import parse_id
from zcrm.records.model import StoredRecord
from zcrm.records.plan import FileFacts

UPLOAD_TYPES = frozenset({"imageupload", "fileupload"})
STATE = "save"


@dataclass(slots=True)
class FileRef:
    """A new upload row naming ``file_id``; ``row`` is the row's data as it will be stored (filled in place)."""

    file_id: str
    image: bool  # the field is an image upload: the file must be an image
    path: str  # the row's json path, ``$.data[N].<Field>[M]``
    row: dict[str, Any]


def file_refs(
    data_type: str,
    value: Any,
    adds: Sequence[dict[str, Any]],
    updates: dict[str, dict[str, Any]],
    path: str,
) -> list[FileRef]:
    """The ``FileRef`` of each row of an upload field's ``value`` that names a file: the rows it adds (``adds``,
    the planner's new rows in order) and the existing rows it gives a new ``File_Id__s`` (``updates`` by row id)."""
    if data_type not in UPLOAD_TYPES or not isinstance(value, list):
        return []
    image = data_type == "imageupload"
    refs: list[FileRef] = []
    new = iter(adds)
    for m, row in enumerate(value):
        if not isinstance(row, dict) or "_delete" in row:
            continue
        if "id" not in row:
            data = next(new, None)
        else:
            data = updates.get(parse_id(row["id"]) or "")
            if data is None or data.get("File_Id__s") is None:
                continue
        if data is not None:
            refs.append(FileRef(str(data.get("File_Id__s")), image, f"{path}[{m}]", data))
    return refs


def file_error(refs: Sequence[FileRef], facts: dict[str, FileFacts]) -> ZohoError | None:
    """The first row naming no uploaded file, or a non-image in an image field; else fills every row and None."""
    for ref in refs:
        details = {"api_name": "File_Id__s", "json_path": f"{ref.path}.File_Id__s"}
        found = facts.get(ref.file_id)
        if found is None:
            return InvalidData(MSG_INVALID_ID, details)
        if ref.image and not found.image:
            return InvalidData(details=details)
    for ref in refs:
        found = facts[ref.file_id]
        ref.row.update(
            {
                "File_Name__s": found.name,
                "Size__s": str(found.size),
                "Preview_Id__s": found.id,
                "State__s": STATE,
            }
        )
    return None


def upload_row(row: StoredRecord, sequence: int) -> dict[str, Any]:
    """An upload row as a single GET shows it (§6.3); ``sequence`` its 1-based place in the field."""
    data = row.data
    return {
        "id": row.id,
        "File_Id__s": data.get("File_Id__s"),
        "File_Name__s": data.get("File_Name__s"),
        "Size__s": data.get("Size__s"),
        "Sequence_Number__s": sequence,
        "Description__s": data.get("Description__s"),
        "Preview_Id__s": data.get("Preview_Id__s"),
        "State__s": data.get("State__s"),
    }
