"""The OAuth consent page in a real browser: Debian's headless chromium, driven by Selenium through chromedriver,
signs in on a live ``zcrm serve`` and is sent back to a callback server of the test's own, as a web app's user is.

Without /usr/bin/chromium and /usr/bin/chromedriver (Debian's packages chromium and chromium-driver; other paths with
ZCRM_CHROMIUM and ZCRM_CHROMEDRIVER) these tests are skipped, unless ZCRM_REQUIRE_BROWSER is set (to anything but ""
or "0"), as .ci/run does: then a missing browser fails them. The browser runs with JavaScript disabled, so the page
is shown to work without it.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest

from tests.conftest import LiveServer, make_settings
from zcrm.app import prepare

CHROMIUM = os.environ.get("ZCRM_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("ZCRM_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-proxy-server",
    "--window-size=1000,800",
)
SCOPES = "ZohoCRM.modules.ALL,ZohoCRM.org.READ"
USER = "arjun.mehta@zylker.test"
WAIT = 30


def browser_required() -> bool:
    return os.environ.get("ZCRM_REQUIRE_BROWSER", "") not in ("", "0")


def missing_browser() -> str | None:
    """Why the browser cannot run here, or None."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        return f"{' and '.join(missing)} not installed (Debian packages chromium, chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


# -- the web app's callback ---------------------------------------------------------------------------------
class Callback:
    """A tiny HTTP server on 127.0.0.1 playing the web app's redirect URI: it records each query it receives."""

    def __init__(self) -> None:
        self.queries: queue.Queue[dict[str, str]] = queue.Queue()
        received = self.queries

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path != "/callback":
                    self.send_error(404)
                    return
                received.put(dict(parse_qsl(parts.query, keep_blank_values=True)))
                body = b"<!DOCTYPE html><title>Callback</title><p id='done'>Callback received</p>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/callback"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def next_query(self) -> dict[str, str]:
        return self.queries.get(timeout=WAIT)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@dataclass
class WebApp:
    server: LiveServer
    callback: Callback
    client_id: str
    client_secret: str

    def auth_url(self, **extra: str) -> str:
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "scope": SCOPES,
            "redirect_uri": self.callback.url,
            "access_type": "offline",
            "prompt": "consent",
            **extra,
        }
        return f"{self.server.base_url}/oauth/v2/auth?{urlencode(params)}"

    def exchange(self, code: str) -> Any:
        response = httpx.post(
            f"{self.server.base_url}/oauth/v2/token",
            data={
                "grant_type": "authorization_code",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "redirect_uri": self.callback.url,
                "code": code,
            },
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def web_app(tmp_path: Path) -> Iterator[WebApp]:
    """A live zcrm serve whose org has a web client registered with the callback server's URI."""
    data_dir = tmp_path / "live-data"
    callback = Callback()
    server = LiveServer(data_dir)
    try:
        # register the client on the server's own database before the server starts
        state, creds = prepare(make_settings(data_dir))  # serve writes its own base URL
        with state.db.write() as conn:
            client = state.oauth.create_client(
                conn,
                creds.org_id,
                creds.user_id,
                state.clock.now(),
                name="Browser Test App",
                client_type="server",
                redirect_uri=callback.url,
            )
        state.db.dispose()
        server.start()
        yield WebApp(server, callback, client.client_id, client.client_secret)
    finally:
        server.stop()
        callback.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    reason = missing_browser()
    if reason is not None:
        if browser_required():
            pytest.fail(f"ZCRM_REQUIRE_BROWSER is set but {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    service = Service(executable_path=CHROMEDRIVER, log_output=str(tmp_path / "chromedriver.log"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for_url(driver: Any, prefix: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT).until(lambda d: str(d.current_url).startswith(prefix))


def wait_for_element(driver: Any, element_id: str) -> Any:
    """The element once the page that has it is loaded (a click's navigation may still be under way)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(
        expected_conditions.presence_of_element_located((By.ID, element_id))
    )


def test_sign_in_and_accept_gives_the_web_app_a_working_code(
    browser: Any, web_app: WebApp, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    browser.get("data:text/html,<title>off</title><script>document.title='on'</script>")
    assert browser.title == "off"  # JavaScript is disabled
    browser.get(web_app.auth_url(state="opaque state/1"))
    assert browser.title == "Sign in — Browser Test App — zcrm"
    assert browser.find_element(By.ID, "client-name").text == "Browser Test App"
    scopes = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "#scopes li")]
    assert scopes == SCOPES.split(",")
    browser.save_screenshot(str(tmp_path / "consent.png"))

    # an unknown email shows the form again with the problem (the same as a wrong password)
    browser.find_element(By.ID, "email").send_keys("nobody@zylker.test")
    browser.find_element(By.ID, "accept").click()
    problem = wait_for_element(browser, "problem")
    assert problem.text == "Wrong email or password."
    assert web_app.callback.queries.empty()

    email = browser.find_element(By.ID, "email")
    email.clear()
    email.send_keys(USER)
    browser.find_element(By.ID, "accept").click()
    query = web_app.callback.next_query()
    wait_for_url(browser, web_app.callback.url + "?")
    assert wait_for_element(browser, "done").text == "Callback received"
    assert list(query) == ["state", "code", "location", "accounts-server"]
    assert query["state"] == "opaque state/1"
    assert query["location"] == "us"
    assert query["accounts-server"] == web_app.server.base_url

    tokens = web_app.exchange(query["code"])
    assert set(tokens) == {"access_token", "refresh_token", "api_domain", "token_type", "expires_in"}
    assert tokens["api_domain"] == web_app.server.base_url
    org = httpx.get(
        f"{web_app.server.base_url}/crm/v5/org",
        headers={"Authorization": f"Zoho-oauthtoken {tokens['access_token']}"},
        timeout=10,
    )
    assert org.status_code == 200, org.text
    assert org.json()["org"][0]["company_name"] == "Zylker Corp"
    assert web_app.exchange(query["code"]) == {"error": "invalid_code"}  # one use


def test_deny_sends_the_browser_back_with_access_denied(browser: Any, web_app: WebApp) -> None:
    from selenium.webdriver.common.by import By

    browser.get(web_app.auth_url(state="s-2"))
    browser.find_element(By.ID, "deny").click()
    assert web_app.callback.next_query() == {"state": "s-2", "error": "access_denied"}
    wait_for_url(browser, web_app.callback.url + "?")
    assert wait_for_element(browser, "done").text == "Callback received"


def test_a_bad_redirect_uri_shows_an_error_page_in_the_browser(browser: Any, web_app: WebApp) -> None:
    from selenium.webdriver.common.by import By

    browser.get(web_app.auth_url(redirect_uri="http://127.0.0.1:9/elsewhere"))
    assert browser.find_element(By.ID, "error-code").text == "invalid_redirect_uri"
    assert browser.current_url.startswith(web_app.server.base_url)
    assert web_app.callback.queries.empty()


def test_a_user_with_a_password_types_it(browser: Any, web_app: WebApp) -> None:
    from click.testing import CliRunner
    from selenium.webdriver.common.by import By

    from tests.conftest import db_args
    from zcrm.cli import main

    data_dir = web_app.server.data_dir
    result = CliRunner().invoke(
        main,
        ["user", "set-password", USER, "--password-stdin", "--data-dir", str(data_dir), *db_args(data_dir)],
        input="browser pass 1\n",
    )
    assert result.exit_code == 0, result.output
    browser.get(web_app.auth_url(state="s-3"))
    browser.find_element(By.ID, "email").send_keys(USER)
    browser.find_element(By.ID, "password").send_keys("wrong password")
    browser.find_element(By.ID, "accept").click()
    assert wait_for_element(browser, "problem").text == "Wrong email or password."
    assert browser.find_element(By.ID, "password").get_attribute("value") == ""  # never sent back
    assert browser.find_element(By.ID, "email").get_attribute("value") == USER
    browser.find_element(By.ID, "password").send_keys("browser pass 1")
    browser.find_element(By.ID, "accept").click()
    query = web_app.callback.next_query()
    assert list(query) == ["state", "code", "location", "accounts-server"]
    assert web_app.exchange(query["code"])["api_domain"] == web_app.server.base_url
