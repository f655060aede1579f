"""Call records that could not be written yet, kept on local disk until they can.

When the database (or Redis, which holds a call's progress) does not answer,
the call is still answered (degraded mode: :mod:`helpline.voice.emergency`) and
its anonymous record is kept here: one small JSON file a record, written under
a temporary name, flushed to disk and then renamed into place, so a reader
never sees half a record and no two writers ever share a file.

:meth:`RecordSpool.flush` moves spooled records into the database once it
answers again (at start-up, after status callbacks and from the periodic tick).
A file is deleted only after its record is in the database; writing a record
twice changes nothing (see :meth:`~helpline.store.repositories.CallRecords.mark_emergency`),
so nothing is lost however many flushes fail or die half-way, and no file is
ever renamed on failure. One flusher at a time per host: a lock the kernel
releases when its process dies, so a killed flusher blocks nobody. A file that
cannot be a record (not JSON, a field missing or refused by the database) is
moved to ``outbox/set-aside/`` and logged at every flush until a person looks
at it, and the rest go on. Spool files of earlier versions (``records-*.jsonl``,
one record a line, also ``*.flushing`` and ``*-retry-*`` ones) are taken in line
by line, the same way.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError

from helpline.store.database import Database
from helpline.store.models import CallOutcome

log = logging.getLogger(__name__)

FIELDS = (
    "call_ref", "started_minute", "language", "outcome", "wait_seconds",
    "talk_seconds", "tries", "volunteer_id",
)
SET_ASIDE = "set-aside"
LOCK = ".flush.lock"
ORPHAN_SECONDS = 60
"""A temporary file this old lost its writer (a record takes microseconds to write)."""
REFUSED = (ValueError, TypeError, KeyError, DataError, IntegrityError)
"""What a record that can never be written raises (the database itself may be fine)."""


class RecordSpool:
    """This host's spool of call records (``<instance>/outbox``)."""

    def __init__(self, directory: Path, db: Database) -> None:
        self.directory = directory
        self.db = db

    def spool(self, record: dict[str, Any]) -> Path:
        """Keep one record (anonymous fields only) on disk; the file it is in."""
        self.directory.mkdir(parents=True, exist_ok=True)
        data = {name: _plain(record.get(name)) for name in FIELDS}
        path = _write_new(self.directory, json.dumps(data, sort_keys=True))
        log.warning("call record spooled to disk until the database answers")
        return path

    def waiting(self) -> list[Path]:
        """The files of the records not yet in the database, oldest first."""
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob("*.json"))

    def pending(self) -> int:
        """How many records wait on this host's disk for the database (spool files of
        earlier versions counted line by line)."""
        if not self.directory.is_dir():
            return 0
        old = [*self.directory.glob("*.jsonl"), *self.directory.glob("*.flushing")]
        return len(self.waiting()) + sum(
            sum(1 for line in _lines(path) if line.strip()) for path in old)

    def set_aside(self) -> list[Path]:
        """Spooled data that could not be written as a record, kept for a person."""
        folder = self.directory / SET_ASIDE
        return sorted(folder.iterdir()) if folder.is_dir() else []

    def flush(self) -> int:
        """Write every spooled record into the database; returns how many changed it.

        Returns 0 at once when another flusher on this host is at work. Raises
        the database's error when it does not answer: the records stay spooled.
        """
        if not self.directory.is_dir():
            return 0
        written = 0
        with self._lock() as mine:
            if not mine:
                return 0
            self._take_in_old_files()
            for path in self.waiting():
                try:
                    data = _parse(path.read_text(encoding="utf-8"))
                    written += self._insert(data)
                except FileNotFoundError:
                    continue
                except REFUSED as error:
                    self._put_aside(path, error)
                    continue
                path.unlink(missing_ok=True)
            if set_aside := self.set_aside():
                log.error("%d spooled call records could not be written and are kept in %s; "
                          "see README, 'When Redis or the database is down'",
                          len(set_aside), self.directory / SET_ASIDE)
        if written:
            log.info("flushed %d spooled call records into the database", written)
        return written

    def _insert(self, data: dict[str, Any]) -> int:
        with self.db.unit_of_work() as uow:
            if data["outcome"] == CallOutcome.EMERGENCY.value:
                new = uow.calls.mark_emergency(data)
            else:
                new = uow.calls.insert_once(data)
            uow.commit()
        return int(new)

    @contextmanager
    def _lock(self) -> Iterator[bool]:
        """Whether this flusher holds the host's flush lock (until the block ends)."""
        fd = os.open(self.directory / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)  # releases the lock

    def _put_aside(self, path: Path, error: BaseException) -> None:
        folder = self.directory / SET_ASIDE
        folder.mkdir(exist_ok=True)
        path.rename(folder / path.name)
        log.error("spooled call record %s cannot be written (%s); kept in %s",
                  path.name, type(error).__name__, folder)

    def _take_in_old_files(self) -> None:
        """Split spool files of earlier versions into one file a record, and name the
        file of a writer that died before naming it (a half-written one is set aside)."""
        for temporary in self.directory.glob(".*.tmp"):
            try:
                if temporary.stat().st_mtime < time.time() - ORPHAN_SECONDS:
                    temporary.rename(self.directory / temporary.name[1:-len(".tmp")])
            except FileNotFoundError:
                continue  # its writer named it after all
        old = [*self.directory.glob("*.jsonl"), *self.directory.glob("*.flushing")]
        for path in sorted(old):
            for line in filter(str.strip, _lines(path)):
                try:
                    _parse(line)
                    _write_new(self.directory, line)
                except REFUSED as error:
                    self._put_aside(_write_new(self.directory, line), error)
            path.unlink(missing_ok=True)


def _write_new(directory: Path, text: str) -> Path:
    """A new file holding ``text``, complete on disk before it gets its name."""
    name = f"{time.time_ns():020d}-{uuid.uuid4().hex}.json"
    temporary = directory / f".{name}.tmp"
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    final = directory / name
    temporary.rename(final)
    return final


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []  # taken in by another flusher meanwhile


def _parse(text: str) -> dict[str, Any]:
    """A spooled record's fields; ValueError, KeyError or TypeError if it is not one."""
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("call_ref"), str):
        raise ValueError("not a call record")
    fields = {name: data.get(name) for name in FIELDS}
    fields["started_minute"] = datetime.fromisoformat(data["started_minute"])
    return fields


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
