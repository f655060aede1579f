"""RQ cron configuration: ``rq cron helpline.jobs.cron`` (needs REDIS_URL in the environment)."""

from rq import cron

from helpline.jobs.tasks import tick
from helpline.state.keys import QUEUE

cron.register(tick, QUEUE, interval=60, job_timeout=55)
