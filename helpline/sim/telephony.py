"""Twilio, simulated: a caller's leg and the volunteers' legs, verb by verb.

Each call posts ``/voice/incoming`` with Twilio's parameters, checks every
answer as Twilio would (:mod:`helpline.sim.twiml_rules`) and executes it:
``<Say>``/``<Play>``/``<Pause>`` take time, ``<Gather>`` waits for keys or times
out, ``<Dial>`` rings its numbers, runs each ``<Number url>`` on the volunteer's
leg (the screening) and posts its ``action``, ``<Redirect>`` fetches the next
document, ``<Hangup>`` ends the call; at the end the status callback is posted.
Semantics follow Twilio's documentation; where it is silent the choice is
noted (a declined screening ends ``<Dial>`` with ``completed`` and
``DialBridged=false``; a caller hanging up during ``<Dial>`` posts its action
with ``DialCallStatus=canceled`` and the answer is ignored).
"""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from helpline.sim import twiml_rules
from helpline.sim.engine import Command, Engine, Post, Wait, WebhookFailed
from helpline.sim.people import Caller, Volunteers

ACCOUNT_SID = "AC" + "51" * 16
API_VERSION = "2010-04-01"
CHARS_PER_SECOND = 14.0  # text-to-speech speaking rate
PLAY_SECONDS = 3.0  # a recording's length, which the simulator cannot know
DEFAULT_CALL_LIMIT = 4 * 3600

Ending = Literal["hangup", "end", "gone"]
Next = tuple[str, dict[str, str]]  # (URL, extra parameters): fetch and run that document
Press = Callable[[Sequence[tuple[float, str]], float], "tuple[str, float] | None"]
Steps = Generator[Command, Any, Any]


class Unsupported(ValueError):
    """Valid TwiML that this simulator does not simulate (``<Record>``, ``<Connect>``...)."""


@dataclass
class CallResult:
    """What happened to one call, seen from the telephone network."""

    language: str | None
    arrived: float
    sid: str = ""
    chose_at: float | None = None
    accepted_at: float | None = None  # a volunteer pressed 1 in the screening
    bridged_at: float | None = None
    ended: float | None = None
    told_goodbye: bool = False
    volunteer: str | None = None
    talk_seconds: float = 0.0
    tries: int = 0
    error: str | None = None

    @property
    def outcome(self) -> str:
        if self.error:
            return "error"
        if self.bridged_at is not None:
            return "answered"
        if self.chose_at is None:
            return "no_language"
        return "no_volunteer" if self.told_goodbye else "abandoned"

    @property
    def wait_seconds(self) -> float:
        if self.chose_at is None:
            return 0.0
        until = self.bridged_at if self.bridged_at is not None else (self.ended or self.chose_at)
        return max(0.0, until - self.chose_at)


@dataclass
class Ledger:
    """The volunteers' phones: who is ringing or talking, to catch double bookings."""

    ringing: dict[str, set[str]] = field(default_factory=dict)
    talking: dict[str, str] = field(default_factory=dict)  # number -> call sid
    talk_seconds: dict[str, float] = field(default_factory=dict)
    double_booked: set[str] = field(default_factory=set)
    double_bookings: int = 0

    def ring(self, number: str, sid: str) -> bool:
        """She is rung for call ``sid``; False if her phone is busy with another call."""
        others = (self.ringing.get(number, set()) - {sid}) or (
            {self.talking[number]} - {sid} if number in self.talking else set())
        self.ringing.setdefault(number, set()).add(sid)
        if others:
            self.double_bookings += 1
            self.double_booked.add(number)
            return False
        return True

    def stop_ringing(self, number: str, sid: str) -> None:
        self.ringing.get(number, set()).discard(sid)


@dataclass
class Leg:
    sid: str
    base: dict[str, str]
    press: Press
    result: CallResult
    caller: Caller | None = None
    parent: Leg | None = None
    hangup_at: float | None = None
    gone: bool = False
    doc_url: str = ""
    fetched_at: float = 0.0  # when the document being executed was fetched

    def deadline(self) -> float | None:
        own = self.hangup_at
        up = self.parent.deadline() if self.parent is not None else None
        times = [t for t in (own, up) if t is not None]
        return min(times) if times else None


def duration(verb: ET.Element) -> float:
    loops = int(verb.attrib.get("loop", "1") or 1) or 10  # loop=0: "until hung up"
    if verb.tag == "Say":
        return max(0.5, len("".join(verb.itertext()).strip()) / CHARS_PER_SECOND) * loops
    if verb.tag == "Play":
        return (0.5 if "digits" in verb.attrib and not (verb.text or "").strip()
                else PLAY_SECONDS) * loops
    if verb.tag == "Pause":
        return float(verb.attrib.get("length", "1"))
    return 0.0


def _words(verb: ET.Element) -> str:
    return "".join(verb.itertext()).strip()


class Twilio:
    """Places simulated calls against the service, the way Twilio would."""

    def __init__(self, engine: Engine, volunteers: Volunteers, rng: random.Random, *,
                 helpline_number: str, local_language: str, menu: dict[str, str],
                 incoming_url: str = "/voice/incoming", status_url: str = "/voice/status"
                 ) -> None:
        self.engine = engine
        self.volunteers = volunteers
        self.rng = rng
        self.helpline_number = helpline_number
        self.local_language = local_language
        self.menu = menu  # digits -> language code
        self.incoming_url = incoming_url
        self.status_url = status_url
        self.results: list[CallResult] = []
        self.ledger = Ledger()
        self.warnings: dict[str, int] = {}
        self.status_callbacks = 0

    def new_sid(self) -> str:
        return "CA" + "".join(self.rng.choice("0123456789abcdef") for _ in range(32))

    # -- a caller's call ---------------------------------------------------

    def call(self, caller: Caller) -> Generator[Command, Any, None]:
        now = self.engine.now()
        result = CallResult(language=None, arrived=now)
        self.results.append(result)
        leg = Leg(sid=self.new_sid(), base={
            "CallSid": self.new_sid(), "AccountSid": ACCOUNT_SID, "ApiVersion": API_VERSION,
            "From": caller.number, "Caller": caller.number, "FromCountry": "NO",
            "To": self.helpline_number, "Called": self.helpline_number, "ToCountry": "NO",
            "Direction": "inbound", "CallStatus": "ringing",
        }, press=self._caller_press(caller), result=result, caller=caller)
        leg.sid = result.sid = leg.base["CallSid"]
        try:
            yield from self._run(leg, (self.incoming_url, {}))
        except (WebhookFailed, twiml_rules.TwimlError, Unsupported) as exc:
            result.error = f"{type(exc).__name__}: {exc}"
        result.ended = self.engine.now()
        answered = result.arrived
        yield from self._status(leg, round(result.ended - answered))

    def _status(self, leg: Leg, seconds: int) -> Steps:
        params = {**leg.base, "CallStatus": "completed", "CallDuration": str(seconds),
                  "CallbackSource": "call-progress-events", "SequenceNumber": "0"}
        try:
            reply = yield Post(self.status_url, params)
            self.status_callbacks += 1
            if reply.status != 200 and leg.result.error is None:
                leg.result.error = f"status callback answered {reply.status}"
        except WebhookFailed as exc:
            leg.result.error = leg.result.error or str(exc)

    def _caller_press(self, caller: Caller) -> Press:
        def press(entries: Sequence[tuple[float, str]], timeout: float) -> tuple[str, float] | None:
            return caller.menu_press(entries, timeout)
        return press

    def _run(self, leg: Leg, first: Next) -> Generator[Command, Any, Ending]:
        step: Next | Ending = first
        while isinstance(step, tuple):
            url, extra = step
            doc = yield from self._fetch(leg, url, extra)
            leg.base["CallStatus"] = "in-progress"
            step = yield from self._execute(leg, doc)
        return step

    def _fetch(self, leg: Leg, url: str, extra: dict[str, str]
               ) -> Generator[Command, Any, ET.Element]:
        leg.fetched_at = self.engine.now()
        reply = yield Post(url, {**leg.base, **extra})
        if reply.status != 200:
            raise WebhookFailed(f"{url} answered HTTP {reply.status}")
        checked = twiml_rules.parse(reply.body)
        for warning in checked.warnings:
            self.warnings[warning] = self.warnings.get(warning, 0) + 1
        leg.doc_url = url
        return checked.root

    def _pause(self, leg: Leg, seconds: float) -> Generator[Command, Any, bool]:
        """Let ``seconds`` pass on ``leg``; False if the call was hung up meanwhile."""
        now = self.engine.now()
        deadline = leg.deadline()
        if deadline is not None and now + seconds >= deadline:
            yield Wait(max(0.0, deadline - now))
            hung_up: Leg | None = leg
            while hung_up is not None:  # the caller hanging up ends the volunteer's leg too
                if hung_up is leg or (hung_up.hangup_at is not None
                                      and hung_up.hangup_at <= deadline):
                    hung_up.gone = True
                hung_up = hung_up.parent
            return False
        yield Wait(seconds)
        return True

    # -- verbs ---------------------------------------------------------------

    def _execute(self, leg: Leg, doc: ET.Element) -> Generator[Command, Any, Next | Ending]:
        verbs = list(doc)
        if leg.caller is not None and verbs and verbs[-1].tag == "Hangup" and not any(
                v.tag in {"Dial", "Gather", "Redirect"} for v in verbs):
            leg.result.told_goodbye = True
            if leg.result.chose_at is None:  # the menu gave up on her: the local language
                leg.result.chose_at, leg.result.language = leg.fetched_at, self.local_language
        for verb in verbs:
            tag = verb.tag
            if tag in {"Say", "Play", "Pause"}:
                if not (yield from self._pause(leg, duration(verb))):
                    return "gone"
            elif tag in {"Hangup", "Reject"}:
                return "hangup"
            elif tag == "Redirect":
                _post_only(verb)
                return (verb.text or "").strip(), {}
            elif tag == "Gather":
                gathered = yield from self._gather(leg, verb)
                if gathered is not None:
                    return gathered
            elif tag == "Dial":
                dialled = yield from self._dial(leg, verb)
                if dialled is not None:
                    return dialled
            else:
                raise Unsupported(f"the simulator does not simulate <{tag}>")
        return "end"

    def _gather(self, leg: Leg, verb: ET.Element) -> Generator[Command, Any, Next | Ending | None]:
        _post_only(verb)
        entries: list[tuple[float, str]] = []
        spoken = 0.0
        for child in verb:
            spoken += duration(child)
            entries.append((spoken, _words(child) or (child.text or "")))
        timeout = float(verb.attrib.get("timeout", "5"))
        action = verb.attrib.get("action") or leg.doc_url
        caller = leg.caller
        if caller is not None and leg.result.chose_at is None \
                and self.rng.random() < caller.hangs_up_in_menu:
            leg.hangup_at = self.engine.now() + self.rng.uniform(0, spoken + timeout)
        press = leg.press(entries, timeout)
        if press is not None and press[1] <= spoken + timeout:
            digits, at = press
            if not (yield from self._pause(leg, at)):
                return "gone"
            if caller is None and digits == "1":
                leg.result.accepted_at = self.engine.now()
            chosen = self.menu.get(digits)
            if caller is not None and chosen is not None and leg.result.chose_at is None:
                now = self.engine.now()  # her choice (the right one or not): she waits now
                leg.result.chose_at = now
                leg.result.language = chosen
                leg.hangup_at = now + caller.patience
            return action, {"Digits": digits, "FinishedOnKey": ""}
        if not (yield from self._pause(leg, spoken + timeout)):
            return "gone"
        if verb.attrib.get("actionOnEmptyResult") == "true":
            return action, {"FinishedOnKey": ""}
        return None  # no input: on to the next verb

    def _dial(self, leg: Leg, verb: ET.Element) -> Generator[Command, Any, Next | Ending | None]:
        _post_only(verb)
        result, caller = leg.result, leg.caller
        start = self.engine.now()
        if caller is not None and result.chose_at is None:
            # she never pressed her code: the service chose the local language for her
            result.chose_at, result.language = leg.fetched_at, self.local_language
            leg.hangup_at = start + caller.patience
        timeout = float(verb.attrib.get("timeout", "30"))
        nouns = verb.findall("Number")
        targets: list[tuple[str, ET.Element | None]] = (
            [((n.text or "").strip(), n) for n in nouns] if nouns
            else [((verb.text or "").strip(), None)])
        result.tries += len(targets)
        plans: list[tuple[float, str, ET.Element | None]] = []
        busy = 0
        for number, noun in targets:
            if not self.ledger.ring(number, leg.sid):
                busy += 1
                continue
            delay = self.volunteers.answer_delay()
            if delay is not None and delay < timeout:
                plans.append((delay, number, noun))
        plans.sort(key=lambda p: p[0])
        bridged: tuple[str, str] | None = None
        status = "busy" if busy == len(targets) else "no-answer"
        for delay, number, noun in plans:
            if not (yield from self._pause(leg, start + delay - self.engine.now())):
                break
            child = Leg(sid=self.new_sid(), base={
                "AccountSid": ACCOUNT_SID, "ApiVersion": API_VERSION,
                "ParentCallSid": leg.sid, "Direction": "outbound-dial",
                "From": verb.attrib.get("callerId", leg.base.get("From", "")),
                "To": number, "Called": number, "CallStatus": "in-progress",
            }, press=self.volunteers_press, result=result, parent=leg)
            child.base["CallSid"] = child.sid
            ending: Ending = "end"
            url = noun.attrib.get("url") if noun is not None else None
            if url:
                if noun is not None:
                    _post_only(noun)
                ending = yield from self._run(child, (url, {}))
            if leg.gone:
                break
            if ending == "end":
                bridged = number, child.sid
                break
            status = "completed"  # she answered, then the screening hung up
        for number, _ in targets:
            self.ledger.stop_ringing(number, leg.sid)
        action = verb.attrib.get("action")
        if bridged is None and not leg.gone and len(plans) < len(targets) - busy:
            # somebody is still ringing: the caller waits until the Dial times out
            remaining = start + timeout - self.engine.now()
            if remaining > 0 and not (yield from self._pause(leg, remaining)):
                pass
            status = "no-answer"
        if leg.gone:
            if action:
                yield from self._ignored(leg, action, {"DialCallStatus": "canceled",
                                                       "DialCallDuration": "0"})
            return "gone"
        extra = {"DialCallStatus": status, "DialCallDuration": "0", "DialBridged": "false"}
        if bridged is not None:
            number, child_sid = bridged
            now = self.engine.now()
            result.bridged_at, result.volunteer = now, number
            leg.hangup_at = None
            limit = float(verb.attrib.get("timeLimit", DEFAULT_CALL_LIMIT))
            talk = min(caller.talk_seconds if caller else 60.0, limit)
            self.ledger.talking[number] = leg.sid
            yield Wait(talk)
            del self.ledger.talking[number]
            self.ledger.talk_seconds[number] = self.ledger.talk_seconds.get(number, 0.0) + talk
            result.talk_seconds = talk
            extra = {"DialCallStatus": "completed", "DialCallSid": child_sid,
                     "DialCallDuration": str(round(talk)), "DialBridged": "true"}
            if caller is not None and caller.hangs_up_first:
                leg.gone = True
                if action:
                    yield from self._ignored(leg, action, extra)
                return "gone"
        if action:
            return action, extra
        return None  # no action: the document goes on after <Dial>

    def volunteers_press(self, entries: Sequence[tuple[float, str]], timeout: float
                         ) -> tuple[str, float] | None:
        heard = entries[-1][0] if entries else 0.0
        return self.volunteers.screening_press(heard)

    def _ignored(self, leg: Leg, url: str, extra: dict[str, str]) -> Steps:
        """Twilio posts the action after the caller hung up; the answer is not executed."""
        reply = yield Post(url, {**leg.base, "CallStatus": "completed", **extra})
        if reply.status != 200:
            raise WebhookFailed(f"{url} answered HTTP {reply.status}")
        twiml_rules.parse(reply.body)


def _post_only(verb: ET.Element) -> None:
    method = verb.attrib.get("method", "POST").upper()
    if method != "POST":
        raise Unsupported(f"<{verb.tag} method={method}>: the simulator only posts")
