"""The one phone-number check (``schedules.phones``): ASCII international form, a
possible and valid number, none of the helpline's own; messages never repeat it."""

from __future__ import annotations

import pytest

from schedules.exceptions import ScheduleError
from schedules.phones import PhoneError, phone_number
from schedules.volunteers import loads_volunteers

HELPLINE = "+4722000000"


@pytest.mark.parametrize("written, number", [
    ("+4799991077", "+4799991077"),
    ("+47 99 99 10 77", "+4799991077"),
    (" +47 999-91.077 ", "+4799991077"),
    ("+1 (415) 555-2671", "+14155552671"),
])
def test_an_international_number_is_read_as_e164(written: str, number: str) -> None:
    assert phone_number(written) == number


@pytest.mark.parametrize("written, reason", [
    ("+47٩٩٩٩١٠٧٧", "form"),  # Arabic-Indic digits (issue 13)
    ("+47\uff19\uff19\uff19\uff19\uff11\uff10\uff17\uff17", "form"),  # full-width digits
    ("+47\u00a099991077", "form"),  # a no-break space
    ("99991077", "form"),  # no country code
    ("004799991077", "form"),
    ("+47999", "form"),
    ("+4742000000", "invalid"),  # no Norwegian number starts with 42
    ("+479999107", "invalid"),  # a digit short
    ("+440201234567", "invalid"),  # a national 0 after the country code
    ("", "form"),
])
def test_anything_else_is_refused_without_repeating_the_number(written: str, reason: str) -> None:
    with pytest.raises(PhoneError) as caught:
        phone_number(written)
    assert caught.value.reason == reason
    digits = "".join(c for c in written if c.isdigit())
    assert not digits or digits not in str(caught.value)


@pytest.mark.parametrize("written", ["+47 99 99 10 77", " +4799991077", "+47-99991077"])
def test_strict_takes_only_e164_as_twilio_sends_it(written: str) -> None:
    assert phone_number("+4799991077", strict=True) == "+4799991077"
    with pytest.raises(PhoneError):
        phone_number(written, strict=True)


def test_the_helplines_own_numbers_are_refused() -> None:
    with pytest.raises(PhoneError) as caught:
        phone_number("+47 22 00 00 00", reserved={HELPLINE})
    assert caught.value.reason == "reserved"


def test_the_volunteers_file_uses_the_same_check() -> None:
    text = (
        "volunteers:\n"
        "  asha-w:\n"
        "    name: Asha W.\n"
        "    phone: \"+47٩٩٩٩١٠٧٧\"\n"
        "    languages: [so]\n"
        "  hodan-a:\n"
        "    name: Hodan A.\n"
        f"    phone: \"{HELPLINE}\"\n"
        "    languages: [so]\n"
        "  leyla-d:\n"
        "    name: Leyla D.\n"
        "    phone: \"+47 42 00 00 00\"\n"
        "    languages: [so]\n"
    )
    with pytest.raises(ScheduleError) as caught:
        loads_volunteers(text, {"so"}, reserved={HELPLINE})
    lines = str(caught.value).splitlines()
    assert [line.split(":")[1] for line in lines] == ["4", "8", "12"]
    assert "international form" in lines[0]
    assert "helpline's own numbers" in lines[1]
    assert "not a valid number" in lines[2]
