"""Facts from other systems: certification status (EMP-18) and platform accounts (EMP-9, EMP-13)."""
from __future__ import annotations

from datetime import datetime

from trust_common.contracts import certification as cert
from trust_common.contracts.platform import AccountChanged, AccountDeleted, AccountRegistered
from trust_common.events import EventEnvelope
from trust_common.projections import load_account
from trust_common.uow import UnitOfWork

from employee_accounts.domain.account import departure_blocked
from employee_accounts.repository import Repository


async def _certify(uow: UnitOfWork, enterprise_id: str, application_id: str, valid_until: datetime | None) -> None:
    repo = Repository(uow.session)
    enterprise = await repo.lock_enterprise(enterprise_id, uow.clock.now())
    enterprise.certify(application_id, valid_until, uow.clock.now(), await repo.employee_ids(enterprise_id))


async def _lapse(uow: UnitOfWork, enterprise_id: str, application_id: str, reason: str) -> None:
    repo = Repository(uow.session)
    enterprise = await repo.lock_enterprise(enterprise_id, uow.clock.now())
    enterprise.lapse(application_id, reason, uow.clock.now(), await repo.employee_ids(enterprise_id))


def _enterprise(event: cert._ApplicationEvent) -> bool:
    return event.certification_type is cert.CertificationType.ENTERPRISE


async def on_approved(event: cert.ApplicationApproved, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """Certified (also a renewal approved): the enterprise may grant; suspended grants come back (EMP-18)."""
    if _enterprise(event):
        await _certify(uow, event.account_id, event.application_id, event.valid_until)


async def on_renewed(event: cert.CertificationRenewed, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """EMP-18: renewal restores suspended grants."""
    if _enterprise(event):
        await _certify(uow, event.account_id, event.application_id, event.valid_until)


async def on_expired(event: cert.CertificationExpired, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """EMP-18: expiry suspends grants (kept, not deleted)."""
    if _enterprise(event):
        await _lapse(uow, event.account_id, event.application_id, "expired")


async def on_cancelled(event: cert.CertificationCancelled, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """EMP-18: cancellation suspends grants; a withdrawn, never-certified application changes nothing."""
    if _enterprise(event) and event.was_certified:
        await _lapse(uow, event.account_id, event.application_id, "cancelled")


async def on_account_fact(event: AccountRegistered | AccountChanged | AccountDeleted, envelope: EventEnvelope,
                          uow: UnitOfWork) -> None:
    """After the projection: settle held departures (EMP-9) and end deleted authorisations (EMP-13)."""
    repo = Repository(uow.session)
    now = uow.clock.now()
    if isinstance(event, AccountDeleted):
        authorised = await repo.authorised_personal(event.account_id)
        if authorised is not None:
            authorised.end_authorisation(now)
        return
    facts = await load_account(uow.session, event.account_id)
    for account in await repo.pending_departures(event.account_id):
        account.settle_departure(blocked=departure_blocked(facts), now=now)


CERTIFICATION_HANDLERS = {
    cert.ApplicationApproved: on_approved,
    cert.CertificationRenewed: on_renewed,
    cert.CertificationExpired: on_expired,
    cert.CertificationCancelled: on_cancelled,
}
