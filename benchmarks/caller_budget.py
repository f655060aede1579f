"""Caller steps keep their budget while the other webhooks wait on a database that hangs.

    python benchmarks/caller_budget.py [--rounds 20] [--status 8] [--sms 4] [--callers 2]

Starts gunicorn exactly as README's "Running in production" says (the command is
read from README.md; only its bind address is replaced by a free loopback port)
against the machine's Redis (``REDIS_URL``, default ``redis://127.0.0.1:6379/8``,
under a private key prefix that is deleted afterwards) and a PostgreSQL made to
hang: a TCP proxy (:mod:`benchmarks.tcp_proxy`) that accepts every connection and
never forwards a byte. Then, round after round, it fires at once ``--status``
status callbacks of calls in flight, ``--sms`` volunteers' SMS and ``--callers``
callers' steps (her call coming in, then her language pressed), all signed as
Twilio signs them, and prints p50/p99/max of the caller steps: first alone, then
under that load. Every caller step must get valid TwiML that hands the call on
or ends in words (the exit status is 1 otherwise); times are only printed.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from statistics import quantiles

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # before benchmarks/, whose schedules.py is not the package

from benchmarks.tcp_proxy import TcpProxy  # noqa: E402

AUTH_TOKEN = "benchmark-token"
DUTY_PHONE = "+4722999999"
SMS_FROM = "+4791000001"
SOMALI = "13"  # languages.yaml: Somali's menu code


def production_command(readme: Path, port: int, line: str | None = None) -> list[str]:
    """The gunicorn command of README's "Running in production" (or ``line``), bound
    to ``port``."""
    if line is None:
        section = readme.read_text(encoding="utf-8").split("## Running in production", 1)[1]
        line = next(line for line in section.splitlines() if line.startswith("gunicorn "))
    words = shlex.split(line.split("#", 1)[0])
    for flag in ("-b", "--bind"):
        if flag in words:
            words[words.index(flag) + 1] = f"127.0.0.1:{port}"
            break
    else:
        words[1:1] = ["-b", f"127.0.0.1:{port}"]
    return [sys.executable, "-m", "gunicorn", *words[1:]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Figures:
    alone: list[float] = field(default_factory=list)  # caller steps' seconds, no other load
    loaded: list[float] = field(default_factory=list)  # the same, beside status + SMS
    menu_loaded: list[float] = field(default_factory=list)  # /voice/menu only, beside them
    others: list[float] = field(default_factory=list)  # status callbacks' and SMS' seconds
    bad: list[str] = field(default_factory=list)  # caller steps without valid TwiML

    @staticmethod
    def summary(seconds: list[float]) -> str:
        if not seconds:
            return "none"
        ms = sorted(1000 * s for s in seconds)
        p50 = quantiles(ms, n=100)[49] if len(ms) > 1 else ms[0]
        p99 = quantiles(ms, n=100, method="inclusive")[98] if len(ms) > 1 else ms[0]
        return f"p50 {p50:.0f} ms, p99 {p99:.0f} ms, max {ms[-1]:.0f} ms (n={len(ms)})"


def caller_step_problem(status: int, body: str) -> str | None:
    """What is wrong with a caller step's answer, if anything."""
    from helpline.sim.twiml_rules import TwimlError, parse
    from tests.unit.voice.twiml_shape import ends_with_words_or_handover

    if status != 200:
        return f"HTTP {status}"
    try:
        doc = parse(body).root
    except TwimlError as error:
        return str(error)
    return None if ends_with_words_or_handover(doc) else "ends in silence"


def run(*, rounds: int, status: int, sms: int, callers: int, redis_url: str,
        readme: Path = ROOT / "README.md", command_line: str | None = None,
        say: Callable[[str], None] = print) -> Figures:
    from helpline.sim.runner import http_transport
    from helpline.sim.webhook import Webhooks

    tmp = Path(tempfile.mkdtemp(prefix="helpline-caller-budget-"))
    prefix = f"bench-budget-{uuid.uuid4().hex[:8]}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    hole = TcpProxy(("127.0.0.1", 5432), hang=True)
    env = {
        **os.environ, "PYTHONPATH": str(ROOT),
        "INSTANCE_PATH": str(tmp), "REDIS_URL": redis_url, "REDIS_PREFIX": prefix,
        "DATABASE_URL": f"postgresql+psycopg://helpline@127.0.0.1:{hole.port}/helpline",
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "PUBLIC_BASE_URL": base,
        "CALLER_HASH_SECRET": uuid.uuid4().hex, "EMERGENCY_NUMBER": DUTY_PHONE,
        "HELPLINE_NUMBER": "+4722000000",
    }
    command = production_command(readme, port, command_line)
    say("$ " + shlex.join(["gunicorn", *command[3:]]))
    with (tmp / "gunicorn.log").open("wb") as log:
        server = subprocess.Popen([*command, "--log-level", "warning"], env=env, cwd=ROOT,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                  preexec_fn=_die_with_parent)
    figures = Figures()
    try:
        _wait_for(base, server)
        transport = http_transport(base)
        hooks = Webhooks(transport, auth_token=AUTH_TOKEN, base_url=base)

        def timed(path: str, form: dict[str, str]) -> tuple[float, int, str]:
            started = time.perf_counter()
            reply = hooks.post(path, form)
            return time.perf_counter() - started, reply.status, reply.body

        def call(sid: str, **form: str) -> dict[str, str]:
            return {"CallSid": sid, "AccountSid": "AC" + "0" * 32, "From": "+4740000000",
                    "To": "+4722000000", "CallStatus": "in-progress", **form}

        def caller(sid: str) -> list[tuple[float, int, str]]:
            first = timed("/voice/incoming", call(sid))
            return [first, timed("/voice/menu?attempt=1", call(sid, Digits=SOMALI))]

        with ThreadPoolExecutor(max_workers=status + sms + callers) as pool:
            list(pool.map(caller, ["CA" + uuid.uuid4().hex for _ in range(8)]))  # warm up
            for loaded in (False, True):
                for _ in range(rounds):
                    in_flight = [uuid.uuid4().hex for _ in range(status if loaded else 0)]
                    for sid in in_flight:  # calls in flight, so their status writes a record
                        hooks.post("/voice/incoming", call("CA" + sid))
                    others = [pool.submit(timed, "/voice/status", call(
                        "CA" + sid, CallStatus="completed", CallDuration="42"))
                        for sid in in_flight]
                    others += [pool.submit(timed, "/sms/incoming", {
                        "MessageSid": "SM" + uuid.uuid4().hex, "From": SMS_FROM,
                        "To": "+4722000000", "Body": "STATUS",
                    }) for _ in range(sms if loaded else 0)]
                    steps = [pool.submit(caller, "CA" + uuid.uuid4().hex) for _ in range(callers)]
                    for future in steps:
                        for step, (seconds, code, body) in enumerate(future.result()):
                            (figures.loaded if loaded else figures.alone).append(seconds)
                            if loaded and step == 1:
                                figures.menu_loaded.append(seconds)
                            if (problem := caller_step_problem(code, body)) is not None:
                                figures.bad.append(problem)
                    figures.others += [future.result()[0] for future in others]
    finally:
        _stop(server)
        hole.close()
        _forget(redis_url, prefix)
        if figures.bad:
            say(f"gunicorn's log is kept in {tmp / 'gunicorn.log'}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return figures


def _wait_for(base: str, server: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            urllib.request.urlopen(base + "/health", timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the service at {base} did not start")


def _die_with_parent() -> None:
    """In the child: SIGTERM to it when this process ends, however it is stopped (Linux)."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _stop(server: subprocess.Popen[bytes]) -> None:
    """gunicorn and every worker it started, however they take it."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=25)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(server.pid, signal.SIGKILL)  # anything of its session still there
    except ProcessLookupError:
        pass
    server.wait()


def _forget(redis_url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)
    client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--status", type=int, default=8, help="status callbacks per round")
    parser.add_argument("--sms", type=int, default=4, help="SMS per round")
    parser.add_argument("--callers", type=int, default=2, help="callers per round")
    parser.add_argument("--command", help="another gunicorn command than README's, to compare")
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/8")
    if not re.search(r"/\d+$|db=\d+", redis_url):
        redis_url += "/8"
    figures = run(rounds=args.rounds, status=args.status, sms=args.sms, callers=args.callers,
                  redis_url=redis_url, command_line=args.command)
    print("PostgreSQL accepts connections and never answers; each caller: incoming + menu")
    print(f"caller steps alone:                            {Figures.summary(figures.alone)}")
    print(f"caller steps beside {args.status} status + {args.sms} SMS a round:"
          f"   {Figures.summary(figures.loaded)}")
    print(f"  of which /voice/menu:                        {Figures.summary(figures.menu_loaded)}")
    print(f"status callbacks and SMS:                      {Figures.summary(figures.others)}")
    print(f"caller steps without valid TwiML:              {len(figures.bad)}"
          + (f" ({sorted(set(figures.bad))})" if figures.bad else ""))
    return 1 if figures.bad else 0


if __name__ == "__main__":
    sys.exit(main())
