"""Fixtures for the coordinator interface: accounts, a logged-in client, the example
schedules and volunteers loaded (real database, real Redis, like every e2e test)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpline.accounts import create_account
from helpline.bootstrap import from_app
from helpline.store.models import AuditEntry, Role, Volunteer
from tests.support import sync

from ..conftest import load_demo_data

ADMIN = ("ingrid", "admin-password-1")
SOMALI = ("hodan", "coordinator-pw-1")  # coordinates Somali only

Post = Callable[..., Any]  # the post_form fixture

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                  r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def accounts(app: Flask) -> None:
    with from_app(app).db.unit_of_work() as uow:
        create_account(uow, username=ADMIN[0], name="Ingrid B.", password=ADMIN[1],
                       role=Role.ADMIN, locale="en")
        create_account(uow, username=SOMALI[0], name="Hodan A.", password=SOMALI[1],
                       role=Role.COORDINATOR, languages=["so"], locale="en")
        uow.commit()


@pytest.fixture
def demo(app: Flask) -> None:
    helpline = from_app(app)
    load_demo_data(helpline)
    sync(helpline)


def volunteer_by_key(app: Flask, key: str) -> Volunteer | None:
    with from_app(app).db.unit_of_work() as uow:
        return next((v for v in uow.volunteers.all() if v.key == key), None)


def audit_entries(app: Flask) -> list[AuditEntry]:
    """The whole audit log, oldest first."""
    with from_app(app).db.unit_of_work() as uow:
        return sorted(uow.audit.page(0, 1000), key=lambda entry: entry.id)


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


def login(client: FlaskClient, username: str, password: str) -> Any:
    page = client.get("/coordinator/login")
    return client.post(
        "/coordinator/login",
        data={"username": username, "password": password,
              "csrf_token": csrf_of(page.get_data(as_text=True))},
    )


@pytest.fixture
def as_admin(client: FlaskClient, accounts: None) -> FlaskClient:
    response = login(client, *ADMIN)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def as_somali(client: FlaskClient, accounts: None) -> FlaskClient:
    response = login(client, *SOMALI)
    assert response.status_code == 302
    return client


@pytest.fixture
def post_form(client: FlaskClient) -> Post:
    """POST to ``path`` with the CSRF token of the page at ``page`` (default: path)."""

    def post(path: str, data: dict[str, str], page: str | None = None) -> Any:
        html = client.get(page or path).get_data(as_text=True)
        return client.post(path, data={**data, "csrf_token": csrf_of(html)})

    return post
