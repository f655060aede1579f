"""The language catalog and prompt voicing of the app, and the recordings route."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, send_from_directory
from werkzeug.wrappers import Response

from helpline.languages import Catalog, load_catalog
from helpline.voicing import AUDIO_DIR, Voicing, find_recordings

bp = Blueprint("prompts", __name__, url_prefix="/prompts")


@bp.get("/<code>/<name>")
def recording(code: str, name: str) -> Response:
    """Recorded prompts, fetched by Twilio for ``<Play>``. Public, like any audio file."""
    return send_from_directory(AUDIO_DIR / code, name, max_age=3600)


def init_app(app: Flask) -> Catalog:
    from helpline.webhooks import public_url

    catalog = load_catalog(app.config["LANGUAGES_FILE"], local=app.config["LOCAL_LANGUAGE"])

    def audio_url(code: str, name: str) -> str:
        return public_url("prompts.recording", code=code, name=name)

    app.extensions["helpline.voicing"] = Voicing(catalog, find_recordings(AUDIO_DIR), audio_url)
    app.register_blueprint(bp)
    return catalog


def get_voicing(app: Flask | None = None) -> Voicing:
    voicing: Voicing = (app or current_app).extensions["helpline.voicing"]
    return voicing
