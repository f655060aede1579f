"""Random sequences of shift changes, check-ins, reservations, confirmations,
releases, lease renewals and expiries and clock jumps, applied both to the Redis
implementation and to the pure reference model (:mod:`routing.reference`): after
every step they must agree on every volunteer record, every queue entry, every
call, lease and idempotency window, and on the answers of the reading methods.
"""

from __future__ import annotations

from typing import Any, ClassVar

import redis
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from routing.availability import Availability
from routing.keys import member_id, queue_entry
from routing.model import CallHold, VolunteerRecord
from routing.reference import ReferenceAvailability

from .conftest import START, FakeClock

LANGS = ("so", "ar", "fa")
POLICIES = {"so": "longest_idle", "ar": "fewest_calls", "fa": "tiers"}
OPTIONS: dict[str, Any] = {
    "ring_lease_seconds": 120,
    "call_lease_seconds": 900,
    "wrapup_seconds": 60,
    "idempotency_seconds": 1800,
}
VOLUNTEERS = range(1, 7)
VIDS = st.sampled_from(VOLUNTEERS)
SHIFT = st.dictionaries(
    st.sampled_from(LANGS), st.sampled_from(["primary", "secondary", "backup"]), max_size=3
)
CHECKED_IN = st.sampled_from([True, True, True, False])
OUTCOMES = st.sampled_from(["talked", "missed", "cancelled"])
STEPS = st.sampled_from([0.001, 1, 30, 59.999, 60, 61, 119.999, 120, 900, 4 * 3600])


class RoutingMachine(RuleBasedStateMachine):
    """Drives the Redis router and the reference model with the same steps."""

    client: ClassVar[redis.Redis]

    def __init__(self) -> None:
        super().__init__()
        self.client.flushdb()
        self.clock = FakeClock(START)
        self.router = Availability(
            self.client, languages=LANGS, policies=POLICIES, clock=self.clock, **OPTIONS
        )
        self.model = ReferenceAvailability(languages=LANGS, policies=POLICIES, **OPTIONS)
        self.used: list[str] = []
        self.step = 0

    def now(self) -> int:
        return self.router.now_ms()

    def has_calls(self) -> bool:
        return bool(self.model.calls)

    def pick_call(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(sorted(self.model.calls)))

    @initialize(
        shifts=st.lists(
            st.tuples(SHIFT.filter(bool), st.just(True)),
            min_size=len(VOLUNTEERS),
            max_size=len(VOLUNTEERS),
        )
    )
    def staff(self, shifts: list[tuple[dict[str, str], bool]]) -> None:
        for vid, (languages, checked_in) in zip(VOLUNTEERS, shifts, strict=True):
            self.set_volunteer(vid, languages, checked_in)

    @rule(vid=VIDS, languages=SHIFT, checked_in=CHECKED_IN, remove=st.booleans())
    def set_volunteer(
        self, vid: int, languages: dict[str, str], checked_in: bool, remove: bool = False
    ) -> None:
        if remove:
            self.router.remove_volunteer(vid)
            self.model.remove_volunteer(vid, self.now())
        else:
            self.router.set_volunteer(vid, languages, checked_in=checked_in)
            self.model.set_volunteer(vid, languages, self.now(), checked_in=checked_in)

    @rule(
        language=st.sampled_from(LANGS),
        count=st.integers(1, 3),
        exclude=st.frozensets(VIDS, max_size=2),
        replay=st.sampled_from([False, False, False, True]),
        data=st.data(),
    )
    def reserve(
        self, language: str, count: int, exclude: frozenset[int], replay: bool, data: st.DataObject
    ) -> None:
        if replay and self.used:
            call_key = data.draw(st.sampled_from(self.used))
        else:
            call_key = f"call-{len(self.used)}"
            self.used.append(call_key)
        got = self.router.reserve(language, call_key, count=count, exclude=exclude)
        want = self.model.reserve(language, call_key, self.now(), count=count, exclude=exclude)
        assert got == want

    @precondition(has_calls)
    @rule(data=st.data(), anybody=st.booleans(), vid=VIDS)
    def confirm(self, data: st.DataObject, anybody: bool, vid: int) -> None:
        call_key = self.pick_call(data)
        if not anybody:
            vid = data.draw(st.sampled_from(self.model.held_by(call_key)))
        assert self.router.confirm(call_key, vid) == self.model.confirm(call_key, vid, self.now())

    @precondition(has_calls)
    @rule(data=st.data(), outcome=OUTCOMES)
    def release(self, data: st.DataObject, outcome: str) -> None:
        call_key = self.pick_call(data)
        got = self.router.release(call_key, outcome=outcome)  # type: ignore[arg-type]
        assert got == self.model.release(call_key, outcome, self.now())

    @precondition(has_calls)
    @rule(data=st.data())
    def renew(self, data: st.DataObject) -> None:
        call_key = self.pick_call(data)
        assert self.router.renew(call_key) == self.model.renew(call_key, self.now())

    @rule(data=st.data(), vid=VIDS, outcome=OUTCOMES)
    def use_a_spent_or_unknown_call_key(self, data: st.DataObject, vid: int, outcome: str) -> None:
        call_key = data.draw(st.sampled_from([*self.used, "call-never"]))
        now = self.now()
        assert self.router.renew(call_key) == self.model.renew(call_key, now)
        assert self.router.confirm(call_key, vid) == self.model.confirm(call_key, vid, now)
        got = self.router.release(call_key, outcome=outcome)  # type: ignore[arg-type]
        assert got == self.model.release(call_key, outcome, now)

    @rule(seconds=STEPS, sweep=st.booleans())
    def advance(self, seconds: float, sweep: bool) -> None:
        self.clock.advance(seconds)
        if sweep:
            assert self.router.expire_leases() == self.model.expire_leases(self.now())

    @invariant()
    def same_records_queues_calls_and_leases(self) -> None:
        """Everything Redis holds equals the model (one round trip)."""
        keys = self.router.keys
        pipe = self.client.pipeline(transaction=True)
        pipe.hgetall(keys.volunteers)
        pipe.hgetall(keys.calls)
        pipe.zrange(keys.leases, 0, -1, withscores=True)
        pipe.zrange(keys.finished, 0, -1, withscores=True)
        pipe.zrange(keys.queue, 0, -1)
        volunteers, calls, leases, finished, queue = pipe.execute()
        model = self.model
        assert {member_id(m): VolunteerRecord.from_json(r) for m, r in volunteers.items()} == (
            model.records
        )
        assert {k.decode(): CallHold.from_json(r).held for k, r in calls.items()} == {
            k: tuple(c.held) for k, c in model.calls.items()
        }
        assert {k.decode(): int(t) for k, t in leases} == model.leases
        assert {k.decode(): int(t) for k, t in finished} == model.finished
        expected = sorted(
            queue_entry(code, rank, record.available_at_ms, vid)
            for vid, record in model.records.items()
            for code, rank in record.queued_ranks.items()
        )
        assert [e.decode() for e in queue] == expected

    @invariant()
    def same_answers_to_questions(self) -> None:
        """The reading methods agree too (one volunteer, language and call per step)."""
        self.step += 1
        now = self.now()
        vid = VOLUNTEERS[self.step % len(VOLUNTEERS)]
        language = LANGS[self.step % len(LANGS)]
        assert self.router.state(vid) == self.model.state(vid, now)
        assert self.router.free_volunteers(language) == self.model.free_volunteers(language, now)
        if self.used:
            call_key = self.used[self.step % len(self.used)]
            assert self.router.held_by(call_key) == self.model.held_by(call_key)


def test_redis_implementation_matches_the_reference_model(redis_client: redis.Redis) -> None:
    class Machine(RoutingMachine):
        client = redis_client

    run_state_machine_as_test(
        Machine,
        settings=settings(max_examples=200, stateful_step_count=60, deadline=None),
    )
