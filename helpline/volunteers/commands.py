"""What a volunteer's SMS asks for: pure parsing, no I/O.

Words are recognised in Norwegian, Danish and English, whatever her preferred
language, without regard to case, accents typed or not (``pa`` for ``på``),
surrounding spaces or a final full stop. ``STOP``, ``START`` and similar are
left out on purpose: Twilio's carriers treat them as opt-out keywords and would
stop every message to her.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Action = Literal["on", "off", "pause", "status", "help", "note", "unknown"]

WORDS: dict[str, Action] = {
    # check in
    "on": "on", "in": "on", "på": "on", "pa": "on", "paa": "on", "inn": "on", "ind": "on",
    "klar": "on",
    # check out
    "off": "off", "out": "off", "av": "off", "ut": "off", "af": "off", "ud": "off",
    "slutt": "off", "slut": "off",
    # her day
    "status": "status",
    # help
    "help": "help", "hjelp": "help", "hjælp": "help", "hjaelp": "help", "?": "help",
}
PAUSE_WORDS = {"pause", "break"}
MAX_LENGTH = 40  # longer texts are not commands (and are not kept)

_PAUSE = re.compile(r"^(?P<word>[a-z]+)\s*(?P<minutes>\d{1,4})?\s*(m|min|mins|minutes|minutter)?$")


@dataclass(frozen=True)
class Command:
    action: Action
    number: int | None = None  # PAUSE minutes, or the note's digit


def parse(body: str) -> Command:
    """The command in an SMS body; ``unknown`` for anything else."""
    text = " ".join(body.casefold().split()).strip(" .!,")
    if not text or len(text) > MAX_LENGTH:
        return Command("unknown")
    if text in WORDS:
        return Command(WORDS[text])
    if text.isdigit() and len(text) == 1:
        return Command("note", int(text))
    match = _PAUSE.match(text)
    if match and match["word"] in PAUSE_WORDS:
        minutes = match["minutes"]
        return Command("pause", int(minutes) if minutes is not None else None)
    return Command("unknown")
