"""The shape every TwiML document of the service must have, checked on parsed XML.

Shared by the unit tests of the builders (:mod:`helpline.voice.twiml`) and the
whole-call tests (``tests/e2e/twilio_walk.py``), so that both hold documents to the
same rules.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

HANDOVER = frozenset({"Gather", "Dial", "Redirect"})
WORDS = frozenset({"Say", "Play"})


def ends_with_words_or_handover(doc: ET.Element) -> bool:
    """The document ends in a verb that hands the call on, or in spoken words followed
    by ``<Hangup/>``: Twilio would otherwise hang up on her in silence."""
    children = list(doc)
    if not children:
        return False
    if children[-1].tag in HANDOVER:
        return True
    return (len(children) >= 2 and children[-1].tag == "Hangup"
            and children[-2].tag in WORDS)


def assert_never_records(doc: ET.Element) -> None:
    """Nothing a caller says is ever recorded: no ``<Record>``, no ``record`` attribute."""
    for element in doc.iter():
        assert element.tag != "Record", "nothing a caller says is ever recorded"
        assert not any(name.lower().startswith("record") for name in element.attrib), (
            ET.tostring(element, encoding="unicode")
        )


def spoken(doc: ET.Element) -> list[str]:
    """The text of every ``<Say>`` and the URL of every ``<Play>``, in order."""
    return [(el.text or "") for el in doc.iter() if el.tag in WORDS]
