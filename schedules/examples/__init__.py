"""Example schedules of an Oslo helpline that covers every language, and the demo
volunteers they name (fake phone numbers). Shipped with the package, so the service
can load them as demo data and the tests can check that they load cleanly."""

from __future__ import annotations

from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent
VOLUNTEERS = DIRECTORY / "volunteers.yaml"


def schedule_files() -> list[Path]:
    """The example schedule files, in name order (every YAML file but the volunteers)."""
    return sorted(path for path in DIRECTORY.glob("*.yaml") if path != VOLUNTEERS)
