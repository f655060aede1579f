"""Log output: plain text by default, or one JSON object a line (``LOG_FORMAT=json``)
for a log collector. Phone numbers are blanked either way (:mod:`helpline.privacy`
redacts every record before any handler formats it)."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from helpline.settings import Settings

_MARK = "helpline_json"


def configure_logging(settings: Settings) -> None:
    """With ``LOG_FORMAT=json``, every record of the process goes to standard error as
    JSON (time, level, logger, message, and an exception's traceback). Idempotent."""
    if settings.log_format != "json":
        return
    root = logging.getLogger()
    if any(getattr(handler, _MARK, False) for handler in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(
        "{asctime}{levelname}{name}{message}", style="{",
        rename_fields={"levelname": "level", "name": "logger", "asctime": "time"}))
    setattr(handler, _MARK, True)
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
