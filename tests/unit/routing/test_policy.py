"""The pure policy: ranks and the choice of volunteers."""

from __future__ import annotations

import pytest

from routing.exceptions import UnknownPolicyError, UnknownTierError
from routing.policy import (
    BACKUP_RANK,
    Candidate,
    Tier,
    choose,
    day_of,
    get_policy,
    parse_languages,
    parse_policy_setting,
)

NOW = 1_700_000_000_000


def test_longest_idle_ignores_tiers_except_backup() -> None:
    policy = get_policy("longest_idle")
    assert policy.rank(Tier.PRIMARY, 5) == policy.rank(Tier.SECONDARY, 0) == 0
    assert policy.rank(Tier.BACKUP, 0) == BACKUP_RANK


def test_fewest_calls_ranks_by_calls_today_capped() -> None:
    policy = get_policy("fewest_calls")
    assert [policy.rank(Tier.PRIMARY, n) for n in (0, 1, 2, 63, 500)] == [0, 1, 2, 63, 63]
    assert policy.rank(Tier.BACKUP, 3) == BACKUP_RANK + 3


def test_tiers_puts_primary_before_secondary_before_backup() -> None:
    policy = get_policy("tiers")
    ranks = [policy.rank(t, 9) for t in (Tier.PRIMARY, Tier.SECONDARY, Tier.BACKUP)]
    assert ranks == sorted(ranks) and len(set(ranks)) == 3


def test_unknown_policy_and_tier_are_refused() -> None:
    with pytest.raises(UnknownPolicyError):
        get_policy("random")
    with pytest.raises(UnknownTierError):
        parse_languages({"so": "gold"})


def test_parse_languages_reads_a_mapping_or_a_collection() -> None:
    assert parse_languages(["so", "ar"]) == {"so": Tier.PRIMARY, "ar": Tier.PRIMARY}
    assert parse_languages({"so": "backup"}) == {"so": Tier.BACKUP}
    with pytest.raises(TypeError):
        parse_languages("so")


def test_choose_takes_the_longest_idle_free_ones_and_skips_those_resting() -> None:
    candidates = [
        Candidate(1, 0, NOW - 10),
        Candidate(2, 0, NOW - 50),
        Candidate(3, 0, NOW + 1),  # still resting after a call
        Candidate(4, 0, NOW - 50),  # tie with 2: the lower id first
    ]
    assert choose(candidates, now_ms=NOW, count=3) == [2, 4, 1]
    assert choose(candidates, now_ms=NOW, count=2, exclude={2}) == [4, 1]


def test_backups_only_when_no_regular_volunteer_is_free() -> None:
    candidates = [Candidate(1, BACKUP_RANK, NOW - 100), Candidate(2, 0, NOW)]
    assert choose(candidates, now_ms=NOW, count=2) == [2]
    assert choose(candidates, now_ms=NOW, count=2, exclude={2}) == [1]
    assert choose(candidates, now_ms=NOW - 1, count=2) == [1]


def test_day_of_uses_the_given_time_zone() -> None:
    from zoneinfo import ZoneInfo

    midnight_utc = 1_700_006_400_000  # 2023-11-15 00:00 UTC
    assert day_of(midnight_utc - 1) == "2023-11-14"
    assert day_of(midnight_utc - 1, ZoneInfo("Europe/Oslo")) == "2023-11-15"


def test_policy_setting() -> None:
    assert parse_policy_setting("so=fewest_calls, fa = tiers,") == {
        "so": "fewest_calls",
        "fa": "tiers",
    }
    assert parse_policy_setting("") == {}
    with pytest.raises(UnknownPolicyError):
        parse_policy_setting("so=random")
    with pytest.raises(ValueError):
        parse_policy_setting("so")
