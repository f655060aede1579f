"""A worker that reserves and releases volunteers as fast as it can, for the
concurrency tests. Importable by ``multiprocessing`` (spawn) children.

Every volunteer a worker gets is claimed in an audit hash with ``HSETNX``
before the worker does anything else, and unclaimed just before the router is
told to let her go. If the router ever gave one volunteer to two calls at once,
the second claim would fail: that is counted as a double hold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import redis

from routing.availability import Availability

AUDIT_KEY = "routing-test:audit"
LANGUAGES = ("so", "ar", "fa", "ti", "ku", "ps")


@dataclass
class Tally:
    reservations: int = 0
    volunteers_reserved: int = 0
    releases: int = 0
    confirms: int = 0
    double_holds: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            *(a + b for a, b in zip(vars(self).values(), vars(other).values(), strict=True))
        )


def router_for(client: redis.Redis, prefix: str) -> Availability:
    return Availability(
        client,
        languages=LANGUAGES,
        prefix=prefix,
        wrapup_seconds=0,
        policies={"ar": "fewest_calls", "fa": "tiers"},
    )


def staff(router: Availability, volunteers: int, seed: int = 0) -> dict[int, set[str]]:
    """Put ``volunteers`` on shift, each in 1-3 overlapping languages; returns who speaks what."""
    rng = random.Random(seed)
    speaks = {}
    pipe = router.client.pipeline(transaction=False)
    for vid in range(1, volunteers + 1):
        langs = rng.sample(LANGUAGES, rng.randint(1, 3))
        tiers = {code: rng.choice(["primary", "secondary", "backup"]) for code in langs}
        router.set_volunteer(vid, tiers, pipeline=pipe)
        speaks[vid] = set(langs)
    pipe.execute()
    return speaks


def churn(url: str, prefix: str, tag: str, seed: int, reservations: int) -> Tally:
    """Make ``reservations`` reservations, each followed by a confirm and/or a release."""
    client = redis.Redis.from_url(url)
    router = router_for(client, prefix)
    rng = random.Random(seed)
    tally = Tally()
    try:
        for i in range(reservations):
            key = f"{tag}-{i}"
            got = router.reserve(
                rng.choice(LANGUAGES), key, count=rng.choice((1, 1, 2, 3)), exclude=()
            )
            tally.reservations += 1
            tally.volunteers_reserved += len(got)
            for vid in got:
                if not client.hsetnx(AUDIT_KEY, str(vid), key):
                    tally.double_holds += 1
            if got and rng.random() < 0.5:
                keep, others = got[0], got[1:]
                if others:
                    client.hdel(AUDIT_KEY, *map(str, others))
                if router.confirm(key, keep):
                    tally.confirms += 1
                got = [keep]
            if got:
                client.hdel(AUDIT_KEY, *map(str, got))
            router.release(key, outcome=rng.choice(("talked", "missed", "cancelled")))
            tally.releases += 1
    finally:
        client.close()
    return tally
