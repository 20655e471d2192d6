"""Masking credentials before a request is logged (docs/control-plane.md#request-log): free of HTTP and I/O.

A parameter or key is a credential when its name, decoded (percent-encoding, ``+``, JSON escapes), with its letter
case, ``_``, ``-`` and ``.`` ignored, is one of ``NAMES`` or ends with one of ``SUFFIXES`` (``refresh_token``,
``Access-Token``, ``client%5Fsecret``, ``authtoken``, ``zoho_password`` …), and is not a paging token. Its value
becomes ``***``; everything else is kept exactly as sent.

- ``query``: a query string or a form body (``application/x-www-form-urlencoded``), ``&`` or ``;`` separated,
  every occurrence of a repeated parameter.
- ``json_body``: the keys of a JSON document at any depth (their whole value: a string, number, object or list).
  ``code`` is not a credential there (Zoho's answers carry ``"code": "SUCCESS"``). A body that is not valid JSON
  (cut, or broken) is masked by a tolerant scan of its ``"key": value`` pairs and its ``name=value`` pairs.
- ``body``: a request or response body by its content type; a cheap scan skips bodies that cannot hold a
  credential name, so the common body costs a few substring searches.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any
from urllib.parse import unquote_plus

import orjson

MASK = "***"
NAMES = frozenset({"code", "codeverifier", "apikey", "authorization", "xzcrmadmintoken", "cookie", "otp"})
SUFFIXES = ("token", "secret", "password", "passwd", "passphrase")
NOT_SECRET = ("pagetoken",)  # page_token, next_page_token, previous_page_token: paging, not credentials
JSON_NOT_SECRET = frozenset({"code"})
_SEPARATORS = re.compile(r"[_\-.\s]")
# a body holding none of these words (lower-cased, separators removed) holds no credential name in any encoding:
# "%" and "\\u" may hide one
_WORDS = (b"secret", b"passw", b"passphrase", b"apikey", b"authoriz", b"cookie", b"otp")
_DROPPED = b"_-. +\t\r\n"  # the separators names are compared without (and "+", a space in a form)


def _suspect(data: bytes, *, form: bool) -> bool:
    """Whether a body may name a credential: a few substring searches of its lower-cased bytes (no regular
    expression: a 20 KB body costs microseconds). A JSON body is suspect for "code" only with an "=" in it."""
    if b"%" in data or b"\\u" in data:
        return True
    squeezed = data.lower().translate(None, _DROPPED)
    if any(word in squeezed for word in _WORDS):
        return True
    if squeezed.count(b"token") > squeezed.count(b"pagetoken"):
        return True
    return b"code" in squeezed and (form or b"=" in squeezed)


# a JSON "key": value pair in text that is not valid JSON: the key, then a string, or a bare value
_JSON_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*(?:"|$)|[^,}\]\s]*)', re.DOTALL)
_FORM_PAIR = re.compile(r"(^|[&;?\s])([^&;=\s]+)=([^&;\s]*)")
# a part of a multipart/form-data body: its headers (with the part's name), then its value up to the boundary
_MULTIPART = re.compile(
    r'(Content-Disposition:[^\r\n]*?\bname="([^"]*)"[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n)(.*?)(?=\r?\n--|\Z)',
    re.IGNORECASE | re.DOTALL,
)


def _normal(name: str) -> str:
    return _SEPARATORS.sub("", name).casefold()


def _named(normal: str, json_key: bool) -> bool:
    if json_key and normal in JSON_NOT_SECRET:
        return False
    if normal.endswith(NOT_SECRET):
        return False
    return normal in NAMES or normal.endswith(SUFFIXES)


@lru_cache(maxsize=4096)  # the same few names come again and again
def is_secret(name: str, *, json_key: bool = False) -> bool:
    """Whether a parameter or key name names a credential: as it is, or percent-decoded (up to three times, for
    names encoded more than once)."""
    for _ in range(4):
        if _named(_normal(name), json_key):
            return True
        decoded = unquote_plus(name, errors="replace")
        if decoded == name:
            return False
        name = decoded
    return False


def _form_name(raw: str) -> str:
    return unquote_plus(raw, errors="replace")


def query(text: str) -> str:
    """A query string or form body with each credential's value masked; the rest kept byte for byte."""
    if not text or not _suspect(text.encode("utf-8", "replace"), form=True):
        return text
    parts = re.split(r"([&;])", text)
    for index in range(0, len(parts), 2):
        name, sep, _value = parts[index].partition("=")
        if sep and is_secret(_form_name(name)):
            parts[index] = f"{name}={MASK}"
    return "".join(parts)


def _mask_value(value: Any) -> tuple[Any, bool]:
    if isinstance(value, dict):
        changed = False
        out: dict[str, Any] = {}
        for key, item in value.items():
            if isinstance(key, str) and is_secret(key, json_key=True):
                out[key] = MASK
                changed = True
            else:
                out[key], inner = _mask_value(item)
                changed = changed or inner
        return out, changed
    if isinstance(value, list):
        items = [_mask_value(item) for item in value]
        return [item for item, _ in items], any(changed for _, changed in items)
    return value, False


def _json_key(raw: str) -> str:
    try:
        decoded = json.loads(f'"{raw}"')
    except ValueError:
        return raw
    return decoded if isinstance(decoded, str) else raw


def _tolerant(text: str) -> str:
    """Masks what looks like ``"key": value`` and ``name=value`` pairs in text that is not valid JSON."""

    def json_pair(match: re.Match[str]) -> str:
        if not is_secret(_json_key(match.group(1)), json_key=True):
            return match.group(0)
        return f'"{match.group(1)}"{match.group(2)}"{MASK}"'

    def form_pair(match: re.Match[str]) -> str:
        if not is_secret(_form_name(match.group(2))):
            return match.group(0)
        return f"{match.group(1)}{match.group(2)}={MASK}"

    return _FORM_PAIR.sub(form_pair, _JSON_PAIR.sub(json_pair, text))


def json_body(data: bytes) -> bytes:
    """A JSON body with the values of its credential keys masked (re-serialised only when one was found)."""
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError:
        return _tolerant(data.decode("utf-8", "replace")).encode()
    masked, changed = _mask_value(document)
    return orjson.dumps(masked) if changed else data


def multipart(text: str) -> str:
    """A multipart/form-data body with the value of each credential part masked."""

    def part(match: re.Match[str]) -> str:
        return match.group(1) + MASK if is_secret(match.group(2)) else match.group(0)

    return _MULTIPART.sub(part, text)


def body(data: bytes, content_type: str | None) -> bytes:
    """A request or response body with its credentials masked, by content type: a form body as a query, a
    multipart body by its parts, anything else as JSON (the Zoho API reads bodies as JSON whatever their type).
    Kept as it is when it names none."""
    if not data:
        return data
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        return query(data.decode("utf-8", "replace")).encode() if _suspect(data, form=True) else data
    if kind.startswith("multipart/"):
        return multipart(data.decode("utf-8", "replace")).encode() if _suspect(data, form=True) else data
    return json_body(data) if _suspect(data, form=False) else data
