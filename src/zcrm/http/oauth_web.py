"""The OAuth web flow: ``GET /oauth/v2/auth`` shows a sign-in-and-consent page, ``POST /oauth/v2/auth`` takes its
form and sends the browser back to the client's redirect URI with a grant code, or with ``error=access_denied``.

The page signs in an *active* user of the client's org by email and password (auth/passwords.py). Passwords are
optional: on a server that listens on loopback only, a user who has none signs in by email alone; when the server
listens beyond loopback (``Settings.passwords_required``), every user needs one. A failed sign-in never says whether
the email exists, and too many failures for one email are refused for a while (``SignInGuard``). A request that
cannot be trusted (unknown client, a redirect URI that is not the client's registered one,
a bad response type or scope, a forged or stale form) gets a small HTML error page, never a redirect.

The form carries a token signed with the server secret over the query's parameters and a random value kept in a
cookie (SameSite=Lax), so that another site can neither submit the form for the user nor change what it asks for.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import orjson
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from zcrm.auth import passwords
from zcrm.auth.scopes import is_known_scope
from zcrm.datacentres import accounts_server
from zcrm.http.request import no_nul, raw_body
from zcrm.http.state import State
from zcrm.http.way_in import zoho_host
from zcrm.service import oauth as oauth_service

PARAMS = ("client_id", "response_type", "scope", "redirect_uri", "state", "access_type", "prompt")
FORM_FIELDS = (*PARAMS, "csrf_token", "email", "password", "action")
COOKIE = "zcrm_oauth"
COOKIE_PATH = "/oauth/v2/auth"
FORM_TTL = 1800  # seconds a rendered form stays valid
MAX_FORM_BYTES = 64 * 1024
_NONCE = re.compile(r"^[A-Za-z0-9_-]{22,64}\Z")
HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # no form-action: Chromium applies it to the redirect that follows the form, to the client's own site
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
}


class PageError(Exception):
    """An error shown as an HTML page (never a redirect)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.status = status


NOTE_LOOPBACK = (
    "zcrm is a local emulator of Zoho CRM. Sign in with the email of an active user of this org, and the user's"
    " password if one is set."
)
NOTE_REQUIRED = (
    "This zcrm server is reachable from the network, so it requires a password: sign in with the email and"
    " password of an active user of this org. Users without a password cannot sign in here; the server's"
    " operator sets one with zcrm user set-password."
)
WRONG = "Wrong email or password."
WRONG_REQUIRED = WRONG + " On this server every user needs a password to sign in."


@dataclass(frozen=True)
class Authorization:
    """A verified authorization request."""

    params: dict[str, str]
    client: oauth_service.WebClient
    redirect_uri: str
    scopes: tuple[str, ...]


# -- checks ----------------------------------------------------------------------------------------------
def _single(items: list[tuple[str, str]]) -> dict[str, str]:
    params: dict[str, str] = {}
    for key, value in ((no_nul(k), no_nul(v)) for k, v in items):
        if key in params and key in FORM_FIELDS:
            raise PageError("invalid_request", f"The parameter {key} is given more than once.")
        params[key] = value
    return params


def _scopes(raw: str) -> tuple[str, ...]:
    scopes: dict[str, str] = {}
    for part in raw.replace(",", " ").split():
        if not is_known_scope(part):
            raise PageError("invalid_scope", f"The scope {part} is not a known scope.")
        scopes.setdefault(part.lower(), part)
    if not scopes:
        raise PageError("invalid_scope", "No scope is requested (the scope parameter is empty).")
    return tuple(scopes.values())


def _authorize(conn: Connection, params: dict[str, str]) -> Authorization:
    """Checks the request in the accounts server's order: client, redirect URI, response type, scope."""
    client_id = params.get("client_id", "")
    client = oauth_service.web_client(conn, client_id) if client_id else None
    if client is None:
        raise PageError("invalid_client", "The application (client_id) is not registered with this server.")
    if not client.redirect_uri:
        raise PageError(
            "invalid_redirect_uri",
            "The application has no registered redirect URI, so it cannot use the web sign-in.",
        )
    sent_uri = params.get("redirect_uri", "")
    if sent_uri and sent_uri != client.redirect_uri:
        raise PageError(
            "invalid_redirect_uri", "The redirect_uri is not the one registered for the application."
        )
    response_type = params.get("response_type", "")
    if not response_type:
        raise PageError("invalid_request", "The response_type parameter is missing.")
    if response_type != "code":
        raise PageError("unsupported_response_type", "Only response_type=code is supported.")
    return Authorization(params, client, client.redirect_uri, _scopes(params.get("scope", "")))


# -- the form token ----------------------------------------------------------------------------------------
def _key(conn: Connection) -> bytes:
    secret = oauth_service.server_secret(conn)
    if secret is None:  # pragma: no cover - bootstrap writes it before the server answers
        raise RuntimeError("the server secret is missing")
    return hmac.new(secret, b"zcrm oauth consent form", hashlib.sha256).digest()


def _sign(key: bytes, nonce: str, issued: int, params: dict[str, str]) -> str:
    message = orjson.dumps([nonce, issued, *(params.get(name, "") for name in PARAMS)])
    return f"{issued}.{hmac.new(key, message, hashlib.sha256).hexdigest()}"


def _verify(key: bytes, nonce: str, token: str, params: dict[str, str], now: int) -> bool:
    issued_text = token.partition(".")[0]
    if not _NONCE.match(nonce) or not (issued_text.isascii() and issued_text.isdigit()):
        return False
    issued = int(issued_text)
    if not now - FORM_TTL <= issued <= now + 60:
        return False
    return hmac.compare_digest(_sign(key, nonce, issued, params).encode(), token.encode())


# -- pages -------------------------------------------------------------------------------------------------
STYLE = """
body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1d2433;margin:0}
main{max-width:28rem;margin:3rem auto;background:#fff;border:1px solid #d9dce3;border-radius:8px;padding:1.5rem 2rem}
h1{font-size:1.3rem;margin:0 0 1rem}
.note{background:#fff8e1;border:1px solid #f0d98c;border-radius:4px;padding:.5rem .75rem;font-size:.9rem}
.error{background:#fdecea;border:1px solid #f5b7b1;border-radius:4px;padding:.5rem .75rem}
ul{padding-left:1.2rem}
label{display:block;font-weight:600;margin:1rem 0 .3rem}
input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}
.buttons{display:flex;gap:.75rem;margin-top:1.25rem}
button{padding:.5rem 1.25rem;font-size:1rem;border-radius:4px;border:1px solid #8a93a6;background:#fff;cursor:pointer}
button.primary{background:#1a73e8;border-color:#1a73e8;color:#fff}
.small{font-size:.85rem;color:#5a6375;word-break:break-all}
"""


def _e(value: str) -> str:
    return html.escape(value, quote=True)


def _document(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def _error(exc: PageError) -> Response:
    body = (
        "<h1>Cannot sign in</h1>"
        f'<p class="error" role="alert">{_e(exc.message)}</p>'
        f'<p class="small">Error: <code id="error-code">{_e(exc.code)}</code></p>'
    )
    return HTMLResponse(_document("Sign-in error — zcrm", body), status_code=exc.status, headers=HEADERS)


def _form(
    request: Request,
    auth: Authorization,
    token: str,
    nonce: str,
    *,
    required: bool,
    email: str = "",
    problem: str = "",
    status: int = 200,
) -> Response:
    client = auth.client
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{_e(auth.params[name])}">'
        for name in PARAMS
        if name in auth.params
    )
    scopes = "".join(f"<li><code>{_e(scope)}</code></li>" for scope in auth.scopes)
    alert = f'<p class="error" role="alert" id="problem">{_e(problem)}</p>' if problem else ""
    org = client.company_name or "Zoho CRM"
    body = (
        f"<h1>Sign in to {_e(org)}</h1>"
        f'<p class="note" id="note">{_e(NOTE_REQUIRED if required else NOTE_LOOPBACK)}</p>'
        f'<p><strong id="client-name">{_e(client.name)}</strong> asks for access to your CRM data:</p>'
        f'<ul id="scopes">{scopes}</ul>'
        '<form method="post">'
        f'{hidden}<input type="hidden" name="csrf_token" value="{_e(token)}">'
        f'<label for="email">Email</label>{alert}'
        f'<input id="email" name="email" type="email" autocomplete="username" value="{_e(email)}" autofocus>'
        f'<label for="password">Password{"" if required else " (if your user has one)"}</label>'
        '<input id="password" name="password" type="password" autocomplete="current-password" value="">'
        '<div class="buttons">'
        '<button class="primary" type="submit" name="action" value="accept" id="accept">Accept</button>'
        '<button type="submit" name="action" value="deny" id="deny" formnovalidate>Deny</button>'
        "</div></form>"
        f'<p class="small">You will then be sent back to {_e(auth.redirect_uri)}</p>'
    )
    response = HTMLResponse(
        _document(f"Sign in — {client.name} — zcrm", body), status_code=status, headers=HEADERS
    )
    response.set_cookie(
        COOKIE,
        nonce,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


def _redirect(auth: Authorization, answer: dict[str, str]) -> Response:
    query: dict[str, str] = {}
    if auth.params.get("state"):
        query["state"] = auth.params["state"]
    query.update(answer)
    parts = urlsplit(auth.redirect_uri)
    encoded = urlencode(query, quote_via=quote)
    full_query = f"{parts.query}&{encoded}" if parts.query else encoded
    location = urlunsplit((parts.scheme, parts.netloc, parts.path, full_query, ""))
    return RedirectResponse(location, status_code=303, headers=HEADERS)


# -- handlers ----------------------------------------------------------------------------------------------
def _nonce(request: Request) -> str:
    nonce = request.cookies.get(COOKIE, "")
    return nonce if _NONCE.match(nonce) else secrets.token_urlsafe(24)


async def authorize_page(request: Request, state: State) -> Response:
    try:
        params = _single(request.query_params.multi_items())
    except PageError as exc:
        return _error(exc)
    nonce = _nonce(request)
    required = state.settings.passwords_required

    def work(conn: Connection, now: int) -> Response:
        try:
            auth = _authorize(conn, params)
        except PageError as exc:
            return _error(exc)
        return _form(request, auth, _sign(_key(conn), nonce, now, params), nonce, required=required)

    return await state.unit(work, write=False)


async def _form_params(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise PageError("invalid_request", "The form must be sent as application/x-www-form-urlencoded.")
    raw = await raw_body(request, MAX_FORM_BYTES)
    if raw is None:
        raise PageError("invalid_request", "The form is too large.", 413)
    try:
        items = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, max_num_fields=64)
    except (UnicodeDecodeError, ValueError):
        raise PageError("invalid_request", "The form could not be read.") from None
    return _single(items)


@dataclass(frozen=True)
class SignIn:
    """An accepted form whose request and token are good: who it names, and what re-showing the form needs."""

    auth: Authorization
    key: bytes
    now: int
    email: str
    user: oauth_service.WebUser | None


def _checked_form(conn: Connection, params: dict[str, str], nonce: str, now: int) -> Response | SignIn:
    """The request checked again, then the form's token and choice: an error page, Deny's redirect, or a sign-in
    to check."""
    try:
        auth = _authorize(conn, params)
        key = _key(conn)
        if not _verify(key, nonce, params.get("csrf_token", ""), params, now):
            raise PageError(
                "invalid_csrf_token",
                "This form has expired or did not come from this server's sign-in page."
                " Go back to the application and sign in again.",
                403,
            )
        action = params.get("action", "")
        if action == "deny":
            return _redirect(auth, {"error": "access_denied"})
        if action != "accept":
            raise PageError("invalid_request", "Choose Accept or Deny.")
    except PageError as exc:
        return _error(exc)
    email = params.get("email", "").strip()
    user = oauth_service.active_user(conn, auth.client.org_id, email) if email else None
    return SignIn(auth, key, now, email, user)


async def _problem(state: State, sign_in: SignIn, password: str, required: bool) -> tuple[str, int] | None:
    """Why the sign-in fails (the message and HTTP status), or None. The password is verified outside any
    database transaction; an unknown email costs as much as a wrong password and gets the same answer."""
    if not sign_in.email:
        return "Enter your email.", 400
    if required and not password:
        return "Enter your password.", 400
    org_id = sign_in.auth.client.org_id
    wait = state.signins.retry_after(org_id, sign_in.email, state.clock.now())
    if wait:
        minutes = -(-wait // 60)
        return f"Too many failed sign-ins with this email. Try again in {minutes} minute(s).", 429
    user = sign_in.user
    if user is not None and user.password_hash is None and not required:
        return None  # loopback: a user without a password signs in by email
    if await run_in_threadpool(passwords.verify, user.password_hash if user else None, password):
        state.signins.succeeded(org_id, sign_in.email)
        return None
    state.signins.failed(org_id, sign_in.email, state.clock.now())
    return (WRONG_REQUIRED if required else WRONG), 400


async def authorize_submit(request: Request, state: State) -> Response:
    try:
        params = await _form_params(request)
    except PageError as exc:
        return _error(exc)
    nonce = request.cookies.get(COOKIE, "")
    required = state.settings.passwords_required
    checked = await state.unit(lambda conn, now: _checked_form(conn, params, nonce, now), write=False)
    if not isinstance(checked, SignIn):
        return checked
    auth = checked.auth

    def again(problem: str, status: int, now: int) -> Response:
        token = _sign(checked.key, nonce, now, params)
        return _form(
            request,
            auth,
            token,
            nonce,
            required=required,
            email=checked.email,
            problem=problem,
            status=status,
        )

    problem = await _problem(state, checked, params.get("password", ""), required)
    if problem is not None:
        return again(*problem, checked.now)
    signed_in = checked.user
    assert signed_in is not None  # _problem lets no unknown user through

    # the data centre of the way in: Zoho's redirect names the user's (docs/proxy.md)
    location, server = accounts_server(zoho_host(request), state.settings.base_url)

    def issue(conn: Connection, now: int) -> Response:
        code = oauth_service.grant_code(
            conn, state.oauth, auth.client, checked.email, signed_in, auth.scopes, auth.redirect_uri, now
        )
        if code is None:
            return again(WRONG_REQUIRED if required else WRONG, 400, now)  # changed since it was checked
        return _redirect(auth, {"code": code, "location": location, "accounts-server": server})

    return await state.unit(issue, write=True)
