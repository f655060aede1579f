"""Ring plans: sequential or simultaneous, per language."""

from __future__ import annotations

import pytest

from routing.ring import RingConfig, RingPlan, RingStrategy


def test_the_default_plan_rings_one_volunteer_at_a_time_three_times() -> None:
    plan = RingPlan()
    assert plan.strategy is RingStrategy.SEQUENTIAL
    assert plan.count == 1
    assert [plan.next_attempt(n) for n in range(4)] == [1, 2, 3, None]


def test_a_simultaneous_plan_reserves_several_per_attempt() -> None:
    plan = RingPlan(RingStrategy.SIMULTANEOUS, at_once=3, max_tries=2)
    assert plan.count == 3
    assert plan.next_attempt(2) is None


def test_invalid_plans_are_refused() -> None:
    with pytest.raises(ValueError):
        RingPlan(RingStrategy.SEQUENTIAL, at_once=2)
    with pytest.raises(ValueError):
        RingPlan(max_tries=0)
    with pytest.raises(ValueError):
        RingPlan.from_mapping({"strategy": "broadcast"})
    with pytest.raises(ValueError):
        RingPlan.from_mapping({"at_ounce": 2})


def test_config_per_language_with_a_default() -> None:
    config = RingConfig.from_mapping(
        {
            "default": {"max_tries": 4},
            "so": {"strategy": "simultaneous", "at_once": 3, "max_tries": 2},
        }
    )
    assert config.plan_for("so") == RingPlan(RingStrategy.SIMULTANEOUS, 3, 2)
    assert config.plan_for("ar") == RingPlan(max_tries=4)
    assert RingConfig().plan_for("ar") == RingPlan()
