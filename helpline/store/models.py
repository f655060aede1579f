"""SQLAlchemy models: volunteers, their languages and shifts, the call log, and the
coordinators' accounts with the audit log of their changes.

The call log is anonymous by construction: it has no column that could hold a
caller's number. ``call_ref`` is a keyed hash of Twilio's CallSid that makes the
status callback idempotent; without the secret it cannot be matched to Twilio's
own logs.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from schedules.phones import phone_number


class Base(DeclarativeBase):
    pass


class Level(enum.StrEnum):
    """How a volunteer speaks a language, which decides her routing tier."""

    PRIMARY = "primary"
    SECONDARY = "secondary"
    BACKUP = "backup"


class CallOutcome(enum.StrEnum):
    """How a call ended, from the caller's side."""

    ANSWERED = "answered"  # a volunteer accepted and talked with her
    NO_VOLUNTEER = "no_volunteer"  # nobody could take it; she was told what to do next
    NOT_ANSWERED = "not_answered"  # volunteers were rung but none accepted in time
    ABANDONED = "abandoned"  # she hung up while waiting for a volunteer
    NO_LANGUAGE = "no_language"  # she hung up in the menu before choosing
    EMERGENCY = "emergency"  # degraded mode: forwarded to the duty phone


class Volunteer(Base):
    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(16), unique=True)
    preferred_language: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    checked_in: Mapped[bool] = mapped_column(default=True)
    paused_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    languages: Mapped[list[VolunteerLanguage]] = relationship(
        back_populates="volunteer", cascade="all, delete-orphan", lazy="selectin"
    )

    @validates("phone")
    def _check_phone(self, _key: str, value: str) -> str:
        """The last guard: whoever sets it (page, import, script) checked it already,
        with the helpline's own numbers, through the same function."""
        return phone_number(value, strict=True)

    def speaks(self) -> dict[str, Level]:
        return {lang.language: Level(lang.level) for lang in self.languages}

    def __repr__(self) -> str:  # never shows the phone number
        return f"<Volunteer {self.id} {self.key}>"


class VolunteerLanguage(Base):
    __tablename__ = "volunteer_languages"
    __table_args__ = (UniqueConstraint("volunteer_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16), default=Level.PRIMARY.value)

    volunteer: Mapped[Volunteer] = relationship(back_populates="languages")


class ScheduleDocument(Base):
    """One schedule file (YAML, see ``schedules.yaml_io``) as coordinators wrote it.

    The documents together are the truth of who is on shift when. They are
    stored as text, so that an import keeps the coordinators' comments and an
    export gives back what was imported; every save is validated as a whole
    by the ``schedules`` package first.
    """

    __tablename__ = "schedule_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(200))


class CallRecord(Base):
    """One anonymous record per call. No caller number, by construction."""

    __tablename__ = "call_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_ref: Mapped[str] = mapped_column(String(32), unique=True)
    started_minute: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    language: Mapped[str | None] = mapped_column(String(16), index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    wait_seconds: Mapped[int] = mapped_column(default=0)
    talk_seconds: Mapped[int] = mapped_column(default=0)
    tries: Mapped[int] = mapped_column(default=0)
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL"), default=None
    )
    topic: Mapped[str | None] = mapped_column(String(32), default=None)


class Role(enum.StrEnum):
    """What a coordinator account may do."""

    ADMIN = "admin"  # sees and edits everything, manages accounts, reads the audit log
    COORDINATOR = "coordinator"  # edits only the languages she is responsible for


class Account(Base):
    """A coordinator's login to the web interface. The password is an argon2 hash."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default=Role.COORDINATOR.value)
    locale: Mapped[str] = mapped_column(String(8), default="en")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    """Every session carries the generation it began in; raising it ends them all
    (:func:`helpline.accounts.end_sessions`)."""

    languages: Mapped[list[AccountLanguage]] = relationship(
        back_populates="account", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value

    def responsible_for(self) -> frozenset[str]:
        """The language codes she coordinates (an administrator coordinates all)."""
        return frozenset(row.language for row in self.languages)

    def __repr__(self) -> str:  # never shows the hash
        return f"<Account {self.id} {self.username} {self.role}>"


class AccountLanguage(Base):
    """A language a coordinator is responsible for."""

    __tablename__ = "account_languages"
    __table_args__ = (UniqueConstraint("account_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(16))

    account: Mapped[Account] = relationship(back_populates="languages")


class AuditEntry(Base):
    """Who (a coordinator, never a caller) changed what, when.

    ``actor`` is kept as text as well as the account id, so the log still reads
    after an account is removed. ``detail`` is a short plain-language summary; it
    never holds a phone number.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), default=None
    )
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")


# -- volunteers' SMS (issue #8): outbound messages and their delivery --------------


class MessageStatus(enum.StrEnum):
    """Where an outbound SMS is in its delivery."""

    QUEUED = "queued"  # waiting for an RQ worker
    RETRYING = "retrying"  # a send failed; RQ tries again after a pause
    SENT = "sent"  # Twilio accepted it
    FAILED = "failed"  # every try failed: coordinators see it (`helpline messages failed`)


class OutboundMessage(Base):
    """One SMS to a volunteer and how its sending went.

    It names the volunteer, not her number (looked up when sending), and its
    body never mentions a caller.
    """

    __tablename__ = "outbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # reminder, paused, note_request, reply
    body: Mapped[str] = mapped_column(String(640))
    status: Mapped[str] = mapped_column(String(12), index=True, default=MessageStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(300), default=None)
    provider_sid: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
