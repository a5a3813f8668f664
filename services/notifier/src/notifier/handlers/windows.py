"""The 48-hour confirmation windows (NOTE-1) of employee invitations (EMP-12) and shop
invitations (SHOP-6): opened with a prompt and reminder timers, closed early, or lapsed.

Lock order: a firing reminder holds its timer row, then locks its window (`remind`). Closing or
lapsing a window therefore cancels the reminder timers first and locks the window after, so the
two wait in one order; the reverse deadlocks and could abort the close (timers fire in parallel).
"""
from __future__ import annotations

from datetime import datetime

from notifier.domain.notification import Tenant
from notifier.domain.window import ConfirmationWindow, WindowSource
from notifier.handlers.deliveries import notify
from notifier.repository import UnitOfWork
from notifier.settings import Settings
from trust_common.contracts import employee_accounts as emp
from trust_common.contracts import shop_binding as shop
from trust_common.timers import Timer

REMINDER_TIMER = "notifier.window.reminder"
EMP, SHOP = WindowSource.EMPLOYEE_INVITATION, WindowSource.SHOP_INVITATION


def _employee_window(event: emp.InvitationSent | emp.InvitationLapsed, closes_at: datetime,
                     now: datetime) -> ConfirmationWindow:
    # EMP-12: the enterprise (its main account) invites a personal account.
    return ConfirmationWindow.open(EMP, event.invitation_id, invitee_account_id=event.personal_account_id,
                                   initiator_account_id=event.enterprise_id,
                                   tenant=Tenant("enterprise", event.enterprise_id), closes_at=closes_at, now=now)


def _shop_window(event: shop.ShopInvitationSent | shop.ShopInvitationLapsed, closes_at: datetime,
                 now: datetime) -> ConfirmationWindow:
    # SHOP-6: the merchant (shop owner) invites a creator account.
    return ConfirmationWindow.open(SHOP, event.invitation_id, invitee_account_id=event.creator_account_id,
                                   initiator_account_id=event.shop_owner_account_id,
                                   tenant=Tenant("shop", event.shop_id), closes_at=closes_at, now=now)


async def employee_invitation_sent(event: emp.InvitationSent, uow: UnitOfWork, settings: Settings) -> None:
    await open_window(_employee_window(event, event.expires_at, uow.clock.now()), settings, uow)


async def shop_invitation_sent(event: shop.ShopInvitationSent, uow: UnitOfWork, settings: Settings) -> None:
    await open_window(_shop_window(event, event.expires_at, uow.clock.now()), settings, uow)


async def employee_invitation_lapsed(event: emp.InvitationLapsed, uow: UnitOfWork) -> None:
    now = uow.clock.now()
    await lapse_window(_employee_window(event, now, now), uow)


async def shop_invitation_lapsed(event: shop.ShopInvitationLapsed, uow: UnitOfWork) -> None:
    now = uow.clock.now()
    await lapse_window(_shop_window(event, now, now), uow)


async def employee_invitation_accepted(event: emp.InvitationAccepted, uow: UnitOfWork) -> None:
    await close_window(EMP, event.invitation_id, "accepted", uow)


async def employee_invitation_declined(event: emp.InvitationDeclined, uow: UnitOfWork) -> None:
    await close_window(EMP, event.invitation_id, "declined", uow)


async def employee_invitation_withdrawn(event: emp.InvitationWithdrawn, uow: UnitOfWork) -> None:
    await close_window(EMP, event.invitation_id, "withdrawn", uow)


async def shop_invitation_confirmed(event: shop.ShopInvitationConfirmed, uow: UnitOfWork) -> None:
    await close_window(SHOP, event.invitation_id, "confirmed", uow)


async def shop_invitation_declined(event: shop.ShopInvitationDeclined, uow: UnitOfWork) -> None:
    await close_window(SHOP, event.invitation_id, "declined", uow)


async def shop_invitation_withdrawn(event: shop.ShopInvitationWithdrawn, uow: UnitOfWork) -> None:
    await close_window(SHOP, event.invitation_id, "withdrawn", uow)


async def remind(timer: Timer, uow: UnitOfWork) -> None:
    """NOTE-1: a reminder timer fired; a window closed meanwhile sends nothing."""
    window = await uow.windows.get(timer.payload["window_id"])
    if window is None:
        return
    notice = window.remind(int(timer.payload["offset_seconds"]), uow.clock.now())
    if notice is not None:
        await notify(notice, uow)


async def open_window(window: ConfirmationWindow, settings: Settings, uow: UnitOfWork) -> None:
    """NOTE-1: prompt the invitee now, and schedule the reminders before the window closes."""
    if await uow.windows.get(window.id) is not None:
        return
    now = uow.clock.now()
    uow.windows.add(window)
    for reminder in window.reminders(settings.reminder_offsets, now):
        await uow.timers.schedule(REMINDER_TIMER, reminder.key, due_at=reminder.due_at,
                                  payload={"window_id": window.id, "offset_seconds": reminder.offset_seconds})
    prompt = window.prompt(now)
    if prompt is not None:
        await notify(prompt, uow)


async def close_window(source: WindowSource, invitation_id: str, reason: str, uow: UnitOfWork) -> None:
    """NOTE-1: the window closed early (answered or withdrawn): its reminders are cancelled."""
    window_id = ConfirmationWindow.id_for(source, invitation_id)
    await uow.timers.cancel_prefix(REMINDER_TIMER, f"{window_id}:")  # an already closed window has none left
    window = await uow.windows.get(window_id)
    if window is not None:
        window.close(reason, uow.clock.now())


async def lapse_window(window: ConfirmationWindow, uow: UnitOfWork) -> None:
    """NOTE-1: the window lapsed; tell the initiator. `window` stands in when we never saw it open."""
    await uow.timers.cancel_prefix(REMINDER_TIMER, f"{window.id}:")  # before the window lock (lock order)
    known = await uow.windows.get(window.id)
    if known is None:
        uow.windows.add(window)
        known = window
    notice = known.lapse(uow.clock.now())
    if notice is not None:
        await notify(notice, uow)

