"""Test helpers for projects that integrate with Zoho CRM: a live ``zcrm serve``, the app in-process, isolated
orgs and the official SDK pointed at them. The pytest plugin (``zcrm.pytest_plugin``) wraps them in fixtures.

See docs/testing-with-zcrm.md.
"""

from zcrm.testing.inprocess import PortalTransport, ZcrmApp
from zcrm.testing.org import ZcrmOrg
from zcrm.testing.sdk import close_sdk_log, configure_sdk
from zcrm.testing.server import ServerError, ZcrmServer, start_server

__all__ = [
    "PortalTransport",
    "ServerError",
    "ZcrmApp",
    "ZcrmOrg",
    "ZcrmServer",
    "close_sdk_log",
    "configure_sdk",
    "start_server",
]
