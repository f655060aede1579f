"""Short simulations against the real app (real Redis, real database), checked
against the call records the service wrote."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from helpline.bootstrap import from_app
from helpline.privacy import call_ref
from helpline.settings import Settings
from helpline.sim.people import Behaviour
from helpline.sim.runner import (
    Simulation,
    app_roster,
    flask_transport,
    in_process_app,
    settings_for_app,
)
from tests.support import records

from .conftest import CALLER_NUMBERS, assert_no_caller_number_kept, load_demo_data

# the service's outcomes, as the telephone network sees them
SEEN_AS = {"answered": "answered", "no_volunteer": "no_volunteer",
           "not_answered": "no_volunteer", "abandoned": "abandoned",
           "no_language": "no_language"}


@pytest.fixture
def simulation(app_config: dict[str, Any], redis_client: Any) -> Iterator[Simulation]:
    holder: list[Simulation] = []
    app = in_process_app(Settings(**app_config), lambda: holder[0].engine.now())
    helpline = from_app(app)
    load_demo_data(helpline)
    settings = settings_for_app(app, hours=6, seed=7, start=1_760_000_000.0,
                                behaviour=Behaviour(calls_per_hour=12))
    sim = Simulation(settings, flask_transport(app), roster=app_roster(app))
    holder.append(sim)
    sim.app = app  # type: ignore[attr-defined]
    yield sim
    helpline.close()


def test_report_matches_the_call_records(simulation: Simulation) -> None:
    app: Flask = simulation.app  # type: ignore[attr-defined]
    report = simulation.run()
    assert report.errors == []
    assert report.double_booked_volunteers == 0
    rows = records(app)
    overall = report.overall
    assert overall.calls == len(rows) > 20
    # Known gap: the service records "answered" once a volunteer presses 1, even
    # if the caller hangs up during the seconds before she is put through.
    secret = from_app(app).settings.caller_hash_secret.get_secret_value()
    gone_after_accept = {
        call_ref(secret, r.sid) for r in simulation.twilio.results
        if r.outcome == "abandoned" and r.accepted_at is not None
    }
    seen = Counter("abandoned" if r.call_ref in gone_after_accept else SEEN_AS[r.outcome]
                   for r in rows)
    assert seen["answered"] == overall.answered > 0
    assert seen["abandoned"] == overall.abandoned
    assert seen["no_volunteer"] == overall.no_volunteer
    assert seen["no_language"] == overall.no_language
    # call by call (the record's ref is the keyed hash of the CallSid)
    by_ref = {r.call_ref: r for r in rows}
    for result in simulation.twilio.results:
        record = by_ref[call_ref(secret, result.sid)]
        if record.call_ref not in gone_after_accept:
            assert SEEN_AS[record.outcome] == result.outcome
        assert record.language == result.language
        if result.outcome == "answered":
            # the service stops the clock when she presses 1; the caller hears her
            # after the "accepted" words on the volunteer's leg (the simulated clock)
            assert 0 <= result.wait_seconds - record.wait_seconds <= 5
            assert abs(record.talk_seconds - result.talk_seconds) <= 1
    # every volunteer is free or resting again: no reservation leaked
    helpline = from_app(app)
    assert not helpline.redis.hlen(helpline.keys.routing.calls)
    # no caller number anywhere in Redis or the database
    CALLER_NUMBERS.update(simulation.callers)
    assert_no_caller_number_kept(app)


def test_nobody_on_shift_means_nobody_answers(simulation: Simulation) -> None:
    app: Flask = simulation.app  # type: ignore[attr-defined]
    with from_app(app).db.unit_of_work() as uow:
        for volunteer in uow.volunteers.all():
            volunteer.active = False
        uow.commit()
    report = simulation.run()
    assert report.overall.answered == 0
    assert report.overall.calls == len(records(app))
    assert {r.outcome for r in records(app)} <= {"no_volunteer", "no_language", "abandoned"}

