"""The live board: who is on shift now per language, and each one's state.

Read straight from the Redis availability queue (the router's own view), in one
round trip. The page refreshes its table by itself every few seconds with a few
lines of vanilla JavaScript (``static/board.js``); without JavaScript a meta
refresh does the same.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast
from zoneinfo import ZoneInfo

import redis
from flask import current_app, render_template
from sqlalchemy import select

from helpline.coordinator import bp
from helpline.db import get_db
from helpline.live import get_live
from helpline.models import Volunteer
from routing.keys import member
from routing.model import VolunteerRecord, VolunteerState, state_of

log = logging.getLogger(__name__)

REFRESH_SECONDS = 5


@dataclass(frozen=True)
class LiveVolunteer:
    id: int
    name: str
    state: VolunteerState | None  # None: Redis did not answer
    languages: tuple[str, ...]  # on shift for these now


def live_records(ids: Iterable[int]) -> dict[int, VolunteerRecord | None] | None:
    """Each volunteer's record in the router, or None when Redis does not answer."""
    ids = list(ids)
    if not ids:
        return {}
    availability = get_live().availability
    try:
        raw = cast(
            "list[bytes | None]",
            availability.client.hmget(availability.keys.volunteers, [member(i) for i in ids]),
        )
    except redis.RedisError:
        log.warning("the live board could not read Redis")
        return None
    return {
        vid: None if value is None else VolunteerRecord.from_json(value)
        for vid, value in zip(ids, raw, strict=True)
    }


def live_states(ids: Iterable[int]) -> dict[int, VolunteerState | None]:
    """Each volunteer's state now (None for all when Redis does not answer)."""
    ids = list(ids)
    records = live_records(ids)
    if records is None:
        return dict.fromkeys(ids)
    now = get_live().availability.now_ms()
    return {vid: state_of(record, now) for vid, record in records.items()}


def board_rows() -> tuple[dict[str, list[LiveVolunteer]], bool]:
    """Per language, the volunteers on shift now (and whether Redis answered)."""
    with get_db().unit_of_work() as session:
        names = {
            vid: name
            for vid, name in session.execute(
                select(Volunteer.id, Volunteer.name).where(Volunteer.active.is_(True))
            )
        }
    records = live_records(names)
    if records is None:
        return {}, False
    now = get_live().availability.now_ms()
    by_language: dict[str, list[LiveVolunteer]] = {}
    for vid, record in records.items():
        if record is None or not record.languages:
            continue
        item = LiveVolunteer(vid, names[vid], state_of(record, now), tuple(record.languages))
        for code in record.languages:
            by_language.setdefault(code, []).append(item)
    for items in by_language.values():
        items.sort(key=lambda v: v.name)
    return by_language, True


@bp.get("/board")
def board() -> str:
    return _render("coordinator/board.html")


@bp.get("/board/table")
def board_table() -> str:
    """Just the table, for the page's own refresh."""
    return _render("coordinator/_board_table.html")


def _render(template: str) -> str:
    from helpline.coordinator.i18n import helpline_languages

    rows, ok = board_rows()
    languages = [lang.code for lang in helpline_languages()]
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return render_template(
        template,
        rows=rows,
        ok=ok,
        languages=languages,
        refresh=REFRESH_SECONDS,
        updated=datetime.now(zone).strftime("%H:%M:%S"),
    )
