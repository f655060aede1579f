"""Why each on-shift volunteer can or cannot take a call in a language. Pure.

:func:`explain` turns the stored records and a language's queue into one
:class:`StatusEntry` per volunteer on shift for the language; :func:`format_status`
renders them for ``helpline routing status``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from routing.keys import QueueEntry
from routing.model import VolunteerRecord, VolunteerState, state_of
from routing.policy import Tier

_LATER = {  # how the volunteers who cannot take a call now are listed: soonest first
    VolunteerState.WRAPUP: 0,
    VolunteerState.RINGING: 1,
    VolunteerState.ON_CALL: 2,
    VolunteerState.PAUSED: 3,
}


@dataclass(frozen=True)
class StatusEntry:
    """One on-shift volunteer of a language, and why she is or is not free for it.

    ``position`` is her place in line (1 = offered the next call) when she is
    free; ``seconds`` is how long she has been idle (free) or how long her
    wrap-up rest still lasts.
    """

    volunteer_id: int
    tier: Tier
    state: VolunteerState
    free: bool
    reason: str
    position: int | None = None
    seconds: int | None = None


def explain(
    language: str,
    records: Mapping[int, VolunteerRecord],
    queue: Sequence[QueueEntry],
    now_ms: int,
) -> list[StatusEntry]:
    """Every volunteer on shift for ``language``, free ones first in the order of the queue.

    ``queue`` is the language's queue as stored, best first.
    """
    queued = {e.volunteer_id for e in queue}
    free_ids = [
        e.volunteer_id
        for e in queue
        if e.available_at_ms <= now_ms
        and state_of(records.get(e.volunteer_id), now_ms) is VolunteerState.FREE
        and language in records[e.volunteer_id].languages
    ]
    regular_free = any(records[vid].languages[language].tier is not Tier.BACKUP for vid in free_ids)
    position = {vid: i for i, vid in enumerate(free_ids, start=1)}
    entries = []
    for vid, record in records.items():
        entry = record.languages.get(language)
        if entry is None:
            continue
        state = state_of(record, now_ms)
        seconds = None
        free = vid in position
        if free:
            seconds = (now_ms - record.available_at_ms) // 1000
            reason = f"free, idle {duration(seconds)}"
            if entry.tier is Tier.BACKUP and regular_free:
                reason += "; backup: offered a call only when no regular volunteer is free"
        elif state is VolunteerState.FREE:
            where = "not in the queue" if vid not in queued else "at a wrong place in the queue"
            reason = f"should be free but is {where}: run `helpline routing rebuild`"
        elif state is VolunteerState.WRAPUP:
            seconds = -(-(record.available_at_ms - now_ms) // 1000)
            reason = f"resting after her last call, free in {duration(seconds)}"
        elif state is VolunteerState.RINGING:
            reason = "being rung for a call"
        elif state is VolunteerState.ON_CALL:
            reason = "on a call"
        else:
            reason = "on shift but not checked in (paused)"
        entries.append(
            StatusEntry(vid, entry.tier, state, free, reason, position.get(vid), seconds)
        )
    return sorted(
        entries,
        key=lambda e: (
            e.position is None,
            e.position or 0,
            _LATER.get(e.state, 4),
            e.seconds or 0,
            e.volunteer_id,
        ),
    )


def duration(seconds: int) -> str:
    """``42 s``, ``5 min``, ``2 h 5 min``: a short human duration."""
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def format_status(language: str, entries: Sequence[StatusEntry], *, policy: str = "") -> str:
    """A plain-text table of :func:`explain`'s entries, with a one-line summary."""
    free = sum(e.free for e in entries)
    title = f"{language} ({policy})" if policy else language
    lines = [f"{title}: {free} of {len(entries)} on shift can take a call now"]
    if entries:
        rows = [("next", "volunteer", "tier", "state", "why")]
        rows += [
            (
                str(e.position) if e.position else "-",
                str(e.volunteer_id),
                e.tier.value,
                e.state.value,
                e.reason,
            )
            for e in entries
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            lines.append("  " + "  ".join([*cells, row[4]]))
    return "\n".join(lines)
