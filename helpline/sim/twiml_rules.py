"""What Twilio accepts as voice TwiML: the simulator refuses what Twilio would refuse.

Checked: the root is ``<Response>``; every element is a known verb or noun in a
place where Twilio allows it (``<Say>`` inside ``<Gather>``, ``<Number>`` inside
``<Dial>``, ...); verbs that need content have it (a ``<Redirect>`` URL, a
``<Play>`` URL or ``digits``, a ``<Dial>`` target, the text of ``<Say>``); numeric
and enumerated attributes have valid values. Unknown attributes are only
warnings: Twilio logs them (warning 12200) and carries on.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

VERBS = frozenset({
    "Say", "Play", "Gather", "Dial", "Record", "Hangup", "Redirect", "Reject", "Pause",
    "Enqueue", "Leave", "Connect", "Refer", "Pay", "Start", "Stop", "Prompt", "Echo",
})
GATHER_CHILDREN = frozenset({"Say", "Play", "Pause"})
DIAL_NOUNS = frozenset({
    "Number", "Client", "Conference", "Queue", "Sip", "Sim", "Application", "WhatsApp",
})
SSML = frozenset({
    "break", "emphasis", "lang", "p", "phoneme", "prosody", "s", "say-as", "sub", "w",
    "amazon:effect", "amazon:domain",
})
NO_CHILDREN = frozenset({"Hangup", "Pause", "Redirect", "Play", "Reject", "Leave", "Number"})

ATTRIBUTES: dict[str, frozenset[str]] = {
    "Say": frozenset({"voice", "language", "loop"}),
    "Play": frozenset({"loop", "digits"}),
    "Pause": frozenset({"length"}),
    "Hangup": frozenset(),
    "Redirect": frozenset({"method"}),
    "Reject": frozenset({"reason"}),
    "Gather": frozenset({
        "action", "method", "timeout", "finishOnKey", "numDigits", "input", "speechTimeout",
        "language", "hints", "profanityFilter", "partialResultCallback",
        "partialResultCallbackMethod", "actionOnEmptyResult", "enhanced", "speechModel",
        "bargeIn", "debug", "maxSpeechTime",
    }),
    "Dial": frozenset({
        "action", "method", "timeout", "callerId", "hangupOnStar", "timeLimit", "record",
        "recordingStatusCallback", "recordingStatusCallbackMethod",
        "recordingStatusCallbackEvent", "trim", "answerOnBridge", "ringTone", "sequential",
        "referUrl", "referMethod", "events",
    }),
    "Number": frozenset({
        "url", "method", "sendDigits", "statusCallback", "statusCallbackEvent",
        "statusCallbackMethod", "byoc",
    }),
}
INTEGER_ATTRIBUTES = {
    "Say": ("loop",), "Play": ("loop",), "Pause": ("length",),
    "Gather": ("timeout", "numDigits"), "Dial": ("timeout", "timeLimit"),
}
METHODS = frozenset({"GET", "POST"})


class TwimlError(ValueError):
    """A document Twilio would refuse (error 12100 or 12200): the call would fail."""


@dataclass
class Checked:
    root: ET.Element
    warnings: list[str] = field(default_factory=list)


def parse(body: str) -> Checked:
    """Parse and check a TwiML document; raises :class:`TwimlError` if Twilio would refuse it."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise TwimlError(f"not well-formed XML: {exc}") from None
    if root.tag != "Response":
        raise TwimlError(f"the root element must be <Response>, not <{root.tag}>")
    if (root.text or "").strip():
        raise TwimlError("<Response> holds text outside any verb")
    checked = Checked(root)
    for verb in root:
        _check_verb(verb, checked, parent="Response")
    return checked


def _text(element: ET.Element) -> str:
    return (element.text or "").strip()


def _check_verb(verb: ET.Element, checked: Checked, *, parent: str) -> None:
    tag = verb.tag
    if tag not in VERBS:
        raise TwimlError(f"<{tag}> is not a TwiML verb (inside <{parent}>)")
    _check_attributes(verb, checked)
    children = list(verb)
    if tag in NO_CHILDREN and children:
        raise TwimlError(f"<{tag}> cannot contain <{children[0].tag}>")
    if tag == "Gather":
        for child in children:
            if child.tag not in GATHER_CHILDREN:
                raise TwimlError(f"<Gather> may only contain <Say>, <Play>, <Pause>, "
                                 f"not <{child.tag}>")
            _check_verb(child, checked, parent="Gather")
        if _text(verb):
            raise TwimlError("<Gather> holds bare text")
    elif tag == "Dial":
        for child in children:
            if child.tag not in DIAL_NOUNS:
                raise TwimlError(f"<Dial> may only contain nouns (<Number>, <Client>, ...), "
                                 f"not <{child.tag}>")
            _check_attributes(child, checked)
            if child.tag == "Number" and not _text(child):
                raise TwimlError("<Number> needs a phone number")
        if not children and not _text(verb):
            raise TwimlError("<Dial> needs a number or a noun to dial")
        if children and _text(verb):
            raise TwimlError("<Dial> holds both text and nouns")
    elif tag == "Say":
        for child in verb.iter():
            if child is not verb and child.tag not in SSML:
                raise TwimlError(f"<Say> may only contain text and SSML, not <{child.tag}>")
        if not "".join(verb.itertext()).strip():
            raise TwimlError("<Say> has nothing to say")
    elif tag == "Play":
        if not _text(verb) and "digits" not in verb.attrib:
            raise TwimlError("<Play> needs a URL or a digits attribute")
    elif tag == "Redirect":
        if not _text(verb):
            raise TwimlError("<Redirect> needs a URL")


def _check_attributes(element: ET.Element, checked: Checked) -> None:
    tag = element.tag
    known = ATTRIBUTES.get(tag)
    for name, value in element.attrib.items():
        if known is not None and name not in known:
            checked.warnings.append(f"<{tag}> has an unknown attribute {name!r}")
        if name == "method" or name.endswith("Method"):
            if value.upper() not in METHODS:
                raise TwimlError(f"<{tag} {name}={value!r}>: the method must be GET or POST")
    for name in INTEGER_ATTRIBUTES.get(tag, ()):
        number = element.attrib.get(name)
        if number is not None and not number.strip().isdigit():
            raise TwimlError(f"<{tag} {name}={number!r}>: must be a whole number")
    if tag == "Gather":
        inputs = set(element.attrib.get("input", "dtmf").split())
        if not inputs or not inputs <= {"dtmf", "speech"}:
            raise TwimlError(f"<Gather input={element.attrib['input']!r}>: dtmf and/or speech")
        if element.attrib.get("numDigits", "1") == "0":
            raise TwimlError("<Gather numDigits> must be at least 1")
    if tag == "Dial" and "timeout" in element.attrib:
        if not 5 <= int(element.attrib["timeout"]) <= 600:
            checked.warnings.append("<Dial timeout> outside 5..600 s: Twilio clamps it")
