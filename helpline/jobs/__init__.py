"""Background jobs: the RQ worker, the jobs it runs, the periodic tick and its cron.

- ``worker``  :class:`~worker.HelplineWorker`, which builds the service once
- ``tasks``   the jobs: the tick, sending an SMS, pausing after missed calls
- ``tick``    what the tick does every minute
- ``cron``    ``rq cron helpline.jobs.cron``: the tick every minute

A job never imports the web layer (import-linter checks it): the worker builds
the service itself (:mod:`helpline.bootstrap`), without Flask.
"""
