"""The live board: who is on shift now per language, and each one's state.

Read from the router's own view of Redis (:meth:`routing.availability.Availability.records`),
in one round trip. The page refreshes its table by itself every few seconds with a
few lines of vanilla JavaScript (``static/board.js``); without JavaScript a meta
refresh does the same.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import redis
from flask import Blueprint, render_template

from helpline.bootstrap import from_app
from helpline.coordinator.i18n import helpline_languages
from routing.model import VolunteerRecord, VolunteerState, state_of

log = logging.getLogger(__name__)

bp = Blueprint("board", __name__)

REFRESH_SECONDS = 5


@dataclass(frozen=True)
class LiveVolunteer:
    id: int
    name: str
    state: VolunteerState | None  # None: Redis did not answer
    languages: tuple[str, ...]  # on shift for these now


def live_records(ids: Iterable[int]) -> dict[int, VolunteerRecord | None] | None:
    """Each volunteer's record in the router, or None when Redis does not answer."""
    try:
        return from_app().availability.records(ids)
    except redis.RedisError:
        log.warning("the live board could not read Redis")
        return None


def live_states(ids: Iterable[int]) -> dict[int, VolunteerState | None]:
    """Each volunteer's state now (None for all when Redis does not answer)."""
    ids = list(ids)
    records = live_records(ids)
    if records is None:
        return dict.fromkeys(ids)
    now = from_app().availability.now_ms()
    return {vid: state_of(record, now) for vid, record in records.items()}


def board_rows() -> tuple[dict[str, list[LiveVolunteer]], bool]:
    """Per language, the volunteers on shift now (and whether Redis answered)."""
    helpline = from_app()
    with helpline.db.unit_of_work() as uow:
        names = uow.volunteers.names(active_only=True)
    records = live_records(names)
    if records is None:
        return {}, False
    now = helpline.availability.now_ms()
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
def page() -> str:
    return _render("coordinator/board.html")


@bp.get("/board/table")
def table() -> str:
    """Just the table, for the page's own refresh."""
    return _render("coordinator/_board_table.html")


def _render(template: str) -> str:
    rows, ok = board_rows()
    zone = ZoneInfo(from_app().settings.timezone)
    return render_template(
        template,
        rows=rows,
        ok=ok,
        languages=[language.code for language in helpline_languages()],
        refresh=REFRESH_SECONDS,
        updated=datetime.now(zone).strftime("%H:%M:%S"),
    )
