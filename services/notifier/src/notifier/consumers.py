"""Translates the producers' events into the notifier's use cases (NOTE-1, NOTE-2, NOTE-3)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from trust_common.consumer import EventHandler
from trust_common.contracts import certification as cert
from trust_common.contracts import employee_accounts as emp
from trust_common.contracts import shop_binding as shop
from trust_common.events import EventData, EventEnvelope
from trust_common.uow import UnitOfWork

from notifier.domain.kinds import Kind
from notifier.domain.notification import Notification, Tenant
from notifier.domain.window import ConfirmationWindow, WindowSource
from notifier.notices import close_window, lapse_window, notify, open_window

EMP, SHOP = WindowSource.EMPLOYEE_INVITATION, WindowSource.SHOP_INVITATION


def _employee_window(event: emp.InvitationSent | emp.InvitationLapsed, closes_at: datetime,
                     uow: UnitOfWork) -> ConfirmationWindow:
    # EMP-12: the enterprise (its main account) invites a personal account.
    return ConfirmationWindow.open(EMP, event.invitation_id, invitee_account_id=event.personal_account_id,
                                   initiator_account_id=event.enterprise_id,
                                   tenant=Tenant("enterprise", event.enterprise_id), closes_at=closes_at,
                                   now=uow.clock.now())


def _shop_window(event: shop.ShopInvitationSent | shop.ShopInvitationLapsed, closes_at: datetime,
                 uow: UnitOfWork) -> ConfirmationWindow:
    # SHOP-6: the merchant (shop owner) invites a creator account.
    return ConfirmationWindow.open(SHOP, event.invitation_id, invitee_account_id=event.creator_account_id,
                                   initiator_account_id=event.shop_owner_account_id,
                                   tenant=Tenant("shop", event.shop_id), closes_at=closes_at, now=uow.clock.now())


def window_handlers(reminder_offsets: list[timedelta]) -> dict[type[EventData], EventHandler]:
    """NOTE-1: both 48-hour windows, opened, closed early, or lapsed."""

    async def employee_opened(event: emp.InvitationSent, envelope: EventEnvelope, uow: UnitOfWork) -> None:
        await open_window(_employee_window(event, event.expires_at, uow), reminder_offsets, uow)

    async def shop_opened(event: shop.ShopInvitationSent, envelope: EventEnvelope, uow: UnitOfWork) -> None:
        await open_window(_shop_window(event, event.expires_at, uow), reminder_offsets, uow)

    def closer(source: WindowSource, reason: str) -> EventHandler:
        async def close(event: Any, envelope: EventEnvelope, uow: UnitOfWork) -> None:
            await close_window(source, event.invitation_id, reason, uow)
        return close

    async def employee_lapsed(event: emp.InvitationLapsed, envelope: EventEnvelope, uow: UnitOfWork) -> None:
        await lapse_window(_employee_window(event, uow.clock.now(), uow), uow)

    async def shop_lapsed(event: shop.ShopInvitationLapsed, envelope: EventEnvelope, uow: UnitOfWork) -> None:
        await lapse_window(_shop_window(event, uow.clock.now(), uow), uow)

    return {
        emp.InvitationSent: employee_opened, emp.InvitationLapsed: employee_lapsed,
        emp.InvitationAccepted: closer(EMP, "accepted"), emp.InvitationDeclined: closer(EMP, "declined"),
        emp.InvitationWithdrawn: closer(EMP, "withdrawn"),
        shop.ShopInvitationSent: shop_opened, shop.ShopInvitationLapsed: shop_lapsed,
        shop.ShopInvitationConfirmed: closer(SHOP, "confirmed"), shop.ShopInvitationDeclined: closer(SHOP, "declined"),
        shop.ShopInvitationWithdrawn: closer(SHOP, "withdrawn"),
    }


def _certification_notice(kind: Kind, event: Any, envelope: EventEnvelope, uow: UnitOfWork,
                          **params: Any) -> Notification:
    # The enterprise of an enterprise application is its main account (see the contract).
    tenant = Tenant("enterprise", event.account_id) if event.certification_type == cert.CertificationType.ENTERPRISE \
        else None
    return Notification.compose(kind, event.account_id, {"application_id": event.application_id, **params},
                                cause=f"{envelope.event_id}", now=uow.clock.now(), tenant=tenant)


async def _submitted(event: cert.ApplicationSubmitted, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    await notify(_certification_notice(Kind.CERT_SUBMITTED, event, envelope, uow,
                                       review_due_at=event.review_due_at.isoformat()), uow)


async def _approved(event: cert.ApplicationApproved, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    await notify(_certification_notice(Kind.CERT_OUTCOME, event, envelope, uow, outcome="approved",
                                       valid_until=event.valid_until.isoformat() if event.valid_until else None), uow)


async def _rejected(event: cert.ApplicationRejected, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """NOTE-2: the outcome with its reasons, and the 10-day correction deadline (CERT-7)."""
    reasons = [f"{r.target}: {r.code}" for r in event.reasons]
    deadline = event.correction_deadline.strftime("%Y-%m-%d %H:%M UTC")
    await notify(_certification_notice(Kind.CERT_OUTCOME, event, envelope, uow, outcome="rejected",
                                       reasons=reasons), uow)
    await notify(_certification_notice(Kind.CERT_CORRECTION_DEADLINE, event, envelope, uow, deadline=deadline), uow)


async def _failed(event: cert.ApplicationFailed, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """NOTE-2: the failure, and the 30-day window to reopen (CERT-7)."""
    deadline = event.reopen_deadline.strftime("%Y-%m-%d %H:%M UTC")
    await notify(_certification_notice(Kind.CERT_OUTCOME, event, envelope, uow, outcome="failed",
                                       reasons=[str(event.reason)]), uow)
    await notify(_certification_notice(Kind.CERT_REOPEN_WINDOW, event, envelope, uow, deadline=deadline), uow)


async def _expiry_reminder(event: cert.ExpiryReminderDue, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """NOTE-2: before the one-year validity ends (CERT-8)."""
    await notify(_certification_notice(Kind.CERT_EXPIRY_REMINDER, event, envelope, uow, days_left=event.days_left,
                                       expires_at=event.valid_until.strftime("%Y-%m-%d")), uow)


async def _renewed(event: cert.CertificationRenewed, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """NOTE-2: the outcome of a renewal review (CERT-8); certification publishes this, not ApplicationApproved."""
    await notify(_certification_notice(Kind.CERT_RENEWED, event, envelope, uow, renewal_of=event.renewal_of,
                                       valid_until=event.valid_until.strftime("%Y-%m-%d")), uow)


async def _badge_suspended(event: cert.BadgeSuspended, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """NOTE-2: the profile re-review did not pass (in time or at all); the badge is off until it does (CERT-2)."""
    await notify(_certification_notice(Kind.CERT_BADGE_SUSPENDED, event, envelope, uow, reason=event.reason), uow)


async def _expired(event: cert.CertificationExpired, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """NOTE-2: unrenewed, the certification expired and the badge is gone (CERT-8)."""
    await notify(_certification_notice(Kind.CERT_EXPIRED, event, envelope, uow,
                                       expired_at=event.expired_at.strftime("%Y-%m-%d")), uow)


async def _cancelled(event: cert.CertificationCancelled, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """NOTE-2: a held certification was cancelled and the badge is gone (CERT-10). A withdrawn application
    (never certified) has no badge to lose, and a deleted account has no one left to tell."""
    if not event.was_certified or event.cancelled_by == cert.CancelledBy.ACCOUNT_DELETED:
        return
    await notify(_certification_notice(Kind.CERT_CANCELLED, event, envelope, uow,
                                       cancelled_by=str(event.cancelled_by)), uow)


async def _departure_blocked(event: emp.EmployeeDepartureAwaitingRealNameUnbinding, envelope: EventEnvelope,
                             uow: UnitOfWork) -> None:
    """NOTE-3: the departing employee must unbind their real name (EMP-9)."""
    notice = Notification.compose(Kind.DEPARTURE_UNBIND, event.employee_account_id,
                                  {"employee_account_id": event.employee_account_id,
                                   "enterprise_id": event.enterprise_id},
                                  cause=f"{envelope.event_id}", now=uow.clock.now(),
                                  tenant=Tenant("enterprise", event.enterprise_id), address_hint=event.login_email)
    await notify(notice, uow)


NOTICE_HANDLERS: dict[type[EventData], Callable[[Any, EventEnvelope, UnitOfWork], Awaitable[None]]] = {
    cert.ApplicationSubmitted: _submitted, cert.ApplicationApproved: _approved, cert.ApplicationRejected: _rejected,
    cert.ApplicationFailed: _failed, cert.ExpiryReminderDue: _expiry_reminder,
    cert.CertificationRenewed: _renewed, cert.BadgeSuspended: _badge_suspended,
    cert.CertificationExpired: _expired, cert.CertificationCancelled: _cancelled,
    emp.EmployeeDepartureAwaitingRealNameUnbinding: _departure_blocked,
}
