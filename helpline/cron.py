"""RQ cron configuration: ``rq cron helpline.cron`` (needs REDIS_URL in the environment)."""

from rq import cron

from helpline.tasks import QUEUE, tick

cron.register(tick, QUEUE, interval=60, job_timeout=55)
