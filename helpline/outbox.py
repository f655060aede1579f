"""Call records that could not be written yet, kept on local disk until they can.

When the database (or Redis, which holds a call's progress) does not answer,
the call is still answered (see ``degraded``) and its anonymous record is
appended here, one JSON line, flushed to disk. :func:`flush` moves spooled
records into the database once it answers again; it runs on every status
callback, at start-up and from the periodic job. A record already in the
database (same ``call_ref``) is skipped, so flushing twice loses and doubles
nothing.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from helpline.db import Database
from helpline.models import CallRecord

log = logging.getLogger(__name__)

FIELDS = (
    "call_ref", "started_minute", "language", "outcome", "wait_seconds",
    "talk_seconds", "tries", "volunteer_id",
)


def spool(directory: Path, record: dict[str, Any]) -> None:
    """Append one record (anonymous fields only) to this process's spool file."""
    directory.mkdir(parents=True, exist_ok=True)
    line = json.dumps({name: _plain(record.get(name)) for name in FIELDS}, sort_keys=True)
    path = directory / f"records-{os.getpid()}.jsonl"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    log.warning("call record spooled to disk until the database answers")


def flush(directory: Path, db: Database) -> int:
    """Write every spooled record into the database; returns how many were new."""
    if not directory.is_dir():
        return 0
    written = 0
    for path in sorted(directory.glob("records-*.jsonl")):
        claimed = path.with_suffix(".flushing")
        try:
            path.rename(claimed)  # one flusher per file, even across processes
        except FileNotFoundError:
            continue
        try:
            for line in claimed.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    written += _insert(db, json.loads(line))
        except Exception:
            claimed.rename(path.with_name(f"{path.stem}-retry-{os.getpid()}.jsonl"))
            raise
        claimed.unlink()
    if written:
        log.info("flushed %d spooled call records into the database", written)
    return written


def _insert(db: Database, data: dict[str, Any]) -> int:
    data = dict(data)
    data["started_minute"] = datetime.fromisoformat(data["started_minute"])
    with db.unit_of_work() as session:
        session.add(CallRecord(**data))
        try:
            session.commit()
        except IntegrityError:
            return 0
    return 1


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
