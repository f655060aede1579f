"""The service's RQ worker: it builds the service once, runs each job with it (in a forked
work horse or in process), and a job outside it is refused with a clear message."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rq import Queue

from helpline.bootstrap import Helpline
from helpline.jobs import tasks
from helpline.jobs.worker import HelplineWorker, SimpleHelplineWorker, current
from helpline.state.connection import blocking_client
from helpline.state.keys import QUEUE
from routing.model import VolunteerState
from tests.support import add_volunteer

MONDAY = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("kind", [HelplineWorker, SimpleHelplineWorker],
                         ids=["forking", "in-process"])
def test_the_tick_runs_in_the_worker_with_its_service(
    service: Helpline, kind: type[HelplineWorker]
) -> None:
    vid = add_volunteer(service, "amina", "+4791000001", ["so"])
    connection = blocking_client(service.redis)
    queue = Queue(QUEUE, connection=connection)
    job = queue.enqueue(tasks.tick, MONDAY.isoformat())
    kind([queue], connection=connection, helpline=service).work(burst=True)
    result = job.latest_result()
    assert result is not None and result.return_value is not None
    assert result.return_value.ran and result.return_value.on_shift == 1
    assert service.availability.state(vid) == VolunteerState.FREE
    connection.close()


def test_a_job_outside_the_worker_is_refused() -> None:
    with pytest.raises(RuntimeError, match="helpline worker"):
        current()
