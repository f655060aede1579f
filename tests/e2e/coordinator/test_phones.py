"""A volunteer's phone in the web interface, and the sender of an SMS, go through the
one check of ``schedules.phones``."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpline.sim.webhook import Webhooks
from helpline.store.models import Volunteer
from tests.support import add_volunteer, sync

from ..conftest import HELPLINE_NUMBER
from ..volunteer_sms import sms
from .conftest import Post, volunteer_by_key


@pytest.mark.parametrize("phone, problem", [
    ("+47٩٩٩٩١٠٧٧", "international form"),  # issue 13: Arabic-Indic digits
    (HELPLINE_NUMBER, "the helpline's own numbers"),  # issue 13: the helpline's number
    ("+47 22 00 00 17", "the helpline's own numbers"),  # a direct number, written with spaces
    ("+4742000000", "not a valid phone number"),
])
def test_a_number_that_cannot_be_hers_is_refused(
    app: Flask, as_admin: FlaskClient, post_form: Post, phone: str, problem: str
) -> None:
    response = post_form("/coordinator/volunteers/new", {
        "name": "Asha", "phone": phone, "preferred_language": "nb", "lang-so": "primary"})
    assert response.status_code == 200
    assert problem in response.get_data(as_text=True).replace("&#39;", "'")
    assert volunteer_by_key(app, "asha") is None


def test_a_number_with_spaces_is_kept_in_e164(
    app: Flask, as_admin: FlaskClient, post_form: Post
) -> None:
    response = post_form("/coordinator/volunteers/new", {
        "name": "Asha", "phone": " +47 911 12 233 ", "preferred_language": "nb",
        "lang-so": "primary"})
    assert response.status_code == 302
    asha = volunteer_by_key(app, "asha")
    assert asha is not None and asha.phone == "+4791112233"


def test_the_database_refuses_a_number_the_check_refuses() -> None:
    with pytest.raises(ValueError):
        Volunteer(key="asha", name="Asha", phone="+47٩٩٩٩١٠٧٧", preferred_language="so")


@pytest.mark.parametrize("sender", ["+47٩١٠٠٠٠٢١", "+47 910 00 021", "+4791000021"])
def test_an_sms_is_answered_only_from_her_number_in_e164(
    app: Flask, webhooks: Webhooks, sender: str
) -> None:
    add_volunteer(app, "kari", "+4791000021", ["so"], preferred="en")
    sync(app)
    status, replies = sms(webhooks, sender, "STATUS")
    assert status == 200
    assert bool(replies) is (sender == "+4791000021")
