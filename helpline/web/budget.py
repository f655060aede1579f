"""The caller's budget: every step of her leg answers within ``WEBHOOK_BUDGET_SECONDS``.

A step runs in the app's small thread pool so that the budget holds whatever the
step waits for (a server that accepts connections but never answers can hold a
database connect for seconds). If Redis or the database fails, or does not
answer in time, the caller is forwarded to the duty phone at once and the call's
record is kept on disk (:mod:`helpline.voice.emergency`). A step that ran out of
time is not stopped (a thread cannot be); when it ends, whoever it reserved is
let go of, since the caller never heard it.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from flask import Flask, current_app

from helpline.bootstrap import Helpline, from_app
from helpline.voice.emergency import SERVICE_ERRORS, after_forward, record_emergency
from helpline.voice.flow import CallFlow
from helpline.voice.steps import CallerStep, EmergencyForward

POOL = "helpline.webhook_pool"


def init_app(app: Flask) -> None:
    app.extensions[POOL] = ThreadPoolExecutor(
        max_workers=from_app(app).settings.webhook_threads, thread_name_prefix="webhook"
    )


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
    after_forward(helpline.availability, helpline.call_states, ref, late.result(),
                  helpline.clock())


def degraded(helpline: Helpline, error: BaseException, ref: str, language_code: str | None
             ) -> EmergencyForward:
    catalog = helpline.catalog
    try:
        language = catalog.get(language_code) if language_code else catalog.local
    except KeyError:
        language = catalog.local
    record_emergency(helpline.spool, helpline.call_states, ref, language_code,
                     helpline.clock(), error)
    return EmergencyForward(language)
