"""Loads and saves applications and fee-ledger entries through the unit of work's session; never commits.
Handlers reach them as `uow.applications`."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from certification.domain import errors
from certification.domain.application import Application
from certification.domain.enterprise_account import EnterpriseAccount
from certification.domain.records import Document, SisterCertification
from certification.domain.states import IN_AUDIT, TERMINAL, Status
from certification.orm import applications, documents, enterprise_accounts, fee_ledger, sister_app_certifications
from trust_common.contracts.platform import SisterAppCertificationChanged
from trust_common.events import EventEnvelope
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

    async def next_claimable(self, now: datetime, *, skip_accounts: Iterable[str] = ()) -> Application:
        """The waiting application with the earliest SLA due time; rows leased by concurrent claims are skipped,
        and so are the applications of `skip_accounts` (CERT-5: never one's own)."""
        stmt = (select(Application).where(
            (applications.c.status == Status.SUBMITTED)
            | ((applications.c.status == Status.IN_REVIEW) & (applications.c.lease_until <= now)),
            applications.c.account_id.not_in(list(skip_accounts)))
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

    async def following(self, source_reference: str) -> list[Application]:
        """CERT-9: the synced certifications that follow this sister-app certification, row-locked."""
        stmt = (select(Application).where(applications.c.source_reference == source_reference,
                                          applications.c.status.not_in([str(s) for s in TERMINAL]))
                .order_by(applications.c.id).with_for_update().execution_options(populate_existing=True))
        return list((await self.session.execute(stmt)).scalars().all())

    async def holds_enterprise_certification(self, account_id: str) -> Application | None:
        """CERT-11: the enterprise certification that stands for this account, if any."""
        stmt = select(Application).where(
            applications.c.account_id == account_id, applications.c.certification_type == "enterprise",
            applications.c.certified_at.is_not(None),
            applications.c.status.not_in([str(s) for s in TERMINAL | {Status.FAILED}]))
        return (await self.session.execute(stmt.limit(1))).scalars().first()

    async def has_open(self, account_id: str, certification_type: str, *, renewal_of: str | None = None) -> bool:
        """An application of this type (or only renewals of `renewal_of`) that is neither over nor failed."""
        stmt = select(applications.c.id).where(
            applications.c.account_id == account_id, applications.c.certification_type == certification_type,
            applications.c.status.not_in([str(s) for s in TERMINAL | {Status.FAILED}]))
        if renewal_of is not None:
            stmt = stmt.where(applications.c.renewal_of == renewal_of)
        return (await self.session.execute(stmt.limit(1))).first() is not None

    async def file_in_use(self, document: Document) -> bool:
        """Whether another current (not superseded) document points at this one's stored file (a renewal's
        copy does)."""
        stmt = select(documents.c.id).where(documents.c.storage_key == document.storage_key,
                                            documents.c.id != document.id, documents.c.superseded.is_(False))
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


class EnterpriseAccountRepository:
    """CERT-11: the free enterprise accounts."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, account: EnterpriseAccount) -> None:
        self.session.add(account)

    async def exists(self, account_id: str) -> bool:
        stmt = select(enterprise_accounts.c.account_id).where(enterprise_accounts.c.account_id == account_id)
        return (await self.session.execute(stmt)).first() is not None


class SisterAppRepository:
    """CERT-9: the sister app's certifications as its events told them: an upsert guarded by the sequence."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def apply(self, event: SisterAppCertificationChanged, envelope: EventEnvelope) -> bool:
        """Store the fact unless a newer one is stored already; False for a late, older fact."""
        values = {"reference": event.reference, "sister_account_id": event.sister_account_id,
                  "status": str(event.status), "valid_until": event.valid_until,
                  "enterprise_name": event.enterprise_name, "display_name": event.display_name,
                  "profile": event.profile.model_dump(mode="json"), "sequence": envelope.sequence,
                  "updated_at": envelope.occurred_at}
        stmt = pg_insert(sister_app_certifications).values(**values)
        result = await self.session.execute(stmt.on_conflict_do_update(
            index_elements=[sister_app_certifications.c.reference],
            set_={k: v for k, v in values.items() if k != "reference"},
            where=sister_app_certifications.c.sequence < stmt.excluded.sequence)
            .returning(sister_app_certifications.c.reference))
        return result.first() is not None

    async def get(self, reference: str) -> SisterCertification | None:
        row = (await self.session.execute(select(sister_app_certifications).where(
            sister_app_certifications.c.reference == reference))).mappings().first()
        return None if row is None else to_source(dict(row))


def to_source(row: Mapping[str, Any]) -> SisterCertification:
    return SisterCertification(reference=row["reference"], enterprise_name=row["enterprise_name"],
                               display_name=row["display_name"], valid_until=row["valid_until"],
                               sister_account_id=row["sister_account_id"], status=row["status"],
                               profile=dict(row["profile"]))


class UnitOfWork(CommonUnitOfWork):
    """The certification service's unit of work: one transaction, its repositories on it."""

    applications: ApplicationRepository
    enterprise_accounts: EnterpriseAccountRepository
    sister_app: SisterAppRepository

    def open_repositories(self) -> None:
        self.applications = ApplicationRepository(self.session)
        self.enterprise_accounts = EnterpriseAccountRepository(self.session)
        self.sister_app = SisterAppRepository(self.session)
