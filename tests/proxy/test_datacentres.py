"""Zoho's data centres (zcrm.datacentres): the hosts the proxy serves and the ``api_domain`` of each way in."""

from __future__ import annotations

import pytest

from zcrm.datacentres import accounts_server, all_hosts, api_domain, data_centre, is_zoho_host

BASE = "http://127.0.0.1:8000"

ACCOUNTS_TO_API = [
    ("accounts.zoho.com", "https://www.zohoapis.com"),
    ("accounts.zoho.eu", "https://www.zohoapis.eu"),
    ("accounts.zoho.in", "https://www.zohoapis.in"),
    ("accounts.zoho.com.au", "https://www.zohoapis.com.au"),
    ("accounts.zoho.jp", "https://www.zohoapis.jp"),
    ("accounts.zoho.com.cn", "https://www.zohoapis.com.cn"),
    ("accounts.zohocloud.ca", "https://www.zohoapis.ca"),
    ("accounts.zoho.sa", "https://www.zohoapis.sa"),
    ("accounts.zoho.uk", "https://www.zohoapis.uk"),
]


@pytest.mark.parametrize(("accounts", "api"), ACCOUNTS_TO_API)
def test_a_token_request_through_an_accounts_server_gets_its_data_centres_api_domain(
    accounts: str, api: str
) -> None:
    assert api_domain(accounts, BASE) == api


def test_a_token_request_to_the_plain_port_gets_the_base_url() -> None:
    assert api_domain(None, BASE) == BASE
    assert api_domain("example.com", BASE) == BASE


@pytest.mark.parametrize(
    "host",
    [
        "www.zohoapis.com",
        "zohoapis.eu",
        "content.zohoapis.in",
        "download.zohoapis.com.au",
        "sandbox.zohoapis.jp",
        "developer.zohoapis.com.cn",
        "www.zohoapis.ca",
        "sandbox.zohoapis.sa",
        "content.zohoapis.uk",
        "ACCOUNTS.Zoho.EU.",
    ],
)
def test_api_hosts_of_every_data_centre_are_zohos(host: str) -> None:
    assert is_zoho_host(host)


def test_an_api_host_belongs_to_its_data_centre() -> None:
    centre = data_centre("sandbox.zohoapis.eu")
    assert centre is not None
    assert (centre.code, centre.accounts, centre.api_domain) == (
        "eu",
        "accounts.zoho.eu",
        "https://www.zohoapis.eu",
    )
    assert api_domain("download.zohoapis.com.cn", BASE) == "https://www.zohoapis.com.cn"


@pytest.mark.parametrize(
    "host",
    [
        "example.com",
        "zoho.com",
        "crm.zoho.com",
        "accounts.zoho.ca",  # Canada's accounts server is accounts.zohocloud.ca
        "accounts.zoho.com.evil.example",
        "www.zohoapis.com.evil.example",
        "evil.www.zohoapis.com",
        "",
    ],
)
def test_other_hosts_are_not_zohos(host: str) -> None:
    assert not is_zoho_host(host)


def test_every_data_centre_has_seven_hosts() -> None:
    hosts = all_hosts()
    assert len(hosts) == len(set(hosts)) == 9 * 7
    assert hosts[:7] == (
        "accounts.zoho.com",
        "www.zohoapis.com",
        "zohoapis.com",
        "content.zohoapis.com",
        "download.zohoapis.com",
        "sandbox.zohoapis.com",
        "developer.zohoapis.com",
    )


def test_a_consent_redirect_names_the_accounts_server_of_the_way_in() -> None:
    assert accounts_server("accounts.zoho.com.au", BASE) == ("au", "https://accounts.zoho.com.au")
    assert accounts_server("accounts.zohocloud.ca", BASE) == ("ca", "https://accounts.zohocloud.ca")
    assert accounts_server("www.zohoapis.uk", BASE) == ("uk", "https://accounts.zoho.uk")
    assert accounts_server(None, BASE) == ("us", BASE)
