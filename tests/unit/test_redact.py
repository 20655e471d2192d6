"""Masking credentials for the request log (http/redact.py): names in any case and encoding, queries, form,
multipart and JSON bodies, cut and broken bodies."""

from __future__ import annotations

import json

import orjson
import pytest

from zcrm.http import redact


@pytest.mark.parametrize(
    "name",
    [
        "client_secret", "CLIENT_SECRET", "Client-Secret", "client.secret", "refresh_token", "Refresh_Token",
        "REFRESH-TOKEN", "access_token", "authtoken", "AuthToken", "token", "id_token", "code", "Code",
        "code_verifier", "password", "Password", "user_password", "passwd", "api_key", "apikey", "authorization",
        "X-ZCRM-Admin-Token", "admin_token", "oauthtoken", "csrf_token", "client%5Fsecret", "%63lient_secret",
        "refresh%255Ftoken", "pass+word",
    ],
)  # fmt: skip
def test_credential_names(name: str) -> None:
    assert redact.is_secret(name)


@pytest.mark.parametrize(
    "name",
    ["client_id", "grant_type", "page_token", "next_page_token", "fields", "scope", "redirect_uri", "Zip_Code",
     "tokens_left", "state", "email"],
)  # fmt: skip
def test_other_names(name: str) -> None:
    assert not redact.is_secret(name)


def test_code_is_not_a_credential_as_a_json_key() -> None:
    assert redact.is_secret("code") and not redact.is_secret("code", json_key=True)
    assert redact.is_secret("password", json_key=True)


def test_a_query_keeps_everything_but_the_values_of_credentials() -> None:
    query = (
        "grant_type=refresh_token&client_id=1000.X&CLIENT_SECRET=s1&Refresh_Token=r1&client%5Fsecret=s2"
        "&%72efresh_token=r2&access_token=a1&access_token=a2&authtoken=t1&pass+word=p1&fields=a%2Cb&flag"
        "&page_token=pt;code=c1&empty="
    )
    assert redact.query(query) == (
        "grant_type=refresh_token&client_id=1000.X&CLIENT_SECRET=***&Refresh_Token=***&client%5Fsecret=***"
        "&%72efresh_token=***&access_token=***&access_token=***&authtoken=***&pass+word=***&fields=a%2Cb&flag"
        "&page_token=pt;code=***&empty="
    )
    assert redact.query("") == ""


def test_a_form_body_is_masked_as_a_query() -> None:
    body = b"client_id=1&client_secret=S3CRET&code=C0DE"
    masked = redact.body(body, "application/x-www-form-urlencoded; charset=utf-8")
    assert masked == b"client_id=1&client_secret=***&code=***"
    assert redact.body(b"client_id=1", "application/x-www-form-urlencoded") == b"client_id=1"


def test_json_keys_at_any_depth_lose_their_whole_value() -> None:
    body = json.dumps(
        {
            "data": [
                {"Last_Name": "A", "Password": "p1", "Zip_Code": "560001", "Notes": {"refresh-token": ["r"]}}
            ],
            "token": {"nested": "t"},
            "code": "SUCCESS",
            "info": {"next_page_token": "pt"},
        }
    ).encode()
    masked = orjson.loads(redact.body(body, "application/json"))
    assert masked == {
        "data": [
            {"Last_Name": "A", "Password": "***", "Zip_Code": "560001", "Notes": {"refresh-token": "***"}}
        ],
        "token": "***",
        "code": "SUCCESS",
        "info": {"next_page_token": "pt"},
    }


def test_escaped_json_keys_are_decoded() -> None:
    body = b'{"\\u0070assword": "p1", "client\\u005fsecret": "s1"}'
    assert orjson.loads(redact.body(body, None)) == {"password": "***", "client_secret": "***"}


def test_a_body_without_credentials_is_kept_byte_for_byte() -> None:
    body = b'{ "data" : [ {"Last_Name": "A", "Zip_Code": "1"} ], "code": "SUCCESS" }'
    assert redact.body(body, "application/json") is body
    assert redact.body(b"", "application/json") == b""


def test_a_cut_or_broken_json_body_is_masked_by_its_pairs() -> None:
    assert redact.body(b'{"x": 1, "refresh_token": "1000.abcdef', None) == b'{"x": 1, "refresh_token": "***"'
    assert redact.body(b'{"password": 12345, "y": "z", ', None) == b'{"password": "***", "y": "z", '
    assert redact.body(b"not json client_secret=abc&x=1", "text/plain") == b"not json client_secret=***&x=1"


def test_multipart_parts_named_like_credentials_are_masked() -> None:
    body = (
        b'--b\r\nContent-Disposition: form-data; name="client_secret"\r\n\r\nS3CRET\r\n'
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n'
        b'hello\r\n--b\r\nContent-Disposition: form-data; name="password"\r\n\r\ncut-here'
    )
    masked = redact.body(body, "multipart/form-data; boundary=b")
    assert b"S3CRET" not in masked and b"cut-here" not in masked
    assert b"hello" in masked and masked.count(b"***") == 2


def test_names_with_separators_inside_are_found_in_bodies() -> None:
    body = b'{"Pass_Word": "p1", "api-key": "k1", "Refresh.Token": "r1", "next_page_token": "pt", "n": 1}'
    assert orjson.loads(redact.body(body, None)) == {
        "Pass_Word": "***",
        "api-key": "***",
        "Refresh.Token": "***",
        "next_page_token": "pt",
        "n": 1,
    }
    assert redact.body(b"a=1&pass+word=p1", "application/x-www-form-urlencoded") == b"a=1&pass+word=***"
