"""Signed SMS posts to ``/sms/incoming``, as Twilio sends a volunteer's message."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from helpline.sim.webhook import Webhooks

from .conftest import HELPLINE_NUMBER

_sids = itertools.count(1)


def sms(webhooks: Webhooks, sender: str, body: str | None, *, signed: bool = True,
        **extra: str) -> tuple[int, list[str]]:
    """Post an incoming SMS as Twilio does; the status and the texts of the reply."""
    form = {
        "MessageSid": f"SM{next(_sids):032x}",
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": HELPLINE_NUMBER,
        "NumMedia": "0",
        **extra,
    }
    if body is not None:
        form["Body"] = body
    reply = webhooks.post("/sms/incoming", form, signed=signed)
    if reply.status != 200:
        return reply.status, []
    root = ET.fromstring(reply.body)
    assert root.tag == "Response"
    return reply.status, [(message.text or "") for message in root.findall("./Message")]
