from __future__ import annotations

import pytest

from helpline.config import DEFAULTS, from_environment


def test_defaults_need_nothing_configured() -> None:
    config = from_environment({})
    assert config == DEFAULTS
    assert config["DATABASE_URL"] is None and config["REDIS_URL"] is None
    assert config["DEV_SKIP_SIGNATURES"] is False


def test_environment_values_are_typed() -> None:
    config = from_environment(
        {"MAX_DIAL_TRIES": "5", "DEV_SKIP_SIGNATURES": "yes",
         "DIRECT_NUMBERS": '{"+4722000017": "so"}', "SERVICE_TIMEOUT_SECONDS": "0.5"}
    )
    assert config["MAX_DIAL_TRIES"] == 5
    assert config["DEV_SKIP_SIGNATURES"] is True
    assert config["DIRECT_NUMBERS"] == {"+4722000017": "so"}
    assert config["SERVICE_TIMEOUT_SECONDS"] == 0.5


def test_a_bad_value_names_the_variable() -> None:
    with pytest.raises(ValueError, match="MAX_DIAL_TRIES"):
        from_environment({"MAX_DIAL_TRIES": "many"})
    with pytest.raises(ValueError, match="DIRECT_NUMBERS"):
        from_environment({"DIRECT_NUMBERS": "[1]"})
