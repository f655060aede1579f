"""``helpline twilio configure``: the numbers' webhook URLs set through Twilio's REST API,
against a local server that checks paths, basic auth and the form as Twilio does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner, Result

from helpline.cli import main

from .twilio_numbers import TwilioNumbers, serving

ACCOUNT = "AC" + "7" * 32
TOKEN = "a-real-looking-auth-token"
HELPLINE = "+4721000000"
SOMALI = "+4721000017"
BASE = "https://helpline.example.org"
FALLBACK = "https://static.example.org/helpline-fallback.xml"
EXPECTED = {
    "VoiceUrl": f"{BASE}/voice/incoming", "VoiceMethod": "POST",
    "StatusCallback": f"{BASE}/voice/status", "StatusCallbackMethod": "POST",
    "SmsUrl": f"{BASE}/sms/incoming", "SmsMethod": "POST",
    "VoiceFallbackUrl": FALLBACK, "VoiceFallbackMethod": "GET",
}


@pytest.fixture
def twilio(monkeypatch: pytest.MonkeyPatch) -> Iterator[TwilioNumbers]:
    with serving(TwilioNumbers(ACCOUNT, TOKEN)) as api:
        api.add(HELPLINE)
        api.add(SOMALI)
        api.add("+4721000050")  # another number of the account: left alone
        for name, value in {
            "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_API_BASE_URL": api.url, "PUBLIC_BASE_URL": BASE,
            "HELPLINE_NUMBER": HELPLINE, "DIRECT_NUMBERS": f'{{"{SOMALI}": "so"}}',
        }.items():
            monkeypatch.setenv(name, value)
        yield api


def configure(*args: str) -> Result:
    return CliRunner().invoke(main, ["twilio", "configure", "--fallback-url", FALLBACK, *args])


def test_every_number_is_pointed_at_the_service(twilio: TwilioNumbers) -> None:
    result = configure()
    assert result.exit_code == 0, result.output
    assert twilio.refused == []
    assert twilio.updates == [(HELPLINE, EXPECTED), (SOMALI, EXPECTED)]
    assert twilio.by_number("+4721000050")["voice_url"].startswith("https://demo.twilio.com")
    assert "Configured 2 number(s)" in result.output
    assert configure().exit_code == 0  # again: the same, harmless


def test_a_dry_run_prints_what_it_would_set_and_asks_twilio_nothing(
    twilio: TwilioNumbers
) -> None:
    result = configure("--dry-run")
    assert result.exit_code == 0, result.output
    assert twilio.requests == []
    assert f"{SOMALI}: would set" in result.output
    assert f"voice_url = {BASE}/voice/incoming" in result.output
    assert f"voice_fallback_url = {FALLBACK}" in result.output
    assert "nothing was changed" in result.output


@pytest.mark.parametrize("base", ["", "http://helpline.example.org", "https://"])
def test_it_refuses_without_an_https_public_base_url(
    twilio: TwilioNumbers, monkeypatch: pytest.MonkeyPatch, base: str
) -> None:
    if base:
        monkeypatch.setenv("PUBLIC_BASE_URL", base)
    else:
        monkeypatch.delenv("PUBLIC_BASE_URL")
    result = configure()
    assert result.exit_code == 1
    assert result.output.startswith("Error: PUBLIC_BASE_URL must be the service's public https")
    assert twilio.requests == []


def test_a_number_missing_from_the_account_changes_nothing(
    twilio: TwilioNumbers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIRECT_NUMBERS", '{"+4721000099": "so"}')
    result = configure()
    assert result.exit_code == 1
    assert "+4721000099 is not a number of Twilio account" in result.output
    assert "nothing was changed" in result.output
    assert twilio.updates == []  # not even the helpline number, found first


def test_wrong_credentials_are_one_line_and_change_nothing(
    twilio: TwilioNumbers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "not-the-token")
    result = configure()
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: Twilio refused the credentials (HTTP 401): check TWILIO_ACCOUNT_SID and "
        "TWILIO_AUTH_TOKEN")
    assert twilio.refused == ["bad basic auth"] and twilio.updates == []


def test_twilio_not_answering_is_one_line(
    twilio: TwilioNumbers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_API_BASE_URL", "http://127.0.0.1:9")  # nothing listens
    result = configure()
    assert result.exit_code == 1
    assert "Error: Twilio's API did not answer (ConnectionError)" in result.output
    assert "Traceback" not in result.output


def test_the_fallback_must_be_https_and_not_on_the_service(twilio: TwilioNumbers) -> None:
    result = CliRunner().invoke(main, ["twilio", "configure", "--fallback-url",
                                       "http://static.example.org/f.xml"])
    assert result.exit_code == 1 and "must be an https address" in result.output
    here = CliRunner().invoke(main, ["twilio", "configure", "--fallback-url",
                                     "https://HELPLINE.example.org/static/fallback.xml"])
    assert here.exit_code == 1 and "is on the service itself" in here.output
    missing = CliRunner().invoke(main, ["twilio", "configure"])
    assert missing.exit_code == 2 and "--fallback-url" in missing.output
    assert twilio.requests == []
