"""Read side: listings and single reads for the HTTP API (no changes, no events)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from certification.domain import errors
from certification.domain.application import Application
from certification.domain.enterprise_account import EnterpriseAccount
from certification.domain.records import Document
from certification.domain.states import IN_AUDIT, TERMINAL, Status
from certification.orm import application_history, applications, documents, enterprise_accounts
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
    # Issue 13: a superseded version is no longer served (its file is deleted when it is replaced).
    found = (await session.execute(select(Document).where(
        documents.c.id == document_id, documents.c.application_id == application_id,
        documents.c.superseded.is_(False)))).scalars().first()
    if found is None:
        raise errors.DocumentNotFound("no such document")
    return found


async def _load(session: AsyncSession, ids: list[str]) -> list[Application]:
    if not ids:
        return []
    found = {a.id: a for a in (await session.execute(select(Application).where(applications.c.id.in_(ids))))
             .scalars().all()}
    return [found[i] for i in ids]


async def enterprise_account(session: AsyncSession,
                             account_id: str) -> tuple[EnterpriseAccount, Application | None]:
    """CERT-11: the free enterprise account and the enterprise certification that stands for it, if any."""
    account = (await session.execute(select(EnterpriseAccount).where(
        enterprise_accounts.c.account_id == account_id))).scalars().first()
    if account is None:
        raise errors.EnterpriseAccountNotFound("no enterprise account was opened for this account")
    return account, await standing_certification(session, account_id)


async def standing_certification(session: AsyncSession, account_id: str) -> Application | None:
    """The enterprise certification that stands for an account (certified, possibly under re-review)."""
    return (await session.execute(select(Application).where(
        applications.c.account_id == account_id, applications.c.certification_type == "enterprise",
        applications.c.certified_at.is_not(None),
        applications.c.status.not_in([str(s) for s in TERMINAL | {Status.FAILED}])).limit(1))).scalars().first()


async def badge(session: AsyncSession, account_id: str) -> Application:
    """CERT-11: the blue V needs certification: an uncertified enterprise account is refused naming CERT-11."""
    certification = await standing_certification(session, account_id)
    if certification is not None:
        return certification
    await enterprise_account(session, account_id)  # 404 when there is no enterprise account at all
    raise errors.EnterpriseUncertified("this enterprise account is not certified; apply for enterprise "
                                       "certification to get the badge")
