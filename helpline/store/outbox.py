"""Call records that could not be written yet, kept on local disk until they can.

When the database (or Redis, which holds a call's progress) does not answer,
the call is still answered (degraded mode: :mod:`helpline.voice.emergency`) and
its anonymous record is appended here, one JSON line, flushed to disk.
:meth:`RecordSpool.flush` moves spooled records into the database once it
answers again; it runs on every status callback and from the periodic job. A
record already in the database (same ``call_ref``) is skipped, so flushing
twice loses and doubles nothing.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from helpline.store.database import Database

log = logging.getLogger(__name__)

FIELDS = (
    "call_ref", "started_minute", "language", "outcome", "wait_seconds",
    "talk_seconds", "tries", "volunteer_id",
)


class RecordSpool:
    """This host's spool of call records (``<instance>/outbox``)."""

    def __init__(self, directory: Path, db: Database) -> None:
        self.directory = directory
        self.db = db

    def spool(self, record: dict[str, Any]) -> None:
        """Append one record (anonymous fields only) to this process's spool file."""
        self.directory.mkdir(parents=True, exist_ok=True)
        line = json.dumps({name: _plain(record.get(name)) for name in FIELDS}, sort_keys=True)
        path = self.directory / f"records-{os.getpid()}.jsonl"
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        log.warning("call record spooled to disk until the database answers")

    def pending(self) -> int:
        """How many records wait on this host's disk for the database."""
        if not self.directory.is_dir():
            return 0
        return sum(sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
                   for path in self.directory.glob("records-*"))

    def flush(self) -> int:
        """Write every spooled record into the database; returns how many were new."""
        if not self.directory.is_dir():
            return 0
        written = 0
        for path in sorted(self.directory.glob("records-*.jsonl")):
            claimed = path.with_suffix(".flushing")
            try:
                path.rename(claimed)  # one flusher per file, even across processes
            except FileNotFoundError:
                continue
            try:
                for line in claimed.read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        written += self._insert(json.loads(line))
            except Exception:
                claimed.rename(path.with_name(f"{path.stem}-retry-{os.getpid()}.jsonl"))
                raise
            claimed.unlink()
        if written:
            log.info("flushed %d spooled call records into the database", written)
        return written

    def _insert(self, data: dict[str, Any]) -> int:
        data = {**data, "started_minute": datetime.fromisoformat(data["started_minute"])}
        with self.db.unit_of_work() as uow:
            new = uow.calls.insert_once(data)
            uow.commit()
        return int(new)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
