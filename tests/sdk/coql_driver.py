"""Drives the official SDK's ``QueryOperations().get_records`` (COQL) against a running ``zcrm serve``.

    python coql_driver.py CREDENTIALS_JSON WORK_DIR ARGS_JSON

Initialisation, the wire log and ``main`` come from ``driver_base.py``, ``describe_records`` from ``sdk_driver.py``
(run in a fresh interpreter: the SDK's process-wide state). The report, ``WORK_DIR/result.json``, holds what the SDK
parsed from each query (records with their key-values, ``Info``, an empty 204, an ``APIException``) and every
request it sent.
"""

from __future__ import annotations

import sys
from typing import Any

from driver_base import main, mark
from sdk_driver import describe_records
from zohocrmsdk.src.com.zoho.crm.api.query import APIException, BodyWrapper, QueryOperations, ResponseWrapper

QUERIES = {
    "lookups": "select Last_Name, Account_Name, Account_Name.Account_Name, 'Email' as Mail from Contacts"
    " where Account_Name is not null order by Last_Name",
    "aggregate": "select Lead_Source, COUNT(id), SUM(Annual_Revenue) from Leads where id is not null"
    " group by Lead_Source",
    "paged": "select Last_Name from Leads where Last_Name like 'L%' limit 1, 1",
    "nothing": "select Last_Name from Leads where Last_Name = 'Nobody'",
    "syntax": "select Last_Name, from Leads where id is not null",
    "unknown_column": "select Nope from Leads where id is not null",
    "bad_operator": "select Last_Name from Leads where Last_Name > 'x'",
}


def describe(response: Any) -> dict[str, Any]:
    return describe_records(response, ResponseWrapper, APIException, ("count", "more_records"))


def scenario(creds: dict[str, str], result: dict[str, Any]) -> None:
    ops = QueryOperations()
    for step, query in QUERIES.items():
        mark(result, step)
        body = BodyWrapper()
        body.set_select_query(query)
        result[step] = describe(ops.get_records(body))
    mark(result, "end")


if __name__ == "__main__":
    sys.exit(main(scenario))
