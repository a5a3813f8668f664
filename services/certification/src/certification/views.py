"""Read side: listings and single reads for the HTTP API (no changes, no events)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from certification.domain import errors
from certification.domain.application import Application
from certification.domain.records import Document
from certification.domain.states import IN_AUDIT
from certification.orm import application_history, applications, documents
from trust_common.pagination import PageRequest, paginate


async def application(session: AsyncSession, application_id: str, *, account_id: str | None,
                      reviewed_only: bool = False) -> Application:
    """One application; with `account_id`, only if that account owns it; with `reviewed_only` (auditors),
    only if it was ever sent to audit (X-3: otherwise 404)."""
    app = (await session.execute(select(Application).where(applications.c.id == application_id))).scalars().first()
    if app is None or (account_id is not None and app.account_id != account_id) or (
            reviewed_only and app.submission_number == 0):
        raise errors.ApplicationNotFound("no such application")
    return app


async def applications_of(session: AsyncSession, account_id: str,
                          page: PageRequest) -> tuple[list[Application], str | None]:
    stmt = select(applications.c.id, applications.c.created_at).where(applications.c.account_id == account_id)
    rows, next_cursor = await paginate(session, stmt, [applications.c.created_at, applications.c.id], page)
    return await _load(session, [r.id for r in rows]), next_cursor


async def review_queue(session: AsyncSession, page: PageRequest, *,
                       overdue_at: datetime | None = None) -> tuple[list[Application], str | None]:
    """Applications in audit ordered by SLA due time (CERT-5); `overdue_at` keeps only the overdue ones."""
    stmt = select(applications.c.id, applications.c.review_due_at).where(
        applications.c.status.in_([str(s) for s in IN_AUDIT]))
    if overdue_at is not None:
        stmt = stmt.where(applications.c.review_due_at < overdue_at)
    rows, next_cursor = await paginate(session, stmt, [applications.c.review_due_at, applications.c.id], page)
    return await _load(session, [r.id for r in rows]), next_cursor


async def history(session: AsyncSession, application_id: str,
                  page: PageRequest) -> tuple[list[dict[str, Any]], str | None]:
    """CERT-12: the audit trail, oldest first."""
    stmt = select(application_history).where(application_history.c.application_id == application_id)
    rows, next_cursor = await paginate(session, stmt, [application_history.c.seq], page)
    return [dict(r._mapping) for r in rows], next_cursor


async def document(session: AsyncSession, application_id: str, document_id: str) -> Document:
    found = (await session.execute(select(Document).where(
        documents.c.id == document_id, documents.c.application_id == application_id))).scalars().first()
    if found is None:
        raise errors.DocumentNotFound("no such document")
    return found


async def _load(session: AsyncSession, ids: list[str]) -> list[Application]:
    if not ids:
        return []
    found = {a.id: a for a in (await session.execute(select(Application).where(applications.c.id.in_(ids))))
             .scalars().all()}
    return [found[i] for i in ids]
