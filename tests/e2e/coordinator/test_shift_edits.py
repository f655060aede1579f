"""Edits on the Shifts page keep the coordinators' files as they wrote them: every
comment, and every line but the edited entry's (the stored example files have
comments)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from helpline.bootstrap import from_app
from helpline.coordinator.shifts import token

Post = Callable[..., Any]


def stored(app: Flask) -> dict[str, str]:
    with from_app(app).db.unit_of_work() as uow:
        return uow.schedule.texts()


def commented(texts: dict[str, str]) -> dict[str, list[str]]:
    """Every line with a comment, whole-line or at the end of a line, by file."""
    return {name: [line for line in text.splitlines() if "#" in line]
            for name, text in texts.items()}


def test_adding_moving_and_removing_shifts_keeps_every_comment(
    app: Flask, as_admin: FlaskClient, post_form: Post, demo: None
) -> None:
    helpline = from_app(app)
    before = stored(app)
    assert sum(map(len, commented(before).values())) >= 8

    def edit(data: dict[str, str]) -> None:
        response = post_form("/coordinator/shifts/nb/edit", data, page="/coordinator/shifts/nb")
        assert response.status_code == 302
        page = as_admin.get(response.headers["Location"]).get_data(as_text=True)
        assert "Saved." in page, page

    edit({"action": "add_weekly", "volunteer": "grace-o", "weekday": "5",
          "start": "17:00", "end": "19:00"})
    with helpline.db.unit_of_work() as uow:
        schedule = helpline.shifts.load(uow)
    assert schedule is not None
    index = next(i for i, s in enumerate(schedule.weekly)
                 if s.volunteer == "kari-n" and int(s.weekday) == 5)  # on "sat 10:00-16:00"
    edit({"action": "move_weekly", "index": str(index), "token": token(schedule.weekly[index]),
          "weekday": "6", "start": "10:00", "end": "16:00"})
    with helpline.db.unit_of_work() as uow:
        schedule = helpline.shifts.load(uow)
    assert schedule is not None
    index = next(i for i, c in enumerate(schedule.closures) if str(c.first) == "2026-05-17")
    edit({"action": "remove", "kind": "closure", "index": str(index),
          "token": token(schedule.closures[index])})

    after = stored(app)
    removed = "  - closed: 2026-05-17                 # Constitution Day"
    assert commented(after) == {  # all there but the removed entry's own comment
        name: [line for line in lines if line != removed]
        for name, lines in commented(before).items()}
    changed = [name for name in before if after[name] != before[name]]
    assert changed == ["oslo-helpline.yaml"]  # the other files are byte for byte the same
