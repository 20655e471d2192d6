"""Every setting of the server, its ``ZCRM_*`` environment variable and its default, in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path


def _env(name: str, default: str) -> str:
    return os.environ.get(f"ZCRM_{name}", default)


def _optional_int(name: str) -> int | None:
    value = _env(name, "").strip()
    return int(value) if value else None


def _switch(name: str) -> str:
    """``auto``, ``on`` or ``off`` (also 1/0, true/false, yes/no)."""
    value = _env(name, "auto").strip().lower() or "auto"
    if value in ("1", "true", "yes", "on"):
        return "on"
    if value in ("0", "false", "no", "off"):
        return "off"
    if value != "auto":
        raise ValueError(f"ZCRM_{name} must be auto, on or off, not {value!r}")
    return value


def _edition(name: str) -> str | None:
    from zcrm.limits import check_edition

    return check_edition(name) if name else None


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"  # ZCRM_HOST
    port: int = 8000  # ZCRM_PORT
    proxy_port: int | None = (
        None  # ZCRM_PROXY_PORT: also serve as a proxy for Zoho's hosts (docs/proxy.md); 0: a free port
    )
    data_dir: Path = Path("zcrm-data")  # ZCRM_DATA_DIR
    database_url: str | None = None  # ZCRM_DATABASE_URL; default: sqlite:///<data_dir>/zcrm.sqlite3
    org_file: Path | None = None  # ZCRM_ORG_FILE; default: the built-in standard org
    public_url: str | None = None  # ZCRM_PUBLIC_URL; default: http://<host>:<port>
    max_body_bytes: int = 10 * 1024 * 1024  # ZCRM_MAX_BODY_BYTES: larger request bodies are answered 413
    # ZCRM_MAX_UPLOAD_BYTES: the body limit of the upload routes (files, attachments, photos), whose files are
    # limited one by one (zoho-v5-related.md §1.4)
    max_upload_bytes: int = 128 * 1024 * 1024
    access_token_ttl: int = 3600  # ZCRM_ACCESS_TOKEN_TTL (seconds)
    grant_code_ttl: int = 180  # ZCRM_GRANT_CODE_TTL (seconds)
    max_access_tokens_per_refresh: int = 15  # ZCRM_MAX_ACCESS_TOKENS_PER_REFRESH
    token_rate_limit: int = 10  # ZCRM_TOKEN_RATE_LIMIT: access tokens per refresh token per 10 minutes
    grant_rate_limit: int = 10  # ZCRM_GRANT_RATE_LIMIT: grant-code exchanges per client per 10 minutes
    max_refresh_tokens_per_user: int = 20  # ZCRM_MAX_REFRESH_TOKENS_PER_USER: per user and client
    log_level: str = "info"  # ZCRM_LOG_LEVEL
    access_log: bool = (
        False  # ZCRM_ACCESS_LOG: 1 logs a line per request (never a credential: docs/deploy.md)
    )
    log_format: str = "text"  # ZCRM_LOG_FORMAT: text, or json (one JSON object a line, for log collectors)
    workers: int = 1  # ZCRM_WORKERS: server processes sharing the database
    webhook_attempts: int = 5  # ZCRM_WEBHOOK_ATTEMPTS: attempts per webhook delivery before it fails
    webhook_backoff: float = 2.0  # ZCRM_WEBHOOK_BACKOFF: seconds before the first retry, doubling after each
    webhook_timeout: float = 10.0  # ZCRM_WEBHOOK_TIMEOUT: seconds to wait for a webhook's answer
    request_log_size: int = 1000  # ZCRM_REQUEST_LOG_SIZE: requests kept per org in the request log (0: off)
    request_log_body_bytes: int = 64 * 1024  # ZCRM_REQUEST_LOG_BODY_BYTES: bytes kept of each logged body
    fault_header: bool = True  # ZCRM_FAULT_HEADER: 0 ignores X-Zcrm-Fault (fault rules still apply)
    seed: int | None = None  # ZCRM_SEED: org id prefixes and page tokens follow it (deterministic ids)
    api_limits: bool = False  # ZCRM_API_LIMITS: 1 emulates Zoho's API credit and concurrency limits
    api_edition: str | None = None  # ZCRM_API_EDITION: every org gets this edition's limits
    api_credits: int | None = None  # ZCRM_API_CREDITS: credits per 24 hours for every org
    api_concurrency: int | None = None  # ZCRM_API_CONCURRENCY: calls in flight per client and user
    api_sub_concurrency: int | None = None  # ZCRM_API_SUB_CONCURRENCY: heavy calls in flight (default 10)
    function_workers: int = 2  # ZCRM_FUNCTION_WORKERS: worker processes that run workflow functions
    function_timeout: float = 30.0  # ZCRM_FUNCTION_TIMEOUT: seconds a workflow function may run
    # ZCRM_REQUIRE_PASSWORDS: whether the OAuth consent page requires users' passwords: auto (when the server
    # listens beyond loopback), on, off
    require_passwords: str = "auto"
    # ZCRM_ADMIN_TOKEN fixes the server admin token (read by zcrm.auth.admin; default: generated, in
    # <data-dir>/admin-token)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def proxy_url(self) -> str | None:
        """The proxy's URL (``HTTPS_PROXY``) when proxy mode is on: the plain port's host, the proxy's port."""
        if self.proxy_port is None:
            return None
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.proxy_port}"

    @property
    def passwords_required(self) -> bool:
        """Whether the OAuth consent page asks every user for a password (docs/oauth.md#passwords): ``on``,
        ``off``, or with ``auto`` whenever the host is not a loopback address (``zcrm serve`` resolves ``auto`` from
        the address it really bound)."""
        if self.require_passwords != "auto":
            return self.require_passwords == "on"
        from zcrm.listen import is_loopback_host

        return not is_loopback_host(self.host)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'zcrm.sqlite3').resolve()}"

    @classmethod
    def from_env(cls) -> Settings:
        org_file = _env("ORG_FILE", "")
        return cls(
            host=_env("HOST", cls.host),
            port=int(_env("PORT", str(cls.port))),
            proxy_port=_optional_int("PROXY_PORT"),
            data_dir=Path(_env("DATA_DIR", str(cls.data_dir))),
            database_url=_env("DATABASE_URL", "") or None,
            org_file=Path(org_file) if org_file else None,
            public_url=_env("PUBLIC_URL", "") or None,
            max_body_bytes=int(_env("MAX_BODY_BYTES", str(cls.max_body_bytes))),
            max_upload_bytes=int(_env("MAX_UPLOAD_BYTES", str(cls.max_upload_bytes))),
            access_token_ttl=int(_env("ACCESS_TOKEN_TTL", str(cls.access_token_ttl))),
            grant_code_ttl=int(_env("GRANT_CODE_TTL", str(cls.grant_code_ttl))),
            max_access_tokens_per_refresh=int(
                _env("MAX_ACCESS_TOKENS_PER_REFRESH", str(cls.max_access_tokens_per_refresh))
            ),
            token_rate_limit=int(_env("TOKEN_RATE_LIMIT", str(cls.token_rate_limit))),
            grant_rate_limit=int(_env("GRANT_RATE_LIMIT", str(cls.grant_rate_limit))),
            max_refresh_tokens_per_user=int(
                _env("MAX_REFRESH_TOKENS_PER_USER", str(cls.max_refresh_tokens_per_user))
            ),
            log_level=_env("LOG_LEVEL", cls.log_level),
            access_log=_env("ACCESS_LOG", "0").strip().lower() in ("1", "true", "yes", "on"),
            log_format=_env("LOG_FORMAT", cls.log_format).strip().lower() or cls.log_format,
            workers=int(_env("WORKERS", str(cls.workers))),
            webhook_attempts=int(_env("WEBHOOK_ATTEMPTS", str(cls.webhook_attempts))),
            webhook_backoff=float(_env("WEBHOOK_BACKOFF", str(cls.webhook_backoff))),
            webhook_timeout=float(_env("WEBHOOK_TIMEOUT", str(cls.webhook_timeout))),
            request_log_size=int(_env("REQUEST_LOG_SIZE", str(cls.request_log_size))),
            request_log_body_bytes=int(_env("REQUEST_LOG_BODY_BYTES", str(cls.request_log_body_bytes))),
            fault_header=_env("FAULT_HEADER", "1").strip().lower() not in ("0", "false", "no", "off"),
            seed=int(_env("SEED", "")) if _env("SEED", "") else None,
            api_limits=_env("API_LIMITS", "0").strip().lower() in ("1", "true", "yes", "on"),
            api_edition=_edition(_env("API_EDITION", "").strip()),
            api_credits=_optional_int("API_CREDITS"),
            api_concurrency=_optional_int("API_CONCURRENCY"),
            api_sub_concurrency=_optional_int("API_SUB_CONCURRENCY"),
            function_workers=int(_env("FUNCTION_WORKERS", str(cls.function_workers))),
            function_timeout=float(_env("FUNCTION_TIMEOUT", str(cls.function_timeout))),
            require_passwords=_switch("REQUIRE_PASSWORDS"),
        )

    def environment(self) -> dict[str, str]:
        """These settings as ``ZCRM_*`` variables, so that worker processes rebuild them with ``from_env``."""
        env = {
            "ZCRM_HOST": self.host,
            "ZCRM_PORT": str(self.port),
            "ZCRM_DATA_DIR": str(self.data_dir),
            "ZCRM_DATABASE_URL": self.effective_database_url,
            "ZCRM_MAX_BODY_BYTES": str(self.max_body_bytes),
            "ZCRM_MAX_UPLOAD_BYTES": str(self.max_upload_bytes),
            "ZCRM_ACCESS_TOKEN_TTL": str(self.access_token_ttl),
            "ZCRM_GRANT_CODE_TTL": str(self.grant_code_ttl),
            "ZCRM_MAX_ACCESS_TOKENS_PER_REFRESH": str(self.max_access_tokens_per_refresh),
            "ZCRM_TOKEN_RATE_LIMIT": str(self.token_rate_limit),
            "ZCRM_GRANT_RATE_LIMIT": str(self.grant_rate_limit),
            "ZCRM_MAX_REFRESH_TOKENS_PER_USER": str(self.max_refresh_tokens_per_user),
            "ZCRM_LOG_LEVEL": self.log_level,
            "ZCRM_ACCESS_LOG": "1" if self.access_log else "0",
            "ZCRM_LOG_FORMAT": self.log_format,
            "ZCRM_WORKERS": str(self.workers),
            "ZCRM_WEBHOOK_ATTEMPTS": str(self.webhook_attempts),
            "ZCRM_WEBHOOK_BACKOFF": str(self.webhook_backoff),
            "ZCRM_WEBHOOK_TIMEOUT": str(self.webhook_timeout),
            "ZCRM_REQUEST_LOG_SIZE": str(self.request_log_size),
            "ZCRM_REQUEST_LOG_BODY_BYTES": str(self.request_log_body_bytes),
            "ZCRM_FAULT_HEADER": "1" if self.fault_header else "0",
            "ZCRM_FUNCTION_WORKERS": str(self.function_workers),
            "ZCRM_FUNCTION_TIMEOUT": str(self.function_timeout),
            "ZCRM_REQUIRE_PASSWORDS": self.require_passwords,
        }
        if self.public_url:
            env["ZCRM_PUBLIC_URL"] = self.public_url
        if self.org_file:
            env["ZCRM_ORG_FILE"] = str(self.org_file)
        if self.proxy_port is not None:
            env["ZCRM_PROXY_PORT"] = str(self.proxy_port)
        if self.seed is not None:
            env["ZCRM_SEED"] = str(self.seed)
        if self.api_limits:
            env["ZCRM_API_LIMITS"] = "1"
        for name, value in (
            ("API_EDITION", self.api_edition),
            ("API_CREDITS", self.api_credits),
            ("API_CONCURRENCY", self.api_concurrency),
            ("API_SUB_CONCURRENCY", self.api_sub_concurrency),
        ):
            if value is not None:
                env[f"ZCRM_{name}"] = str(value)
        return env

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]
