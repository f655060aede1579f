"""The chaos run at length: the production command while Redis, PostgreSQL and RQ fail.

    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        python benchmarks/chaos.py [--seconds 120] [--cycle 12] [--threads 4] [--workers 4]

What it starts and disturbs is ``tests/e2e/chaos.py``: gunicorn as the README's
production command (``production_command``), a private redis-server on a free
port (SIGKILLed and restarted every ``--cycle`` seconds), a TCP proxy in front of
the PostgreSQL of ``TEST_DATABASE_URL`` (hung for 3.5 s each cycle; a schema of
its own, dropped afterwards) and ``helpline worker`` (SIGKILLed during a tick job
each cycle, then restarted). The machine's own Redis and PostgreSQL servers are
never disturbed. Prints the figures; exits 1 unless records lost, double
bookings, volunteers not free, caller steps over the budget and caller steps
without valid TwiML are all 0. Every process it started ends with it, on
SIGINT and SIGTERM too.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="seconds of calls")
    parser.add_argument("--cycle", type=float, default=12.0, help="seconds per round of chaos")
    parser.add_argument("--threads", type=int, default=4, help="calls in flight at once")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--budget", type=float, default=0.8, help="WEBHOOK_BUDGET_SECONDS")
    args = parser.parse_args()
    database_url = os.environ.get("TEST_DATABASE_URL", "")
    if not database_url.startswith("postgresql"):
        raise SystemExit("set TEST_DATABASE_URL to a PostgreSQL database")
    # SIGTERM unwinds like Ctrl-C, so the finally blocks stop every process
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    from tests.e2e.chaos import chaos_services, production_command, run_chaos

    tmp = Path(tempfile.mkdtemp(prefix="helpline-chaos-"))
    started = time.monotonic()

    def say(text: str) -> None:
        print(f"  {time.monotonic() - started:6.1f} s  {text}", flush=True)

    with chaos_services(tmp, database_url, workers=args.workers, budget=args.budget) as chaos:
        command = " ".join(production_command(chaos.port, args.workers)[2:])
        say(f"serving at {chaos.base_url}: {command}")
        figures = run_chaos(chaos, seconds=args.seconds, cycle=args.cycle,
                            threads=args.threads, budget=args.budget, say=say)
    print("\n".join(figures.lines()))
    print(f"(logs of the processes: {tmp})")
    return 1 if any(figures.failures().values()) else 0


if __name__ == "__main__":
    sys.exit(main())
