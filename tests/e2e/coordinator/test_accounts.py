"""Accounts managed on the web by administrators (real database and Redis): create,
edit, new password, deactivate; the refusals; the audit log."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from helpline.bootstrap import from_app
from helpline.store.models import Account

from .conftest import ADMIN, SOMALI, Post, audit_entries, csrf_of, login, volunteer_by_key

NEW = "/coordinator/accounts/new"


def account(app: Flask, username: str) -> Account | None:
    with from_app(app).db.unit_of_work() as uow:
        found = uow.accounts.by_username(username)
        if found is not None:
            found.responsible_for()  # loaded before the session closes
        return found


def log_out(client: FlaskClient) -> None:
    html = client.get("/coordinator/volunteers").get_data(as_text=True)
    client.post("/coordinator/logout", data={"csrf_token": csrf_of(html)})


def create(post_form: Post, **fields: Any) -> Any:
    data = {"username": "amal", "name": "Amal T.", "role": "coordinator", "locale": "da",
            "password": "tigrinya-pw-1", "password2": "tigrinya-pw-1", "languages": ["ti"]}
    data.update(fields)
    return post_form(NEW, data)


def test_admin_creates_a_coordinator_who_logs_in_limited_to_her_languages(
    app: Flask, as_admin: FlaskClient, post_form: Post
) -> None:
    page = as_admin.get("/coordinator/accounts").get_data(as_text=True)
    assert 'href="/coordinator/accounts"' in page  # the menu entry
    assert "ingrid" in page and "hodan" in page and "Somali" in page
    response = create(post_form, username=" Amal ")
    assert response.status_code == 302, response.get_data(as_text=True)
    amal = account(app, "amal")
    assert amal is not None and amal.active and amal.role == "coordinator"
    assert amal.responsible_for() == {"ti"} and amal.locale == "da" and amal.name == "Amal T."
    assert amal.password_hash.startswith("$argon2id$")
    assert amal.last_login_at is None
    listed = as_admin.get("/coordinator/accounts").get_data(as_text=True)
    assert 'data-username="amal"' in listed and "Tigrinya" in listed and "Dansk" in listed

    log_out(as_admin)
    assert login(as_admin, "amal", "tigrinya-pw-1").status_code == 302
    assert 'lang="da"' in as_admin.get("/coordinator/volunteers").get_data(as_text=True)
    assert account(app, "amal").last_login_at is not None  # type: ignore[union-attr]
    refused = post_form("/coordinator/volunteers/new", {
        "name": "Leila", "phone": "+4791112234", "preferred_language": "nb",
        "lang-so": "primary"})
    assert refused.status_code == 200  # Somali is not hers
    assert "Du er ikke ansvarlig for" in refused.get_data(as_text=True)
    assert volunteer_by_key(app, "leila") is None
    ok = post_form("/coordinator/volunteers/new", {
        "name": "Saba", "phone": "+4791112236", "preferred_language": "nb",
        "lang-ti": "primary"})
    assert ok.status_code == 302
    assert as_admin.get("/coordinator/accounts").status_code == 403


def test_a_coordinator_gets_403_and_no_menu_entry(as_somali: FlaskClient) -> None:
    assert "/coordinator/accounts" not in as_somali.get(
        "/coordinator/volunteers").get_data(as_text=True)
    token = csrf_of(as_somali.get("/coordinator/volunteers").get_data(as_text=True))
    for path in ("/coordinator/accounts", NEW, "/coordinator/accounts/1"):
        assert as_somali.get(path).status_code == 403, path
    for path in (NEW, "/coordinator/accounts/1", "/coordinator/accounts/1/password",
                 "/coordinator/accounts/1/active"):
        response = as_somali.post(path, data={
            "csrf_token": token, "username": "x", "name": "x", "role": "admin",
            "locale": "en", "password": "long-enough-pw", "password2": "long-enough-pw",
            "active": "0"})
        assert response.status_code == 403, path


def test_password_rules(app: Flask, as_admin: FlaskClient, post_form: Post) -> None:
    short = create(post_form, password="short-pw1", password2="short-pw1")
    assert short.status_code == 200
    assert "at least 10 characters" in short.get_data(as_text=True)
    differ = create(post_form, password2="tigrinya-pw-2")
    assert "The two passwords differ" in differ.get_data(as_text=True)
    assert account(app, "amal") is None
    assert create(post_form).status_code == 302
    again = create(post_form)
    assert "There is already an account called amal" in again.get_data(as_text=True)
    assert "letters a-z" in create(post_form, username="a b").get_data(as_text=True)

    amal = account(app, "amal")
    assert amal is not None
    path = f"/coordinator/accounts/{amal.id}/password"
    page = f"/coordinator/accounts/{amal.id}"
    refused = post_form(path, {"password": "123456789", "password2": "123456789"}, page=page)
    assert "at least 10 characters" in refused.get_data(as_text=True)
    assert post_form(path, {"password": "a-new-password", "password2": "a-new-password"},
                     page=page).status_code == 302
    log_out(as_admin)
    assert login(as_admin, "amal", "tigrinya-pw-1").status_code == 200  # the old one: no
    assert login(as_admin, "amal", "a-new-password").status_code == 302


def test_edit_deactivate_reactivate_and_audit(
    app: Flask, as_admin: FlaskClient, post_form: Post, client: FlaskClient
) -> None:
    hodan = account(app, SOMALI[0])
    assert hodan is not None
    edit = f"/coordinator/accounts/{hodan.id}"
    response = post_form(edit, {"name": "Hodan Ali", "role": "coordinator", "locale": "nb",
                                "languages": ["so", "ti", "xx-unknown"]})
    assert response.status_code == 302
    hodan = account(app, SOMALI[0])
    assert hodan is not None
    assert hodan.name == "Hodan Ali" and hodan.locale == "nb"
    assert hodan.responsible_for() == {"so", "ti"}

    other = app.test_client()
    assert login(other, *SOMALI).status_code == 302
    assert other.get("/coordinator/").status_code == 200
    active = f"/coordinator/accounts/{hodan.id}/active"
    assert post_form(active, {"active": "0"}, page="/coordinator/accounts").status_code == 302
    assert account(app, SOMALI[0]).active is False  # type: ignore[union-attr]
    assert other.get("/coordinator/").status_code == 302  # her open session is over
    assert login(other, *SOMALI).status_code == 200  # and she cannot log in again
    assert other.get("/coordinator/").status_code == 302
    post_form(active, {"active": "1"}, page="/coordinator/accounts")
    assert login(other, *SOMALI).status_code == 302

    create(post_form)
    amal = account(app, "amal")
    assert amal is not None
    post_form(f"/coordinator/accounts/{amal.id}/password",
              {"password": "a-new-password", "password2": "a-new-password"},
              page=f"/coordinator/accounts/{amal.id}")
    entries = audit_entries(app)
    assert [(e.action, e.subject) for e in entries] == [
        ("account.edit", "account hodan"),
        ("account.deactivate", "account hodan"),
        ("account.activate", "account hodan"),
        ("account.create", "account amal"),
        ("account.password", "account amal"),
    ]
    assert {e.actor for e in entries} == {ADMIN[0]}
    assert "languages so,ti" in entries[0].detail and "role coordinator" in entries[0].detail
    logged = " ".join(f"{e.subject} {e.detail}" for e in entries)
    for secret in ("tigrinya-pw-1", "a-new-password", "argon2"):
        assert secret not in logged
    assert "account.password" in as_admin.get("/coordinator/audit").get_data(as_text=True)


def test_an_administrator_cannot_deactivate_or_demote_herself(
    app: Flask, as_admin: FlaskClient, post_form: Post
) -> None:
    me = account(app, ADMIN[0])
    assert me is not None
    response = post_form(f"/coordinator/accounts/{me.id}/active", {"active": "0"},
                         page="/coordinator/accounts")
    assert response.status_code == 302
    follow = as_admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "You cannot deactivate your own account" in follow
    response = post_form(f"/coordinator/accounts/{me.id}", {
        "name": "Ingrid", "role": "coordinator", "locale": "en"})
    assert response.status_code == 200
    assert "administrator role from yourself" in response.get_data(as_text=True)
    me = account(app, ADMIN[0])
    assert me is not None and me.active and me.role == "admin" and me.name == "Ingrid B."
    assert audit_entries(app) == []

    # a second administrator may be demoted by her, and then the first stays the only one
    create(post_form, username="sigrid", role="admin", languages=[])
    sigrid = account(app, "sigrid")
    assert sigrid is not None and sigrid.role == "admin"
    post_form(f"/coordinator/accounts/{sigrid.id}",
              {"name": "Sigrid", "role": "coordinator", "locale": "nb"})
    assert account(app, "sigrid").role == "coordinator"  # type: ignore[union-attr]
