"""The helpline service: Twilio webhooks, coordinator UI, models, call log, jobs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from helpline.config import from_environment
from helpline.privacy import install_log_redaction


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: configuration, then each part's ``init_app``.

    Nothing is connected at import time; ``test_config`` overrides the
    environment (tests pass their own database and Redis URLs).
    """
    config = from_environment()
    if test_config is not None:
        config.update(test_config)
    instance = config.get("INSTANCE_PATH")
    app = Flask(__name__, instance_path=str(instance) if instance else None)
    app.config.from_mapping(config)
    install_log_redaction()

    from helpline import coordinator, db, duty, live, prompts_store, webhooks

    catalog = prompts_store.init_app(app)
    db.init_app(app)
    live.init_app(app, [language.code for language in catalog.languages])
    webhooks.init_app(app)
    coordinator.init_app(app)
    duty.init_app(app)  # volunteers' SMS (issue #8)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app

