"""The audit log: who (a coordinator) changed which volunteer, shift or account, when.

Written in the same unit of work as the change itself, so a change and its
entry are committed together or not at all. Entries never hold a phone number:
a volunteer is named by her key.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, render_template

from helpline.bootstrap import from_app
from helpline.coordinator.auth import admin_required, me
from helpline.coordinator.query import query
from helpline.privacy import redact
from helpline.store.models import AuditEntry
from helpline.store.unit_of_work import UnitOfWork

bp = Blueprint("audit", __name__)

PAGE_SIZE = 100


def record(uow: UnitOfWork, action: str, subject: str, detail: str = "") -> None:
    """Add an entry for the logged-in coordinator; the use case commits."""
    user = me()
    uow.audit.add(
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
def log() -> str:
    page = query().page or 1
    with from_app().db.unit_of_work() as uow:
        total = uow.audit.count()
        entries = uow.audit.page((page - 1) * PAGE_SIZE, PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    return render_template("coordinator/audit.html", entries=entries, page=page, pages=pages)
