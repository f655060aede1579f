"""Operations: /healthz, /readyz, Prometheus /metrics, retention and JSON logs."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpline.app import create_app
from helpline.bootstrap import from_app
from helpline.jobs.tick import months_before, run_tick
from helpline.logs import configure_logging
from helpline.settings import Settings
from helpline.sim.webhook import Webhooks
from helpline.voice.record import emergency_record
from tests.support import add_volunteer, digits_of, records, sync

from .conftest import built_app
from .twilio_walk import CallWalk

TOKEN = "metrics-token-for-tests"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "metrics_token": TOKEN}


def test_healthz_answers_without_touching_anything(client: FlaskClient) -> None:
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/health").status_code == 200


def test_readyz_says_ready_when_the_database_and_redis_answer(client: FlaskClient) -> None:
    reply = client.get("/readyz")
    assert (reply.status_code, reply.json) == (
        200, {"status": "ready", "database": "ok", "redis": "ok"})


def dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def redis_down(app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(Settings(**{**app_config,
                                 "redis_url": f"redis://127.0.0.1:{dead_port()}/0"}))
    from_app(app).db.create_all()
    yield app
    from_app(app).close()


def test_readyz_is_503_naming_what_does_not_answer(redis_down: Flask) -> None:
    reply = redis_down.test_client().get("/readyz")
    assert reply.status_code == 503
    assert reply.json is not None
    assert (reply.json["status"], reply.json["database"]) == ("not ready", "ok")
    assert reply.json["redis"].startswith("failed")


def scrape(client: FlaskClient, token: str | None = TOKEN) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    reply = client.get("/metrics", headers=headers)
    return reply.status_code, reply.get_data(as_text=True)


def test_metrics_need_the_token(client: FlaskClient) -> None:
    assert scrape(client, None)[0] == 403
    assert scrape(client, "wrong")[0] == 403
    assert scrape(client)[0] == 200


def test_without_a_token_there_are_no_metrics(app_config: dict[str, Any]) -> None:
    for app in built_app({**app_config, "metrics_token": None}):
        assert app.test_client().get("/metrics").status_code == 404


def test_metrics_count_calls_free_volunteers_spool_and_the_tick(
    app: Flask, client: FlaskClient, webhooks: Webhooks
) -> None:
    add_volunteer(app, "amina", "+4791000301", ["so"])
    sync(app)
    call = CallWalk(webhooks, "+4798765301")
    dial = call.press(call.incoming(), digits_of(app, "so"))
    call.volunteer_accepts(dial)
    call.dial_ends(dial, "completed", duration=60, bridged=True)
    call.hangs_up(70)
    helpline = from_app(app)
    helpline.spool.spool(emergency_record("ab" * 16, "ar", helpline.clock()))
    run_tick(helpline, datetime.now(UTC))

    status, text = scrape(client)
    assert status == 200
    assert 'helpline_calls_total{language="so",outcome="answered"} 1.0' in text
    assert 'helpline_free_volunteers{language="so"} 0.0' in text  # in wrap-up after the talk
    assert 'helpline_free_volunteers{language="ar"} 0.0' in text
    assert "helpline_spooled_records 0.0" in text  # the tick wrote it
    assert "helpline_failed_sms 0.0" in text
    assert "helpline_last_tick_failed_pieces 0.0" in text
    age = next(line for line in text.splitlines()
               if line.startswith("helpline_last_tick_age_seconds "))
    assert 0 <= float(age.split()[1]) < 60
    assert 'helpline_webhook_seconds_count{endpoint="voice.incoming"}' in text
    assert "+4798765301" not in text and "4798765301" not in text


def test_a_figure_whose_source_is_down_is_left_out_not_a_500(redis_down: Flask) -> None:
    status, text = scrape(redis_down.test_client())
    assert status == 200
    assert "helpline_calls_total" in text  # the database answers
    assert "helpline_free_volunteers{" not in text  # Redis does not


def test_retention_deletes_records_older_than_the_setting(app: Flask) -> None:
    helpline = from_app(app)
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    for days, ref in ((800, "old"), (700, "kept"), (1, "new")):
        started = (now - timedelta(days=days)).timestamp()
        with helpline.db.unit_of_work() as uow:
            uow.calls.insert_once(emergency_record(ref.ljust(32, "0"), "so", started))
            uow.commit()
    report = run_tick(helpline, now)
    assert report.records_deleted == 1
    assert sorted(r.call_ref[:4] for r in records(app)) == ["kept", "new0"]


def test_retention_zero_keeps_everything(app_config: dict[str, Any]) -> None:
    for app in built_app({**app_config, "retention_months": 0}):
        helpline = from_app(app)
        with helpline.db.unit_of_work() as uow:
            uow.calls.insert_once(emergency_record("0" * 32, "so", 0.0))
            uow.commit()
        assert run_tick(helpline, datetime(2026, 12, 2, tzinfo=UTC)).records_deleted == 0
        assert len(records(app)) == 1


@pytest.mark.parametrize(("moment", "months", "expected"), [
    (datetime(2026, 12, 2, 9, 30, tzinfo=UTC), 24, datetime(2024, 12, 2, 9, 30, tzinfo=UTC)),
    (datetime(2026, 3, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
    (datetime(2028, 2, 29, tzinfo=UTC), 12, datetime(2027, 2, 28, tzinfo=UTC)),
    (datetime(2026, 1, 15, tzinfo=UTC), 13, datetime(2024, 12, 15, tzinfo=UTC)),
])
def test_months_before(moment: datetime, months: int, expected: datetime) -> None:
    assert months_before(moment, months) == expected


def test_json_logs_are_one_object_a_line_without_numbers(
    capsys: pytest.CaptureFixture[str]
) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        configure_logging(Settings(log_format="json"))
        configure_logging(Settings(log_format="json"))  # once only
        logging.getLogger("helpline.test").warning("caller %s hung up", "+4798765302")
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    [line] = [line for line in lines if "hung up" in line]
    entry = json.loads(line)
    assert (entry["level"], entry["logger"]) == ("WARNING", "helpline.test")
    assert entry["message"] == "caller [number] hung up"
