"""Many threads and several OS processes reserving for overlapping languages at
once: no volunteer is ever held by two calls, and none is lost at the end."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from functools import reduce

import pytest
import redis

from routing.model import VolunteerState

from .churn import LANGUAGES, Tally, churn, router_for, staff


def _check_nobody_lost(client: redis.Redis, prefix: str, speaks: dict[int, set[str]]) -> None:
    router = router_for(client, prefix)
    assert client.hlen(router.keys.calls) == 0
    assert client.zcard(router.keys.leases) == 0
    assert client.hlen("routing-test:audit") == 0
    for vid in speaks:
        assert router.state(vid) is VolunteerState.FREE, vid
    for code in LANGUAGES:
        expected = {vid for vid, langs in speaks.items() if code in langs}
        assert set(router.free_volunteers(code)) == expected, code


def _run(redis_url: str, prefix: str, *, processes: int, threads: int, reservations: int) -> Tally:
    context = multiprocessing.get_context("spawn")
    per_worker = reservations // (processes + threads)
    jobs = [(redis_url, prefix, f"p{i}", i, per_worker) for i in range(processes)]
    with context.Pool(processes) as pool:
        pending = pool.starmap_async(churn, jobs)
        with ThreadPoolExecutor(max(threads, 1)) as executor:
            in_threads = list(
                executor.map(
                    lambda i: churn(redis_url, prefix, f"t{i}", 1000 + i, per_worker),
                    range(threads),
                )
            )
        in_processes = pending.get(timeout=300)
    return reduce(Tally.__add__, in_processes + in_threads)


def test_threads_and_processes_never_share_a_volunteer(
    redis_client: redis.Redis, redis_url: str
) -> None:
    speaks = staff(router_for(redis_client, "conc"), volunteers=12, seed=1)
    tally = _run(redis_url, "conc", processes=3, threads=6, reservations=2700)
    assert tally.double_holds == 0
    assert tally.reservations == tally.releases == 2700
    assert tally.volunteers_reserved > 0
    _check_nobody_lost(redis_client, "conc", speaks)


@pytest.mark.slow
def test_ten_thousand_reservations_and_releases_from_four_processes(
    redis_client: redis.Redis, redis_url: str
) -> None:
    speaks = staff(router_for(redis_client, "conc"), volunteers=30, seed=2)
    tally = _run(redis_url, "conc", processes=4, threads=0, reservations=10_000)
    assert tally.double_holds == 0
    assert tally.reservations == tally.releases == 10_000
    _check_nobody_lost(redis_client, "conc", speaks)
