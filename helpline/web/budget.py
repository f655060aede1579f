"""The caller's budget: every step of her leg answers within ``WEBHOOK_BUDGET_SECONDS``,
whatever the other webhooks are doing.

A step runs in the app's small thread pool so that the budget holds whatever the
step waits for (a server that accepts connections but never answers can hold a
database connect for seconds). If Redis or the database fails, or does not
answer in time, the caller is forwarded to the duty phone at once and the call's
record is kept on disk (:mod:`helpline.voice.emergency`). A step that ran out of
time is not stopped (a thread cannot be); when it ends, whoever it reserved is
let go of, since the caller never heard it.

The webhooks nobody waits on (status callbacks, volunteers' SMS) run their work
in a pool of their own (:func:`in_background`) and answer Twilio within the same
budget whether or not it is done, so that a database that does not answer holds
neither a caller's step nor a web server thread for long.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from flask import Flask, current_app

from helpline.bootstrap import Helpline, from_app
from helpline.voice.emergency import (
    SERVICE_ERRORS,
    after_forward,
    mark_forwarded,
    record_emergency,
)
from helpline.voice.flow import CallFlow
from helpline.voice.steps import CallerStep, EmergencyForward

POOL = "helpline.webhook_pool"
BACKGROUND_POOL = "helpline.background_pool"

T = TypeVar("T")

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    threads = from_app(app).settings.webhook_threads
    app.extensions[POOL] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="webhook")
    app.extensions[BACKGROUND_POOL] = ThreadPoolExecutor(
        max_workers=threads, thread_name_prefix="background")


def caller_step(step: Callable[[CallFlow], CallerStep], ref: str, language: str | None
                ) -> CallerStep:
    """Run a step of the caller's leg within the budget, or answer with the
    duty-phone forward (``language``: hers, if she has chosen it)."""
    helpline = from_app()
    pool: ThreadPoolExecutor = current_app.extensions[POOL]
    future = pool.submit(step, helpline.call_flow)
    try:
        return future.result(timeout=helpline.settings.webhook_budget_seconds)
    except FutureTimeout:
        forward = degraded(helpline, TimeoutError("no answer within the webhook budget"),
                           ref, language)
        # The step goes on in the pool; what it holds when it ends is let go of.
        future.add_done_callback(lambda late: _late_step_ended(helpline, ref, late))
        return forward
    except SERVICE_ERRORS as error:
        return degraded(helpline, error, ref, language)


def _late_step_ended(helpline: Helpline, ref: str, late: Future[CallerStep]) -> None:
    if late.cancelled() or late.exception() is not None:
        return  # it failed: it holds nobody (a failing ring step lets go itself)
    after_forward(helpline.availability, helpline.call_states, ref, late.result())


def degraded(helpline: Helpline, error: BaseException, ref: str, language_code: str | None
             ) -> EmergencyForward:
    catalog = helpline.catalog
    try:
        language = catalog.get(language_code) if language_code else catalog.local
    except KeyError:
        language = catalog.local
    record_emergency(helpline.spool, ref, language_code, helpline.clock(), error)
    background: ThreadPoolExecutor = current_app.extensions[BACKGROUND_POOL]
    background.submit(mark_forwarded, helpline.call_states, ref)  # never waited on
    return EmergencyForward(language)


def in_background(work: Callable[[], T], *, late: Callable[[T], None] | None = None
                  ) -> T | None:
    """Run ``work`` of a webhook that no caller waits on in its own pool, for at most
    the budget: its result, or None if it failed (logged) or is not done in time.
    Then it goes on, and ``late`` gets its result when it is."""
    helpline = from_app()
    pool: ThreadPoolExecutor = current_app.extensions[BACKGROUND_POOL]
    future = pool.submit(work)
    try:
        return future.result(timeout=helpline.settings.webhook_budget_seconds)
    except FutureTimeout:
        log.warning("a webhook's work goes on after its answer: a service is slow")
        future.add_done_callback(lambda done: _finished_late(done, late))
    except Exception:
        log.exception("a webhook's work failed")
    return None


def _finished_late(done: Future[T], late: Callable[[T], None] | None) -> None:
    if done.cancelled():
        return
    if (error := done.exception()) is not None:
        log.error("a webhook's work failed after its answer (%s)", type(error).__name__)
    elif late is not None:
        try:
            late(done.result())
        except Exception:
            log.exception("a webhook's late work failed")
