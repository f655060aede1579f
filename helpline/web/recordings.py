"""Recorded prompts, fetched by Twilio for ``<Play>``: public, like any audio file."""

from __future__ import annotations

from flask import Blueprint, send_from_directory
from werkzeug.wrappers import Response

from helpline.bootstrap import from_app

bp = Blueprint("recordings", __name__, url_prefix="/prompts")


@bp.get("/<code>/<name>")
def recording(code: str, name: str) -> Response:
    return send_from_directory(from_app().recordings.directory / code, name, max_age=3600)
