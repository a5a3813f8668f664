"""Loads and saves applications and fee-ledger entries through the unit of work's session; never commits.
Handlers reach them as `uow.applications`."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from certification.domain import errors
from certification.domain.application import Application
from certification.domain.states import IN_AUDIT, TERMINAL, Status
from certification.orm import applications, fee_ledger
from trust_common.uow import UnitOfWork as CommonUnitOfWork


class ApplicationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, application: Application) -> None:
        self.session.add(application)

    async def get(self, application_id: str, *, owner: str | None = None, lock: bool = False) -> Application:
        """The application, or 404; with `owner`, only that account's (X-3: another account's application
        is as good as absent, 404 never 403); `lock` takes its row lock for a decision."""
        stmt = select(Application).where(applications.c.id == application_id)
        if lock:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        application = (await self.session.execute(stmt)).scalars().first()
        if application is None or (owner is not None and application.account_id != owner):
            raise errors.ApplicationNotFound("no such application")
        return application

    async def next_claimable(self, now: datetime) -> Application:
        """The waiting application with the earliest SLA due time; rows leased by concurrent claims are skipped."""
        stmt = (select(Application).where(
            (applications.c.status == Status.SUBMITTED)
            | ((applications.c.status == Status.IN_REVIEW) & (applications.c.lease_until <= now)))
            .order_by(applications.c.review_due_at, applications.c.id).limit(1)
            .with_for_update(skip_locked=True))
        application = (await self.session.execute(stmt)).scalars().first()
        if application is None:
            raise errors.ApplicationNotFound("no application is waiting for review")
        return application

    async def of_account(self, account_id: str) -> list[Application]:
        stmt = select(Application).where(applications.c.account_id == account_id,
                                         applications.c.status.not_in([str(s) for s in TERMINAL]))
        return list((await self.session.execute(stmt)).scalars().all())

    async def open_renewals_of(self, application_id: str) -> list[Application]:
        """CERT-8: the renewal applications of a certification that are not over yet (failed ones included),
        row-locked: a decision on a renewal locks the renewal first, then its predecessor, and so does this."""
        stmt = (select(Application).where(applications.c.renewal_of == application_id,
                                          applications.c.status.not_in([str(s) for s in TERMINAL]))
                .order_by(applications.c.id).with_for_update().execution_options(populate_existing=True))
        return list((await self.session.execute(stmt)).scalars().all())

    async def has_open(self, account_id: str, certification_type: str, *, renewal_of: str | None = None) -> bool:
        """An application of this type (or only renewals of `renewal_of`) that is neither over nor failed."""
        stmt = select(applications.c.id).where(
            applications.c.account_id == account_id, applications.c.certification_type == certification_type,
            applications.c.status.not_in([str(s) for s in TERMINAL | {Status.FAILED}]))
        if renewal_of is not None:
            stmt = stmt.where(applications.c.renewal_of == renewal_of)
        return (await self.session.execute(stmt.limit(1))).first() is not None

    async def count_overdue(self, now: datetime) -> int:
        """CERT-5: the applications in audit past their due time."""
        return (await self.session.execute(select(func.count()).select_from(applications).where(
            applications.c.status.in_([str(s) for s in IN_AUDIT]), applications.c.review_due_at < now))).scalar_one()

    async def open_fee(self, application_id: str, account_id: str, amount_cny: int, now: datetime) -> bool:
        """CERT-4: write the ledger line of this application's one fee; False when it exists already.

        A concurrent writer waits on the primary key and then finds the line: it never charges."""
        result = await self.session.execute(
            pg_insert(fee_ledger).values(application_id=application_id, account_id=account_id,
                                         amount_cny=amount_cny, charged_at=now)
            .on_conflict_do_nothing().returning(fee_ledger.c.application_id))
        return result.first() is not None

    async def settle_fee(self, application_id: str, payment_reference: str) -> None:
        await self.session.execute(update(fee_ledger).where(fee_ledger.c.application_id == application_id)
                                   .values(payment_reference=payment_reference))


class UnitOfWork(CommonUnitOfWork):
    """The certification service's unit of work: one transaction, its repositories on it."""

    applications: ApplicationRepository

    def open_repositories(self) -> None:
        self.applications = ApplicationRepository(self.session)
