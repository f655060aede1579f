"""The Flask app: the webhooks and the coordinators' interface over one service.

``create_app`` builds the service's parts once (:func:`helpline.bootstrap.bootstrap`),
keeps them in ``app.extensions``, and lets each web part register itself with its
``init_app``. Nothing is connected at import time.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from helpline import coordinator, web
from helpline.bootstrap import EXTENSION, bootstrap
from helpline.clock import Clock
from helpline.settings import Settings


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Flask:
    """The app for ``settings`` (default: from the environment).

    ``clock`` replaces the settings' clock: the in-process simulator shares its
    virtual clock this way.
    """
    helpline = bootstrap(settings, clock=clock)
    app = Flask(__name__, instance_path=str(helpline.settings.instance))
    app.extensions[EXTENSION] = helpline
    if helpline.settings.trusted_proxies:  # else X-Forwarded-* is never believed
        hops = helpline.settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    web.init_app(app)
    coordinator.init_app(app)
    return app
