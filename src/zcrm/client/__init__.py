"""A typed client for a zcrm server (or any Zoho CRM v5 API), and Deluge's ``zoho.crm.updateRecord``.

    from zcrm.client import Client, Zoho

    with Client.from_credentials("zcrm-data/credentials.json") as client:
        response = client.insert_records("Leads", [{"Last_Name": "Daly"}])

See docs/client.md.
"""

from zcrm.client._base import Credentials, ParamValue, RecordId, Response, ResponseError
from zcrm.client.async_client import AsyncClient
from zcrm.client.control import AsyncServerAdmin, ServerAdmin
from zcrm.client.deluge import Crm, Zoho
from zcrm.client.sync import Client

__all__ = [
    "AsyncClient",
    "AsyncServerAdmin",
    "Client",
    "Credentials",
    "Crm",
    "ParamValue",
    "RecordId",
    "Response",
    "ResponseError",
    "ServerAdmin",
    "Zoho",
]
