"""The standing adversarial suite's driver (issue 12): real calls, perturbed.

Each example starts one to three calls and drives them through every webhook
with correctly signed requests, the way Twilio does: every next URL is taken
from the TwiML the service just returned (``action=`` of ``<Gather>`` and
``<Dial>``, ``url=`` of ``<Number>``, ``<Redirect>``), volunteers' legs are
screened and answered, and each call ends with its final status callback. On
top of that, hypothesis chooses perturbations: a step delivered twice, dropped,
delivered out of order (so a ``<Dial>`` action can arrive after the final status),
replayed under another call's CallSid or one never seen, or with a hostile value
(unicode digits, 20- and 5000-digit numbers, negatives, NUL, huge strings,
unknown languages, missing fields) in one query parameter or form field; the
clock jumps, the tick runs, volunteers send SMS in between.

After every request, and after the example (the clock moved past every lease,
the tick run), :class:`Harness` checks the invariants; each has an exception
class of its own, so that hypothesis shrinks and reports each kind separately:

- no 5xx, and a step of a live call, unperturbed, answers 200;
- every 200 is TwiML; a caller step hands the call on (``<Gather>``/``<Dial>``
  with an action, ``<Redirect>`` with a URL) or ends with words and ``<Hangup/>``;
- no volunteer is held by a call that ended (its final status answered) or that
  never arrived (``/voice/incoming`` never answered 200 for it): two kinds;
- afterwards: no volunteer held, no call state left, exactly one record per call
  that arrived and none for any other, ``helpline routing check`` clean, no
  caller number anywhere in Redis or the database.

``strict=False`` counts violations instead of raising (``benchmarks/adversarial.py``).
"""

from __future__ import annotations

import itertools
import os
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Flask
from hypothesis import strategies as st
from sqlalchemy import delete, update

from helpline.bootstrap import Helpline, from_app
from helpline.cli import main as cli
from helpline.jobs.tick import run_tick
from helpline.privacy import call_ref
from helpline.sim.webhook import Webhooks
from helpline.store.models import CallRecord, OutboundMessage, Volunteer
from tests.support import FakeClock, add_volunteer, sync
from tests.unit.voice.twiml_shape import HANDOVER, WORDS

from ..conftest import MARKER_KEY
from .conftest import HELPLINE_NUMBER, dump_database, dump_redis, webhooks_for

DIRECT_NUMBER = "+4722000017"  # the Somali number of the e2e settings
FINAL = ("completed", "canceled", "busy", "failed", "no-answer")
MISSING = "<missing>"  # a hostile "value": the field is left out
HOSTILE = (
    MISSING, "", "²", "٣", "１", "½", "-1", "0", "1" * 20, "9" * 25, "9" * 5000,
    "99999999999999999999", "+1", "1.5", "1e9", "NaN", "\x00", "1\x00", " 1 ",
    "xx", "SO", "so ", "../so", "a" * 20000, "\u202e1", "<Hangup/>", "%00", "true",
)
VOLUNTEERS = (  # key, phone, languages
    ("amina", "+4791000001", ["so"]),
    ("hodan", "+4791000002", ["so", "ar"]),
    ("nora", "+4791000003", ["nb"]),
    ("faisal", "+4791000004", ["ar"]),
)
SMS_BODIES = ("status", "off", "on", "pause 30", "help", "1", "pause 99999999999999999999")
PERTURBATIONS = ("none",) * 6 + ("duplicate", "mutate", "drop", "foreign", "mutate")
ACTIONS = ("deliver",) * 8 + ("hangup", "wait", "tick", "sms", "call")
MAX_ACTIONS = 60

_sids = itertools.count(1)


def new_sid(prefix: str = "CA") -> str:
    return f"{prefix}{next(_sids):032x}"


# -- the invariants, one exception class each ---------------------------------------


class Violation(AssertionError):
    """An invariant of issue 12 does not hold."""


class ServerError(Violation):
    """A webhook answered 5xx."""


class RefusedRealStep(Violation):
    """An unperturbed step of a live call was not answered 200."""


class BadTwiml(Violation):
    """A 200 that is not TwiML, or a caller step that leaves her in silence."""


class HeldByEndedCall(Violation):
    """A volunteer held by a call after its final status was answered."""


class HeldByUnknownCall(Violation):
    """A volunteer held by a call that never arrived (no ``/voice/incoming`` answered)."""


class TickFailed(Violation):
    """The periodic tick raised."""


class CallStateLeft(Violation):
    """A call state still in Redis after the tick closed every stale call."""


class HeldAtEnd(Violation):
    """A volunteer still held after every call ended and the tick ran."""


class WrongRecords(Violation):
    """Not exactly one record per call that arrived, and none for any other."""


class RoutingDrift(Violation):
    """``helpline routing check`` is not clean."""


class NumberStored(Violation):
    """A caller's number in Redis or the database."""


# -- the calls -------------------------------------------------------------------


@dataclass
class Call:
    sid: str
    caller: str
    to: str
    status_added: bool = False
    accepted: set[str] = field(default_factory=set)  # dial actions a volunteer accepted

    def params(self, **extra: str) -> dict[str, str]:
        return {"CallSid": self.sid, "AccountSid": "AC" + "0" * 32, "From": self.caller,
                "To": self.to, "CallStatus": "in-progress", "Direction": "inbound", **extra}


@dataclass
class Request:
    """A webhook Twilio owes the service. ``kind``: caller, volunteer, dial, status, sms."""

    kind: str
    url: str
    params: dict[str, str]
    call: Call | None = None


def identity(params: dict[str, str]) -> str:
    """The call a request belongs to, as Twilio says it: the parent leg's sid if any."""
    return params.get("ParentCallSid") or params.get("CallSid", "")


def stored_ref(helpline: Helpline, sid: str) -> str:
    """The ref a call's record and routing state are stored under (one place to adjust)."""
    return call_ref(helpline.settings.caller_hash_secret.get_secret_value(), sid)


def with_query(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    if value != MISSING:
        query.append((name, value))
    return urlunsplit(parts._replace(query=urlencode(query)))


def query_names(url: str) -> list[str]:
    return [k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)]


def short(value: str, limit: int = 24) -> str:
    return repr(value) if len(value) <= limit else f"{value[:limit // 2]!r}...({len(value)} chars)"


def summary(params: dict[str, str]) -> str:
    """The fields of a request worth reading in a trace (sids by their last digits)."""
    shown = {k: (f"..{v[-4:]}" if k.endswith("CallSid") and v.startswith("CA") else short(v))
             for k, v in params.items() if k not in ("AccountSid", "Direction")}
    return ", ".join(f"{k}={v}" for k, v in shown.items())


@dataclass
class Stats:
    """What a run did (printed by ``benchmarks/adversarial.py``)."""

    examples: int = 0
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    violations: Counter[str] = field(default_factory=Counter)
    first: dict[str, str] = field(default_factory=dict)  # kind -> its first message


# -- the harness -----------------------------------------------------------------


def volunteers_on_shift(app: Flask) -> dict[str, int]:
    """The example's volunteers, on shift around the clock (once per app)."""
    return {key: add_volunteer(app, key, phone, languages)
            for key, phone, languages in VOLUNTEERS}


class Harness:
    """Runs examples against one app (real Redis, real database) on a fake clock."""

    def __init__(self, app: Flask, clock: FakeClock, *, strict: bool = True,
                 stats: Stats | None = None) -> None:
        self.app = app
        self.helpline = from_app(app)
        self.clock = clock
        self.start = clock.now
        self.strict = strict
        # ADVERSARIAL_ONLY=ServerError,WrongRecords: raise only for these kinds, so that
        # hypothesis shrinks one invariant at a time (the others are still counted)
        self.only = {n for n in os.environ.get("ADVERSARIAL_ONLY", "").split(",") if n}
        self.stats = stats or Stats()
        self.webhooks: Webhooks = webhooks_for(app)
        self.digits = [self.helpline.catalog.get(code).digits for code in ("so", "nb", "ar")]

    # -- one example ----------------------------------------------------------

    def reset(self) -> None:
        """Every example starts from the same state: volunteers free, no calls."""
        helpline = self.helpline
        self.clock.now = self.start
        helpline.redis.flushdb()
        helpline.redis.set(MARKER_KEY, "1")
        with helpline.db.engine.begin() as conn:
            conn.execute(delete(CallRecord))
            conn.execute(delete(OutboundMessage))
            conn.execute(update(Volunteer).values(checked_in=True, paused_until=None))
        shutil.rmtree(helpline.settings.instance / "outbox", ignore_errors=True)
        sync(helpline)
        self.calls: list[Call] = []
        self.pending: list[Request] = []
        self.arrived: set[str] = set()
        self.ended: set[str] = set()
        self.trace: list[str] = []
        self.found: set[str] = set()

    def run(self, data: st.DataObject) -> None:
        """One example: calls driven and perturbed as ``data`` decides, then checked."""
        self.reset()
        self.stats.examples += 1
        self.start_call(data)
        for _ in range(MAX_ACTIONS):
            if not self.pending:
                waiting = [call for call in self.calls if not call.status_added]
                if not waiting:
                    break
                for call in waiting:  # Twilio reports the end of every call
                    self.hang_up(call, data)
                continue
            action = data.draw(st.sampled_from(ACTIONS), label="action")
            if action == "deliver":
                self.deliver_next(data)
            elif action == "hangup":
                open_calls = [call for call in self.calls if not call.status_added]
                if open_calls:
                    self.hang_up(data.draw(st.sampled_from(open_calls), label="hangs up"), data)
            elif action == "wait":
                seconds = data.draw(st.integers(1, 900), label="seconds pass")
                self.clock.advance(seconds)
                self.trace.append(f"... {seconds} s pass")
            elif action == "tick":
                self.tick()
            elif action == "sms":
                self.sms(data)
            elif action == "call" and len(self.calls) < 3:
                self.start_call(data)
        self.finish()

    def start_call(self, data: st.DataObject) -> None:
        to = data.draw(st.sampled_from((HELPLINE_NUMBER, DIRECT_NUMBER)), label="to")
        call = Call(new_sid(), f"+479{next(_sids) % 10_000_000:07d}", to)
        self.calls.append(call)
        self.pending.append(Request("caller", "/voice/incoming",
                                    call.params(CallStatus="ringing"), call))

    def hang_up(self, call: Call, data: st.DataObject) -> None:
        """The caller's call is over: Twilio owes its final status callback."""
        call.status_added = True
        status = data.draw(st.sampled_from(FINAL), label="final status")
        duration = data.draw(st.integers(0, 3600), label="CallDuration")
        self.pending.append(Request("status", "/voice/status", call.params(
            CallStatus=status, CallDuration=str(duration)), call))

    def tick(self) -> None:
        try:
            run_tick(self.helpline)
        except Exception as error:  # noqa: BLE001 (any failure of the tick is the finding)
            self.violate(TickFailed, f"run_tick raised {error!r}")
        self.trace.append("tick")

    def sms(self, data: st.DataObject) -> None:
        sender = data.draw(st.sampled_from(
            [phone for _, phone, _ in VOLUNTEERS] + ["+4790000000", "²", ""]), label="sms from")
        body = data.draw(st.one_of(st.sampled_from(SMS_BODIES), st.sampled_from(HOSTILE)),
                         label="sms body")
        params = {"MessageSid": new_sid("SM"), "AccountSid": "AC" + "0" * 32,
                  "From": sender, "To": HELPLINE_NUMBER, "Body": body}
        if body == MISSING:
            del params["Body"]
        self.send(Request("sms", "/sms/incoming", params), perturbed=True)

    # -- delivering a request -------------------------------------------------

    def deliver_next(self, data: st.DataObject) -> None:
        index = 0
        if len(self.pending) > 1 and data.draw(st.booleans(), label="out of order"):
            index = data.draw(st.integers(0, len(self.pending) - 1), label="which")
        request = self.pending.pop(index)
        if request.kind == "dial":
            request = self.dial_outcome(request, data)
        perturbation = data.draw(st.sampled_from(PERTURBATIONS), label="perturbation")
        if perturbation == "drop":
            self.trace.append(f"(dropped {request.kind} {request.url})")
            return
        if perturbation == "foreign":
            self.trace.append("(the next step replayed under another CallSid)")
            self.send(self.foreign(request, data), perturbed=True)
            self.pending.insert(index, request)  # the real one may still come
            return
        perturbed = False
        if perturbation == "mutate":
            request, perturbed = self.mutate(request, data), True
            self.trace.append("(the next step with a hostile value)")
        reply = self.send(request, perturbed=perturbed)
        if perturbation == "duplicate":
            self.trace.append("(delivered again)")
            self.send(request, perturbed=perturbed)
        if reply is not None:
            self.follow(request, reply, data)

    def dial_outcome(self, request: Request, data: st.DataObject) -> Request:
        """The ``<Dial>`` action's fields, as Twilio reports how the dial ended."""
        assert request.call is not None
        if request.url in request.call.accepted:
            duration = data.draw(st.integers(0, 3600), label="DialCallDuration")
            fields = {"DialCallStatus": "completed", "DialBridged": "true",
                      "DialCallDuration": str(duration)}
        else:
            status = data.draw(st.sampled_from(FINAL), label="DialCallStatus")
            fields = {"DialCallStatus": status, "DialBridged": "false",
                      "DialCallDuration": "0"}
        return Request("caller", request.url, {**request.params, **fields}, request.call)

    def foreign(self, request: Request, data: st.DataObject) -> Request:
        """The same step under another call's CallSid, or one the service never saw."""
        others = [call.sid for call in self.calls if call is not request.call]
        sid = data.draw(st.sampled_from([new_sid(), *others]), label="foreign sid")
        params = dict(request.params)
        if "ParentCallSid" in params:
            params["ParentCallSid"], params["CallSid"] = sid, new_sid()
        else:
            params["CallSid"] = sid
        return Request(request.kind, request.url, params, None)

    def mutate(self, request: Request, data: st.DataObject) -> Request:
        names = sorted(request.params) + [f"?{name}" for name in query_names(request.url)]
        name = data.draw(st.sampled_from(names), label="hostile field")
        value = data.draw(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40)),
                          label="hostile value")
        if name.startswith("?"):
            return Request(request.kind, with_query(request.url, name[1:], value),
                           request.params, request.call)
        params = {k: v for k, v in request.params.items() if k != name}
        if value != MISSING:
            params[name] = value
        return Request(request.kind, request.url, params, request.call)

    def send(self, request: Request, *, perturbed: bool) -> ET.Element | None:
        """Post ``request``, check the answer; the TwiML when it is one to follow."""
        path = urlsplit(self.webhooks.absolute(request.url)).path
        sid = identity(request.params)
        live = sid in self.arrived and sid not in self.ended
        reply = self.webhooks.post(request.url, request.params)
        self.stats.requests += 1
        self.stats.statuses[reply.status] += 1
        where = short(request.url.removeprefix(self.webhooks.base_url), 90)
        self.trace.append(f"{request.kind} {where} {summary(request.params)} -> {reply.status}")
        if reply.status >= 500:
            self.violate(ServerError, f"{reply.status} for {request.kind} {request.url}")
            return None
        if reply.status != 200 and not perturbed and (live or path == "/voice/incoming"):
            self.violate(RefusedRealStep, f"{reply.status} for a real step {request.url}")
        if reply.status != 200:
            return None
        if path == "/voice/incoming":
            self.arrived.add(sid)
        final = request.params.get("CallStatus") in FINAL
        if path == "/voice/status" and final:
            self.ended.add(sid)
        try:
            doc = reply.twiml
        except (ET.ParseError, ValueError) as error:
            self.violate(BadTwiml, f"not TwiML ({error}) for {request.url}: {reply.body[:200]}")
            return None
        if request.kind == "caller":
            self.check_caller_twiml(doc, request)
        elif request.kind == "volunteer" and len(doc) == 0:
            self.violate(BadTwiml, f"an empty document on a volunteer's leg {request.url}")
        self.check_holds()
        return doc

    # -- following the TwiML, as Twilio does ------------------------------------

    def follow(self, request: Request, doc: ET.Element, data: st.DataObject) -> None:
        call = request.call
        if call is None:
            return
        if request.kind == "volunteer":
            self.follow_volunteer(request, doc, data)
            return
        if request.kind != "caller":
            return
        gather, redirect, dial = doc.find("./Gather"), doc.find("./Redirect"), doc.find("./Dial")
        if gather is not None and gather.get("action"):
            pressed = data.draw(st.sampled_from([*self.digits, "1", "", "0", "99"]),
                                label="caller presses")
            if pressed or redirect is None:
                self.pending.append(Request("caller", gather.attrib["action"],
                                            call.params(Digits=pressed), call))
                return
        if redirect is not None and (redirect.text or "").strip():
            self.pending.append(Request("caller", (redirect.text or "").strip(),
                                        call.params(), call))
            return
        if dial is not None and dial.get("action"):
            for number in dial.findall("./Number"):
                if number.get("url"):
                    self.pending.append(Request("volunteer", number.attrib["url"], {
                        "CallSid": new_sid(), "ParentCallSid": call.sid,
                        "AccountSid": "AC" + "0" * 32, "From": dial.get("callerId", ""),
                        "To": (number.text or "").strip(), "CallStatus": "in-progress",
                        "Direction": "outbound-dial"}, call))
            self.pending.append(Request("dial", dial.attrib["action"], call.params(), call))
            return
        if not call.status_added:  # words and a hang-up (or the duty phone): the call ends
            self.hang_up(call, data)

    def follow_volunteer(self, request: Request, doc: ET.Element, data: st.DataObject) -> None:
        call = request.call
        assert call is not None
        gather = doc.find("./Gather")
        if gather is not None and gather.get("action"):
            pressed = data.draw(st.sampled_from(["1", "2", ""]), label="volunteer presses")
            if pressed:  # before the <Dial>'s end, which Twilio reports after her leg
                dials = [i for i, waiting in enumerate(self.pending)
                         if waiting.kind == "dial" and waiting.call is call]
                self.pending.insert(dials[0] if dials else len(self.pending), Request(
                    "volunteer", gather.attrib["action"], {**request.params, "Digits": pressed},
                    call))
            return
        if doc.find("./Hangup") is None and len(doc) and "Digits" in request.params:
            # she accepted: Twilio bridges, and the <Dial> will end "completed", bridged
            for pending in self.pending:
                if pending.kind == "dial" and pending.call is call:
                    call.accepted.add(pending.url)

    # -- the invariants ---------------------------------------------------------

    def violate(self, kind: type[Violation], message: str) -> None:
        name = kind.__name__
        if name not in self.found:
            self.found.add(name)
            self.stats.violations[name] += 1
            self.stats.first.setdefault(name, message)
        if self.strict and (not self.only or name in self.only):
            trace = "\n  ".join(self.trace[-40:])
            raise kind(f"{message}\nthe example's requests:\n  {trace}")

    def check_caller_twiml(self, doc: ET.Element, request: Request) -> None:
        text = ET.tostring(doc, encoding="unicode")[:400]
        children = list(doc)
        for element in doc.iter():
            if element.tag == "Record" or any(a.lower().startswith("record")
                                               for a in element.attrib):
                self.violate(BadTwiml, f"a recording verb for {request.url}: {text}")
        if not children:
            self.violate(BadTwiml, f"silence (an empty document) for {request.url}")
            return
        last = children[-1]
        if last.tag in HANDOVER:
            url = (last.text or "").strip() if last.tag == "Redirect" else last.get("action")
            if not url:
                self.violate(BadTwiml, f"<{last.tag}> without a URL for {request.url}: {text}")
        elif not (last.tag == "Hangup" and len(children) >= 2 and children[-2].tag in WORDS):
            self.violate(BadTwiml, f"ends without words and a hang-up for {request.url}: {text}")

    def held_refs(self) -> dict[int, str]:
        """Each held volunteer and the ref of the call that holds her."""
        snapshot = self.helpline.availability.snapshot()
        return {vid: record.call_key.rsplit(":", 1)[0]
                for vid, record in snapshot.records.items() if record.call_key is not None}

    def check_holds(self) -> None:
        live = {stored_ref(self.helpline, sid) for sid in self.arrived - self.ended}
        for vid, ref in self.held_refs().items():
            if ref in live:
                continue
            if self.ref_ended(ref):
                self.violate(HeldByEndedCall, f"volunteer {vid} held by a call that ended")
            else:
                self.violate(HeldByUnknownCall, f"volunteer {vid} held by a call never seen")

    def ref_ended(self, ref: str) -> bool:
        return any(stored_ref(self.helpline, sid) == ref for sid in self.ended)

    def finish(self) -> None:
        """After the example: every lease long over, the tick run; the end state."""
        helpline = self.helpline
        self.clock.advance(helpline.settings.call_lease_seconds + 3600 + 120)
        self.trace.append("(the end: the clock passes every lease; tick)")
        self.tick()
        left = helpline.call_states.refs()
        if left:
            self.violate(CallStateLeft, f"{len(left)} call states left after the tick")
        held = self.held_refs()
        if held:
            self.violate(HeldAtEnd, f"volunteers {sorted(held)} still held after the tick")
        with helpline.db.unit_of_work() as uow:
            refs = [record.call_ref for record in uow.calls.all()]
        expected = {stored_ref(helpline, sid) for sid in self.arrived}
        if len(refs) != len(expected) or set(refs) != expected:
            self.violate(WrongRecords, f"{len(self.arrived)} calls arrived, {len(refs)} records; "
                         f"missing {len(expected - set(refs))}, "
                         f"unexpected {len(set(refs) - expected)}")
        result = self.app.test_cli_runner().invoke(cli, ["routing", "check"])
        if result.exit_code != 0:
            self.violate(RoutingDrift, result.output.strip()[-400:])
        stored = dump_redis(helpline.redis) + "\n" + dump_database(self.app)
        for call in self.calls:
            if call.caller in stored or call.caller.lstrip("+") in stored:
                self.violate(NumberStored, "a caller's number is stored")


def settings_for_app(config: dict[str, Any]) -> dict[str, Any]:
    """The e2e settings, with budgets generous enough that load never decides."""
    return {**config, "webhook_budget_seconds": 5.0, "service_timeout_seconds": 2.0}
