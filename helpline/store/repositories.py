"""Repositories: every database query of the service, one class per table group.

Each takes the unit of work's session; none commits (the use case does, through
:class:`helpline.store.unit_of_work.UnitOfWork`). Datetimes come back aware, in
UTC, whatever the database (SQLite hands back naive ones).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Insert, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from helpline.store.models import (
    Account,
    AuditEntry,
    CallOutcome,
    CallRecord,
    MessageStatus,
    OutboundMessage,
    Role,
    ScheduleDocument,
    Volunteer,
)


def aware(moment: datetime) -> datetime:
    """``moment`` in UTC (a naive datetime from SQLite is UTC as stored)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Repository:
    """The queries of one table group, in the unit of work's session."""

    def __init__(self, session: Session) -> None:
        self.session = session


class Volunteers(Repository):
    def add(self, volunteer: Volunteer) -> None:
        self.session.add(volunteer)

    def get(self, volunteer_id: int) -> Volunteer | None:
        return self.session.get(Volunteer, volunteer_id)

    def all(self) -> list[Volunteer]:
        return list(self.session.scalars(select(Volunteer)))

    def active(self) -> list[Volunteer]:
        return list(self.session.scalars(select(Volunteer).where(Volunteer.active.is_(True))))

    def listing(self, *, active_only: bool) -> list[Volunteer]:
        """Volunteers by name, for coordinators."""
        query = select(Volunteer).order_by(Volunteer.name)
        if active_only:
            query = query.where(Volunteer.active.is_(True))
        return list(self.session.scalars(query))

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(Volunteer)) or 0

    def phones(self, volunteer_ids: Sequence[int]) -> dict[int, str]:
        rows = self.session.execute(
            select(Volunteer.id, Volunteer.phone).where(Volunteer.id.in_(volunteer_ids))
        )
        return {vid: phone for vid, phone in rows}

    def phone(self, volunteer_id: int) -> str | None:
        return self.session.scalar(select(Volunteer.phone).where(Volunteer.id == volunteer_id))

    def preferred_language(self, volunteer_id: int) -> str | None:
        return self.session.scalar(
            select(Volunteer.preferred_language).where(Volunteer.id == volunteer_id)
        )

    def active_id_by_phone(self, phone: str) -> int | None:
        return self.session.scalar(
            select(Volunteer.id).where(Volunteer.phone == phone, Volunteer.active.is_(True))
        )

    def with_phone(self, phone: str) -> Volunteer | None:
        return self.session.scalar(select(Volunteer).where(Volunteer.phone == phone))

    def names(self, *, active_only: bool = False) -> dict[int, str]:
        query = select(Volunteer.id, Volunteer.name)
        if active_only:
            query = query.where(Volunteer.active.is_(True))
        return {vid: name for vid, name in self.session.execute(query)}

    def names_by_key(self) -> dict[str, str]:
        rows = self.session.execute(select(Volunteer.key, Volunteer.name))
        return {key: name for key, name in rows}

    def keys_starting(self, base: str) -> set[str]:
        query = select(Volunteer.key).where(Volunteer.key.like(f"{base}%"))
        return set(self.session.scalars(query))

    def languages_spoken(self) -> dict[str, frozenset[str]]:
        """Each volunteer's key and the languages she speaks (what schedules check)."""
        return {volunteer.key: frozenset(volunteer.speaks()) for volunteer in self.all()}


@dataclass(frozen=True)
class CallSummary:
    """The fields of one call record that statistics use."""

    started: datetime  # UTC, to the minute
    language: str | None
    outcome: str
    wait_seconds: int
    talk_seconds: int


class CallRecords(Repository):
    """The anonymous call log: one record per ``call_ref``.

    A call's record comes from one of two places: the status callback, from the
    progress kept while the call was in flight (:meth:`insert_once`), and the
    degraded-mode spool, which knows only that the call was forwarded to the
    duty phone (:meth:`mark_emergency`). Whichever reaches the database first,
    the record ends the same: the outcome ``emergency`` when the spool had it,
    every other field from the status callback when there was one.
    """

    def insert_once(self, record: Mapping[str, object]) -> bool:
        """Insert the record a call's progress gives unless its ``call_ref`` is stored
        already; True if new. A stored emergency record gains its fields (not its
        outcome): the spool knew only that the call was forwarded."""
        if self._insert_new(record):
            return True
        facts = {name: value for name, value in record.items()
                 if name not in ("call_ref", "outcome") and value is not None}
        self.session.execute(
            update(CallRecord)
            .where(CallRecord.call_ref == record["call_ref"],
                   CallRecord.outcome == CallOutcome.EMERGENCY.value)
            .values(**facts))
        return False

    def mark_emergency(self, record: Mapping[str, object]) -> bool:
        """Insert a spooled emergency record, or make the stored record of its call
        say ``emergency``; True if this changed anything."""
        if self._insert_new(record):
            return True
        result = self.session.execute(
            update(CallRecord)
            .where(CallRecord.call_ref == record["call_ref"],
                   CallRecord.outcome != CallOutcome.EMERGENCY.value)
            .values(outcome=CallOutcome.EMERGENCY.value,
                    language=func.coalesce(CallRecord.language, record["language"])))
        return bool(getattr(result, "rowcount", 1))

    def _insert_new(self, record: Mapping[str, object]) -> bool:
        """Insert one record unless its ``call_ref`` is stored already; True if new."""
        statement: Insert
        if self.session.get_bind().dialect.name == "postgresql":
            statement = postgresql.insert(CallRecord).on_conflict_do_nothing(
                index_elements=["call_ref"])
        elif self.session.get_bind().dialect.name == "sqlite":
            statement = sqlite.insert(CallRecord).on_conflict_do_nothing(
                index_elements=["call_ref"])
        else:  # pragma: no cover - the service runs on PostgreSQL or SQLite
            statement = insert(CallRecord)
        # RETURNING, not rowcount: an insert that did nothing may report -1 rows
        inserted = self.session.execute(statement.values(**record).returning(CallRecord.id))
        return inserted.first() is not None

    def set_topic(self, call_ref: str, volunteer_id: int, topic: str) -> bool:
        """The topic of the call she answered; False if there is no such record."""
        result = self.session.execute(
            update(CallRecord)
            .where(CallRecord.call_ref == call_ref, CallRecord.volunteer_id == volunteer_id)
            .values(topic=topic)
        )
        return bool(getattr(result, "rowcount", 1))

    def summaries(self, start: datetime | None = None, end: datetime | None = None
                  ) -> list[CallSummary]:
        """Every call that started in ``[start, end)`` (all of them by default)."""
        query = select(CallRecord.started_minute, CallRecord.language, CallRecord.outcome,
                       CallRecord.wait_seconds, CallRecord.talk_seconds)
        if start is not None:
            query = query.where(CallRecord.started_minute >= start)
        if end is not None:
            query = query.where(CallRecord.started_minute < end)
        return [CallSummary(aware(started), language, outcome, wait, talk)
                for started, language, outcome, wait, talk in self.session.execute(query)]

    def all(self) -> list[CallRecord]:
        return list(self.session.scalars(select(CallRecord).order_by(CallRecord.id)))

    def counts(self) -> list[tuple[str | None, str, int]]:
        """How many records there are per language and outcome."""
        query = (select(CallRecord.language, CallRecord.outcome, func.count())
                 .group_by(CallRecord.language, CallRecord.outcome))
        return [(language, outcome, count)
                for language, outcome, count in self.session.execute(query)]

    def delete_started_before(self, cutoff: datetime) -> int:
        """Delete the records of calls that started before ``cutoff`` (retention)."""
        result = self.session.execute(delete(CallRecord).where(CallRecord.started_minute < cutoff))
        return int(getattr(result, "rowcount", 0) or 0)


class ScheduleDocuments(Repository):
    """The schedule files as coordinators wrote them (the truth of who is on shift)."""

    def texts(self) -> dict[str, str]:
        """The stored files, by name."""
        rows = self.session.scalars(select(ScheduleDocument).order_by(ScheduleDocument.name))
        return {row.name: row.text for row in rows}

    def version(self) -> tuple[object, ...]:
        """Changes whenever any document changes (one cheap query)."""
        return tuple(self.session.execute(
            select(func.count(ScheduleDocument.id), func.max(ScheduleDocument.updated_at))
        ).one())

    def replace(self, texts: Mapping[str, str], *, actor: str, now: datetime) -> None:
        """Store ``texts`` in place of every document."""
        self.session.execute(delete(ScheduleDocument))
        self.session.add_all(
            ScheduleDocument(name=name, text=text, updated_at=now, updated_by=actor)
            for name, text in texts.items()
        )
        self.session.flush()


class Accounts(Repository):
    def add(self, account: Account) -> None:
        self.session.add(account)

    def get(self, account_id: int) -> Account | None:
        return self.session.get(Account, account_id)

    def by_username(self, username: str) -> Account | None:
        return self.session.scalar(select(Account).where(Account.username == username))

    def all(self) -> list[Account]:
        return list(self.session.scalars(select(Account).order_by(Account.username)))

    def other_active_admins(self, account: Account) -> int:
        return self.session.scalar(
            select(func.count()).select_from(Account).where(
                Account.role == Role.ADMIN.value, Account.active.is_(True),
                Account.id != account.id)
        ) or 0


class AuditLog(Repository):
    def add(self, entry: AuditEntry) -> None:
        self.session.add(entry)

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(AuditEntry)) or 0

    def page(self, offset: int, limit: int) -> list[AuditEntry]:
        """Newest first."""
        return list(self.session.scalars(
            select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit).offset(offset)
        ))


class OutboundMessages(Repository):
    def add(self, message: OutboundMessage) -> int:
        """Store a new message; its id."""
        self.session.add(message)
        self.session.flush()
        return message.id

    def get(self, message_id: int) -> OutboundMessage | None:
        return self.session.get(OutboundMessage, message_id)

    def failed(self, limit: int = 100) -> list[OutboundMessage]:
        """The messages that could not be sent, newest first."""
        return list(self.session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.status == MessageStatus.FAILED.value)
            .order_by(OutboundMessage.id.desc())
            .limit(limit)
        ))

    def failed_count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(OutboundMessage)
                                       .where(OutboundMessage.status == MessageStatus.FAILED))
                   or 0)

    def all(self) -> list[OutboundMessage]:
        return list(self.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))

