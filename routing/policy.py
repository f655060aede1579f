"""Pure routing policy: in which order free volunteers are offered a call.

No I/O here (no Redis, no Flask, no clock): plain values in, decisions out.
import-linter checks the rule in CI.

How an order is expressed
-------------------------
Every queued volunteer has, per language, a *rank* (small integer, lower is
offered first) and an *available-at* time in ms: when she became idle, or, after
a call, when her wrap-up rest ends (a time in the future). The order is
``(rank, available_at_ms, volunteer_id)``; a volunteer can be offered a call only
once ``available_at_ms <= now``. Redis keeps the queue in exactly this order
(see :mod:`routing.keys`).

A policy only decides the rank:

``longest_idle`` (default)
    rank 0 for everybody: whoever has been idle longest goes first.
``fewest_calls``
    rank = calls she took today (capped at 63): fewest first, then longest idle.
    Counted when she is queued again after a call (and whenever her shift is
    pushed again), so after midnight the periodic shift sync resets the order.
``tiers``
    primary volunteers (rank 0) before secondary ones (rank 64), then longest idle.

Under every policy a language's *backup* volunteers (rank >= ``BACKUP_RANK``)
are offered a call only when no regular (primary or secondary) volunteer is free
for it, even when several are to be rung at once. Ties are broken by the lower
volunteer id.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from enum import StrEnum

from routing.exceptions import UnknownPolicyError, UnknownTierError

SECONDARY_RANK = 64
BACKUP_RANK = 128
MAX_CALLS_RANK = 63
DEFAULT_POLICY = "longest_idle"


class Tier(StrEnum):
    """How a volunteer serves one language."""

    PRIMARY = "primary"
    SECONDARY = "secondary"
    BACKUP = "backup"


@dataclass(frozen=True)
class Policy:
    """A way of ranking the free volunteers of a language."""

    name: str
    description: str
    tiers_ordered: bool = False
    counts_calls: bool = False

    def base_rank(self, tier: Tier) -> int:
        """The part of the rank that depends only on her tier for the language."""
        if tier is Tier.BACKUP:
            return BACKUP_RANK
        if tier is Tier.SECONDARY and self.tiers_ordered:
            return SECONDARY_RANK
        return 0

    def rank(self, tier: Tier, calls_today: int) -> int:
        """Her rank for the language, given the calls she took today."""
        return queue_rank(self.base_rank(tier), self.counts_calls, calls_today)


POLICIES: Mapping[str, Policy] = {
    p.name: p
    for p in (
        Policy("longest_idle", "longest idle first"),
        Policy("fewest_calls", "fewest calls today first, then longest idle", counts_calls=True),
        Policy("tiers", "primary before secondary, then longest idle", tiers_ordered=True),
    )
}


def get_policy(name: str) -> Policy:
    """The policy called ``name``; raises :class:`UnknownPolicyError`."""
    try:
        return POLICIES[name]
    except KeyError:
        known = ", ".join(POLICIES)
        raise UnknownPolicyError(f"unknown routing policy {name!r} (known: {known})") from None


def parse_policy_setting(text: str) -> dict[str, str]:
    """``{"so": "fewest_calls", "fa": "tiers"}`` from ``"so=fewest_calls, fa=tiers"``.

    For a configuration setting; every policy name is checked.
    """
    policies = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        code, sep, name = (p.strip() for p in item.partition("="))
        if not sep or not code:
            raise ValueError(f"routing policy setting {item!r} is not language=policy")
        policies[code] = get_policy(name).name
    return policies


def queue_rank(base_rank: int, counts_calls: bool, calls_today: int) -> int:
    """Rank from its stored parts: the tier's base rank, plus capped calls if counted."""
    return base_rank + (min(calls_today, MAX_CALLS_RANK) if counts_calls else 0)


def is_backup_rank(rank: int) -> bool:
    return rank >= BACKUP_RANK


@dataclass(frozen=True)
class Candidate:
    """A queued volunteer, as the policy sees her for one language."""

    volunteer_id: int
    rank: int
    available_at_ms: int

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.rank, self.available_at_ms, self.volunteer_id)

    @property
    def is_backup(self) -> bool:
        return is_backup_rank(self.rank)


def order(candidates: Iterable[Candidate], *, now_ms: int) -> list[Candidate]:
    """The candidates free at ``now_ms`` (wrap-up over), best first."""
    return sorted((c for c in candidates if c.available_at_ms <= now_ms), key=lambda c: c.sort_key)


def choose(
    candidates: Iterable[Candidate],
    *,
    now_ms: int,
    count: int = 1,
    exclude: Collection[int] = (),
) -> list[int]:
    """The ids of up to ``count`` volunteers to ring, best first.

    Backups are chosen only when no regular volunteer (not excluded) is free.
    """
    ready = [c for c in order(candidates, now_ms=now_ms) if c.volunteer_id not in exclude]
    regular = [c.volunteer_id for c in ready if not c.is_backup]
    if regular:
        return regular[:count]
    return [c.volunteer_id for c in ready][:count]


def parse_languages(languages: Mapping[str, str] | Collection[str]) -> dict[str, Tier]:
    """``{code: Tier}`` from a mapping code -> tier name, or a collection of primary codes."""
    if isinstance(languages, str | bytes):
        raise TypeError("languages must be a collection of codes or a mapping, not a string")
    if isinstance(languages, Mapping):
        parsed = {}
        for code, tier in languages.items():
            try:
                parsed[code] = Tier(tier)
            except ValueError:
                raise UnknownTierError(
                    f"tier {tier!r} for language {code!r} is not primary, secondary or backup"
                ) from None
        return parsed
    return dict.fromkeys(languages, Tier.PRIMARY)


def day_of(now_ms: int, timezone: tzinfo = UTC) -> str:
    """The calendar day (ISO date) at ``now_ms`` in ``timezone``, for calls-today counts."""
    return datetime.fromtimestamp(now_ms / 1000, timezone).date().isoformat()
