"""``zcrm serve --proxy-port`` against a live server (docs/proxy.md): credentials.json and the banner, the CA and
the certificates it issues, refusals of every host that is not Zoho's, the ``api_domain`` of each way in, and 50
TLS connections open at once."""

from __future__ import annotations

import asyncio
import re
import ssl
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509

from tests.conftest import LiveServer, served
from tests.proxy.tunnels import connect, get, proxy_port, request_line, trusting, tunnel

ZOHO_ONLY = (
    "zcrm's proxy only serves Zoho's hosts (accounts.zoho.com, www.zohoapis.com and the other data centres' hosts,"
    " port 443; see docs/proxy.md) and never forwards to the internet"
)


def through_proxy(server: LiveServer) -> httpx.Client:
    creds = server.credentials
    return httpx.Client(
        proxy=creds["proxy_url"], verify=trusting(creds["ca_file"]), trust_env=False, timeout=10
    )


def refresh(client: httpx.Client, url: str, creds: dict[str, str]) -> dict[str, Any]:
    answer = client.post(
        url,
        data={
            "grant_type": "refresh_token",
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
            "refresh_token": creds["refresh_token"],
        },
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


# -- credentials.json, the banner ---------------------------------------------------------------------------
def test_credentials_name_the_proxy_with_its_real_port_and_the_ca(server: LiveServer) -> None:
    creds = server.credentials
    port = proxy_port(creds)
    assert creds["proxy_url"] == f"http://127.0.0.1:{port}"
    assert port not in (0, server.port)
    assert creds["ca_file"] == str((server.data_dir / "ca.pem").resolve())
    log = server.log_path.read_text()
    assert f"  proxy:            http://127.0.0.1:{port}  (HTTPS for Zoho's hosts only" in log
    assert f"  proxy CA:         {(server.data_dir / 'ca.pem').resolve()}" in log


def test_without_the_proxy_credentials_have_no_proxy_and_no_ca_is_made(tmp_path: Path) -> None:
    data_dir = tmp_path / "plain"
    with served(data_dir) as plain:
        creds = plain.credentials
    assert "proxy_url" not in creds
    assert "ca_file" not in creds
    assert not (data_dir / "ca.pem").exists()
    assert not (data_dir / "ca-key.pem").exists()


# -- the CA and its certificates ----------------------------------------------------------------------------
def test_the_ca_is_a_ca_and_its_key_is_private(server: LiveServer) -> None:
    ca = x509.load_pem_x509_certificate((server.data_dir / "ca.pem").read_bytes())
    constraints = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca
    assert (server.data_dir / "ca-key.pem").stat().st_mode & 0o777 == 0o600
    assert b"PRIVATE KEY" not in (server.data_dir / "ca.pem").read_bytes()


@pytest.mark.parametrize("host", ["accounts.zoho.eu", "www.zohoapis.com", "content.zohoapis.com.au"])
def test_a_tunnel_presents_a_certificate_for_its_host_issued_by_the_ca(server: LiveServer, host: str) -> None:
    creds = server.credentials
    ca = x509.load_pem_x509_certificate((server.data_dir / "ca.pem").read_bytes())
    sock = tunnel(proxy_port(creds), f"{host}:443")
    with trusting(creds["ca_file"]).wrap_socket(sock, server_hostname=host) as tls:
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    leaf = x509.load_der_x509_certificate(der)
    assert leaf.issuer == ca.subject
    san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == [host]


def test_the_sni_of_another_zoho_host_gets_that_hosts_certificate(server: LiveServer) -> None:
    creds = server.credentials
    sock = tunnel(proxy_port(creds), "www.zohoapis.com:443")
    with trusting(creds["ca_file"]).wrap_socket(sock, server_hostname="www.zohoapis.eu") as tls:
        answer = get(tls, "www.zohoapis.eu", "/crm/v5/org", creds["access_token"])
    assert answer.status_line == "HTTP/1.1 200 OK"


# -- refusals -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "target",
    ["example.com:443", "www.zohoapis.com.example.com:443", "accounts.zoho.com:80", "127.0.0.1:443"],
)
def test_connect_to_another_host_is_refused(server: LiveServer, target: str) -> None:
    answer = connect(proxy_port(server.credentials), target)
    body = f"{ZOHO_ONLY}: refused CONNECT {target}\n".encode()
    assert answer.status_line == "HTTP/1.1 403 Forbidden"
    assert answer.headers == {
        "content-type": "text/plain; charset=utf-8",
        "content-length": str(len(body)),
        "connection": "close",
    }
    assert answer.body == body


def test_a_request_that_is_not_connect_is_refused(server: LiveServer) -> None:
    answer = request_line(
        proxy_port(server.credentials),
        b"GET http://www.zohoapis.com/crm/v5/Leads HTTP/1.1\r\nHost: www.zohoapis.com\r\n\r\n",
    )
    assert answer.status_line == "HTTP/1.1 405 Method Not Allowed"
    assert answer.headers["allow"] == "CONNECT"
    assert answer.body.decode() == (
        "zcrm's proxy takes only CONNECT host:443 (an HTTPS tunnel), not GET http://www.zohoapis.com/crm/v5/Leads: "
        f"{ZOHO_ONLY}. Call zcrm's API on its plain port, or over HTTPS through this proxy.\n"
    )


@pytest.mark.parametrize(
    ("raw", "body"),
    [
        (b"hello\r\n\r\n", "zcrm's proxy: not an HTTP/1.1 request line: 'hello'\n"),
        (
            b"CONNECT www.zohoapis.com HTTP/1.1\r\n\r\n",
            "zcrm's proxy: CONNECT needs host:port, not 'www.zohoapis.com'\n",
        ),
    ],
)
def test_a_malformed_request_is_answered_400(server: LiveServer, raw: bytes, body: str) -> None:
    answer = request_line(proxy_port(server.credentials), raw)
    assert answer.status_line == "HTTP/1.1 400 Bad Request"
    assert answer.body.decode() == body


def test_a_client_that_checks_certificates_rejects_a_tunnel_whose_sni_is_not_zohos(
    server: LiveServer,
) -> None:
    creds = server.credentials
    sock = tunnel(proxy_port(creds), "www.zohoapis.com:443")
    with pytest.raises(
        ssl.SSLCertVerificationError, match=re.escape("certificate is not valid for 'example.com'")
    ):
        trusting(creds["ca_file"]).wrap_socket(sock, server_hostname="example.com")
    sock.close()


def test_a_request_in_a_tunnel_whose_sni_is_not_zohos_is_refused(server: LiveServer) -> None:
    creds = server.credentials
    sock = tunnel(proxy_port(creds), "www.zohoapis.com:443")
    blind = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    blind.check_hostname = False
    blind.verify_mode = ssl.CERT_NONE
    with blind.wrap_socket(sock, server_hostname="example.com") as tls:
        answer = get(tls, "example.com", "/crm/v5/org", creds["access_token"])
    assert answer.status_line == "HTTP/1.1 403 Forbidden"
    assert answer.body.decode() == f"{ZOHO_ONLY}: refused TLS for example.com (SNI)\n"


# -- the api_domain of each way in ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("accounts", "api_domain"),
    [
        ("accounts.zoho.com", "https://www.zohoapis.com"),
        ("accounts.zoho.eu", "https://www.zohoapis.eu"),
        ("accounts.zohocloud.ca", "https://www.zohoapis.ca"),
    ],
)
def test_a_token_through_the_proxy_names_the_data_centres_api_domain(
    server: LiveServer, accounts: str, api_domain: str
) -> None:
    with through_proxy(server) as client:
        body = refresh(client, f"https://{accounts}/oauth/v2/token", server.credentials)
    assert body["api_domain"] == api_domain
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 3600)


def test_a_token_from_the_plain_port_names_the_plain_base_url(server: LiveServer) -> None:
    with httpx.Client(trust_env=False, timeout=10) as client:
        body = refresh(client, f"{server.base_url}/oauth/v2/token", server.credentials)
    assert body["api_domain"] == server.base_url


def test_tokens_issued_through_the_control_plane_follow_the_way_in_too(server: LiveServer) -> None:
    creds = server.credentials
    payload = {"user_id": creds["user_id"], "scope": ["ZohoCRM.modules.ALL"]}
    headers = {"Authorization": f"Zoho-oauthtoken {creds['access_token']}"}
    with through_proxy(server) as client:
        proxied = client.post("https://www.zohoapis.in/__zcrm/tokens", json=payload, headers=headers)
    with httpx.Client(trust_env=False, timeout=10) as client:
        plain = client.post(f"{server.base_url}/__zcrm/tokens", json=payload, headers=headers)
    assert (proxied.status_code, plain.status_code) == (201, 201), (proxied.text, plain.text)
    assert proxied.json()["api_domain"] == "https://www.zohoapis.in"
    assert plain.json()["api_domain"] == server.base_url


def test_the_proxy_serves_the_same_data_as_the_plain_port(server: LiveServer) -> None:
    creds = server.credentials
    headers = {"Authorization": f"Zoho-oauthtoken {creds['access_token']}"}
    with through_proxy(server) as client:
        made = client.post(
            "https://www.zohoapis.com/crm/v5/Leads",
            json={"data": [{"Last_Name": "Tunnel", "Company": "Bore Ltd"}]},
            headers=headers,
        )
    assert made.status_code == 201, made.text
    record_id = made.json()["data"][0]["details"]["id"]
    with httpx.Client(base_url=server.base_url, headers=headers, trust_env=False, timeout=10) as plain:
        read = plain.get(f"/crm/v5/Leads/{record_id}", params={"fields": "Last_Name"})
    assert read.status_code == 200
    assert read.json()["data"][0]["Last_Name"] == "Tunnel"


# -- concurrency ------------------------------------------------------------------------------------------------
CLIENTS = 50


async def _all_open_at_once(port: int, ca_file: str, token: str) -> list[str]:
    """``CLIENTS`` clients each open a TLS connection through CONNECT; once all are open, each sends a request."""
    context = trusting(ca_file)
    opened = 0
    all_open = asyncio.Event()

    async def client(index: int) -> str:
        nonlocal opened
        host = ("www.zohoapis.com", "accounts.zoho.eu", "zohoapis.jp")[index % 3]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\n\r\n".encode())
        assert await reader.readuntil(b"\r\n\r\n") == b"HTTP/1.1 200 Connection established\r\n\r\n"
        await writer.start_tls(context, server_hostname=host)
        opened += 1
        if opened == CLIENTS:
            all_open.set()
        await all_open.wait()
        writer.write(
            f"GET /crm/v5/org HTTP/1.1\r\nHost: {host}\r\nAuthorization: Zoho-oauthtoken {token}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        raw = await reader.read()
        writer.close()
        return raw.split(b"\r\n", 1)[0].decode()

    return await asyncio.wait_for(asyncio.gather(*(client(i) for i in range(CLIENTS))), 60)


def test_fifty_tls_connections_open_at_once_are_all_served(server: LiveServer) -> None:
    creds = server.credentials
    lines = asyncio.run(_all_open_at_once(proxy_port(creds), creds["ca_file"], creds["access_token"]))
    assert lines == ["HTTP/1.1 200 OK"] * CLIENTS


# -- the consent page through the proxy ---------------------------------------------------------------------------
def test_the_consent_redirect_names_the_data_centre_of_the_way_in(server: LiveServer) -> None:
    from tests.api.test_oauth_web import ADMIN, inputs

    creds = server.credentials
    callback = "http://127.0.0.1:9/cb"
    with httpx.Client(base_url=server.base_url, trust_env=False, timeout=10) as plain:
        made = plain.post(
            "/__zcrm/clients",
            json={"name": "Web App", "client_type": "server", "redirect_uri": callback},
            headers={"Authorization": f"Zoho-oauthtoken {creds['access_token']}"},
        )
    assert made.status_code == 201, made.text
    client = made.json()
    query = {
        "response_type": "code",
        "client_id": client["client_id"],
        "scope": "ZohoCRM.modules.ALL",
        "redirect_uri": callback,
        "access_type": "offline",
        "state": "st-eu",
    }
    with through_proxy(server) as browser:
        page = browser.get("https://accounts.zoho.eu/oauth/v2/auth", params=query)
        assert page.status_code == 200, page.text
        fields = {**inputs(page).inputs, "email": ADMIN, "action": "accept"}
        accepted = browser.post("https://accounts.zoho.eu/oauth/v2/auth", data=fields, follow_redirects=False)
        assert accepted.status_code == 303, accepted.text
        redirect = httpx.URL(accepted.headers["location"])
        assert [k for k, _ in redirect.params.multi_items()] == [
            "state",
            "code",
            "location",
            "accounts-server",
        ]
        assert (redirect.params["location"], redirect.params["accounts-server"]) == (
            "eu",
            "https://accounts.zoho.eu",
        )
        exchanged = browser.post(
            "https://accounts.zoho.eu/oauth/v2/token",
            data={
                "grant_type": "authorization_code",
                "client_id": client["client_id"],
                "client_secret": client["client_secret"],
                "redirect_uri": callback,
                "code": redirect.params["code"],
            },
        )
    body = exchanged.json()
    assert set(body) == {"access_token", "refresh_token", "api_domain", "token_type", "expires_in"}
    assert body["api_domain"] == "https://www.zohoapis.eu"
