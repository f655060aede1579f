"""How a call rings volunteers: one after the other, or several at once. Pure.

The router side of either strategy is the same: each *attempt* reserves
``RingPlan.count`` volunteers with ``Availability.reserve(..., count=N,
exclude=already_tried)`` under a call key of its own (a reservation is
idempotent per call key, so a second attempt needs a new one), the first to
accept is confirmed with ``Availability.confirm`` (which releases the others at
once), and a ring that nobody took is released as ``missed``. After
``max_tries`` attempts the caller hears what happens next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class RingStrategy(StrEnum):
    SEQUENTIAL = "sequential"  # one volunteer per attempt
    SIMULTANEOUS = "simultaneous"  # up to ``at_once`` volunteers per attempt; first to accept


@dataclass(frozen=True)
class RingPlan:
    """How one language's calls ring."""

    strategy: RingStrategy = RingStrategy.SEQUENTIAL
    at_once: int = 1
    max_tries: int = 3

    def __post_init__(self) -> None:
        object.__setattr__(self, "strategy", RingStrategy(self.strategy))
        if self.at_once < 1 or self.max_tries < 1:
            raise ValueError("at_once and max_tries must be at least 1")
        if self.strategy is RingStrategy.SEQUENTIAL and self.at_once != 1:
            raise ValueError("a sequential ring rings one volunteer at a time (at_once=1)")

    @property
    def count(self) -> int:
        """How many volunteers each attempt reserves."""
        return self.at_once

    def next_attempt(self, attempts_made: int) -> int | None:
        """The number (1-based) of the next attempt, or None when the tries are used up."""
        return attempts_made + 1 if attempts_made < self.max_tries else None

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> RingPlan:
        """From ``{"strategy": "simultaneous", "at_once": 3, "max_tries": 2}`` (all optional)."""
        unknown = set(raw) - {"strategy", "at_once", "max_tries"}
        if unknown:
            raise ValueError(f"unknown ring plan settings: {sorted(unknown)}")
        return cls(
            strategy=RingStrategy(raw.get("strategy", RingStrategy.SEQUENTIAL)),
            at_once=int(raw.get("at_once", 1)),
            max_tries=int(raw.get("max_tries", 3)),
        )


@dataclass(frozen=True)
class RingConfig:
    """The ring plan of every language: a default, and exceptions per language code."""

    default: RingPlan = field(default_factory=RingPlan)
    languages: Mapping[str, RingPlan] = field(default_factory=dict)

    def plan_for(self, language: str) -> RingPlan:
        return self.languages.get(language, self.default)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Mapping[str, Any]]) -> RingConfig:
        """From ``{"default": {...}, "so": {...}, ...}``, e.g. a JSON setting."""
        default = RingPlan.from_mapping(raw.get("default", {}))
        return cls(
            default,
            {code: RingPlan.from_mapping(plan) for code, plan in raw.items() if code != "default"},
        )
