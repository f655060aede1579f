"""Failed logins slow the guesser down and never lock the rightful user out (OWASP):
waits per account and address that double, counted in Redis as keyed hashes; a
correct password from another address, or from a browser where she logged in
before, still works; the address comes from X-Forwarded-For only behind as many
proxies as TRUSTED_PROXIES says."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpline.bootstrap import from_app

from ..conftest import built_app, dump_redis
from .conftest import ADMIN, SOMALI, csrf_of

OFFICE, HOME, ATTACKER = "192.0.2.10", "198.51.100.7", "203.0.113.66"


def browser(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def attempt(client: FlaskClient, username: str, password: str,
            headers: dict[str, str] | None = None) -> Any:
    page = client.get("/coordinator/login", headers=headers)
    return client.post("/coordinator/login", headers=headers, data={
        "username": username, "password": password,
        "csrf_token": csrf_of(page.get_data(as_text=True))})


def time_passes(app: Flask) -> None:
    """Every wait is over (the waits are Redis keys with a time to live)."""
    helpline = from_app(app)
    for key in helpline.redis.scan_iter(match=f"{helpline.settings.redis_prefix}:login:wait:*"):
        helpline.redis.delete(key)


def test_failures_make_the_guesser_wait_longer_and_longer(app: Flask, accounts: None) -> None:
    attacker = browser(app, ATTACKER)
    codes = [attempt(attacker, SOMALI[0], f"guess {i}").status_code for i in range(5)]
    assert codes == [200] * 5  # five free failures
    assert attempt(attacker, SOMALI[0], "guess 5").status_code == 200  # this one costs 2 s
    waiting = attempt(attacker, SOMALI[0], SOMALI[1])  # the right password, too early
    assert waiting.status_code == 429
    assert waiting.headers["Retry-After"] == "2"
    assert "Wait 2 seconds" in waiting.get_data(as_text=True)
    assert attacker.get("/coordinator/volunteers").status_code == 302  # not logged in
    time_passes(app)
    assert attempt(attacker, SOMALI[0], "guess 6").status_code == 200
    assert attempt(attacker, SOMALI[0], "guess 7").headers["Retry-After"] == "4"
    # nothing in Redis names the account or the address
    stored = dump_redis(from_app(app).redis)
    assert SOMALI[0] not in stored and ATTACKER not in stored


def test_the_right_password_from_another_address_still_works(
    app: Flask, accounts: None
) -> None:
    attacker = browser(app, ATTACKER)
    for i in range(8):
        attempt(attacker, SOMALI[0], f"guess {i}")
        time_passes(app)
    assert attempt(attacker, SOMALI[0], "guess 9").status_code == 200
    assert attempt(attacker, SOMALI[0], SOMALI[1]).status_code == 429
    assert attempt(browser(app, HOME), *SOMALI).status_code == 302


def test_a_known_browser_is_never_slowed_by_guesses_from_elsewhere(
    app: Flask, accounts: None
) -> None:
    hers = browser(app, OFFICE)
    assert attempt(hers, *SOMALI).status_code == 302  # her browser is now known
    hers.post("/coordinator/logout", data={"csrf_token": csrf_of(
        hers.get("/coordinator/volunteers").get_data(as_text=True))})
    # a guesser spread over many addresses, one of them her office's
    for i in range(20):
        attempt(browser(app, f"203.0.113.{i}"), SOMALI[0], f"guess {i}")
    assert attempt(browser(app, OFFICE), SOMALI[0], "guess").status_code == 200
    assert attempt(browser(app, HOME), *SOMALI).status_code == 429  # a new browser waits
    assert attempt(hers, *SOMALI).status_code == 302  # hers does not


def test_guessing_many_accounts_from_one_address_slows_that_address_only(
    app: Flask, accounts: None
) -> None:
    admin_browser = browser(app, OFFICE)
    assert attempt(admin_browser, *ADMIN).status_code == 302
    for i in range(21):  # an office gets four times an account's free failures
        assert attempt(browser(app, OFFICE), f"someone{i}", "guess").status_code == 200
    assert attempt(browser(app, OFFICE), *SOMALI).status_code == 429
    assert attempt(browser(app, HOME), *SOMALI).status_code == 302
    assert attempt(admin_browser, *ADMIN).status_code == 302  # a known browser


@pytest.mark.parametrize("headers", [{"X-Forwarded-For": "198.51.100.1"},
                                     {"X-Forwarded-For": "198.51.100.2, 192.0.2.10"}])
def test_an_unconfigured_forwarded_header_is_not_believed(
    app: Flask, accounts: None, headers: dict[str, str]
) -> None:
    attacker = browser(app, ATTACKER)
    for i in range(6):
        attempt(attacker, SOMALI[0], f"guess {i}", headers={"X-Forwarded-For": f"10.9.9.{i}"})
    # a new forwarded address does not make the attacker someone else
    assert attempt(attacker, SOMALI[0], "guess", headers=headers).status_code == 429


@pytest.fixture
def behind_a_proxy(app_config: dict[str, Any], redis_client: Any) -> Iterator[Flask]:
    yield from built_app({**app_config, "trusted_proxies": 1})


def test_behind_a_trusted_proxy_the_client_is_the_forwarded_address(
    behind_a_proxy: Flask
) -> None:
    app = behind_a_proxy
    from helpline.accounts import create_account

    with from_app(app).db.unit_of_work() as uow:
        create_account(uow, username=SOMALI[0], name="Hodan", password=SOMALI[1],
                       languages=["so"])
        uow.commit()
    proxy = browser(app, "10.0.0.1")  # every request comes from the proxy
    attacker = {"X-Forwarded-For": ATTACKER}
    for i in range(6):
        attempt(proxy, SOMALI[0], f"guess {i}", headers=attacker)
    assert attempt(proxy, SOMALI[0], SOMALI[1], headers=attacker).status_code == 429
    # she comes through the same proxy from her own address: not slowed
    mine = {"X-Forwarded-For": f"{ATTACKER}, {HOME}"}  # only the last hop is believed
    assert attempt(browser(app, "10.0.0.1"), *SOMALI, headers=mine).status_code == 302
