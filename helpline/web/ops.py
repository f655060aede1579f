"""Operations: liveness and readiness for load balancers, Prometheus metrics.

- ``/healthz``: the process answers (it touches nothing else).
- ``/readyz``: the database and Redis answer within ``WEBHOOK_BUDGET_SECONDS``;
  503 with which one did not, so a load balancer stops sending calls here.
- ``/metrics``: Prometheus' text format, only with ``Authorization: Bearer
  <METRICS_TOKEN>`` (404 when no token is set; 403 with a wrong one). Under
  gunicorn, with ``PROMETHEUS_MULTIPROC_DIR`` set, the webhook latencies of every
  worker process are summed (prometheus_client's multiprocess mode); the other
  figures are read from the database and Redis at each scrape, so they are the
  same whichever host or worker answers.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from helpline.bootstrap import Helpline, from_app
from helpline.web.budget import POOL

log = logging.getLogger(__name__)

bp = Blueprint("ops", __name__)

WEBHOOK_SECONDS = Histogram(
    "helpline_webhook_seconds", "Time to answer a Twilio webhook", ["endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.8, 1.0, 2.5, 5.0),
)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.before_request
    def _start_timer() -> None:
        g.helpline_started = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        endpoint = request.endpoint or ""
        if endpoint.startswith(("voice.", "sms.")) and "helpline_started" in g:
            WEBHOOK_SECONDS.labels(endpoint).observe(time.perf_counter() - g.helpline_started)
        return response


@bp.get("/healthz")
@bp.get("/health")  # the older name
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@bp.get("/readyz")
def readyz() -> tuple[dict[str, str], int]:
    helpline = from_app()
    checks: dict[str, Callable[[], object]] = {
        "database": helpline.db.ping, "redis": helpline.redis.ping}
    pool: ThreadPoolExecutor = current_app.extensions[POOL]
    futures = {name: pool.submit(check) for name, check in checks.items()}
    deadline = time.monotonic() + helpline.settings.webhook_budget_seconds
    answers: dict[str, str] = {}
    for name, future in futures.items():
        try:
            future.result(timeout=max(0.0, deadline - time.monotonic()))
            answers[name] = "ok"
        except FutureTimeout:
            answers[name] = "no answer in time"
        except Exception as error:  # readiness reports any failure, never raises
            answers[name] = f"failed: {type(error).__name__}"
    ready = all(answer == "ok" for answer in answers.values())
    if not ready:
        log.warning("not ready: %s", answers)
    return {"status": "ready" if ready else "not ready", **answers}, 200 if ready else 503


@bp.get("/metrics")
def metrics() -> Response:
    token = from_app().settings.metrics_token
    if token is None:
        abort(404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.get_secret_value().encode()):
        abort(403)
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(WEBHOOK_SECONDS)
    registry.register(ServiceCollector(from_app()))
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


class ServiceCollector(Collector):
    """The figures of the service as a whole, read at each scrape."""

    def __init__(self, helpline: Helpline) -> None:
        self.helpline = helpline

    def collect(self) -> Iterator[Metric]:
        yield from _safely("calls", self._calls)
        yield from _safely("free volunteers", self._free)
        yield from _safely("spool", self._spool)
        yield from _safely("failed sms", self._failed_sms)
        yield from _safely("tick", self._tick)

    def _calls(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "helpline_calls", "Call records in the database, by language and outcome",
            labels=["language", "outcome"])
        with self.helpline.db.unit_of_work() as uow:
            for language, outcome, count in uow.calls.counts():
                family.add_metric([language or "", outcome], count)
        yield family

    def _free(self) -> Iterator[Metric]:
        family = GaugeMetricFamily("helpline_free_volunteers",
                                   "Volunteers free to take a call now, by language",
                                   labels=["language"])
        for code in self.helpline.known_languages:
            family.add_metric([code], len(self.helpline.availability.free_volunteers(code)))
        yield family

    def _spool(self) -> Iterator[Metric]:
        yield GaugeMetricFamily("helpline_spooled_records",
                                "Call records waiting on this host's disk for the database",
                                value=self.helpline.spool.pending())

    def _failed_sms(self) -> Iterator[Metric]:
        with self.helpline.db.unit_of_work() as uow:
            failed = uow.messages.failed_count()
        yield GaugeMetricFamily("helpline_failed_sms", "SMS to volunteers that failed for good",
                                value=failed)

    def _tick(self) -> Iterator[Metric]:
        last = self.helpline.counters.last_tick()
        age = self.helpline.clock() - last[0] if last else float("inf")
        yield GaugeMetricFamily("helpline_last_tick_age_seconds",
                                "Seconds since the periodic tick last ended", value=age)
        yield GaugeMetricFamily("helpline_last_tick_failed_pieces",
                                "Pieces of work that failed in the last tick",
                                value=len(last[1]) if last else 0)


def _safely(name: str, produce: Callable[[], Iterator[Metric]]) -> Iterator[Metric]:
    """A figure whose source does not answer is left out (and logged), not a 500."""
    try:
        yield from list(produce())
    except Exception:
        log.exception("metrics: %s could not be read", name)
