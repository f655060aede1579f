"""``helpline users create``: what the options mean together."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpline.cli import main
from helpline.store.migrations import upgrade


@pytest.fixture
def environment(app_config: dict[str, Any], redis_client: Any, monkeypatch: Any) -> None:
    for name, value in app_config.items():
        if isinstance(value, str | Path | bool):
            monkeypatch.setenv(name.upper(), str(value))
    upgrade(app_config["database_url"])  # PostgreSQL is never migrated behind her back


def test_an_administrator_with_languages_is_refused_in_one_line(environment: None) -> None:
    refused = CliRunner().invoke(main, ["users", "create", "both", "--admin",
                                        "--language", "so", "--password", "a-long-password"])
    assert refused.exit_code != 0
    lines = refused.output.strip().splitlines()
    assert len(lines) == 1, refused.output
    assert "--language is for coordinators" in lines[0]
    listed = CliRunner().invoke(main, ["users", "list"])
    assert "both" not in listed.output  # nothing was created


def test_a_coordinator_with_languages_is_created(environment: None) -> None:
    made = CliRunner().invoke(main, ["users", "create", "hodan", "--language", "so",
                                     "--password", "a-long-password"])
    assert made.exit_code == 0, made.output
    listed = CliRunner().invoke(main, ["users", "list"])
    assert "hodan\tcoordinator\tso" in listed.output
