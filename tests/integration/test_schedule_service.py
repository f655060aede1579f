"""Schedules in the service: import/export through the CLI, and the periodic tick
bringing shift starts and ends into the Redis availability queue (real RQ worker)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import redis
from click.testing import CliRunner
from flask import Flask
from rq import Queue

from helpline.app import create_app
from helpline.bootstrap import from_app
from helpline.cli import main
from helpline.jobs import tasks
from helpline.jobs.tick import run_tick
from helpline.jobs.worker import SimpleHelplineWorker
from helpline.state.keys import QUEUE
from helpline.store.models import Volunteer, VolunteerLanguage

OSLO = ZoneInfo("Europe/Oslo")
MONDAY_1030 = datetime(2026, 11, 30, 10, 30, tzinfo=OSLO)
MONDAY_1130 = datetime(2026, 11, 30, 11, 30, tzinfo=OSLO)

SCHEDULE = """\
# Somali, Oslo
timezone: Europe/Oslo
shifts:
  - volunteer: amina-h
    languages: [so]
    weekly: "mon 10:00-11:00"
"""

BROKEN = """\
timezone: Europe/Oslo
shifts:
  - volunteer: amina-h
    languages: [so]
    weekly: "mon 10:00-11:00"
  - volunteer: nobody-known
    languages: [so]
    weekly: "tue 10:00-11:00"
  - volunteer: amina-h
    languages: [ti]
    weekly: "wed 14:00-12:00"
"""


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, database_url: str, redis_url: str,
        tmp_path: Path, redis_client: redis.Redis) -> Iterator[dict[str, Any]]:
    values = {"DATABASE_URL": database_url, "REDIS_URL": redis_url,
              "INSTANCE_PATH": str(tmp_path / "instance"), "REDIS_PREFIX": "htest"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    app = create_app()
    helpline = from_app(app)
    helpline.db.create_all()
    with helpline.db.unit_of_work() as uow:
        amina = Volunteer(key="amina-h", name="Amina", phone="+4791000001",
                          preferred_language="nb")
        amina.languages = [VolunteerLanguage(language="so"), VolunteerLanguage(language="nb")]
        uow.volunteers.add(amina)
        uow.commit()
    yield {"app": app, **values}
    helpline.close()


def stored(app: Flask) -> dict[str, str]:
    with from_app(app).db.unit_of_work() as uow:
        return uow.schedule.texts()


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_import_export_import_is_a_fixed_point(env: dict[str, Any], tmp_path: Path) -> None:
    source = tmp_path / "so.yaml"
    source.write_text(SCHEDULE, encoding="utf-8")
    result = run("schedules", "import", str(source))
    assert result.exit_code == 0, result.output
    assert "1 weekly shifts" in result.output
    out = tmp_path / "out"
    assert run("schedules", "export", "--out", str(out)).exit_code == 0
    assert (out / "so.yaml").read_text(encoding="utf-8") == SCHEDULE  # comments kept
    assert run("schedules", "import", str(out)).exit_code == 0
    assert stored(env["app"]) == {"so.yaml": SCHEDULE}


def test_a_broken_file_changes_nothing_and_names_every_problem(
    env: dict[str, Any], tmp_path: Path
) -> None:
    good = tmp_path / "so.yaml"
    good.write_text(SCHEDULE, encoding="utf-8")
    assert run("schedules", "import", str(good)).exit_code == 0
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    result = CliRunner().invoke(main, ["schedules", "import", str(broken)])
    assert result.exit_code == 1
    assert f"{broken}:8: unknown volunteer 'nobody-known'" in result.output
    assert f"{broken}:11: 14:00-12:00 ends before it starts" in result.output
    assert list(stored(env["app"])) == ["so.yaml"]


def test_coverage_command(env: dict[str, Any], tmp_path: Path) -> None:
    source = tmp_path / "so.yaml"
    source.write_text(SCHEDULE, encoding="utf-8")
    run("schedules", "import", str(source))
    result = run("schedules", "coverage", "--language", "so", "--week", "2026-W49")
    assert result.exit_code == 0, result.output
    assert "Somali (so): 1 h covered" in result.output
    assert "10-11" in result.output


def test_rq_worker_applies_shift_start_and_end(
    env: dict[str, Any], tmp_path: Path, redis_client: redis.Redis
) -> None:
    source = tmp_path / "so.yaml"
    source.write_text(SCHEDULE, encoding="utf-8")
    run("schedules", "import", str(source))
    app: Flask = env["app"]
    availability = from_app(app).availability
    queue = Queue(QUEUE, connection=redis_client)
    worker = SimpleHelplineWorker([queue], connection=redis_client)  # its own service

    job = queue.enqueue(tasks.tick, MONDAY_1030.isoformat())
    worker.work(burst=True)
    assert job.return_value().ran  # type: ignore[union-attr]
    assert availability.state(1).value == "free"
    assert availability.free_volunteers("so") == [1]

    # a second scheduler enqueuing the same minute changes nothing
    again = queue.enqueue(tasks.tick, MONDAY_1030.isoformat())
    worker.work(burst=True)
    assert not again.return_value().ran  # type: ignore[union-attr]

    queue.enqueue(tasks.tick, MONDAY_1130.isoformat())
    worker.work(burst=True)
    assert availability.state(1).value == "off_shift"
    assert availability.free_volunteers("so") == []


def test_shift_ending_during_a_call(env: dict[str, Any], tmp_path: Path) -> None:
    source = tmp_path / "so.yaml"
    source.write_text(SCHEDULE, encoding="utf-8")
    run("schedules", "import", str(source))
    helpline = from_app(env["app"])
    availability = helpline.availability
    run_tick(helpline, MONDAY_1030)
    assert availability.reserve("so", "call-a:1") == [1]
    assert availability.confirm("call-a:1", 1)
    run_tick(helpline, MONDAY_1130)  # her shift is over while she talks
    assert availability.state(1).value == "on_call"  # she finishes the call
    availability.release("call-a:1", outcome="talked")
    assert availability.state(1).value == "off_shift"  # and is offered nothing new
    assert availability.reserve("so", "call-b:1") == []


def test_routing_status_check_and_rebuild(env: dict[str, Any], tmp_path: Path) -> None:
    source = tmp_path / "so.yaml"
    source.write_text(SCHEDULE.replace("mon 10:00-11:00", "mon-sun 00:00-24:00"), "utf-8")
    assert run("schedules", "import", str(source)).exit_code == 0
    status = run("routing", "status", "--language", "so")
    assert "so (longest_idle): 1 of 1 on shift can take a call now" in status.output
    assert "1 = Amina" in status.output
    assert run("routing", "check").output.strip() == "Redis matches the truth."
    from_app(env["app"]).availability.remove_volunteer(1)  # Redis drifts from the truth
    drifted = CliRunner().invoke(main, ["routing", "check"])
    assert drifted.exit_code == 1 and "volunteer 1" in drifted.output
    assert run("routing", "rebuild").exit_code == 0
    assert run("routing", "check").exit_code == 0
