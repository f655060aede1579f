"""Sessions end when they should, everywhere at once: logout, a new password,
deactivation and a new role or languages end every session of the account (a copied
cookie, another browser); the CSRF token is renewed at login."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from helpline.bootstrap import from_app

from .conftest import ADMIN, SOMALI, csrf_of, login

PAGE = "/coordinator/volunteers"


def logged_in(app: Flask, account: tuple[str, str]) -> FlaskClient:
    client = app.test_client()
    assert login(client, *account).status_code == 302
    assert client.get(PAGE).status_code == 200
    return client


def is_logged_out(client: FlaskClient) -> bool:
    response = client.get(PAGE)
    return response.status_code == 302 and "/coordinator/login" in response.headers["Location"]


def post(client: FlaskClient, path: str, data: dict[str, str] | None = None) -> int:
    token = csrf_of(client.get(PAGE).get_data(as_text=True))
    return client.post(path, data={**(data or {}), "csrf_token": token}).status_code


def somali_account_id(app: Flask) -> int:
    with from_app(app).db.unit_of_work() as uow:
        account = uow.accounts.by_username(SOMALI[0])
        assert account is not None
        return account.id


def test_a_cookie_copied_before_logout_no_longer_works_after_it(
    app: Flask, accounts: None
) -> None:
    client = logged_in(app, SOMALI)
    cookie = client.get_cookie("session")
    assert cookie is not None
    other_browser = logged_in(app, SOMALI)
    assert post(client, "/coordinator/logout") == 302
    assert is_logged_out(client)
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert is_logged_out(thief)
    assert is_logged_out(other_browser)
    # she logs in again: a new session works
    assert not is_logged_out(logged_in(app, SOMALI))


def test_a_new_password_ends_her_other_sessions(app: Flask, accounts: None) -> None:
    hers, admin = logged_in(app, SOMALI), logged_in(app, ADMIN)
    admins_other_browser = logged_in(app, ADMIN)
    new = {"password": "a-new-password-2", "password2": "a-new-password-2"}
    assert post(admin, f"/coordinator/accounts/{somali_account_id(app)}/password", new) == 302
    assert is_logged_out(hers)
    # an administrator who sets her own password stays logged in where she set it
    with from_app(app).db.unit_of_work() as uow:
        me = uow.accounts.by_username(ADMIN[0])
        assert me is not None
        my_id = me.id
    assert post(admin, f"/coordinator/accounts/{my_id}/password", new) == 302
    assert not is_logged_out(admin)
    assert is_logged_out(admins_other_browser)


def test_deactivation_ends_her_sessions(app: Flask, accounts: None) -> None:
    hers, admin = logged_in(app, SOMALI), logged_in(app, ADMIN)
    assert post(admin, f"/coordinator/accounts/{somali_account_id(app)}/active",
                {"active": "0"}) == 302
    assert is_logged_out(hers)


def test_a_new_role_or_new_languages_end_her_sessions(app: Flask, accounts: None) -> None:
    admin = logged_in(app, ADMIN)
    path = f"/coordinator/accounts/{somali_account_id(app)}"
    fields = {"name": "Hodan A.", "role": "coordinator", "locale": "en", "languages": "so"}
    hers = logged_in(app, SOMALI)
    assert post(admin, path, {**fields, "name": "Hodan Ali"}) == 302
    assert not is_logged_out(hers)  # a new name changes nothing she may do
    assert post(admin, path, {**fields, "languages": "ar"}) == 302
    assert is_logged_out(hers)
    hers = logged_in(app, SOMALI)
    assert post(admin, path, {**fields, "role": "admin"}) == 302
    assert is_logged_out(hers)


def test_the_csrf_token_is_renewed_at_login(app: Flask, accounts: None) -> None:
    client = app.test_client()
    before = csrf_of(client.get("/coordinator/login").get_data(as_text=True))
    response = client.post("/coordinator/login", data={
        "username": SOMALI[0], "password": SOMALI[1], "csrf_token": before})
    assert response.status_code == 302
    after = csrf_of(client.get(PAGE).get_data(as_text=True))
    assert after != before
    # a token from before login (one a hostile page may have planted) is refused
    response = client.post("/coordinator/locale", data={"locale": "nb", "csrf_token": before})
    assert response.status_code == 400
    assert client.post("/coordinator/locale",
                       data={"locale": "nb", "csrf_token": after}).status_code == 302
