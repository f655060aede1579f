"""Every query parameter of every page is read in one place (``helpline.coordinator.query``):
a value it cannot read is a 400 page that says what it should be, in her interface
language; no value, however hostile, gives a 5xx."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from helpline.coordinator.query import PAGES

from .conftest import ADMIN, Post, csrf_of

HUGE = "9" * 20
HOSTILE = (
    "", " ", "0", "-1", "1.5", "1e9", HUGE, "abc", "٣", "\u00a0", "%", "%00", "x" * 5000,
    "0001-01-01", "9999-12-31", "2026-13-40", "2026-12-24T10:00", "20261224",
    "0001-W01", "9999-W52", "9999-W53", "2026-W00", "2026-W54", "2026-W49-1",
    "day\r\nX-Injected: 1", "//evil.example/coordinator/", "https://evil.example/",
    "/coordinator/\r\nX-Injected: 1", "/coordinator\\..\\", "so\x00",
)
PATH_VALUES = {
    "volunteer_id": ("1", "0", HUGE, "2147483648", "٣"),
    "account_id": ("1", "0", HUGE, "2147483648", "٣"),
    "language": ("so", "zz", "..", "%00", "x" * 300),
}


REPORTED = [  # issue 13, and one of each other parameter
    ("/coordinator/stats?to=0001-01-01", "to"),
    ("/coordinator/stats?from=9999-12-31&to=9999-12-31", "from"),
    ("/coordinator/stats.csv?to=0001-01-01", "to"),
    ("/coordinator/?week=9999-W52", "week"),
    ("/coordinator/?week=0001-W01", "week"),
    ("/coordinator/shifts/so?week=9999-W52", "week"),
    (f"/coordinator/audit?page={HUGE}", "page"),
    ("/coordinator/?h=168&lang=so", "h"),
    ("/coordinator/?lang=zz", "lang"),
    ("/coordinator/stats?by=month", "by"),
    ("/coordinator/volunteers?all=yes", "all"),
]


def test_the_reported_cases_get_a_400_that_names_the_parameter(
    as_admin: FlaskClient, demo: None
) -> None:
    for path, parameter in REPORTED:
        response = as_admin.get(path)
        assert response.status_code == 400, path
        page = response.get_data(as_text=True)
        assert f"{parameter}=" in page and "should be" in page, path
        plain = path.split("?")[0]
        assert f'href="{plain}"' in page, path  # the page without them, one click away


def test_a_twenty_digit_id_is_no_such_page(as_admin: FlaskClient) -> None:
    for path in (f"/coordinator/volunteers/{HUGE}", f"/coordinator/accounts/{HUGE}"):
        response = as_admin.get(path)
        assert response.status_code == 404, path
        assert "There is no such page" in response.get_data(as_text=True)


def test_good_values_still_work(as_admin: FlaskClient, demo: None) -> None:
    for path in ("/coordinator/?week=2026-W50&lang=so&h=11", "/coordinator/?week=&h=",
                 "/coordinator/shifts/so?week=2026-W50", "/coordinator/audit?page=3",
                 "/coordinator/stats?from=2026-01-01&to=2026-02-01&by=week",
                 "/coordinator/stats.csv?from=2099-12-31&to=2099-12-31",
                 "/coordinator/?week=2000-W01", "/coordinator/volunteers?all=1"):
        assert as_admin.get(path).status_code == 200, path


def test_the_message_is_in_her_interface_language(as_admin: FlaskClient, post_form: Post) -> None:
    post_form("/coordinator/locale", {"locale": "nb"}, page="/coordinator/volunteers")
    response = as_admin.get("/coordinator/?week=9999-W52")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'lang="nb"' in page and "Ikke forstått" in page and "en uke skrevet som" in page


def get_rules(app: Flask) -> list[tuple[str, str, tuple[str, ...]]]:
    """(endpoint, rule, its path arguments) of every GET page of the interface."""
    return sorted((rule.endpoint, rule.rule, tuple(sorted(rule.arguments)))
                  for rule in app.url_map.iter_rules()
                  if rule.endpoint.startswith("coordinator.") and "GET" in (rule.methods or ())
                  and rule.endpoint != "coordinator.static")


def test_every_page_declares_its_parameters(app: Flask) -> None:
    """A new page must say in ``query.PAGES`` which parameters it reads."""
    endpoints = {endpoint for endpoint, _rule, _args in get_rules(app)}
    assert endpoints == set(PAGES)


def test_no_value_of_any_parameter_of_any_page_gives_a_5xx(
    app: Flask, as_admin: FlaskClient, demo: None
) -> None:
    tried = 0
    for endpoint, rule, arguments in get_rules(app):
        paths = [rule]
        for name in arguments:
            paths = [re.sub(rf"<(?:[a-z]+:)?{name}>", value, path)
                     for path in paths for value in PATH_VALUES[name]]
        for path in paths:
            assert as_admin.get(path).status_code < 500, path
            tried += 1
        first = paths[0]
        for parameter in PAGES[endpoint]:
            for value in HOSTILE:
                response = as_admin.get(first, query_string={parameter: value})
                assert response.status_code < 500, (first, parameter, value)
                assert "X-Injected" not in response.headers
                tried += 1
    assert tried > 300


def test_a_login_with_cr_lf_in_next_goes_to_the_first_page(
    client: FlaskClient, accounts: None
) -> None:
    """The exact address of issue 13."""
    path = "/coordinator/login?next=/coordinator/%0D%0AX-Injected:%201"
    page = client.get(path)
    assert page.status_code == 200
    response = client.post(path, data={"username": ADMIN[0], "password": ADMIN[1],
                                       "csrf_token": csrf_of(page.get_data(as_text=True))})
    assert response.status_code == 302
    assert response.headers["Location"] == "/coordinator/"
    assert "X-Injected" not in response.headers


def log_in_with_next(client: FlaskClient, target: str) -> str:
    """Where a good password sends her when the login page was opened with ``next``."""
    page = client.get("/coordinator/login", query_string={"next": target})
    assert page.status_code == 200
    response = client.post("/coordinator/login", query_string={"next": target},
                           data={"username": ADMIN[0], "password": ADMIN[1],
                                 "csrf_token": csrf_of(page.get_data(as_text=True))})
    assert response.status_code == 302
    assert "X-Injected" not in response.headers
    return response.headers["Location"]


def test_a_login_never_goes_off_the_interface(app: Flask, accounts: None) -> None:
    for target in ("/coordinator/\r\nX-Injected: 1", "//evil.example/",
                   "https://evil.example/coordinator/", "/coordinator\\@evil.example",
                   "/coordinatorx", "/\tcoordinator/"):
        assert log_in_with_next(app.test_client(), target) == "/coordinator/", target
    good = "/coordinator/shifts/so?week=2026-W50"
    assert log_in_with_next(app.test_client(), good) == good
