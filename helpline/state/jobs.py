"""The RQ queue of background jobs, named once.

Services enqueue through :class:`JobQueue`, by the job's import path, so no
service imports the jobs package (the worker imports it, RQ finds the function by
name). Only ids and counts travel through Redis: never a number or a text.
"""

from __future__ import annotations

import redis
from rq import Queue, Retry

from helpline.state.keys import QUEUE

DELIVER_SMS = "helpline.jobs.tasks.deliver_sms"
PAUSE_AFTER_MISSES = "helpline.jobs.tasks.pause_after_misses"
TICK = "helpline.jobs.tasks.tick"


class JobQueue:
    def __init__(self, queue: Queue, *, sms_retries: int, sms_intervals: list[int]) -> None:
        self.queue = queue
        self._sms_retry = Retry(max=sms_retries, interval=sms_intervals) if sms_retries else None

    @classmethod
    def on(cls, connection: redis.Redis, *, sms_retries: int, sms_intervals: list[int]) -> JobQueue:
        return cls(Queue(QUEUE, connection=connection), sms_retries=sms_retries,
                   sms_intervals=sms_intervals)

    def deliver_sms(self, message_id: int, kind: str) -> None:
        self.queue.enqueue(DELIVER_SMS, message_id, retry=self._sms_retry, job_timeout=60,
                           description=f"sms {kind} #{message_id}")

    def pause_after_misses(self, volunteer_id: int, count: int) -> None:
        self.queue.enqueue(PAUSE_AFTER_MISSES, volunteer_id, count, job_timeout=60)

    def tick(self) -> None:
        self.queue.enqueue(TICK, job_timeout=55, result_ttl=60)
