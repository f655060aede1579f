"""gunicorn's settings for the webhooks (README, "Running in production"):

    gunicorn -c python:helpline.gunicorn_conf -b 127.0.0.1:8000 helpline.wsgi:app

Threads, not one request per process. With gunicorn's default (sync) workers a
process serves one request at a time, so status callbacks and SMS that wait on a
slow database queued a caller's step behind them: 8 status callbacks and 4 SMS
made a ``/voice/menu`` take 6.6 s. With threads every request is taken at once;
the caller's step keeps its budget (``WEBHOOK_BUDGET_SECONDS``, :mod:`helpline.web.budget`)
and the other webhooks hand their work to a pool of their own within the same
budget, so none holds a thread for longer. ``benchmarks/caller_budget.py``
measures it with this very command. Options given on the command line win.
"""

from __future__ import annotations

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gthread"
threads = 16
"""Requests each process serves at once: far more than the caller steps and
other webhooks of a helpline arrive at in one budget."""
timeout = 30
graceful_timeout = 20
keepalive = 5
