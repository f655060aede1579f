"""Erlang-B: the share of calls that find every volunteer busy. Pure functions.

A slot of the week with ``load`` erlangs of offered traffic (calls per hour times
hours each call holds a volunteer) and ``servers`` volunteers on shift blocks a
share ``erlang_b(servers, load)`` of its calls. The model assumes a blocked call
is lost; the helpline retries other volunteers and callers wait a little, so it
is a slightly pessimistic guide, not a prediction to the call.
"""

from __future__ import annotations


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability with ``servers`` servers and ``load`` erlangs offered."""
    if servers < 0 or load < 0:
        raise ValueError("servers and load must not be negative")
    blocking = 1.0
    for n in range(1, servers + 1):  # the stable recurrence B(n) = A·B(n-1) / (n + A·B(n-1))
        blocking = load * blocking / (n + load * blocking)
    return blocking


def servers_needed(load: float, target_answered: float = 0.9, *, limit: int = 1000) -> int:
    """The fewest servers that answer at least ``target_answered`` of the calls."""
    if not 0 < target_answered < 1:
        raise ValueError("target_answered must be between 0 and 1")
    if load <= 0:
        return 0
    blocking = 1.0
    for n in range(1, limit + 1):
        blocking = load * blocking / (n + load * blocking)
        if 1 - blocking >= target_answered:
            return n
    raise ValueError(f"more than {limit} servers needed for {load} erlangs")
