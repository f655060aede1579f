"""``helpline doctor``: every check passing and failing, on real servers.

A healthy production deployment is built for real: PostgreSQL migrated to head,
Redis in step with the schedules, an RQ worker registered with the scheduler's
lock (RQ's own calls), a tick just done, the numbers configured at the local
Twilio server. Then each check is broken the way it breaks in production, and
only that check may fail.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from rq import Queue, Worker
from rq.scheduler import RQScheduler
from sqlalchemy import text

from helpline.bootstrap import Helpline, bootstrap
from helpline.cli import main
from helpline.ops.doctor import Doctor, Finding, exit_code
from helpline.prompts.catalog import PROMPT_KEYS
from helpline.prompts.recordings import Recordings
from helpline.settings import Settings
from helpline.state.keys import QUEUE
from helpline.store.migrations import MIGRATIONS, alembic_config, upgrade
from helpline.store.models import MessageStatus, OutboundMessage
from tests.support import add_volunteer

from .twilio_numbers import TwilioNumbers, serving, silent

ACCOUNT = "AC" + "5" * 32
TOKEN = "the-account-auth-token"
BASE = "https://helpline.example.org"
HELPLINE = "+4721000000"
SOMALI = "+4721000017"
FALLBACK = "https://static.example.org/helpline-fallback.xml"
HEAD = ScriptDirectory(str(MIGRATIONS)).get_current_head()

CHECKS = ["production settings", "database", "redis", "routing", "workers", "tick", "spool",
          "sms", "twilio", "prompts"]


def configured(api: TwilioNumbers, number: str) -> None:
    api.add(number, voice_url=f"{BASE}/voice/incoming", status_callback=f"{BASE}/voice/status",
            sms_url=f"{BASE}/sms/incoming", voice_fallback_url=FALLBACK,
            voice_fallback_method="GET")


@pytest.fixture
def numbers() -> Iterator[TwilioNumbers]:
    with serving(TwilioNumbers(ACCOUNT, TOKEN)) as api:
        configured(api, HELPLINE)
        configured(api, SOMALI)
        yield api


@pytest.fixture
def config(database_url: str, redis_url: str, tmp_path: Path,
           numbers: TwilioNumbers) -> dict[str, Any]:
    if database_url.startswith("sqlite"):
        pytest.skip("a production deployment needs PostgreSQL: set TEST_DATABASE_URL")
    return {
        "instance_path": tmp_path / "instance", "database_url": database_url,
        "redis_url": redis_url, "redis_prefix": "htest",
        "twilio_account_sid": ACCOUNT, "twilio_auth_token": TOKEN,
        "twilio_api_base_url": numbers.url, "public_base_url": BASE,
        "helpline_number": HELPLINE, "direct_numbers": {SOMALI: "so"},
        "emergency_number": "+4721000099", "caller_hash_secret": "s" * 64,
        "secret_key": "k" * 64,
    }


def every_recording(helpline: Helpline) -> Recordings:
    return Recordings({(language.code, key): f"{key}.mp3"
                       for language in helpline.catalog.languages if language.recorded
                       for key in PROMPT_KEYS})


@pytest.fixture
def healthy(config: dict[str, Any], redis_client: Any) -> Iterator[Helpline]:
    """A production deployment where every check passes."""
    helpline = bootstrap(Settings(**config))  # production mode: it would refuse a problem
    assert helpline.settings.is_production
    upgrade(helpline.db.url)
    with helpline.db.unit_of_work() as uow:
        helpline.shifts.sync(uow)
    worker = Worker([Queue(QUEUE, connection=redis_client)], connection=redis_client)
    worker.register_birth()
    assert RQScheduler([QUEUE], connection=redis_client).acquire_locks() == {QUEUE}
    helpline.counters.tick_done(helpline.clock() - 30, [])
    helpline.recordings = every_recording(helpline)
    yield helpline
    helpline.close()


def statuses(findings: list[Finding]) -> dict[str, str]:
    return {finding.name: finding.status for finding in findings}


def test_a_healthy_deployment_passes_every_check(healthy: Helpline) -> None:
    findings = Doctor(healthy).run()
    assert statuses(findings) == dict.fromkeys(CHECKS, "ok"), findings
    assert exit_code(findings) == 0
    text_ = "\n".join(line for finding in findings for line in finding.lines())
    assert text_.splitlines()[1].startswith(f"OK    database: answers, migrated to head ({HEAD})")
    assert "ran 30 s ago" in text_ and "1 worker(s), the scheduler held by" in text_


# -- each check broken as it breaks in production --------------------------------------

Breaker = Callable[[Helpline, TwilioNumbers], Settings | None]


def production_default(helpline: Helpline, _: TwilioNumbers) -> Settings:
    return helpline.settings.model_copy(update={"caller_hash_secret": Settings.model_fields[
        "caller_hash_secret"].default})


def production_off(helpline: Helpline, _: TwilioNumbers) -> Settings:
    return helpline.settings.model_copy(update={"production": False})


def never_migrated(helpline: Helpline, _: TwilioNumbers) -> None:
    with helpline.db.engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))


def migration_behind(helpline: Helpline, _: TwilioNumbers) -> None:
    command.downgrade(alembic_config(helpline.db.url), "0005")


def routing_drift(helpline: Helpline, _: TwilioNumbers) -> None:
    add_volunteer(helpline, "amina", "+4791000001", ["so"])  # on shift, Redis not told


def no_worker(helpline: Helpline, _: TwilioNumbers) -> None:
    for worker in Worker.all(connection=helpline.redis):
        worker.register_death()


def no_scheduler(helpline: Helpline, _: TwilioNumbers) -> None:
    helpline.redis.delete(RQScheduler.get_locking_key(QUEUE))


def tick_never(helpline: Helpline, _: TwilioNumbers) -> None:
    helpline.redis.delete(helpline.keys.tick_last())


def tick_late(helpline: Helpline, _: TwilioNumbers) -> None:
    helpline.counters.tick_done(helpline.clock() - 180, [])


def tick_failed(helpline: Helpline, _: TwilioNumbers) -> None:
    helpline.counters.tick_done(helpline.clock() - 10, ["reminders", "spool"])


def spooled(helpline: Helpline, _: TwilioNumbers) -> None:
    helpline.spool.spool({"call_ref": "c" * 16, "started_minute": datetime.now(UTC),
                          "language": "so", "outcome": "emergency"})


def set_aside(helpline: Helpline, _: TwilioNumbers) -> None:
    helpline.spool.directory.mkdir(parents=True, exist_ok=True)
    (helpline.spool.directory / "broken.json").write_text("not a record")
    helpline.spool.flush()  # sets it aside, with the rest written


def sms_failed(helpline: Helpline, _: TwilioNumbers) -> None:
    failed_sms(helpline, datetime.now(UTC) - timedelta(hours=2))


def twilio_changed(helpline: Helpline, numbers: TwilioNumbers) -> None:
    numbers.by_number(SOMALI)["sms_url"] = "https://old-host.example.org/sms/incoming"
    numbers.by_number(HELPLINE)["voice_fallback_url"] = None


def twilio_app(helpline: Helpline, numbers: TwilioNumbers) -> None:
    numbers.by_number(HELPLINE)["voice_application_sid"] = "AP" + "1" * 32


def twilio_fallback_here(helpline: Helpline, numbers: TwilioNumbers) -> None:
    numbers.by_number(SOMALI)["voice_fallback_url"] = f"{BASE}/fallback.xml"


def twilio_token(helpline: Helpline, numbers: TwilioNumbers) -> None:
    numbers.auth_token = "rotated-at-twilio"


def twilio_number_gone(helpline: Helpline, numbers: TwilioNumbers) -> None:
    del numbers.numbers[numbers.by_number(SOMALI)["sid"]]


BREAKERS: list[tuple[Breaker, str, str]] = [
    (production_default, "production settings", "CALLER_HASH_SECRET is the public default"),
    (production_off, "production settings", "production mode is off"),
    (never_migrated, "database", "never migrated -> run `helpline db upgrade`"),
    (migration_behind, "database", f"at revision 0005, the code needs {HEAD}"),
    (routing_drift, "routing", "the schedules -> run `helpline routing rebuild`"),
    (no_worker, "workers", "no RQ worker serves the queue 'helpline' -> start `helpline worker`"),
    (no_scheduler, "workers", "none runs RQ's scheduler"),
    (tick_never, "tick", "has never run -> run `rq cron helpline.jobs.cron`"),
    (tick_late, "tick", "last ran 180 s ago"),
    (tick_failed, "tick", "failed: reminders, spool -> see the worker's log"),
    (spooled, "spool", "1 call record(s) wait on this host's disk"),
    (set_aside, "spool", "set aside"),
    (sms_failed, "sms", "1 SMS to volunteers failed in the last 24 hours"),
    (twilio_changed, "twilio", f"2 setting(s) of the number(s) do not point at {BASE}"),
    (twilio_app, "twilio", "voice_application_sid is set, so Twilio ignores these URLs"),
    (twilio_fallback_here, "twilio", "the voice fallback URL is on the service itself"),
    (twilio_token, "twilio", "Twilio refused the credentials (HTTP 401)"),
    (twilio_number_gone, "twilio", f"{SOMALI} is not a number of Twilio account"),
]


@pytest.mark.parametrize(("breaker", "name", "says"), BREAKERS,
                         ids=[breaker.__name__ for breaker, _, _ in BREAKERS])
def test_a_broken_part_fails_its_check_alone_with_the_fix(
    healthy: Helpline, numbers: TwilioNumbers, breaker: Breaker, name: str, says: str
) -> None:
    settings = breaker(healthy, numbers)
    findings = Doctor(healthy, settings).run()
    assert statuses(findings) == {**dict.fromkeys(CHECKS, "ok"), name: "fail"}, findings
    [finding] = [f for f in findings if f.name == name]
    assert finding.fix, "every failure says what to do"
    assert says in "\n".join(finding.lines())
    assert exit_code(findings) == 1


def failed_sms(helpline: Helpline, created: datetime) -> None:
    volunteer = add_volunteer(helpline, f"v{created.timestamp():.0f}", "+4791000002", ["so"],
                              on_shift=False)
    with helpline.db.unit_of_work() as uow:
        uow.session.add(OutboundMessage(volunteer_id=volunteer, kind="reminder", body="x",
                                        status=MessageStatus.FAILED, attempts=5,
                                        created_at=created))
        uow.commit()


def test_an_sms_that_failed_days_ago_is_counted_but_passes(healthy: Helpline) -> None:
    failed_sms(healthy, datetime.now(UTC) - timedelta(days=3))
    [finding] = [f for f in Doctor(healthy).run() if f.name == "sms"]
    assert finding.status == "ok" and "none failed in the last 24 hours; 1 older" in finding.detail


def test_missing_recordings_warn_and_fail_only_when_strict(healthy: Helpline) -> None:
    healthy.recordings = Recordings({})
    findings = Doctor(healthy).run()
    [finding] = [f for f in findings if f.name == "prompts"]
    assert finding.status == "warn" and "spoken in the local language" in finding.detail
    assert "        so: every prompt" in finding.lines()  # one line per language
    assert exit_code(findings) == 0 and exit_code(findings, strict=True) == 1


# -- the command ----------------------------------------------------------------------


def environment(monkeypatch: pytest.MonkeyPatch, config: dict[str, Any]) -> None:
    for name, value in config.items():
        monkeypatch.setenv(name.upper(), value if isinstance(value, str) else
                           str(value) if isinstance(value, Path) else
                           json.dumps(value))


def test_the_command_prints_a_line_per_check_and_exits_0_only_when_all_pass(
    healthy: Helpline, config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    environment(monkeypatch, config)
    result = CliRunner().invoke(main, ["doctor"])
    heads = [line for line in result.output.splitlines() if not line.startswith(" ")]
    assert [line.split(":")[0].split(None, 1)[1] for line in heads] == CHECKS, result.output
    # the shipped recordings are not all there: a warning, not a failure
    assert heads[-1].startswith("WARN  prompts:")
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(main, ["doctor", "--strict"]).exit_code == 1
    tick_late(healthy, TwilioNumbers(ACCOUNT, TOKEN))
    late = CliRunner().invoke(main, ["doctor"])
    assert late.exit_code == 1 and "FAIL  tick: last ran" in late.output


def test_servers_that_never_answer_cost_one_timeout(
    config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    with silent() as (host, port):
        environment(monkeypatch, {
            **config, "database_url": f"postgresql+psycopg://helpline@{host}:{port}/helpline",
            "redis_url": f"redis://{host}:{port}/0",
            "twilio_api_base_url": f"http://{host}:{port}"})
        started = time.monotonic()
        result = CliRunner().invoke(main, ["doctor", "--timeout", "3"])
        elapsed = time.monotonic() - started
    assert result.exit_code == 1
    assert elapsed < 8, f"the doctor took {elapsed:.1f} s"
    lines = {line.split(":")[0].split(None, 1)[1]: line for line in result.output.splitlines()
             if not line.startswith(" ")}
    assert lines["database"].startswith("FAIL  database: did not answer")
    assert lines["redis"].startswith("FAIL  redis: did not answer")
    assert lines["twilio"] == ("FAIL  twilio: no answer within 3 s -> check that the server "
                               "runs and answers")
    assert lines["production settings"].startswith("OK")
    assert lines["routing"] == ("FAIL  routing: the database did not answer (OperationalError) "
                                "-> see the database check")
    assert lines["tick"].startswith("FAIL  tick: Redis did not answer (TimeoutError)")
    assert all(line.startswith(("OK", "WARN", "FAIL")) for line in lines.values()), lines


def test_settings_or_files_that_keep_the_service_from_being_built_are_one_failure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("LANGUAGES_FILE", str(tmp_path / "missing.yaml"))
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 1
    assert result.output.startswith("FAIL  service: cannot be built: ")
    assert "missing.yaml" in result.output and "Traceback" not in result.output
    monkeypatch.setenv("MENU_ATTEMPTS", "none")
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 1
    assert "bad settings in the environment:\n  - MENU_ATTEMPTS: " in result.output
