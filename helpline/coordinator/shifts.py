"""Shifts: placeholder until the week view lands."""

from __future__ import annotations

from flask import redirect, url_for
from werkzeug.wrappers import Response

from helpline.coordinator import bp


@bp.get("/shifts")
def shifts() -> Response:
    return redirect(url_for("coordinator.coverage"))


@bp.get("/shifts/<language>")
def shifts_language(language: str) -> Response:
    return redirect(url_for("coordinator.coverage"))
