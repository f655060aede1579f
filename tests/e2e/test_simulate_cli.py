"""The commands, as a user runs them: a short in-process simulation, then staffing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpline.cli import main


@pytest.fixture(autouse=True)
def _no_service_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)


def test_simulate_then_staffing(tmp_path: Path) -> None:
    instance = tmp_path / "sim"
    runner = CliRunner()
    result = runner.invoke(main, ["simulate", "--hours", "4", "--calls-per-hour", "30",
                                  "--instance", str(instance), "--json", "-", "--seed", "5"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    overall = report["overall"]
    assert overall["calls"] > 50
    assert overall["calls"] == sum(line["calls"] for line in report["lines"])
    assert report["double_booked_volunteers"] == 0
    assert {w["path"] for w in report["webhooks"]} >= {"/voice/incoming", "/voice/status"}

    result = runner.invoke(main, ["staffing", "--database",
                                  f"sqlite:///{instance / 'helpline.db'}", "--json"])
    assert result.exit_code == 0, result.output
    slots = json.loads(result.output)
    assert sum(s["calls_per_week"] for s in slots) > 0
    for slot in slots:
        assert 0 <= slot["predicted_answered"] <= 1
        assert slot["needed"] >= 1
