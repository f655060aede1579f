"""Who may do what: every route of the app's URL map, as every role, for a language
or volunteer of hers and one not hers, against the table in docs/coordinator.md;
and every kind of schedule edit judged on what it changes, not on its URL."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpline.accounts import create_account
from helpline.bootstrap import from_app
from helpline.coordinator.shifts import token
from helpline.store.models import Role
from schedules.model import Schedule

from .conftest import ADMIN, SOMALI, csrf_of, login, volunteer_by_key

DOC = Path(__file__).resolve().parents[3] / "docs" / "coordinator.md"
ROW = re.compile(r"^\| `(GET|POST) (/coordinator[^`]*)` \| (\w+) \| (\w+) \| (\w+) \| (\w+) \|$")
ROLES = ("anonymous", "hers", "not hers", "administrator")


def documented_rules() -> dict[tuple[str, str], dict[str, str]]:
    """The table of docs/coordinator.md: (method, route) -> role -> yes/no/login."""
    table: dict[tuple[str, str], dict[str, str]] = {}
    for line in DOC.read_text().splitlines():
        match = ROW.match(line)
        if match:
            method, route, *answers = match.groups()
            assert (method, route) not in table, f"{method} {route} has two rows"
            table[method, route] = dict(zip(ROLES, answers, strict=True))
    return table


def served_routes(app: Flask) -> set[tuple[str, str]]:
    return {(method, rule.rule) for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/coordinator")
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}


def test_every_route_of_the_interface_has_a_documented_rule(app: Flask) -> None:
    table, served = documented_rules(), served_routes(app)
    assert len(table) >= 29
    assert served - table.keys() == set(), "routes without a row in docs/coordinator.md"
    assert table.keys() - served == set(), "rows in docs/coordinator.md for no route"


def _outcome(response: Any) -> str:
    if response.status_code == 403:
        return "no"
    location = response.headers.get("Location", "")
    if response.status_code == 302 and "/coordinator/login?next=" in location:
        return "login"
    assert b"CSRF" not in response.data
    assert response.status_code < 500
    return "yes"


def test_every_route_answers_every_role_as_the_table_says(
    app: Flask, accounts: None, demo: None
) -> None:
    with from_app(app).db.unit_of_work() as uow:
        spare = create_account(uow, username="spare", name="Spare", password="spare-password")
        uow.commit()
        spare_id = spare.id
    somali_speaker, arabic_speaker = volunteer_by_key(app, "hodan-a"), volunteer_by_key(
        app, "nadia-b")
    assert somali_speaker and arabic_speaker
    values = {
        "hers": {"language": "so", "volunteer_id": str(somali_speaker.id)},
        "not hers": {"language": "ar", "volunteer_id": str(arabic_speaker.id)},
    }
    accounts_of = {"anonymous": None, "hers": SOMALI, "not hers": SOMALI,
                   "administrator": ADMIN}
    table = documented_rules()
    # log out last: it ends every session of the account
    routes = sorted(table, key=lambda route: route == ("POST", "/coordinator/logout"))
    wrong = []
    for role in ROLES:
        client = app.test_client()
        account = accounts_of[role]
        if account is not None:
            assert login(client, *account).status_code == 302
        token = csrf_of(client.get("/coordinator/login").get_data(as_text=True))
        for method, route in routes:
            path = route
            for name, value in {**values.get(role, values["hers"]), "account_id": str(spare_id),
                                "filename": "coordinator.css"}.items():
                path = re.sub(rf"<(?:[a-z]+:)?{name}>", value, path)
            response = (client.get(path) if method == "GET"
                        else client.post(path, data={"csrf_token": token}))
            if _outcome(response) != table[method, route][role]:
                wrong.append(f"{method} {path} as {role}: {response.status_code}, "
                             f"the table says {table[method, route][role]}")
    assert wrong == []


# -- schedule edits: judged on the rule they change ---------------------------------

Post = Callable[..., Any]


def schedule_of(app: Flask) -> Schedule:
    helpline = from_app(app)
    with helpline.db.unit_of_work() as uow:
        schedule = helpline.shifts.load(uow)
    assert schedule is not None
    return schedule


def remove(post_form: Post, page: str, kind: str, index: int, rule: Any) -> Any:
    return post_form(f"/coordinator/shifts/{page}/edit",
                     {"action": "remove", "kind": kind, "index": str(index),
                      "token": token(rule)}, page=f"/coordinator/shifts/{page}")


def test_a_coordinator_cannot_remove_another_languages_closure_through_her_page(
    app: Flask, as_somali: FlaskClient, post_form: Post, demo: None
) -> None:
    schedule = schedule_of(app)
    index, arabic = next((i, c) for i, c in enumerate(schedule.closures)
                         if c.languages == frozenset({"ar"}))
    response = remove(post_form, "so", "closure", index, arabic)
    assert response.status_code == 403
    assert "You are not responsible for Arabic" in response.get_data(as_text=True)
    assert arabic in schedule_of(app).closures
    # nor a closure of the whole helpline
    index, whole = next((i, c) for i, c in enumerate(schedule.closures) if c.languages is None)
    assert remove(post_form, "so", "closure", index, whole).status_code == 403
    assert whole in schedule_of(app).closures
    response = post_form("/coordinator/shifts/so/edit", {
        "action": "add_closure", "scope": "all", "first": "2027-03-01", "last": "2027-03-01"},
        page="/coordinator/shifts/so")
    assert response.status_code == 403
    assert "Only an administrator" in response.get_data(as_text=True)


def test_a_coordinator_cannot_remove_the_away_period_of_a_volunteer_not_hers(
    app: Flask, as_somali: FlaskClient, post_form: Post, demo: None
) -> None:
    schedule = schedule_of(app)
    index, leyla = next((i, a) for i, a in enumerate(schedule.away) if a.volunteer == "leyla-d")
    response = remove(post_form, "so", "away", index, leyla)
    assert response.status_code == 403
    assert "You are not responsible for" in response.get_data(as_text=True)
    assert leyla in schedule_of(app).away
    # the away period of a Somali speaker is hers to remove
    index, amina = next((i, a) for i, a in enumerate(schedule.away) if a.volunteer == "amina-h")
    assert remove(post_form, "so", "away", index, amina).status_code == 302
    assert amina not in schedule_of(app).away


def test_a_coordinator_cannot_move_or_remove_another_languages_shift(
    app: Flask, as_somali: FlaskClient, post_form: Post, demo: None
) -> None:
    schedule = schedule_of(app)
    index, arabic = next((i, w) for i, w in enumerate(schedule.weekly)
                         if "so" not in w.languages and "ar" in w.languages)
    response = post_form("/coordinator/shifts/so/edit", {
        "action": "move_weekly", "index": str(index), "token": token(arabic),
        "weekday": "6", "start": "10:00", "end": "12:00"}, page="/coordinator/shifts/so")
    assert response.status_code == 403
    assert remove(post_form, "so", "weekly", index, arabic).status_code == 403
    index, extra = next((i, e) for i, e in enumerate(schedule.extra) if "so" not in e.languages)
    assert remove(post_form, "so", "extra", index, extra).status_code == 403
    after = schedule_of(app)
    assert arabic in after.weekly and extra in after.extra
    # her own language's part of a shared Somali and Arabic shift is hers
    index, shared = next((i, w) for i, w in enumerate(schedule.weekly)
                         if w.languages == frozenset({"so", "ar"}))
    assert remove(post_form, "so", "weekly", index, shared).status_code == 302
    assert any(w.volunteer == shared.volunteer and w.weekday == shared.weekday
               and w.languages == frozenset({"ar"}) for w in schedule_of(app).weekly)


@pytest.mark.parametrize("page", ["so", "ar"])
def test_an_administrator_may_change_any_rule(
    app: Flask, as_admin: FlaskClient, post_form: Post, demo: None, page: str
) -> None:
    schedule = schedule_of(app)
    index, leyla = next((i, a) for i, a in enumerate(schedule.away) if a.volunteer == "leyla-d")
    assert remove(post_form, page, "away", index, leyla).status_code == 302
    assert leyla not in schedule_of(app).away


def test_the_administrator_role_is_spelled_as_the_store_spells_it() -> None:
    from helpline.coordinator.permissions import ADMIN as ADMIN_ROLE

    assert ADMIN_ROLE == Role.ADMIN.value


def test_a_refusal_is_a_page_of_the_interface_in_plain_words(as_somali: FlaskClient) -> None:
    response = as_somali.get("/coordinator/accounts")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "You are not allowed to do this." in html
    assert "Log out" in html  # the interface's own page, with its menu
