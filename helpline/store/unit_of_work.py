"""The unit of work: one database transaction per use case, with its repositories.

A use case (a webhook step, a page's form, a job, a command) opens one unit of
work, reads and changes through its repositories, and calls :meth:`commit`;
anything not committed is rolled back when the block ends. Only the use case
commits: repositories and helpers never do. Work that must wait until the
change is stored (enqueueing the job that sends an SMS) is registered with
:meth:`on_commit` and runs right after a successful commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from helpline.store.repositories import (
    Accounts,
    AuditLog,
    CallRecords,
    OutboundMessages,
    ScheduleDocuments,
    Volunteers,
)

log = logging.getLogger(__name__)


class UnitOfWork:
    """``with db.unit_of_work() as uow: ...; uow.commit()``."""

    session: Session
    volunteers: Volunteers
    calls: CallRecords
    schedule: ScheduleDocuments
    accounts: Accounts
    audit: AuditLog
    messages: OutboundMessages

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._after_commit: list[Callable[[], None]] = []

    def __enter__(self) -> UnitOfWork:
        self.session = self._sessions()
        self.volunteers = Volunteers(self.session)
        self.calls = CallRecords(self.session)
        self.schedule = ScheduleDocuments(self.session)
        self.accounts = Accounts(self.session)
        self.audit = AuditLog(self.session)
        self.messages = OutboundMessages(self.session)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.session.close()  # rolls back whatever was not committed
        self._after_commit.clear()

    def commit(self) -> None:
        """Store every change; then run what waited for it (:meth:`on_commit`)."""
        self.session.commit()
        waiting, self._after_commit = self._after_commit, []
        for action in waiting:
            action()

    def rollback(self) -> None:
        self.session.rollback()
        self._after_commit.clear()

    def flush(self) -> None:
        """Send the changes so far (ids are assigned; constraints are checked)."""
        self.session.flush()

    def on_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` right after the next successful commit (never on a rollback)."""
        self._after_commit.append(action)
