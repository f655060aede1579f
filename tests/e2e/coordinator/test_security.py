"""Every page but login needs a session; every form needs a CSRF token; cookies are
Secure, HttpOnly and SameSite (failed logins: test_login_throttle.py)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from .conftest import ADMIN, csrf_of, login

SAMPLE_VALUES = {"volunteer_id": "1", "language": "so", "account_id": "1"}


def coordinator_rules(app: Flask, method: str) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("coordinator.") or method not in (rule.methods or ()):
            continue
        if rule.endpoint in ("coordinator.session.login", "coordinator.static"):
            continue
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:[a-z]+:)?{name}>", SAMPLE_VALUES[name], path)
        paths.append(path)
    return sorted(set(paths))


def test_every_page_but_login_requires_a_session(app: Flask, client: FlaskClient) -> None:
    pages = coordinator_rules(app, "GET")
    assert len(pages) >= 10
    assert {"/coordinator/accounts", "/coordinator/accounts/new",
            "/coordinator/accounts/1"} <= set(pages)
    for path in pages:
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/coordinator/login" in response.headers["Location"], path
    for path in coordinator_rules(app, "POST"):
        response = client.post(path, data={})
        assert response.status_code in (302, 400), path  # never performed
    assert client.get("/coordinator/login").status_code == 200


def test_every_form_rejects_a_missing_csrf_token(
    app: Flask, as_admin: FlaskClient, demo: None
) -> None:
    forms = coordinator_rules(app, "POST")
    assert {"/coordinator/logout", "/coordinator/volunteers/new",
            "/coordinator/shifts/so/edit", "/coordinator/shifts/import",
            "/coordinator/locale", "/coordinator/accounts/new", "/coordinator/accounts/1",
            "/coordinator/accounts/1/password", "/coordinator/accounts/1/active"} <= set(forms)
    for path in forms:
        response = as_admin.post(path, data={"name": "X", "phone": "+4790000001",
                                             "action": "add_weekly"})
        assert response.status_code == 400, path
        assert "CSRF" in response.get_data(as_text=True), path
    # the login form too
    as_admin.post("/coordinator/logout", data={"csrf_token": csrf_of(
        as_admin.get("/coordinator/volunteers").get_data(as_text=True))})
    response = as_admin.post("/coordinator/login",
                             data={"username": ADMIN[0], "password": ADMIN[1]})
    assert response.status_code == 400


def test_session_cookie_is_secure_httponly_samesite(client: FlaskClient, accounts: None) -> None:
    response = login(client, *ADMIN)
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    cookie = cookies["session"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    device = cookies["helpline_device"]  # the login throttle's known browser
    assert "Secure" in device and "HttpOnly" in device and "SameSite=Strict" in device
    assert "Path=/coordinator/login" in device


def test_wrong_password_is_refused(client: FlaskClient, accounts: None) -> None:
    response = login(client, ADMIN[0], "not the password")
    assert response.status_code == 200
    assert "Wrong user name or password" in response.get_data(as_text=True)
    assert client.get("/coordinator/volunteers").status_code == 302


def test_coordinator_cannot_read_the_audit_log(as_somali: FlaskClient) -> None:
    assert as_somali.get("/coordinator/audit").status_code == 403


def test_passwords_are_stored_as_argon2_hashes(app: Flask, accounts: None) -> None:
    from helpline.bootstrap import from_app

    with from_app(app).db.unit_of_work() as uow:
        hashes = [account.password_hash for account in uow.accounts.all()]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert ADMIN[1] not in "".join(hashes)
