"""deploy/backup.sh and deploy/restore.sh against a real PostgreSQL: a record
written before the backup is back after a restore, and the schema is migrated."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from helpline.store.database import Database
from helpline.store.migrations import upgrade
from helpline.voice.record import emergency_record

ROOT = Path(__file__).resolve().parents[2]
BASE = os.environ.get("TEST_DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not BASE.startswith("postgresql") or not shutil.which("pg_dump"),
    reason="needs PostgreSQL (TEST_DATABASE_URL) and pg_dump")


@pytest.fixture
def database() -> Iterator[str]:
    """A database of its own (a dump is of a whole database)."""
    name = f"helpline_backup_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(BASE).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def run(script: str, url: str, *args: str, backup_dir: Path) -> str:
    done = subprocess.run(
        [str(ROOT / "deploy" / script), *args], capture_output=True, text=True, timeout=120,
        env={**os.environ, "DATABASE_URL": url, "BACKUP_DIR": str(backup_dir)})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def refs(db: Database) -> list[str]:
    with db.unit_of_work() as uow:
        return [record.call_ref for record in uow.calls.all()]


def test_a_backup_restores_what_was_lost(database: str, tmp_path: Path) -> None:
    upgrade(database)
    db = Database(database)
    with db.unit_of_work() as uow:
        uow.calls.insert_once(emergency_record("a" * 32, "so", 1_700_000_000.0))
        uow.commit()

    dump = run("backup.sh", database, backup_dir=tmp_path)
    assert Path(dump).is_file() and Path(dump).parent == tmp_path

    with db.engine.begin() as conn:  # the loss: a record deleted, a table dropped
        conn.execute(sa.text("DELETE FROM call_records"))
        conn.execute(sa.text("DROP TABLE audit_log"))
    db.dispose()
    run("restore.sh", database, dump, backup_dir=tmp_path)

    assert refs(db) == ["a" * 32]
    upgrade(database)  # already at head: nothing to do, nothing breaks
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar() == 0
    db.dispose()
