"""The coordinator interface in a real browser: Debian's Chromium driven by
Playwright, against the app served on 127.0.0.1 by werkzeug in a thread.

Skipped (with the reason) only when /usr/bin/chromium is absent, as on a laptop
without it; on CI (CI=true) its absence is a failure. Playwright never downloads
a browser here: it is told where Debian's is. Screenshots of the main pages are
taken on every run; with ``SAVE_SCREENSHOTS=1`` they replace docs/screenshots/.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

if not CHROMIUM.exists():
    if os.environ.get("CI") == "true":
        pytest.fail("CI must install chromium (apt-get install -y chromium)", pytrace=False)
    pytest.skip("/usr/bin/chromium is not installed (apt-get install -y chromium)",
                allow_module_level=True)


@pytest.fixture
def server(app: Flask, accounts: None, demo: None) -> Iterator[str]:
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(timeout=5)


# Every Content-Security-Policy violation of every document, as the browser reports
# it (the script is injected by Playwright before the page's own, and is not
# subject to the policy).
WATCH_CSP = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.reportCsp(e.violatedDirective + " blocked " + e.blockedURI);
});
"""


@pytest.fixture
def page(server: str) -> Iterator[Any]:
    """A Chromium page; the test fails if any page broke the Content-Security-Policy
    (a violation event, or the console error Chromium logs for one)."""
    from playwright.sync_api import sync_playwright

    violations: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1700, "height": 900},
                                      accept_downloads=True, base_url=server)
        context.expose_function("reportCsp", lambda text: violations.append(text))
        context.add_init_script(WATCH_CSP)
        page = context.new_page()
        page.csp_violations = violations
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text else None)
        yield page
        context.close()
        browser.close()
    assert violations == [], "Content-Security-Policy violations"


def log_in(page: Any, username: str, password: str) -> None:
    page.goto("/coordinator/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def shot(page: Any, name: str) -> None:
    folder = SCREENSHOTS if os.environ.get("SAVE_SCREENSHOTS") == "1" else Path(
        os.environ.get("TMPDIR", "/tmp")) / "helpline-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def seed_call_records(app: Flask, count: int = 120) -> None:
    """Anonymous records spread over the last three weeks (for the statistics page)."""
    import random
    from datetime import UTC, datetime, timedelta

    from helpline.bootstrap import from_app

    rng = random.Random(7)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    languages = ["so", "ar", "ti", "fa", "ur", "tr", "en", "nb"]
    outcomes = ["answered"] * 7 + ["no_volunteer", "not_answered", "abandoned"]
    with from_app(app).db.unit_of_work() as uow:
        for i in range(count):
            started = now - timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 10),
                                      minutes=rng.randint(0, 59))
            outcome = rng.choice(outcomes)
            uow.calls.insert_once({
                "call_ref": f"seed{i}", "started_minute": started,
                "language": rng.choice(languages), "outcome": outcome,
                "wait_seconds": rng.randint(3, 60),
                "talk_seconds": rng.randint(60, 900) if outcome == "answered" else 0,
                "tries": 1})
        uow.commit()


def test_a_coordinator_day_in_the_browser(app: Flask, page: Any, tmp_path: Path) -> None:
    from .conftest import ADMIN

    seed_call_records(app)

    log_in(page, *ADMIN)
    # the first page after login is the coverage heatmap
    page.wait_for_selector("#heatmap")
    assert page.url.endswith("/coordinator/")
    shot(page, "coverage")

    # add a volunteer who speaks Wolof
    page.click("text=Volunteers")
    page.click("text=Add a volunteer")
    page.fill("input[name=name]", "Mariama Diallo")
    page.fill("input[name=phone]", "+4791234599")
    page.select_option("select[name=lang-wo]", "primary")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Saved Mariama Diallo.")
    assert page.is_visible("td.phone >> text=+4791234599")
    shot(page, "volunteers")

    # Wolof on Monday 10:00 is a gap (red: open, nobody on shift) in a week in December
    week = "/coordinator/?week=2026-W50"
    page.goto(week)
    monday_10 = 2 + 0 * 24 + 10  # the first cell is the language name
    cell = f"#heatmap tr[data-language=wo] td:nth-child({monday_10})"
    assert "gap" in (page.get_attribute(cell, "class") or "")

    # add a shift: Mondays 10:00-12:00 for her
    page.goto("/coordinator/shifts/wo")
    form = page.locator("#add-weekly")
    form.locator("select[name=volunteer]").select_option(label="Mariama Diallo")
    form.locator("select[name=weekday]").select_option("0")
    form.locator("input[name=start]").fill("10:00")
    form.locator("input[name=end]").fill("12:00")
    form.locator("button").click()
    page.wait_for_selector("text=Saved.")
    assert page.is_visible(".shift >> text=Mariama Diallo")
    shot(page, "shifts")

    # the heatmap cell changes colour: covered by one volunteer
    page.goto(week)
    assert "c1" in (page.get_attribute(cell, "class") or "")
    page.click(cell)
    page.wait_for_selector("#who")
    assert page.is_visible("#who >> text=Mariama Diallo")

    # live board and statistics, with the CSV export
    page.click("nav >> text=Live board")
    page.wait_for_selector("table.board")
    shot(page, "board")
    page.click("nav >> text=Statistics")
    with page.expect_download() as download:
        page.click("#csv")
    saved = tmp_path / "stats.csv"
    download.value.save_as(saved)
    assert saved.read_text().startswith("period,language,calls,answered")
    shot(page, "statistics")
    # an account for a Tigrinya coordinator, made on the Accounts page
    page.click("nav >> text=Accounts")
    page.click("text=Add an account")
    form = page.locator("#account-form")
    form.locator("input[name=username]").fill("amal")
    form.locator("input[name=name]").fill("Amal T.")
    form.locator("input[name=languages][value=ti]").check()
    form.locator("input[name=password]").fill("tigrinya-pw-1")
    form.locator("input[name=password2]").fill("tigrinya-pw-1")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=Created the account amal.")
    assert page.is_visible("#accounts tr[data-username=amal] >> text=Tigrinya")
    shot(page, "accounts")

    page.click("nav >> text=Audit log")
    assert page.is_visible("text=shift.add_weekly")
    assert page.is_visible("text=account.create")
    shot(page, "audit")

    # her own language for the interface
    page.select_option("select[name=locale]", "nb")
    page.wait_for_selector("nav >> text=Frivillige")


def test_a_coordinator_is_refused_on_a_language_not_hers(page: Any) -> None:
    from .conftest import SOMALI

    log_in(page, *SOMALI)
    page.wait_for_selector("#heatmap")
    page.goto("/coordinator/volunteers/new")
    page.fill("input[name=name]", "Leila")
    page.fill("input[name=phone]", "+4791234598")
    assert page.is_disabled("select[name=lang-ar]")
    page.select_option("select[name=lang-so]", "primary")
    # forge the form as a browser would if the page were tampered with
    page.evaluate("document.querySelector('select[name=lang-ar]').disabled = false")
    page.select_option("select[name=lang-ar]", "secondary")
    page.click("button[type=submit]")
    page.wait_for_selector("text=You are not responsible for Arabic")
    page.goto("/coordinator/shifts/ar")
    assert page.is_visible("text=read only")
    assert page.locator("#add-weekly").count() == 0
    shot(page, "refused")


def test_no_page_breaks_the_content_security_policy(app: Flask, page: Any) -> None:
    """Every page of the URL map, as an administrator, with its scripts at work."""
    import re

    from .conftest import ADMIN, volunteer_by_key

    seed_call_records(app, 30)
    hodan = volunteer_by_key(app, "hodan-a")
    assert hodan is not None
    values = {"language": "so", "volunteer_id": str(hodan.id), "account_id": "1",
              "filename": "coordinator.css"}
    log_in(page, *ADMIN)
    page.wait_for_selector("#heatmap")
    page.click("#heatmap tr[data-language=so] td:nth-child(12)")  # heatmap.js
    page.wait_for_selector("#who")
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/coordinator") or "GET" not in (rule.methods or ()) \
                or rule.rule.endswith((".csv", "/export", "/table")):
            continue
        path = rule.rule
        for name, value in values.items():
            path = re.sub(rf"<(?:[a-z]+:)?{name}>", value, path)
        response = page.goto(path)
        assert response is not None and response.ok, path
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page.goto("/coordinator/board")
    page.wait_for_timeout(5500)  # one refresh of the board by board.js
    page.select_option("select[name=locale]", "da")  # locale.js submits the form
    page.wait_for_selector("nav >> text=Frivillige")
    assert page.csp_violations == []
    # the watch works: an inline script slipped into the page is blocked and reported
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.injected = 1";
                             document.body.appendChild(s); }""")
    page.wait_for_timeout(300)
    assert page.evaluate("window.injected") is None
    assert page.csp_violations, "the CSP watch saw nothing"
    page.csp_violations.clear()


def test_after_logout_a_stale_cookie_and_the_back_button_show_the_login_page(
    page: Any, server: str
) -> None:
    from .conftest import SOMALI

    log_in(page, *SOMALI)
    page.wait_for_selector("#heatmap")
    page.goto("/coordinator/volunteers")
    page.wait_for_selector("td.phone")
    stolen = page.context.cookies()
    page.click("button:has-text('Log out')")
    page.wait_for_selector("text=You are logged out.")
    page.go_back()
    page.wait_for_selector("input[name=password]")
    assert "/coordinator/login" in page.url
    assert page.locator("td.phone").count() == 0
    # the cookie copied before logout opens nothing in another browser profile
    context = page.context.browser.new_context(base_url=server)
    context.add_cookies(stolen)
    thief = context.new_page()
    thief.goto("/coordinator/volunteers")
    assert "/coordinator/login" in thief.url
    assert thief.locator("td.phone").count() == 0
    context.close()


def test_an_edit_of_another_language_is_refused_with_a_message(app: Flask, page: Any) -> None:
    """A Somali coordinator's page forged to remove the Arabic closure."""
    from helpline.bootstrap import from_app
    from helpline.coordinator.shifts import token

    from .conftest import SOMALI

    helpline = from_app(app)
    with helpline.db.unit_of_work() as uow:
        schedule = helpline.shifts.load(uow)
    assert schedule is not None
    index, arabic = next((i, c) for i, c in enumerate(schedule.closures)
                         if c.languages == frozenset({"ar"}))
    log_in(page, *SOMALI)
    page.wait_for_selector("#heatmap")
    page.goto("/coordinator/shifts/so")
    form = page.locator("form:has(input[name=action][value=add_closure])")
    assert form.count() == 1
    page.evaluate("""([index, token]) => {
        const form = document.querySelector("form:has(input[name=action][value=add_closure])");
        form.querySelector("input[name=action]").value = "remove";
        for (const [name, value] of [["kind", "closure"], ["index", index], ["token", token]]) {
            const field = document.createElement("input");
            field.type = "hidden"; field.name = name; field.value = value;
            form.appendChild(field);
        }
        form.submit();
    }""", [str(index), token(arabic)])
    page.wait_for_selector("#refusal")
    assert "You are not responsible for Arabic" in page.inner_text("#refusal")
    shot(page, "refused-edit")
    with helpline.db.unit_of_work() as uow:
        after = helpline.shifts.load(uow)
    assert after is not None and arabic in after.closures
