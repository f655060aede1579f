"""The decision log: every routing decision, on the ``routing.decisions`` logger.

Each entry has a readable message and the same facts as structured fields
(``extra=``: ``event``, ``language``, ``policy``, ``candidates``, ``chosen``, ...)
for a JSON log formatter. Volunteers appear by id and calls by their opaque call
key; no phone number ever reaches these functions.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence

from routing.keys import parse_queue_entry
from routing.policy import BACKUP_RANK

log = logging.getLogger("routing.decisions")


def enabled() -> bool:
    """Whether decisions are logged (checked first, so a quiet logger costs nothing)."""
    return log.isEnabledFor(logging.INFO)


def reserved(
    *,
    language: str,
    call_key: str,
    policy: str,
    replayed: bool,
    chosen: Sequence[int],
    considered: Sequence[bytes | str],
    queued: int,
    now_ms: int,
    exclude: Collection[int],
) -> None:
    """A reservation: the queue entries the script looked at, the policy, and
    whom it chose."""
    candidates = []
    for raw in considered:
        entry = parse_queue_entry(raw)
        candidates.append(
            {
                "volunteer_id": entry.volunteer_id,
                "rank": entry.rank,
                "backup": entry.rank >= BACKUP_RANK,
                "idle_seconds": round((now_ms - entry.available_at_ms) / 1000, 1),
                "excluded": entry.volunteer_id in exclude,
            }
        )
    shown = ", ".join(
        f"{c['volunteer_id']} (rank {c['rank']}, idle {c['idle_seconds']} s"
        + (", excluded)" if c["excluded"] else ")")
        for c in candidates
    )
    log.info(
        "reserve %s call %s%s: chose %s by %s; considered %s; %d in the queue",
        language,
        call_key[:12],
        " (replayed)" if replayed else "",
        list(chosen) or "nobody",
        policy,
        shown or "nobody free",
        queued,
        extra={
            "event": "reserve",
            "language": language,
            "call_key": call_key,
            "policy": policy,
            "replayed": replayed,
            "candidates": candidates,
            "chosen": list(chosen),
            "queued": queued,
        },
    )


def confirmed(*, call_key: str, volunteer_id: int, ok: bool, released: Sequence[int]) -> None:
    log.info(
        "confirm call %s: volunteer %s %s; released %s",
        call_key[:12],
        volunteer_id,
        "on the call" if ok else "not held by this call",
        list(released) or "nobody",
        extra={
            "event": "confirm",
            "call_key": call_key,
            "volunteer_id": volunteer_id,
            "confirmed": ok,
            "released": list(released),
        },
    )


def released(
    *, call_key: str, outcome: str, volunteers: Sequence[int], outcomes: Sequence[str]
) -> None:
    log.info(
        "release call %s (%s): %s",
        call_key[:12],
        outcome,
        ", ".join(f"{v} {o}" for v, o in zip(volunteers, outcomes, strict=True)) or "nobody",
        extra={
            "event": "release",
            "call_key": call_key,
            "outcome": outcome,
            "released": list(volunteers),
            "outcomes": list(outcomes),
        },
    )
