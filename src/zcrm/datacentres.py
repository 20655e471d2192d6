"""Zoho's data centres and their host names: which hosts zcrm's proxy serves (docs/proxy.md), and the
``api_domain`` a token answer gives for the host a request came in through.

Each data centre has an accounts server (the OAuth token endpoint) and API hosts under ``zohoapis.<domain>``:
``www.`` (the API domain a token answer names), the bare name, ``content.`` (file uploads), ``download.``
(downloads), and the ``sandbox.`` and ``developer.`` environments (the SDKs' ``SANDBOX()`` and ``DEVELOPER()``).
Canada's accounts server is ``accounts.zohocloud.ca``; its API hosts are under ``zohoapis.ca``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DataCentre:
    code: str  # Zoho's location code (``location=`` of an authorization answer)
    accounts: str  # the accounts server's host
    domain: str  # the API hosts' domain: ``<prefix>zohoapis.<domain>``

    @property
    def api_domain(self) -> str:
        """The ``api_domain`` of a token answer from this data centre."""
        return f"https://www.zohoapis.{self.domain}"

    @property
    def hosts(self) -> tuple[str, ...]:
        return (self.accounts, *(f"{prefix}zohoapis.{self.domain}" for prefix in API_PREFIXES))


API_PREFIXES = ("www.", "", "content.", "download.", "sandbox.", "developer.")

DATA_CENTRES = (
    DataCentre("us", "accounts.zoho.com", "com"),
    DataCentre("eu", "accounts.zoho.eu", "eu"),
    DataCentre("in", "accounts.zoho.in", "in"),
    DataCentre("au", "accounts.zoho.com.au", "com.au"),
    DataCentre("jp", "accounts.zoho.jp", "jp"),
    DataCentre("cn", "accounts.zoho.com.cn", "com.cn"),
    DataCentre("ca", "accounts.zohocloud.ca", "ca"),
    DataCentre("sa", "accounts.zoho.sa", "sa"),
    DataCentre("uk", "accounts.zoho.uk", "uk"),
)

_BY_HOST = {host: centre for centre in DATA_CENTRES for host in centre.hosts}


def normalise_host(host: str) -> str:
    """A host name as compared: lower case, without a trailing dot."""
    return host.strip().lower().rstrip(".")


def data_centre(host: str) -> DataCentre | None:
    """The data centre ``host`` belongs to (None for a host that is not one of Zoho's)."""
    return _BY_HOST.get(normalise_host(host))


def is_zoho_host(host: str) -> bool:
    return data_centre(host) is not None


def api_domain(way_in: str | None, base_url: str) -> str:
    """The ``api_domain`` of a token answer: the API domain of the data centre of ``way_in`` (the Zoho host a
    request came through the proxy for), or ``base_url`` for a request that came to the plain port."""
    centre = data_centre(way_in) if way_in else None
    return centre.api_domain if centre is not None else base_url


def accounts_server(way_in: str | None, base_url: str) -> tuple[str, str]:
    """The ``location`` and ``accounts-server`` of a consent redirect: the data centre of ``way_in`` and its accounts
    server, or ``us`` and ``base_url`` for the plain port."""
    centre = data_centre(way_in) if way_in else None
    return (centre.code, f"https://{centre.accounts}") if centre is not None else ("us", base_url)


def all_hosts() -> tuple[str, ...]:
    """Every host the proxy serves, in the order of ``DATA_CENTRES``."""
    return tuple(host for centre in DATA_CENTRES for host in centre.hosts)
