"""Functions of tests/data/workers.yaml: ``dispatch`` runs the function the record's Subject names."""

import datetime
import os
import socket
import sys
import time


def signal_then(record):
    # tells the test (listening on the port in Note) that the function runs now
    socket.create_connection(("127.0.0.1", int(record["Note"]))).sendall(b"running")


def loop(record, zoho):
    signal_then(record)
    while True:
        pass


def sleep(record, zoho):
    time.sleep(3600)


def where(record, zoho):
    return {
        "pid": os.getpid(),
        "server_imported": sorted(
            m for m in ("sqlalchemy", "starlette", "zcrm.store", "zcrm.app") if m in sys.modules
        ),
        "admin_token_in_environment": "ZCRM_ADMIN_TOKEN" in os.environ,
        "note": zoho.crm.createRecord("Notes", {"Name": "from " + record["Subject"]})["id"],
    }


def die(record, zoho):
    os._exit(7)


def too_big(record, zoho):
    return 2**70


def not_json(record, zoho):
    return {"set": {1}, "when": datetime.date(2024, 1, 2)}


def bad_task(record, zoho):
    return zoho.crm.updateRecord(42, record["id"], {})


async def run_later(record, zoho):
    return "later " + record["id"]


def dispatch(record, zoho):
    return globals()[record["Subject"]](record, zoho)
