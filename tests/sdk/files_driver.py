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

# before the SDK: importing driver_base installs the wire log
from driver_base import entries, error, main, mark, outcome, record
from sdk_driver import body_of, describe
from zohocrmsdk.src.com.zoho.crm.api import ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.files import (
    ActionWrapper,
    APIException,
    BodyWrapper,
    FileBodyWrapper,
    FilesOperations,
    GetFileParam,
    SuccessResponse,
)
from zohocrmsdk.src.com.zoho.crm.api.record import ImageUpload, RecordOperations, ResponseWrapper
from zohocrmsdk.src.com.zoho.crm.api.util import Choice, StreamWrapper

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def upload(work: Path) -> dict[str, Any]:
    (work / "front.png").write_bytes(PNG)
    (work / "notes.txt").write_bytes(b"plain words\n")
    body = BodyWrapper()
    body.set_file(
        [StreamWrapper(file_path=str(work / "front.png")), StreamWrapper(file_path=str(work / "notes.txt"))]
    )
    return outcome(
        FilesOperations().upload_files(body),
        {
            ActionWrapper: lambda obj: {"data": entries(obj.get_data(), (SuccessResponse, APIException))},
            APIException: error,
        },
    )


def streamed(obj: FileBodyWrapper) -> dict[str, Any]:
    stream = obj.get_file()
    return {"name": stream.get_name(), "hex": b"".join(stream.get_stream().iter_content(1024)).hex()}


def download(file_id: str) -> dict[str, Any]:
    params = ParameterMap()
    params.add(GetFileParam.id, file_id)
    return outcome(FilesOperations().get_file(params), {FileBodyWrapper: streamed})


def insert_deal(file_id: str) -> dict[str, Any]:
    image = ImageUpload()
    image.set_file_id__s(file_id)
    image.set_description__s("front view")
    deal = record(
        Deal_Name="Sdk files",
        Stage=Choice("Qualification"),
        Closing_Date=date(2026, 12, 31),
        Image_Upload=[image],
    )
    return describe(RecordOperations().create_records("Deals", body_of(deal)))


def images(obj: ResponseWrapper) -> dict[str, Any]:
    [deal] = obj.get_data()
    return {
        "rows": [
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
            for row in deal.get_key_value("Image_Upload") or []
        ]
    }


def read_images(record_id: int) -> dict[str, Any]:
    return outcome(RecordOperations().get_record(record_id, "Deals"), {ResponseWrapper: images})


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
