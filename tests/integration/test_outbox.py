"""The record spool (:mod:`helpline.store.outbox`): no spooled record is ever lost,
however many flushes fail, die half-way or meet a file that is not a record."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpline.bootstrap import Helpline, from_app
from helpline.store.database import Database, DatabaseError
from helpline.store.outbox import ORPHAN_SECONDS, RecordSpool
from helpline.voice.record import emergency_record
from tests.e2e.test_degraded import DEAD_DATABASE, BlackHole
from tests.support import records

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 1, 10, 30, tzinfo=UTC).timestamp()


def ref(n: int) -> str:
    return f"{n:032x}"


def spooled(service: Helpline, count: int) -> list[str]:
    refs = [ref(n) for n in range(1, count + 1)]
    for call in refs:
        service.spool.spool(emergency_record(call, "so", NOW))
    return refs


def stored_refs(service: Helpline) -> list[str]:
    return sorted(record.call_ref for record in records(service))


def test_no_record_is_lost_however_many_flushes_fail(service: Helpline) -> None:
    refs = spooled(service, 3)
    names = sorted(path.name for path in service.spool.waiting())
    dead = RecordSpool(service.spool.directory, Database(DEAD_DATABASE, timeout_seconds=0.2))
    for _ in range(40):  # each failure once renamed the file longer, until Errno 36
        with pytest.raises(DatabaseError):
            dead.flush()
    assert sorted(path.name for path in service.spool.waiting()) == names
    assert service.spool.pending() == 3
    assert service.spool.flush() == 3
    assert stored_refs(service) == refs
    assert service.spool.waiting() == []
    assert service.spool.flush() == 0  # nothing twice


FLUSH_IN_A_CHILD = """
import sys
from pathlib import Path
from helpline.store.database import Database
from helpline.store.outbox import RecordSpool
RecordSpool(Path(sys.argv[1]), Database(sys.argv[2], timeout_seconds=60)).flush()
"""


def test_a_flusher_that_dies_half_way_holds_nothing_back(service: Helpline) -> None:
    refs = spooled(service, 2)
    hole = BlackHole()  # the child's database connect hangs there, mid-flush
    child = subprocess.Popen(
        [sys.executable, "-c", FLUSH_IN_A_CHILD, str(service.spool.directory),
         f"postgresql+psycopg://nobody@127.0.0.1:{hole.port}/helpline"],
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 30
        while not hole.open and time.monotonic() < deadline:
            time.sleep(0.05)
        assert hole.open, "the child never reached the database"
        assert service.spool.flush() == 0  # the child holds the host's flush lock
    finally:
        child.kill()
        child.wait()
        hole.close()
    assert service.spool.flush() == 2  # its lock died with it; its records did not
    assert stored_refs(service) == refs


def test_a_file_that_is_not_a_record_is_set_aside_and_the_rest_go_in(
    service: Helpline, caplog: pytest.LogCaptureFixture
) -> None:
    first, last = ref(1), ref(2)
    service.spool.spool(emergency_record(first, "so", NOW))
    directory = service.spool.directory
    (directory / "00000000000000000001-garbage.json").write_text("{not json\n")
    (directory / "00000000000000000002-no-time.json").write_text(
        json.dumps({"call_ref": ref(3), "outcome": "emergency"}))
    (directory / "00000000000000000003-refused.json").write_text(
        json.dumps({**emergency_record(ref(4), "so", NOW), "started_minute": "2026-12-01",
                    "outcome": None}))  # the database refuses a record without an outcome
    service.spool.spool(emergency_record(last, "so", NOW))
    with caplog.at_level(logging.ERROR, logger="helpline.store.outbox"):
        assert service.spool.flush() == 2
    assert stored_refs(service) == [first, last]
    assert service.spool.waiting() == []
    kept = service.spool.set_aside()
    assert [path.name for path in kept] == [
        "00000000000000000001-garbage.json", "00000000000000000002-no-time.json",
        "00000000000000000003-refused.json"]
    assert kept[0].read_text() == "{not json\n"  # kept exactly as it was
    assert "3 spooled call records could not be written" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="helpline.store.outbox"):
        service.spool.flush()
    assert "3 spooled call records could not be written" in caplog.text  # until seen to


def test_spool_files_of_earlier_versions_are_taken_in_line_by_line(service: Helpline) -> None:
    directory = service.spool.directory
    directory.mkdir(parents=True)

    def line(n: int) -> str:
        return json.dumps({**emergency_record(ref(n), "so", NOW),
                           "started_minute": datetime.fromtimestamp(NOW, UTC).isoformat()})

    # an appending process's file with a bad line in the middle, a file claimed by a
    # flusher that died, and one renamed by twenty failed flushes
    (directory / "records-101.jsonl").write_text(f"{line(1)}\n{{broken\n{line(2)}\n")
    (directory / "records-102.flushing").write_text(f"{line(3)}\n")
    retried = "records-103" + "-retry-104" * 20 + ".jsonl"
    (directory / retried).write_text(f"{line(4)}\n\n")
    assert service.spool.pending() == 5  # the bad line too: nothing is dropped unseen
    assert service.spool.flush() == 4
    assert stored_refs(service) == [ref(1), ref(2), ref(3), ref(4)]
    [kept] = service.spool.set_aside()
    assert kept.read_text() == "{broken\n"
    assert sorted(p.name for p in directory.iterdir() if not p.name.startswith(".")) == [
        "set-aside"]


def test_a_record_whose_writer_died_before_naming_it_is_taken_in(service: Helpline) -> None:
    directory = service.spool.directory
    directory.mkdir(parents=True)
    orphan = directory / ".00000000000000000001-orphan.json.tmp"
    orphan.write_text(json.dumps({**emergency_record(ref(1), "so", NOW),
                                  "started_minute": "2026-12-01T10:30:00+00:00"}))
    assert service.spool.flush() == 0  # a writer may still be at work on it
    old = time.time() - ORPHAN_SECONDS - 1
    os.utime(orphan, (old, old))
    assert service.spool.flush() == 1
    assert stored_refs(service) == [ref(1)]


def test_the_spool_is_flushed_at_start_up_in_the_background(
    make_service: Callable[..., Helpline], database_url: str, redis_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service = make_service()
    refs = spooled(service, 2)
    hole, apps = BlackHole(), []
    try:
        # A database that never answers: the production entry point still loads at once.
        for name, value in {
            "INSTANCE_PATH": str(tmp_path / "instance"), "REDIS_URL": redis_url,
            "REDIS_PREFIX": "htest", "CALLER_HASH_SECRET": "test-secret",
            "DATABASE_URL": f"postgresql+psycopg://nobody@127.0.0.1:{hole.port}/helpline",
            "SERVICE_TIMEOUT_SECONDS": "2",
        }.items():
            monkeypatch.setenv(name, value)
        import helpline.startup

        started: list[object] = []
        real = helpline.startup.flush_spool_in_background

        def watched(helpline_: Helpline) -> object:
            thread = real(helpline_)
            started.append(thread)
            return thread

        monkeypatch.setattr(helpline.startup, "flush_spool_in_background", watched)
        sys.modules.pop("helpline.wsgi", None)
        import helpline.wsgi as stuck
        apps.append(stuck.app)
        [thread] = started
        assert thread.is_alive()  # loaded while the flush still waits for the database
        assert service.spool.waiting() != []
        hole.close()  # that process's flush fails: the records stay spooled
        thread.join(timeout=30)  # type: ignore[attr-defined]
        assert len(service.spool.waiting()) == 2
        # The database answers: the next start writes them.
        monkeypatch.setenv("DATABASE_URL", database_url)
        started.clear()
        sys.modules.pop("helpline.wsgi", None)
        import helpline.wsgi as restarted
        apps.append(restarted.app)
        [thread] = started
        thread.join(timeout=30)  # type: ignore[attr-defined]
        assert stored_refs(service) == refs
        assert service.spool.waiting() == []
    finally:
        hole.close()
        sys.modules.pop("helpline.wsgi", None)
        for app in apps:
            from_app(app).close()


def test_records_spooled_while_others_flush_all_go_in_once(service: Helpline) -> None:
    """Writers spool while two flushers (one host's processes) flush in a loop."""
    import threading

    refs = [ref(n) for n in range(1, 121)]
    done = threading.Event()
    errors: list[BaseException] = []

    def write(part: list[str]) -> None:
        for call in part:
            service.spool.spool(emergency_record(call, "so", NOW))

    def flush_until_done() -> None:
        other = RecordSpool(service.spool.directory, service.db)
        while not done.is_set():
            try:
                other.flush()
            except Exception as error:  # reported below
                errors.append(error)
                return

    flushers = [threading.Thread(target=flush_until_done) for _ in range(2)]
    writers = [threading.Thread(target=write, args=(refs[i::4],)) for i in range(4)]
    for thread in [*flushers, *writers]:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    for thread in flushers:
        thread.join()
    assert errors == []
    service.spool.flush()
    assert stored_refs(service) == refs
    assert service.spool.pending() == 0
