"""When Redis or the database does not answer, the caller still gets help."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.engine import make_url

from benchmarks.tcp_proxy import TcpProxy
from helpline.app import create_app
from helpline.bootstrap import from_app
from helpline.settings import Settings
from tests.support import add_volunteer, digits_of, records, sync
from tests.unit.voice.twiml_shape import ends_with_words_or_handover

from .conftest import webhooks_for
from .test_call_flow import CALLER
from .twilio_walk import CallWalk

DUTY_PHONE = "+4722999999"
DEAD_REDIS = "redis://127.0.0.1:1/0"
DEAD_DATABASE = "postgresql+psycopg://nobody@127.0.0.1:1/nothing"


def broken_app(app_config: dict[str, Any], **broken: str) -> Flask:
    return create_app(Settings(**{**app_config, **broken, "emergency_number": DUTY_PHONE,
                                  "service_timeout_seconds": 0.2}))


def forwards_to_duty_phone(doc: Any) -> bool:
    dial = doc.find("./Dial")
    return dial is not None and (dial.text or "").strip() == DUTY_PHONE


def test_redis_down_mid_call(app: Flask, app_config: dict[str, Any]) -> None:
    call = CallWalk(webhooks_for(app), CALLER)
    menu = call.incoming()  # Redis still up: the menu
    down = broken_app(app_config, redis_url=DEAD_REDIS)
    call.webhooks = webhooks_for(down)
    doc = call.press(menu, digits_of(app, "so"))
    assert forwards_to_duty_phone(doc)
    assert ends_with_words_or_handover(doc)
    assert doc.find("./Dial").attrib["callerId"] == app_config["helpline_number"]  # type: ignore[union-attr]
    # the status callback, with Redis still down, answers and keeps nothing back
    call.hangs_up(duration=90)
    # the database is up: the spooled record goes in on the next flush
    assert from_app(app).spool.flush() == 1
    [record] = records(app)
    assert record.outcome == "emergency" and record.language == "so"


def test_redis_down_from_the_first_webhook(
    app: Flask, app_config: dict[str, Any]
) -> None:
    down = broken_app(app_config, redis_url=DEAD_REDIS)
    call = CallWalk(webhooks_for(down), CALLER)
    doc = call.incoming()
    assert forwards_to_duty_phone(doc)


def test_database_down_record_written_when_it_is_back(
    app: Flask, app_config: dict[str, Any]
) -> None:
    add_volunteer(app, "amina", "+4791000001", ["so"])
    sync(app)
    down = broken_app(app_config, database_url=DEAD_DATABASE)
    call = CallWalk(webhooks_for(down), CALLER)
    doc = call.press(call.incoming(), digits_of(app, "so"))
    assert forwards_to_duty_phone(doc)
    call.hangs_up(duration=60)  # the database is still down: nothing written yet
    assert records(app) == []
    # the database is back (the working app): the status path flushes the spool
    assert from_app(app).spool.flush() == 1
    [record] = records(app)
    assert record.outcome == "emergency"
    assert record.language == "so"
    # the volunteer reserved before the database failed is free again
    assert from_app(app).availability.state(1).value == "free"


class BlackHole:
    """A TCP server on loopback that accepts connections and never answers."""

    def __init__(self) -> None:
        import socket
        import threading

        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.open: list[Any] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.open.append(connection)

    def still_waiting(self) -> int:
        """Connections whose client has not given up yet."""
        import select

        waiting = 0
        for connection in self.open:
            readable, _, _ = select.select([connection], [], [], 0)
            if not readable or connection.recv(1, 0x40):  # MSG_DONTWAIT; b"" = closed
                waiting += 1
        return waiting

    def close(self) -> None:
        self.server.close()
        for connection in self.open:
            connection.close()


def test_a_database_that_never_answers_does_not_hold_up_the_caller(
    app: Flask, app_config: dict[str, Any]
) -> None:
    add_volunteer(app, "amina", "+4791000001", ["so"])
    sync(app)
    hole = BlackHole()
    try:
        stuck = broken_app(
            app_config,
            database_url=f"postgresql+psycopg://nobody@127.0.0.1:{hole.port}/helpline",
        )
        call = CallWalk(webhooks_for(stuck), CALLER)
        doc = call.press(call.incoming(), digits_of(app, "so"))
        assert forwards_to_duty_phone(doc)
        # answered while the database connection was still hanging, not after it failed
        assert hole.still_waiting() >= 1
    finally:
        hole.close()


# -- the call's one record says EMERGENCY, whichever record reaches the database first --


@pytest.mark.parametrize("first", ["status callback", "spool"])
def test_redis_back_before_the_hang_up_the_record_still_says_emergency(
    app: Flask, app_config: dict[str, Any], first: str
) -> None:
    """Redis failed mid-call, so the call's state could not be marked forwarded; it
    answers again by the time she hangs up, and the status callback writes the
    ordinary record from that state: the spooled row still decides the outcome."""
    call = CallWalk(webhooks_for(app), CALLER)
    menu = call.incoming()
    call.webhooks = webhooks_for(broken_app(app_config, redis_url=DEAD_REDIS))
    assert forwards_to_duty_phone(call.press(menu, digits_of(app, "so")))
    call.webhooks = webhooks_for(app)  # Redis is back
    spool = from_app(app).spool
    if first == "spool":
        assert spool.flush() == 1
        call.hangs_up(duration=75)
    else:  # the status callback writes the ordinary record, then flushes the spool
        call.hangs_up(duration=75)
    [record] = records(app)
    assert (record.outcome, record.language) == ("emergency", "so")


def delayed_database(database_url: str, delay: float) -> tuple[TcpProxy, str]:
    """A proxy that makes every new database connection wait ``delay`` seconds."""
    url = make_url(database_url)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432), delay=delay)
    slow = url.set(host="127.0.0.1", port=proxy.port)
    return proxy, slow.render_as_string(hide_password=False)


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="needs PostgreSQL (TEST_DATABASE_URL) behind a TCP proxy")
@pytest.mark.parametrize("first", ["status callback", "spool"])
def test_a_step_that_outlives_its_budget_holds_nobody_and_the_call_says_emergency(
    app: Flask, app_config: dict[str, Any], database_url: str, first: str
) -> None:
    vid = add_volunteer(app, "amina", "+4791000001", ["so"])
    sync(app)
    proxy, slow_url = delayed_database(database_url, delay=1.5)
    try:
        slow = create_app(Settings(**{
            **app_config, "database_url": slow_url, "emergency_number": DUTY_PHONE,
            "webhook_budget_seconds": 0.5, "service_timeout_seconds": 1.0}))
        call = CallWalk(webhooks_for(slow), CALLER)
        doc = call.press(call.incoming(), digits_of(app, "so"))
        # She is forwarded while the step still waits for the database, having
        # reserved amina; when it ends, amina is let go of: nobody rings her.
        assert forwards_to_duty_phone(doc)
        helpline = from_app(app)
        deadline = time.monotonic() + 15
        while helpline.availability.state(vid).value != "free" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert helpline.availability.state(vid).value == "free"
        assert proxy.accepted >= 1  # the late step did reach the database
        from_app(slow).close()
    finally:
        proxy.close()
    call.webhooks = webhooks_for(app)
    if first == "spool":
        assert helpline.spool.flush() == 1
        call.hangs_up(duration=75)
    else:
        call.hangs_up(duration=75)
        helpline.spool.flush()
    [record] = records(app)
    assert (record.outcome, record.language, record.volunteer_id) == ("emergency", "so", None)
    assert helpline.availability.state(vid).value == "free"


def test_degraded_mode_never_makes_a_call_never_seen_look_arrived(
    app: Flask, app_config: dict[str, Any]
) -> None:
    """Only a call the service saw arrive may hold a volunteer or get a record: a step
    for a CallSid it never saw is forwarded to the duty phone, and nothing is kept."""
    down = broken_app(app_config, database_url=DEAD_DATABASE)
    call = CallWalk(webhooks_for(down), CALLER)
    doc = call.post("/voice/menu?attempt=1", Digits=digits_of(app, "so"))
    assert forwards_to_duty_phone(doc)
    helpline = from_app(app)
    for ref in helpline.call_states.refs():
        state = helpline.call_states.load(ref)
        assert state is not None and not state.started and state.ended != "emergency"
    assert helpline.spool.flush() == 0
    assert records(app) == []
