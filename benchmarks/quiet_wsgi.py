"""The production WSGI app with per-request warnings about missing prompt recordings
turned off (they go to stderr on every menu and would measure the terminal)."""

import logging

logging.getLogger("helpline.voice.voicing").setLevel(logging.ERROR)

from helpline.wsgi import app  # noqa: E402

__all__ = ["app"]
