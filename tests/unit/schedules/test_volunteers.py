"""Volunteers files: the demo file loads; every mistake names its line."""

from __future__ import annotations

import pytest

from schedules.examples import VOLUNTEERS
from schedules.exceptions import ScheduleError
from schedules.volunteers import languages_spoken, load_volunteers, loads_volunteers
from tests.unit.schedules.test_yaml_io import LANGUAGES


def test_the_demo_volunteers_load() -> None:
    volunteers = load_volunteers(VOLUNTEERS, LANGUAGES)
    assert len(volunteers) == 41
    amina = volunteers["amina-h"]
    assert amina.name == "Amina H."
    assert amina.phone == "+4799991001"
    assert amina.languages == (("so", "primary"), ("ar", "secondary"), ("nb", "backup"))
    assert amina.preferred_language == "nb"
    assert volunteers["hodan-a"].languages == (("so", "primary"), ("nb", "secondary"))
    assert all(v.phone.startswith("+479999") for v in volunteers.values())
    spoken = languages_spoken(volunteers)
    assert set().union(*spoken.values()) == set(LANGUAGES)


def test_every_mistake_is_reported_with_its_line() -> None:
    text = (
        "volunteers:\n"
        "  amina-h:\n"
        "    name: Amina H.\n"
        "    phone: \"+47 99 99 01 01\"\n"
        "    languages: [so, ar]\n"
        "  Fatima K:\n"
        "    name: Fatima K.\n"
        "    phone: \"99 99 01 02\"\n"
        "    languages: {ar: primary, fr: fluent}\n"
        "  sara-m:\n"
        "    name: Sara M.\n"
        "    phone: \"+47 99 99 01 01\"\n"
        "    languages: [ti, ti, So]\n"
        "    preferred_language: nn\n"
        "  leyla-d:\n"
        "    phone: \"+47 99 99 01 04\"\n"
        "    languages: [tr]\n"
        "  amina-h:\n"
        "    name: Amina again\n"
    )
    with pytest.raises(ScheduleError) as caught:
        loads_volunteers(text, LANGUAGES)
    assert str(caught.value).splitlines() == [
        "volunteers.yaml:6: 'Fatima K' cannot be a volunteer key: use lowercase letters, "
        "digits and dashes, like amina-h",
        "volunteers.yaml:8: the phone number is not in international form (write it with + "
        "and the country code, like +47 99 99 01 01)",
        "volunteers.yaml:9: unknown level 'fluent' (use primary, secondary, backup)",
        "volunteers.yaml:12: the same phone number as amina-h",
        "volunteers.yaml:13: ti is listed twice",
        "volunteers.yaml:13: unknown language code 'So' (did you mean so?)",
        "volunteers.yaml:14: unknown language code 'nn'",
        "volunteers.yaml:16: volunteer leyla-d needs 'name'",
        "volunteers.yaml:18: 'amina-h' is given twice in volunteers (first on line 2)",
    ]
