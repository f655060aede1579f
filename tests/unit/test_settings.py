"""The settings: typed, read from the environment once, secrets that never print."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from helpline.settings import DEFAULT_FALLBACKS, Settings


@pytest.fixture(autouse=True)
def _empty_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


def test_defaults_need_nothing_configured() -> None:
    settings = Settings()
    assert settings.database_url is None and settings.redis_url is None
    assert settings.dev_skip_signatures is False
    assert settings.menu_attempts == 3 and settings.webhook_budget_seconds == 0.8
    assert settings.fallback_languages == DEFAULT_FALLBACKS
    assert settings.instance.name == "instance"


def test_environment_values_are_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"MAX_DIAL_TRIES": "5", "DEV_SKIP_SIGNATURES": "yes",
                        "DIRECT_NUMBERS": '{"+4722000017": "so"}',
                        "SERVICE_TIMEOUT_SECONDS": "0.5", "SMS_RETRY_INTERVALS": "[1, 2]",
                        "PUBLIC_BASE_URL": "https://helpline.example.org/"}.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.max_dial_tries == 5
    assert settings.dev_skip_signatures is True
    assert settings.direct_numbers == {"+4722000017": "so"}
    assert settings.service_timeout_seconds == 0.5
    assert settings.sms_retry_intervals == [1, 2]
    assert settings.public_base_url == "https://helpline.example.org"


@pytest.mark.parametrize(("name", "value"), [
    ("MAX_DIAL_TRIES", "many"), ("DIRECT_NUMBERS", "[1]"), ("MENU_ATTEMPTS", "0"),
    ("CHECKIN_POLICY", "sometimes"), ("NOTE_METHOD", "letter"), ("REDIS_PREFIX", "a b"),
    ("WEBHOOK_BUDGET_SECONDS", "-1"),
])
def test_a_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch, name: str,
                                        value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=name.lower()):
        Settings()


def test_an_unknown_setting_is_refused() -> None:
    with pytest.raises(ValidationError, match="menu_attempt"):
        Settings(menu_attempt=4)  # type: ignore[call-arg]


def test_secrets_never_print(monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = {"TWILIO_AUTH_TOKEN": "tok-1234567890", "CALLER_HASH_SECRET": "hash-secret-xyz",
               "SECRET_KEY": "session-key-abc"}
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    shown = " ".join([repr(settings), str(settings), settings.model_dump_json(),
                      str(settings.model_dump())])
    for value in secrets.values():
        assert value not in shown
    assert settings.twilio_auth_token.get_secret_value() == "tok-1234567890"
    assert settings.secret_key is not None
    assert settings.secret_key.get_secret_value() == "session-key-abc"


def test_settings_cannot_be_changed_after_start() -> None:
    settings = Settings()
    with pytest.raises(ValidationError):
        settings.menu_attempts = 9  # type: ignore[misc]


def test_per_language_overrides() -> None:
    settings = Settings(hold_rounds=2, hold_rounds_by_language={"so": 4},
                        ring_at_once_by_language={"ar": 3})
    assert settings.hold_rounds_for("so") == 4 and settings.hold_rounds_for("ar") == 2
    assert settings.ring_at_once_for("ar") == 3 and settings.ring_at_once_for("so") == 1


@pytest.mark.parametrize("name, value", [("HELPLINE_NUMBER", "+47٢٢٠٠٠٠٠٠"),
                                         ("EMERGENCY_NUMBER", "+4742000000"),
                                         ("DIRECT_NUMBERS", '{"22000017": "so"}')])
def test_the_helplines_numbers_are_checked_like_every_number(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()


def test_the_helplines_own_numbers_are_written_as_e164(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPLINE_NUMBER", "+47 22 00 00 00")
    monkeypatch.setenv("DIRECT_NUMBERS", '{"+47 22 00 00 17": "so"}')
    assert Settings().own_numbers == {"+4722000000", "+4722000017"}
