"""Drives the official SDK's ``FilesOperations`` (``upload_files``, ``get_file``) and a Deal insert with an
image-upload field against a running ``zcrm serve``.

    python files_driver.py CREDENTIALS_JSON WORK_DIR ARGS_JSON

The report, ``WORK_DIR/result.json``, holds what the SDK parsed from the upload (each ``SuccessResponse``'s code,
message and details), the bytes it downloaded (hex) and the file name it took from ``Content-Disposition``, the
Deal's insert answer and its ``Image_Upload`` rows as ``ImageUpload`` objects, and every request it sent.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from driver_base import main, mark  # before the SDK: importing it installs the wire log
from sdk_driver import answer, describe_action
from zohocrmsdk.src.com.zoho.crm.api import ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.files import (
    ActionWrapper,
    APIException,
    BodyWrapper,
    FileBodyWrapper,
    FilesOperations,
    GetFileParam,
)
from zohocrmsdk.src.com.zoho.crm.api.record import ActionWrapper as RecordActions
from zohocrmsdk.src.com.zoho.crm.api.record import BodyWrapper as RecordBody
from zohocrmsdk.src.com.zoho.crm.api.record import ImageUpload, Record, RecordOperations, ResponseWrapper
from zohocrmsdk.src.com.zoho.crm.api.util import Choice, StreamWrapper

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def upload(work: Path) -> dict[str, Any]:
    (work / "front.png").write_bytes(PNG)
    (work / "notes.txt").write_bytes(b"plain words\n")
    body = BodyWrapper()
    body.set_file(
        [StreamWrapper(file_path=str(work / "front.png")), StreamWrapper(file_path=str(work / "notes.txt"))]
    )
    response = FilesOperations().upload_files(body)
    obj = response.get_object()
    out: dict[str, Any] = {"status_code": response.get_status_code(), "object": type(obj).__name__}
    if isinstance(obj, ActionWrapper):
        out["data"] = [{"kind": type(item).__name__, **answer(item)} for item in obj.get_data()]
    elif isinstance(obj, APIException):
        out["error"] = answer(obj)
    return out


def download(file_id: str) -> dict[str, Any]:
    params = ParameterMap()
    params.add(GetFileParam.id, file_id)
    response = FilesOperations().get_file(params)
    obj = response.get_object()
    out: dict[str, Any] = {"status_code": response.get_status_code(), "object": type(obj).__name__}
    if isinstance(obj, FileBodyWrapper):
        stream = obj.get_file()
        out["name"] = stream.get_name()
        out["hex"] = b"".join(stream.get_stream().iter_content(1024)).hex()
    return out


def insert_deal(file_id: str) -> dict[str, Any]:
    deal = Record()
    deal.add_key_value("Deal_Name", "Sdk files")
    deal.add_key_value("Stage", Choice("Qualification"))
    deal.add_key_value("Closing_Date", date(2026, 12, 31))
    image = ImageUpload()
    image.set_file_id__s(file_id)
    image.set_description__s("front view")
    deal.add_key_value("Image_Upload", [image])
    body = RecordBody()
    body.set_data([deal])
    response = RecordOperations().create_records("Deals", body)
    obj = response.get_object()
    out: dict[str, Any] = {"status_code": response.get_status_code()}
    if isinstance(obj, RecordActions):
        out["data"] = [describe_action(item) for item in obj.get_data()]
    return out


def read_images(record_id: int) -> dict[str, Any]:
    response = RecordOperations().get_record(record_id, "Deals")
    obj = response.get_object()
    out: dict[str, Any] = {"status_code": response.get_status_code()}
    if isinstance(obj, ResponseWrapper):
        [record] = obj.get_data()
        out["rows"] = [
            {
                "class": type(row).__name__,
                "id": row.get_id() if isinstance(row, ImageUpload) else None,
                "file_id": row.get_file_id__s() if isinstance(row, ImageUpload) else None,
                "name": row.get_file_name__s() if isinstance(row, ImageUpload) else None,
                "size": row.get_size__s() if isinstance(row, ImageUpload) else None,
                "sequence": row.get_sequence_number__s() if isinstance(row, ImageUpload) else None,
                "description": row.get_description__s() if isinstance(row, ImageUpload) else None,
                "state": row.get_state__s() if isinstance(row, ImageUpload) else None,
            }
            for row in record.get_key_value("Image_Upload") or []
        ]
    return out


def scenario(creds: dict[str, str], result: dict[str, Any]) -> None:
    work = Path(result["work"])
    mark(result, "upload")
    result["upload"] = upload(work)
    ids = [item.get("details", {}).get("id") for item in result["upload"].get("data", [])]
    mark(result, "download")
    result["download"] = download(ids[0])
    mark(result, "insert")
    result["insert"] = insert_deal(ids[0])
    deal_id = int(result["insert"]["data"][0]["details"]["id"])
    mark(result, "read")
    result["read"] = read_images(deal_id)
    mark(result, "bad_id")
    result["bad_id"] = insert_deal("0" * 32)
    mark(result, "end")
    result["png_hex"] = PNG.hex()


if __name__ == "__main__":
    sys.exit(main(scenario))
