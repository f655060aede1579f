"""Production mode: start-up refuses every laptop default, one clear line each."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from helpline.bootstrap import bootstrap
from helpline.settings import ProductionRefused, Settings, production_problems

READY = {
    "twilio_auth_token": "a" * 32, "caller_hash_secret": "b" * 64, "secret_key": "c" * 64,
    "twilio_account_sid": "AC" + "9" * 32, "helpline_number": "+4721000000",
    "emergency_number": "+4721000099",
    "database_url": "postgresql+psycopg://helpline@127.0.0.1/helpline",
    "redis_url": "redis://127.0.0.1:6379/0", "public_base_url": "https://helpline.example.org",
}


def test_https_means_production_unless_said_otherwise() -> None:
    assert Settings(public_base_url="https://x.example").is_production
    assert not Settings(public_base_url="http://127.0.0.1:5000").is_production
    assert not Settings().is_production
    assert not Settings(public_base_url="https://x.example", production=False).is_production
    assert Settings(production=True).is_production


def test_a_deployment_with_everything_set_has_no_problem() -> None:
    assert production_problems(Settings(**READY)) == []


def test_every_laptop_default_is_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("REDIS_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    problems = production_problems(Settings(production=True))
    named = [line.split(" ", 1)[0] for line in problems]
    assert named == ["TWILIO_AUTH_TOKEN", "CALLER_HASH_SECRET", "SECRET_KEY",
                     "TWILIO_ACCOUNT_SID", "HELPLINE_NUMBER", "EMERGENCY_NUMBER",
                     "DATABASE_URL", "REDIS_URL"]
    assert all(":" in line for line in problems), "each says what to do"


@pytest.mark.parametrize(("name", "value"), [
    ("twilio_auth_token", SecretStr("local-development-token")),
    ("twilio_auth_token", SecretStr("  ")),
    ("caller_hash_secret", SecretStr("local-development-secret-change-me")),
    ("caller_hash_secret", SecretStr("short")),
    ("secret_key", None),
    ("database_url", "sqlite:////var/lib/helpline/helpline.db"),
    ("database_url", None),
    ("redis_url", None),
    ("emergency_number", None),
    ("dev_skip_signatures", True),
    ("clock_speed", 60.0),
])
def test_each_unsafe_value_is_refused(name: str, value: object) -> None:
    settings = Settings(**{**READY, name: value})
    [problem] = production_problems(settings)
    with pytest.raises(ProductionRefused) as refused:
        bootstrap(settings)
    assert problem in str(refused.value)


def test_the_command_line_says_so_in_lines_without_a_traceback(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PUBLIC_BASE_URL": "https://helpline.example.org",
           "INSTANCE_PATH": str(tmp_path), "PYTHONPATH": str(Path.cwd())}
    done = subprocess.run([sys.executable, "-m", "helpline.cli", "routing", "check"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "refusing to start in production mode" in done.stderr
    assert "  - TWILIO_AUTH_TOKEN is the public default" in done.stderr
    assert "  - DATABASE_URL is SQLite" in done.stderr
