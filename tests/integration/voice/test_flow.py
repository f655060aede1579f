"""The call flow as a service: each step's plain result, what it holds in Redis and
writes in the database, with a clock the test moves (no Flask, no TwiML)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from helpline.bootstrap import Helpline
from helpline.voice import steps
from helpline.voice.flow import CallFlow
from routing.model import VolunteerState
from tests.support import FakeClock, add_volunteer, records, sync, weekly_shift

REF = "0123456789abcdef0123456789abcdef"
OTHER = "fedcba9876543210fedcba9876543210"


@dataclass
class Events:
    """What the flow reports to the volunteers' side."""

    missed: list[list[int]] = field(default_factory=list)
    accepted: list[int] = field(default_factory=list)
    closed: list[tuple[str, int | None, str]] = field(default_factory=list)

    def on_missed(self, volunteer_ids: list[int]) -> None:
        self.missed.append(volunteer_ids)

    def on_accepted(self, volunteer_id: int) -> None:
        self.accepted.append(volunteer_id)

    def on_closed(self, call_ref: str, volunteer_id: int | None, outcome: str) -> None:
        self.closed.append((call_ref, volunteer_id, outcome))


class Reporter:
    def __init__(self, events: Events) -> None:
        self.missed, self.accepted, self.closed = (
            events.on_missed, events.on_accepted, events.on_closed)


@pytest.fixture
def events(service: Helpline) -> Events:
    recorded = Events()
    service.call_flow.events = Reporter(recorded)
    return recorded


@pytest.fixture
def flow(service: Helpline, events: Events) -> CallFlow:
    return service.call_flow


def state(service: Helpline, vid: int) -> VolunteerState:
    return service.availability.state(vid)


def somali_volunteers(service: Helpline, count: int = 2) -> list[int]:
    ids = [add_volunteer(service, f"so{i}", f"+479100000{i}", ["so"]) for i in range(count)]
    sync(service)
    return ids


def ringing(service: Helpline, flow: CallFlow) -> int:
    """Call REF chose Somali and its one Somali volunteer is rung; her id."""
    somali_volunteers(service, 1)
    flow.incoming(REF, "")
    ring = flow.menu_choice(REF, 1, service.catalog.get("so").digits)
    assert isinstance(ring, steps.Ring)
    [(vid, _)] = ring.volunteers
    return vid


def test_a_call_comes_in_to_the_menu(service: Helpline, flow: CallFlow) -> None:
    assert flow.incoming(REF, "+4722000000") == steps.Menu(attempt=1, apologise=False)
    started = service.call_states.load(REF)
    assert started is not None and started.started == service.clock()
    # Twilio retries the first webhook: the start stays the first one
    assert flow.incoming(REF, "+4722000000") == steps.Menu(attempt=1, apologise=False)


def test_a_direct_number_skips_the_menu(make_service: Callable[..., Helpline]) -> None:
    service = make_service(direct_numbers={"+4722000017": "so"})
    [vid] = somali_volunteers(service, 1)
    step = service.call_flow.incoming(REF, "+4722000017")
    assert isinstance(step, steps.Ring) and step.language.code == "so"
    assert step.volunteers == ((vid, "+4791000000"),)


def test_an_unknown_code_replays_the_menu_then_a_local_volunteer(
    service: Helpline, flow: CallFlow
) -> None:
    local = add_volunteer(service, "kari", "+4791000005", ["nb"])
    sync(service)
    flow.incoming(REF, "")
    assert flow.menu_choice(REF, 1, "99") == steps.Menu(attempt=2, apologise=True)
    assert flow.menu_choice(REF, 2, "") == steps.Menu(attempt=3, apologise=True)
    step = flow.menu_choice(REF, 3, "")  # MENU_ATTEMPTS reached: the local language
    assert isinstance(step, steps.Ring) and step.language.code == "nb"
    assert step.volunteers == ((local, "+4791000005"),)


def test_choosing_a_language_rings_one_volunteer_and_holds_her(
    service: Helpline, flow: CallFlow
) -> None:
    ids = somali_volunteers(service)
    flow.incoming(REF, "")
    step = flow.menu_choice(REF, 1, service.catalog.get("so").digits)
    assert isinstance(step, steps.Ring)
    assert (step.language.code, step.attempt, step.announce) == ("so", 1, "connecting")
    [(rung, _phone)] = step.volunteers
    assert state(service, rung) == VolunteerState.RINGING
    assert state(service, next(v for v in ids if v != rung)) == VolunteerState.FREE
    # a retried webhook reserves nobody new
    again = flow.menu_choice(REF, 1, service.catalog.get("so").digits)
    assert again == step


def test_no_answer_tries_the_next_and_reports_the_miss(
    service: Helpline, flow: CallFlow, events: Events
) -> None:
    somali_volunteers(service)
    flow.incoming(REF, "")
    first = flow.menu_choice(REF, 1, service.catalog.get("so").digits)
    assert isinstance(first, steps.Ring)
    second = flow.dial_result(REF, "so", 1, "no-answer", 0)
    assert isinstance(second, steps.Ring) and second.attempt == 2
    assert second.announce == "hold_update"
    assert second.volunteers[0][0] != first.volunteers[0][0]
    assert events.missed == [[first.volunteers[0][0]]]


def who(flow: CallFlow, vid: int, attempt: int = 1, ref: str = REF) -> str:
    """The token of her screening URL."""
    return flow.ring_token(ref, attempt, vid)


def test_screening_accept_talk_and_one_record(
    service: Helpline, flow: CallFlow, events: Events, clock: FakeClock
) -> None:
    vid = ringing(service, flow)
    screening = flow.screen(REF, "so", 1, who(flow, vid))
    assert screening == steps.Screening(service.catalog.get("nb"), service.catalog.get("so"))
    clock.advance(12)
    accepted = flow.screen_answer(REF, 1, who(flow, vid), "1")
    assert accepted == steps.Accepted(service.catalog.get("nb"))
    assert events.accepted == [vid]
    assert state(service, vid) == VolunteerState.ON_CALL
    clock.advance(300)
    assert flow.dial_result(REF, "so", 1, "completed", 300, bridged=True) == steps.Goodbye(
        service.catalog.get("so"))
    assert state(service, vid) == VolunteerState.WRAPUP
    flow.status(REF, "completed", 320)
    flow.status(REF, "completed", 320)  # Twilio retried the callback
    [record] = records(service)
    assert (record.outcome, record.language, record.talk_seconds, record.tries,
            record.volunteer_id, record.wait_seconds) == ("answered", "so", 300, 1, vid, 12)
    assert events.closed == [(REF, vid, "answered")]
    closed = service.call_states.load(REF)
    assert closed is not None and closed.closed  # a tombstone for late steps


def test_a_declined_screening_is_not_answered(service: Helpline, flow: CallFlow) -> None:
    vid = ringing(service, flow)
    declined = flow.screen_answer(REF, 1, who(flow, vid), "2")
    assert declined == steps.Declined(service.catalog.get("nb"))
    # Twilio ends the <Dial> with "completed" and no bridge: nobody else is free, and the
    # one on shift was just tried, so she holds with spoken updates
    step = flow.dial_result(REF, "so", 1, "completed", 4, bridged=False)
    assert step == steps.Hold(service.catalog.get("so"), next_attempt=3, round=1)
    assert state(service, vid) == VolunteerState.FREE  # back at the end of the queue
    flow.status(REF, "completed", 30)  # she hung up while holding
    [record] = records(service)
    assert (record.outcome, record.volunteer_id, record.tries) == ("abandoned", None, 1)


def test_a_late_accept_after_the_caller_left_is_declined(service: Helpline, flow: CallFlow) -> None:
    vid = ringing(service, flow)
    assert flow.dial_result(REF, "so", 1, "canceled", 0) == steps.Goodbye(service.catalog.get("so"))
    late = flow.screen_answer(REF, 1, who(flow, vid), "1")
    assert late == steps.Declined(service.catalog.get("nb"))
    assert state(service, vid) == VolunteerState.FREE


def test_all_busy_holds_then_offers_a_fallback_then_closes(
    service: Helpline, flow: CallFlow
) -> None:
    [busy] = somali_volunteers(service, 1)
    arabic = add_volunteer(service, "fatima", "+4791000011", ["ar"])
    sync(service)
    flow.incoming(OTHER, "")
    flow.menu_choice(OTHER, 1, service.catalog.get("so").digits)  # she takes the only one
    assert state(service, busy) == VolunteerState.RINGING
    flow.incoming(REF, "")
    step = flow.menu_choice(REF, 1, service.catalog.get("so").digits)
    assert step == steps.Hold(service.catalog.get("so"), next_attempt=2, round=1)
    step = flow.hold_over(REF, "so", 2, 1)
    assert step == steps.Hold(service.catalog.get("so"), next_attempt=3, round=2)
    step = flow.hold_over(REF, "so", 3, 2)  # HOLD_ROUNDS (2) are over: Arabic is free
    assert step == steps.FallbackOffer(service.catalog.get("so"), service.catalog.get("ar"), 4)
    taken = flow.fallback_choice(REF, "so", "ar", 4, "1")
    assert isinstance(taken, steps.Ring) and taken.volunteers == ((arabic, "+4791000011"),)
    closing = flow.closed(OTHER, "so")
    assert isinstance(closing, steps.Closing) and closing.on_shift


def test_nobody_on_shift_hears_when_her_language_is_answered(
    service: Helpline, flow: CallFlow
) -> None:
    add_volunteer(service, "amina", "+4791000013", ["so"], on_shift=False)
    weekly_shift(service, "amina", ["so"], "mon 10:00-14:00")
    flow.incoming(REF, "")
    step = flow.menu_choice(REF, 1, service.catalog.get("so").digits)
    assert isinstance(step, steps.Closing) and not step.on_shift
    assert step.hours is not None and "10:00–14:00" in step.hours
    flow.status(REF, "completed", 40)
    [record] = records(service)
    assert record.outcome == "no_volunteer" and record.tries == 0


def test_a_call_without_a_language_is_recorded_so(service: Helpline, flow: CallFlow) -> None:
    flow.incoming(REF, "")
    flow.status(REF, "completed", 8)
    [record] = records(service)
    assert record.outcome == "no_language" and record.language is None


def test_a_status_for_an_unknown_call_writes_nothing(service: Helpline, flow: CallFlow) -> None:
    flow.status(REF, "completed", 10)
    assert records(service) == []


@pytest.fixture
def talking(make_service: Callable[..., Helpline]) -> tuple[Helpline, int]:
    """A service with a 10-minute call lease, and a volunteer who accepted call REF."""
    service = make_service(call_lease_seconds=600)
    vid = ringing(service, service.call_flow)
    accepted = service.call_flow.screen_answer(REF, 1, who(service.call_flow, vid), "1")
    assert accepted == steps.Accepted(service.catalog.get("nb"))
    return service, vid


def test_a_long_talk_keeps_her_while_the_tick_renews_the_lease(
    talking: tuple[Helpline, int], clock: FakeClock
) -> None:
    service, vid = talking
    flow = service.call_flow
    for _ in range(20):  # twenty minutes of talk, twice the lease, a tick a minute
        clock.advance(60)
        assert flow.keep_alive() == 1
        assert service.availability.expire_leases() == []
        assert flow.close_stale().closed == 0
    assert state(service, vid) == VolunteerState.ON_CALL
    flow.status(REF, "completed", 1300)
    assert state(service, vid) == VolunteerState.WRAPUP
    assert records(service)[0].outcome == "answered"


def test_without_renewal_the_lease_would_lapse(
    talking: tuple[Helpline, int], clock: FakeClock
) -> None:
    service, vid = talking
    clock.advance(601)
    assert service.availability.expire_leases() == [vid]  # what keep_alive prevents


def test_a_call_whose_end_never_came_is_closed_once(
    talking: tuple[Helpline, int], clock: FakeClock
) -> None:
    service, vid = talking
    flow = service.call_flow
    flow.incoming(OTHER, "")  # another call, left in the menu
    clock.advance(600 + 3600 - 30)
    assert flow.close_stale().closed == 0  # not yet beyond the longest possible call
    clock.advance(31)
    flow.incoming("aa" * 16, "")  # started now: not stale
    assert flow.close_stale().closed == 2
    assert flow.close_stale().closed == 0
    outcomes = sorted(r.outcome for r in records(service))
    assert outcomes == ["answered", "no_language"]
    assert state(service, vid) != VolunteerState.ON_CALL


def test_a_volunteer_redis_knows_and_the_database_does_not_is_never_rung(
    service: Helpline, flow: CallFlow
) -> None:
    service.availability.set_volunteer(999, ["so"])  # Redis drifted from the database
    flow.incoming(REF, "")
    step = flow.menu_choice(REF, 1, service.catalog.get("so").digits)
    assert isinstance(step, steps.Closing)  # words, never a <Dial> with no number
    assert state(service, 999) == VolunteerState.FREE  # not held for nothing
    assert service.call_states.load(REF).tried == []  # type: ignore[union-attr]
