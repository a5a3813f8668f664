"""Notices from the producers' facts: certification (NOTE-2), an employee's departure (NOTE-3), and
authorisations and support cases (NOTE-5).
Each notification's id derives from the event id, so a repeated event notifies once (NOTE-4)."""
from __future__ import annotations

from typing import Any

from notifier.domain.kinds import Kind
from notifier.domain.notification import Notification, Tenant
from notifier.handlers.deliveries import notify
from notifier.repository import UnitOfWork
from trust_common.contracts import certification as cert
from trust_common.contracts import employee_accounts as emp
from trust_common.contracts import shop_binding as shop
from trust_common.events import EventEnvelope

CertificationFact = (cert.ApplicationSubmitted | cert.ApplicationApproved | cert.ApplicationRejected
                     | cert.ApplicationFailed | cert.ExpiryReminderDue | cert.CertificationRenewed
                     | cert.BadgeSuspended | cert.CertificationExpired | cert.CertificationCancelled)


def _certification_notice(kind: Kind, event: CertificationFact, envelope: EventEnvelope, uow: UnitOfWork,
                          **params: Any) -> Notification:
    # The enterprise of an enterprise application is its main account (see the contract).
    tenant = Tenant("enterprise", event.account_id) if event.certification_type == cert.CertificationType.ENTERPRISE \
        else None
    return Notification.compose(kind, event.account_id, {"application_id": event.application_id, **params},
                                cause=f"{envelope.event_id}", now=uow.clock.now(), tenant=tenant)


async def application_submitted(event: cert.ApplicationSubmitted, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    await notify(_certification_notice(Kind.CERT_SUBMITTED, event, envelope, uow,
                                       review_due_at=event.review_due_at.isoformat()), uow)


async def application_approved(event: cert.ApplicationApproved, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    await notify(_certification_notice(Kind.CERT_OUTCOME, event, envelope, uow, outcome="approved",
                                       valid_until=event.valid_until.isoformat() if event.valid_until else None), uow)


async def application_rejected(event: cert.ApplicationRejected, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """NOTE-2: the outcome with its reasons, and the 10-day correction deadline (CERT-7)."""
    reasons = [f"{r.target}: {r.code}" for r in event.reasons]
    deadline = event.correction_deadline.strftime("%Y-%m-%d %H:%M UTC")
    await notify(_certification_notice(Kind.CERT_OUTCOME, event, envelope, uow, outcome="rejected",
                                       reasons=reasons), uow)
    await notify(_certification_notice(Kind.CERT_CORRECTION_DEADLINE, event, envelope, uow, deadline=deadline), uow)


async def application_failed(event: cert.ApplicationFailed, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """NOTE-2: the failure, and the 30-day window to reopen (CERT-7)."""
    deadline = event.reopen_deadline.strftime("%Y-%m-%d %H:%M UTC")
    await notify(_certification_notice(Kind.CERT_OUTCOME, event, envelope, uow, outcome="failed",
                                       reasons=[str(event.reason)]), uow)
    await notify(_certification_notice(Kind.CERT_REOPEN_WINDOW, event, envelope, uow, deadline=deadline), uow)


async def expiry_reminder_due(event: cert.ExpiryReminderDue, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """NOTE-2: before the one-year validity ends (CERT-8)."""
    await notify(_certification_notice(Kind.CERT_EXPIRY_REMINDER, event, envelope, uow, days_left=event.days_left,
                                       expires_at=event.valid_until.strftime("%Y-%m-%d")), uow)


async def certification_renewed(event: cert.CertificationRenewed, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """NOTE-2: the outcome of a renewal review (CERT-8); certification publishes this, not ApplicationApproved."""
    await notify(_certification_notice(Kind.CERT_RENEWED, event, envelope, uow, renewal_of=event.renewal_of,
                                       valid_until=event.valid_until.strftime("%Y-%m-%d")), uow)


async def badge_suspended(event: cert.BadgeSuspended, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """NOTE-2: the profile re-review did not pass (in time or at all); the badge is off until it does (CERT-2)."""
    await notify(_certification_notice(Kind.CERT_BADGE_SUSPENDED, event, envelope, uow, reason=event.reason), uow)


async def certification_expired(event: cert.CertificationExpired, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """NOTE-2: unrenewed, the certification expired and the badge is gone (CERT-8)."""
    await notify(_certification_notice(Kind.CERT_EXPIRED, event, envelope, uow,
                                       expired_at=event.expired_at.strftime("%Y-%m-%d")), uow)


async def certification_cancelled(event: cert.CertificationCancelled, envelope: EventEnvelope,
                                  uow: UnitOfWork) -> None:
    """NOTE-2: a held certification was cancelled and the badge is gone (CERT-10). A withdrawn application
    (never certified) has no badge to lose, and a deleted account has no one left to tell."""
    if not event.was_certified or event.cancelled_by == cert.CancelledBy.ACCOUNT_DELETED:
        return
    await notify(_certification_notice(Kind.CERT_CANCELLED, event, envelope, uow,
                                       cancelled_by=str(event.cancelled_by)), uow)


async def departure_awaiting_unbinding(event: emp.EmployeeDepartureAwaitingRealNameUnbinding,
                                       envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """NOTE-3: the departing employee must unbind their real name (EMP-9)."""
    notice = Notification.compose(Kind.DEPARTURE_UNBIND, event.employee_account_id,
                                  {"employee_account_id": event.employee_account_id,
                                   "enterprise_id": event.enterprise_id},
                                  cause=f"{envelope.event_id}", now=uow.clock.now(),
                                  tenant=Tenant("enterprise", event.enterprise_id), address_hint=event.login_email)
    await notify(notice, uow)


def _authorisation_notice(kind: Kind, event: emp.AuthorisationChanged | emp.AuthorisationValidityEnding
                          | emp.AuthorisationValidityEnded, envelope: EventEnvelope, uow: UnitOfWork,
                          recipient: str, *, tenant: Tenant | None, **params: Any) -> Notification:
    return Notification.compose(kind, recipient, {"employee_account_id": event.employee_account_id,
                                                  "enterprise_id": event.enterprise_id, **params},
                                cause=f"{envelope.event_id}", now=uow.clock.now(), tenant=tenant)


async def _to_both_sides(kind: Kind, event: emp.AuthorisationValidityEnding | emp.AuthorisationValidityEnded,
                         envelope: EventEnvelope, uow: UnitOfWork, **params: Any) -> None:
    """EMP-21: the employee and the main account are each told. Decision: the enterprise's webhooks get
    the main account's copy only, so one fact reaches a webhook once."""
    await notify(_authorisation_notice(kind, event, envelope, uow, event.account_id, tenant=None, **params), uow)
    await notify(_authorisation_notice(kind, event, envelope, uow, event.enterprise_id,
                                       tenant=Tenant("enterprise", event.enterprise_id), **params), uow)


async def authorisation_changed(event: emp.AuthorisationChanged, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """NOTE-5: the employee is told their authorisation changed (EMP-19); the enterprise's webhooks get a copy."""
    await notify(_authorisation_notice(
        Kind.AUTHORISATION_CHANGED, event, envelope, uow, event.account_id,
        tenant=Tenant("enterprise", event.enterprise_id), changed=list(event.changed),
        valid_until=event.valid_until.strftime("%Y-%m-%d") if event.valid_until else None), uow)


async def authorisation_validity_ending(event: emp.AuthorisationValidityEnding, envelope: EventEnvelope,
                                        uow: UnitOfWork) -> None:
    """NOTE-5: 7 days and 1 day before the validity period ends (EMP-21)."""
    await _to_both_sides(Kind.AUTHORISATION_ENDING, event, envelope, uow, days_left=event.days_left,
                         valid_until=event.valid_until.strftime("%Y-%m-%d"))


async def authorisation_validity_ended(event: emp.AuthorisationValidityEnded, envelope: EventEnvelope,
                                       uow: UnitOfWork) -> None:
    """NOTE-5: the validity period ended; grants, seat and lock are gone (EMP-21)."""
    await _to_both_sides(Kind.AUTHORISATION_ENDED, event, envelope, uow,
                         valid_until=event.valid_until.strftime("%Y-%m-%d"))


async def support_case_answered(event: shop.SupportCaseResolved | shop.SupportCaseDeclined, envelope: EventEnvelope,
                                uow: UnitOfWork) -> None:
    """NOTE-5: the merchant is told how support answered their case (SHOP-12); the shop's webhooks get a copy."""
    await notify(Notification.compose(
        Kind.SUPPORT_CASE_OUTCOME, event.shop_owner_account_id,
        {"case_id": event.case_id, "shop_id": event.shop_id, "case_kind": str(event.kind),
         "binding_id": event.binding_id, "case_outcome": event.outcome, "note_code": str(event.note_code)},
        cause=f"{envelope.event_id}", now=uow.clock.now(), tenant=Tenant("shop", event.shop_id)), uow)
