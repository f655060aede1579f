"""Parsing volunteers' SMS commands (pure, no services)."""

from __future__ import annotations

import pytest

from helpline.volunteers.commands import Command, parse


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("ON", Command("on")), ("på", Command("on")), (" Pa. ", Command("on")),
        ("OFF", Command("off")), ("Av", Command("off")), ("af!", Command("off")),
        ("PAUSE 30", Command("pause", 30)), ("pause30", Command("pause", 30)),
        ("Pause 45 min", Command("pause", 45)), ("PAUSE", Command("pause", None)),
        ("STATUS", Command("status")), ("HELP", Command("help")), ("Hjælp", Command("help")),
        ("hjelp", Command("help")), ("?", Command("help")),
        ("3", Command("note", 3)), (" 7 ", Command("note", 7)), ("0", Command("note", 0)),
    ],
)
def test_commands(body: str, expected: Command) -> None:
    assert parse(body) == expected


@pytest.mark.parametrize(
    "body", ["", " ", "STOP", "onn", "pause x", "pause -5", "12", "ON please", "x" * 500,
             "PAUSE 30 60", "on\noff"],
)
def test_anything_else_is_unknown(body: str) -> None:
    assert parse(body).action == "unknown"
