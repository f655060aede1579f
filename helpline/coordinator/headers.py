"""Security headers on every answer of the app (the interface's pages above all).

A small ``after_request`` rather than a library: flask-talisman, the usual one, has
had no release since 2023 and would also redirect to https and rewrite cookie
flags, which this app sets itself (:func:`helpline.coordinator.init_app`). Here:

- a Content-Security-Policy that allows scripts, styles, images and fetches from
  the app's own origin only (no inline script or style: the interface keeps them in
  ``static/``), forms posted only to it, and no framing (``frame-ancestors 'none'``);
- ``X-Content-Type-Options: nosniff`` and ``X-Frame-Options: DENY`` (older browsers);
- ``Referrer-Policy: same-origin``: no address of the interface leaves it, while
  Flask-WTF's https check of a form's ``Referer`` still sees its own pages;
- HSTS when the request came over https (behind a proxy: see ``TRUSTED_PROXIES``);
- ``Cache-Control: no-store`` on every page of the interface (each shows at least
  her name; the volunteers' pages phone numbers): the back button after logout
  asks the server again, which sends the login page. Its static files may be cached.

A view that sets one of these headers itself keeps its own.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.wrappers import Response

CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])
HSTS = "max-age=63072000; includeSubDomains"
STATIC = "coordinator.static"


def secure(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.blueprint and request.blueprint.startswith("coordinator") \
            and request.endpoint != STATIC:
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(secure)
