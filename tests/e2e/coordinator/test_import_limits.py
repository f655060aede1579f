"""Schedule import limits: many problems never go into the session cookie, the whole
report is offered, the upload and the nesting of YAML are bounded."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from helpline.bootstrap import from_app
from helpline.coordinator.shifts import MAX_IMPORT_BYTES, SHOWN_PROBLEMS

from .conftest import csrf_of

PROBLEMS = 2000
MANY = "timezone: Europe/Oslo\nshifts:\n" + "".join(
    f"  - volunteer: nobody-{i}\n    languages: [so]\n    weekly: \"mon 10:00-12:00\"\n"
    for i in range(PROBLEMS))


def upload(client: FlaskClient, path: str, files: dict[str, bytes]) -> Any:
    token = csrf_of(client.get("/coordinator/shifts").get_data(as_text=True))
    return client.post(path, content_type="multipart/form-data", data={
        "csrf_token": token, "files": [(io.BytesIO(data), name) for name, data in files.items()]})


def stored(app: Flask) -> dict[str, str]:
    with from_app(app).db.unit_of_work() as uow:
        return uow.schedule.texts()


def test_two_thousand_problems_show_the_first_and_the_count_and_keep_the_cookie_small(
    app: Flask, as_admin: FlaskClient
) -> None:
    response = upload(as_admin, "/coordinator/shifts/import", {"many.yaml": MANY.encode()})
    assert response.status_code == 400
    for cookie in response.headers.getlist("Set-Cookie"):
        assert len(cookie) < 4096, "browsers drop a cookie past 4 KB"
    page = response.get_data(as_text=True)
    assert f"Nothing was imported: the files have {PROBLEMS} problems." in page
    listed = re.search(r'id="problems">.*?<ul>(.*?)</ul>', page, re.S)
    assert listed and listed.group(1).count("<li>") == SHOWN_PROBLEMS
    assert "many.yaml:5: unknown volunteer" in listed.group(1)
    whole = re.search(r"<details>.*?<pre>(.*?)</pre>", page, re.S)
    assert whole and len(whole.group(1).splitlines()) == PROBLEMS
    assert stored(app) == {}
    # nothing was left for the next page either
    assert "unknown volunteer" not in as_admin.get("/coordinator/shifts").get_data(as_text=True)


def test_check_gives_the_whole_report_as_text_and_imports_nothing(
    app: Flask, as_admin: FlaskClient
) -> None:
    response = upload(as_admin, "/coordinator/shifts/import/check", {"many.yaml": MANY.encode()})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).splitlines()
    assert len(lines) == PROBLEMS and lines[0].startswith("many.yaml:5: unknown volunteer")
    good = b"timezone: Europe/Oslo\nshifts: []\n"
    response = upload(as_admin, "/coordinator/shifts/import/check", {"good.yaml": good})
    assert response.get_data(as_text=True) == "No problems: good.yaml can be imported.\n"
    assert stored(app) == {}


def test_an_upload_past_the_limit_gets_a_413_page_and_nothing_is_imported(
    app: Flask, as_admin: FlaskClient
) -> None:
    chunk = b"# padding\n" * 90_000  # 0.9 MB, under the limit of one file
    files = {f"f{i}.yaml": b"timezone: Europe/Oslo\nshifts: []\n" + chunk for i in range(20)}
    assert sum(map(len, files.values())) > MAX_IMPORT_BYTES
    response = upload(as_admin, "/coordinator/shifts/import", files)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The upload is too large: at most 4 MB in all" in page
    assert stored(app) == {}


def test_deeply_nested_yaml_is_a_problem_naming_the_file(
    app: Flask, as_admin: FlaskClient
) -> None:
    deep = b"timezone: Europe/Oslo\nshifts: " + b"[" * 50_000 + b"]" * 50_000 + b"\n"
    response = upload(as_admin, "/coordinator/shifts/import", {"deep.yaml": deep})
    assert response.status_code == 400
    assert "deep.yaml:2: this is nested more than 30 levels deep" in response.get_data(
        as_text=True)
    assert stored(app) == {}
