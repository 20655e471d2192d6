"""Drives the official SDK's ``AttachmentsOperations`` and ``RecordOperations``' photo methods against a running
``zcrm serve``.

    python attachments_driver.py CREDENTIALS_JSON WORK_DIR ARGS_JSON

``ARGS_JSON`` names the Leads record to work on (``record_id``). The scenario uploads a file
(``create_attachment``), attaches a link (``upload_url_attachments``), lists them (``get_attachments``), downloads
the file and tries the link (``get_attachment``), deletes one (``delete_attachment``) and the other
(``delete_attachments``), lists again; then uploads a photo (``upload_photo``), downloads it (``get_photo``),
deletes it (``delete_photo``) and downloads again. The report, ``WORK_DIR/result.json``, holds what the SDK parsed
at each step and every request it sent (``driver_base.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# before the SDK: importing driver_base installs the wire log
from driver_base import answer, entries, jsonable, main, mark, outcome
from zohocrmsdk.src.com.zoho.crm.api import record as records
from zohocrmsdk.src.com.zoho.crm.api.attachments import (
    ActionWrapper,
    APIException,
    AttachmentsOperations,
    DeleteAttachmentsParam,
    FileBodyWrapper,
    GetAttachmentsParam,
    ResponseWrapper,
    SuccessResponse,
    UploadUrlAttachmentsParam,
)
from zohocrmsdk.src.com.zoho.crm.api.parameter_map import ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.util import StreamWrapper

FILE_BYTES = bytes(range(256)) * 40 + b"%%EOF"
PHOTO_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(100))


def listed(obj: ResponseWrapper) -> dict[str, Any]:
    info = obj.get_info()
    return {
        "attachments": [
            {
                "id": a.get_id(),
                "file_name": a.get_file_name(),
                "size": a.get_size(),
                "type": a.get_type(),
                "se_module": a.get_se_module(),
                "file_id": a.get_file_id(),
                "link_url": a.get_link_url(),
                "editable": a.get_editable(),
                "parent": jsonable([a.get_parent_id().get_id(), a.get_parent_id().get_name()]),
                "owner": jsonable([a.get_owner().get_id(), a.get_owner().get_name()]),
                "created_time": jsonable(a.get_created_time()),
            }
            for a in obj.get_data()
        ],
        "info": {"count": info.get_count(), "more_records": info.get_more_records()},
    }


def downloaded(obj: Any) -> dict[str, Any]:
    stream = obj.get_file()
    return {"name": stream.get_name(), "bytes": stream.get_stream().content.hex()}


ANSWERED = (SuccessResponse, APIException, records.SuccessResponse)


def described(response: Any) -> dict[str, Any]:
    """A response as JSON: status code, the parsed object's kind and its content (a 204's object: ``NoneType``)."""
    return outcome(
        response,
        {
            (ActionWrapper, records.ActionWrapper): lambda obj: {"data": entries(obj.get_data(), ANSWERED)},
            (APIException, SuccessResponse, records.APIException, records.SuccessResponse): answer,
            ResponseWrapper: listed,
            (FileBodyWrapper, records.FileBodyWrapper): downloaded,
        },
        empty={"object": "NoneType"},
    )


def scenario(creds: dict[str, str], result: dict[str, Any]) -> None:
    record_id = int(result["args"]["record_id"])
    work = Path(result["work"])
    ops = AttachmentsOperations()

    mark(result, "upload")
    document = work / "report.pdf"
    document.write_bytes(FILE_BYTES)
    body = FileBodyWrapper()
    body.set_file(StreamWrapper(file_path=str(document)))
    result["upload"] = described(ops.create_attachment(record_id, "Leads", body))

    mark(result, "link")
    params = ParameterMap()
    params.add(UploadUrlAttachmentsParam.attachmenturl, "https://www.zoho.com/crm")
    params.add(UploadUrlAttachmentsParam.title, "Zoho CRM")
    result["link"] = described(ops.upload_url_attachments(record_id, "Leads", params))

    mark(result, "list")
    params = ParameterMap()
    params.add(GetAttachmentsParam.fields, "File_Name,Size,Parent_Id,Owner,Created_Time")
    result["list"] = described(ops.get_attachments(record_id, "Leads", params))
    by_type = {a["type"]: int(a["id"]) for a in result["list"]["attachments"]}

    mark(result, "download")
    result["download"] = described(ops.get_attachment(by_type["File"], record_id, "Leads"))
    mark(result, "download_link")
    result["download_link"] = described(ops.get_attachment(by_type["Link URL"], record_id, "Leads"))

    mark(result, "delete_one")
    result["delete_one"] = described(ops.delete_attachment(by_type["File"], record_id, "Leads"))
    mark(result, "delete_many")
    params = ParameterMap()
    params.add(DeleteAttachmentsParam.ids, f"{by_type['Link URL']},{by_type['File']}")
    result["delete_many"] = described(ops.delete_attachments(record_id, "Leads", params))
    mark(result, "list_after")
    params = ParameterMap()
    params.add(GetAttachmentsParam.fields, "File_Name")
    result["list_after"] = described(ops.get_attachments(record_id, "Leads", params))

    record_ops = records.RecordOperations()
    mark(result, "upload_photo")
    picture = work / "face.png"
    picture.write_bytes(PHOTO_BYTES)
    photo = records.FileBodyWrapper()
    photo.set_file(StreamWrapper(file_path=str(picture)))
    result["upload_photo"] = described(record_ops.upload_photo(record_id, "Leads", photo))
    mark(result, "get_photo")
    result["get_photo"] = described(record_ops.get_photo(record_id, "Leads"))
    mark(result, "delete_photo")
    result["delete_photo"] = described(record_ops.delete_photo(record_id, "Leads"))
    mark(result, "get_photo_after")
    result["get_photo_after"] = described(record_ops.get_photo(record_id, "Leads"))


if __name__ == "__main__":
    raise SystemExit(main(scenario))
