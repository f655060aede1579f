"""The RQ worker of the service: it builds the service once and runs every job with it.

``helpline worker`` (or ``rq worker -w helpline.jobs.worker.HelplineWorker helpline``)
starts a :class:`HelplineWorker`. It builds the service's parts
(:func:`helpline.bootstrap.bootstrap`) in the worker process, before any job;
RQ forks a work horse per job, which inherits them, so a job does not rebuild
anything. While a job runs, :func:`current` is its service (a context variable,
set around each job, like Flask's ``current_app``).
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from typing import Any

from rq import SimpleWorker, Worker

from helpline.bootstrap import Helpline, bootstrap

_current: ContextVar[Helpline] = ContextVar("helpline_job_service")


def current() -> Helpline:
    """The service of the job that is running."""
    try:
        return _current.get()
    except LookupError:
        raise RuntimeError(
            "a helpline job runs only in the service's worker: `helpline worker`"
        ) from None


class HelplineWorker(Worker):
    """An RQ worker that runs every job with the service it built once."""

    def __init__(self, *args: Any, helpline: Helpline | None = None, **kwargs: Any) -> None:
        self.helpline = helpline or bootstrap()
        self._built_in = os.getpid()
        super().__init__(*args, **kwargs)

    def perform_job(self, job: Any, queue: Any, *args: Any, **kwargs: Any) -> bool:
        if os.getpid() != self._built_in:
            # A forked work horse must not share the parent's database connections.
            self.helpline.db.engine.dispose(close=False)
        token = _current.set(self.helpline)
        try:
            return bool(super().perform_job(job, queue, *args, **kwargs))
        finally:
            _current.reset(token)


class SimpleHelplineWorker(HelplineWorker, SimpleWorker):
    """The same, running each job in the worker's own process (tests, one-off runs)."""
