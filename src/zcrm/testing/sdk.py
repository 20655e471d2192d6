"""Points Zoho's official Python SDK (``zohocrmsdk5-0``, import root ``zohocrmsdk``) at a zcrm org.

The SDK keeps its configuration in process-wide state (``Initializer``: a class attribute, and a thread-local
copy for the initialising thread), so ``configure_sdk`` replaces whatever was configured before, for every thread
of the process. Tests that use it must not run in threads of one process with different orgs; pytest-xdist's
workers are processes, so they are safe.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

from zcrm.client import Credentials

SDK_LOGGER = "SDKLogger"
_handlers: list[
    logging.Handler
] = []  # the SDK log's file handlers configure_sdk made, closed on the next call


def _sdk(module: str) -> Any:
    try:
        return importlib.import_module(f"zohocrmsdk.src.com.zoho.{module}")
    except ImportError as exc:
        raise RuntimeError(
            "Zoho's official SDK is not installed: pip install zohocrmsdk5-0 (it imports as zohocrmsdk)"
        ) from exc


def configure_sdk(
    credentials: Credentials,
    work_dir: str | Path,
    *,
    access_token_only: bool = False,
    pick_list_validation: bool = True,
    auto_refresh_fields: bool = False,
    log: bool = True,
) -> None:
    """Initialises the official SDK for the org of ``credentials`` (``Credentials`` of ``zcrm.client``).

    - The environment is zcrm's own: API and file-upload URL ``credentials.base_url``, token URL
      ``credentials.accounts_url`` (never a ready-made Zoho data centre, which would send calls to Zoho).
    - The token is the refresh token with the client id and secret, so the SDK asks zcrm's token endpoint for an
      access token at once (the server must be up: a live ``zcrm serve``, not an in-process app, since the SDK
      sends with ``requests``). With ``access_token_only`` it sends ``credentials.access_token`` as is and never
      calls the token endpoint.
    - The token store (``tokens.csv``), the metadata cache (``resources/``) and the log (``sdk.log``, unless
      ``log`` is false) go to ``work_dir``, created if needed: use a fresh one per org (the cache never expires).
    """
    work = Path(work_dir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    data_center = _sdk("crm.api.dc.data_center")
    oauth_token = _sdk("api.authenticator.oauth_token")
    file_store = _sdk("api.authenticator.store.file_store")
    logger = _sdk("api.logger")
    initializer = _sdk("crm.api.initializer")
    sdk_config = _sdk("crm.api.sdk_config")

    base = credentials.base_url.rstrip("/")
    accounts_url = credentials.accounts_url or f"{base}/oauth/v2/token"
    if access_token_only:
        token = oauth_token.OAuthToken(access_token=credentials.access_token)
    else:
        token = oauth_token.OAuthToken(
            client_id=credentials.client_id,
            client_secret=credentials.client_secret,
            refresh_token=credentials.refresh_token,
        )
    if log:
        sdk_log = logger.Logger.get_instance(logger.Logger.Levels.INFO, str(work / "sdk.log"))
    else:
        sdk_log = logger.Logger.get_instance(logger.Logger.Levels.NOTSET, None)
    close_sdk_log()
    # Initializer.initialize obtains the token while this thread still holds the previous configuration (a
    # thread-local that wins over the new one), so the token would go to the previous token store: drop it first.
    initializer.Initializer.LOCAL.init = None
    before = set(logging.getLogger(SDK_LOGGER).handlers)
    try:
        initializer.Initializer.initialize(
            environment=data_center.DataCenter.Environment(base, accounts_url, base, "zcrm"),
            token=token,
            store=file_store.FileStore(str(work / "tokens.csv")),
            sdk_config=sdk_config.SDKConfig(
                auto_refresh_fields=auto_refresh_fields, pick_list_validation=pick_list_validation
            ),
            resource_path=str(work),
            logger=sdk_log,
        )
    finally:
        _handlers.extend(h for h in logging.getLogger(SDK_LOGGER).handlers if h not in before)


def close_sdk_log() -> None:
    """Closes the SDK log files ``configure_sdk`` opened (the SDK adds a handler at every initialisation)."""
    sdk_logger = logging.getLogger(SDK_LOGGER)
    while _handlers:
        handler = _handlers.pop()
        sdk_logger.removeHandler(handler)
        handler.close()
