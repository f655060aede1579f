"""Drive one call through the app the way Twilio does, step by step.

Each step posts to a URL taken from the TwiML just returned, parsed as XML.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from helpline.sim.webhook import Webhooks
from tests.unit.voice.twiml_shape import assert_never_records, ends_with_words_or_handover

from .conftest import CALLER_NUMBERS, HELPLINE_NUMBER

_sids = itertools.count(1)


def new_sid() -> str:
    return f"CA{next(_sids):032x}"


@dataclass
class CallWalk:
    webhooks: Webhooks
    caller: str
    to: str = HELPLINE_NUMBER
    sid: str = field(default_factory=new_sid)
    documents: list[ET.Element] = field(default_factory=list)

    def __post_init__(self) -> None:
        CALLER_NUMBERS.add(self.caller)

    def _params(self, **extra: str) -> dict[str, str]:
        return {
            "CallSid": self.sid,
            "AccountSid": "AC" + "0" * 32,
            "From": self.caller,
            "To": self.to,
            "CallStatus": "in-progress",
            "Direction": "inbound",
            **extra,
        }

    def post(self, url: str, **extra: str) -> ET.Element:
        """A step of the caller's leg: the answer must never leave her in silence."""
        reply = self.webhooks.post(url, self._params(**extra))
        assert reply.status == 200, reply.body
        root = reply.twiml
        assert_never_records(root)
        assert ends_with_words_or_handover(root), ET.tostring(root, encoding="unicode")
        self.documents.append(root)
        return root

    def incoming(self) -> ET.Element:
        return self.post("/voice/incoming", CallStatus="ringing")

    def press(self, doc: ET.Element, digits: str) -> ET.Element:
        gather = doc.find("./Gather")
        assert gather is not None, ET.tostring(doc)
        return self.post(gather.attrib["action"], Digits=digits)

    def no_input(self, doc: ET.Element) -> ET.Element:
        redirect = doc.find("./Redirect")
        assert redirect is not None, ET.tostring(doc)
        return self.post(redirect.text or "")

    def screen(self, doc: ET.Element, number_index: int = 0) -> tuple[str, ET.Element, str]:
        """Run the screening URL of a ``<Number>`` on the volunteer's leg."""
        number = doc.findall("./Dial/Number")[number_index]
        child = new_sid()
        params = {
            "CallSid": child,
            "ParentCallSid": self.sid,
            "AccountSid": "AC" + "0" * 32,
            "From": doc.find("./Dial").attrib["callerId"],  # type: ignore[union-attr]
            "To": (number.text or "").strip(),
            "CallStatus": "in-progress",
            "Direction": "outbound-dial",
        }
        reply = self.webhooks.post(number.attrib["url"], params)
        assert reply.status == 200, reply.body
        assert_never_records(reply.twiml)
        return child, reply.twiml, (number.text or "").strip()

    def volunteer_accepts(self, doc: ET.Element, number_index: int = 0) -> tuple[str, ET.Element]:
        """The volunteer rung at ``number_index`` picks up and presses 1: her number, and
        the document her leg gets then."""
        child, screening, rung = self.screen(doc, number_index)
        return rung, self.volunteer_presses(screening, child, "1")

    def volunteer_presses(self, screening: ET.Element, child: str, digits: str) -> ET.Element:
        gather = screening.find("./Gather")
        assert gather is not None
        reply = self.webhooks.post(
            gather.attrib["action"],
            {"CallSid": child, "ParentCallSid": self.sid, "AccountSid": "AC" + "0" * 32,
             "Digits": digits, "CallStatus": "in-progress"},
        )
        assert reply.status == 200, reply.body
        return reply.twiml

    def dial_ends(self, doc: ET.Element, status: str, duration: int = 0,
                  bridged: bool = False) -> ET.Element:
        dial = doc.find("./Dial")
        assert dial is not None, ET.tostring(doc)
        return self.post(
            dial.attrib["action"],
            DialCallStatus=status,
            DialCallDuration=str(duration),
            DialBridged="true" if bridged else "false",
        )

    def hangs_up(self, duration: int = 60) -> None:
        reply = self.webhooks.post(
            "/voice/status", self._params(CallStatus="completed", CallDuration=str(duration))
        )
        assert reply.status == 200, reply.body


def dialled(doc: ET.Element) -> list[str]:
    """The numbers the document's ``<Dial>`` rings, in order (none without a ``<Dial>``)."""
    return [(number.text or "").strip() for number in doc.findall("./Dial/Number")]
