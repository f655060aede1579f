"""The audit log: who (a coordinator) changed which volunteer, shift or account,
when.

Written in the same unit of work as the change itself, so a change and its
entry are committed together or not at all. Entries never hold a phone number:
a volunteer is named by her key.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpline.coordinator import bp
from helpline.coordinator.auth import admin_required, me
from helpline.db import get_db
from helpline.models import AuditEntry
from helpline.privacy import redact

PAGE_SIZE = 100


def record(session: Session, action: str, subject: str, detail: str = "") -> None:
    """Add an entry for the logged-in coordinator; the caller commits."""
    user = me()
    session.add(
        AuditEntry(
            at=datetime.now(UTC),
            account_id=user.id,
            actor=user.username,
            action=action,
            subject=subject[:200],
            detail=redact(detail),
        )
    )


@bp.get("/audit")
@admin_required
def audit_log() -> str:
    page = max(1, request.args.get("page", 1, type=int) or 1)
    with get_db().unit_of_work() as session:
        total = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        entries = session.scalars(
            select(AuditEntry)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        ).all()
    pages = max(1, -(-total // PAGE_SIZE))
    return render_template("coordinator/audit.html", entries=entries, page=page, pages=pages)
