"""How ``zcrm serve`` logs: the logging configuration given to uvicorn (its own loggers, ``zcrm``'s and the access
log's, ``zcrm.access``: ``http/middleware/access_log.py``), as text or as JSON (``ZCRM_LOG_FORMAT=json``,
``--log-format json``): one JSON object a line, for log collectors, with ``time`` (UTC, ISO 8601), ``level``,
``logger`` and ``message``, and for access lines ``method``, ``path``, ``status`` and ``duration_ms``."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

FORMATS = ("text", "json")
ACCESS_FIELDS = ("method", "path", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ACCESS_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def log_config(level: str, log_format: str) -> dict[str, Any]:
    """uvicorn's ``log_config``: every line on stderr, as text or JSON; uvicorn's own access log stays off
    (``zcrm.access`` replaces it: it never prints an OAuth query string)."""
    formatter: dict[str, Any] = (
        {"()": f"{__name__}.JsonFormatter"}
        if log_format == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    handler = {"class": "logging.StreamHandler", "formatter": "zcrm", "stream": "ext://sys.stderr"}
    upper = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"zcrm": formatter},
        "handlers": {"zcrm": handler},
        "loggers": {
            "uvicorn": {"handlers": ["zcrm"], "level": upper, "propagate": False},
            "uvicorn.error": {"level": upper},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "zcrm": {"handlers": ["zcrm"], "level": upper, "propagate": False},
            "zcrm.access": {"level": "INFO"},
        },
    }
