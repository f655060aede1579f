"""Security headers on every page of the interface (and every answer of the app):
a Content-Security-Policy with no inline script or style and no framing, nosniff,
a strict Referrer-Policy, HSTS over https only, no-store on every page; and no page
carries an inline script, event handler or style attribute the policy would block."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ..conftest import built_app
from .conftest import SOMALI, login, volunteer_by_key

INLINE = re.compile(r"<script(?![^>]*\bsrc=)|<style|\son[a-z]+=|\sstyle=|javascript:", re.I)


def pages(app: Flask) -> list[str]:
    hodan = volunteer_by_key(app, "hodan-a")
    assert hodan is not None
    values = {"language": "so", "volunteer_id": str(hodan.id), "account_id": "1",
              "filename": "coordinator.css"}
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/coordinator") and "GET" in (rule.methods or ()):
            path = rule.rule
            for name, value in values.items():
                path = re.sub(rf"<(?:[a-z]+:)?{name}>", value, path)
            paths.append(path)
    return sorted(paths)


def test_every_page_has_the_security_headers_and_no_inline_code(
    app: Flask, as_admin: FlaskClient, demo: None
) -> None:
    checked = 0
    for path in pages(app):
        response = as_admin.get(path)
        assert response.status_code == 200, path
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp, path
        assert "script-src 'self'" in csp and "unsafe" not in csp, path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
        assert "Strict-Transport-Security" not in headers, path  # plain http
        if "/static/" not in path:
            assert headers["Cache-Control"] == "no-store", path
        if response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            assert not INLINE.search(html), f"{path}: {INLINE.search(html)}"
            checked += 1
    assert checked >= 12


def test_the_login_page_and_a_webhook_carry_them_too(client: FlaskClient) -> None:
    for path in ("/coordinator/login", "/health"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff", path
    assert client.get("/coordinator/login").headers["Cache-Control"] == "no-store"


def test_hsts_over_https_only(app: Flask, client: FlaskClient, accounts: None) -> None:
    secure = client.get("/coordinator/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    # a forwarded https is believed only behind a configured proxy
    forwarded = client.get("/coordinator/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in forwarded.headers


@pytest.fixture
def behind_a_proxy(app_config: dict[str, Any], redis_client: Any) -> Iterator[Flask]:
    yield from built_app({**app_config, "trusted_proxies": 1})


def test_hsts_behind_a_trusted_proxy_that_terminates_https(behind_a_proxy: Flask) -> None:
    response = behind_a_proxy.test_client().get(
        "/coordinator/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers


def test_a_page_with_phone_numbers_is_not_kept_by_the_browser(
    app: Flask, client: FlaskClient, accounts: None, demo: None
) -> None:
    login(client, *SOMALI)
    response = client.get("/coordinator/volunteers")
    assert "+47" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
