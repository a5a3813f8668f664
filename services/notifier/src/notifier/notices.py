"""Use cases that turn facts into notifications: fan-out, 48-hour windows and their reminders."""
from __future__ import annotations

from datetime import timedelta

from trust_common.timers import Timer
from trust_common.uow import UnitOfWork

from notifier import repository
from notifier.domain.delivery import DeliveryStatus
from notifier.domain.notification import Notification, Tenant
from notifier.domain.window import ConfirmationWindow, WindowSource
from notifier.metrics import DELIVERIES

ATTEMPT_TIMER = "notifier.delivery.attempt"
REMINDER_TIMER = "notifier.window.reminder"


async def notify(notification: Notification, uow: UnitOfWork) -> bool:
    """Store the notification (its inbox entry) and its deliveries, and schedule the sends.
    A notification id seen before means a repeated cause: nothing happens twice (NOTE-4)."""
    if await repository.get_notification(uow.session, notification.id) is not None:
        return False
    now = uow.clock.now()
    tenant = Tenant(notification.tenant_kind, notification.tenant_id) if notification.tenant_kind else None
    preferences = await repository.load_preferences(uow.session, notification.recipient_account_id)
    endpoints = await repository.active_endpoint_ids(uow.session, tenant)
    deliveries = notification.fan_out(preferences, endpoints, now)
    uow.session.add(notification)
    await uow.session.flush()  # the deliveries reference it
    uow.session.add_all(deliveries)
    for delivery in deliveries:
        if delivery.status == DeliveryStatus.PENDING:
            await uow.timers.schedule(ATTEMPT_TIMER, delivery.timer_key, due_at=now,
                                      payload={"delivery_id": delivery.id})
        else:
            DELIVERIES.labels(channel=str(delivery.channel), outcome=str(delivery.status)).inc()
    return True


async def open_window(window: ConfirmationWindow, offsets: list[timedelta], uow: UnitOfWork) -> None:
    """NOTE-1: prompt the invitee now, and schedule the reminders before the window closes."""
    if await repository.get_window(uow.session, window.id) is not None:
        return
    now = uow.clock.now()
    uow.session.add(window)
    for reminder in window.reminders(offsets, now):
        await uow.timers.schedule(REMINDER_TIMER, reminder.key, due_at=reminder.due_at,
                                  payload={"window_id": window.id, "offset_seconds": reminder.offset_seconds})
    prompt = window.prompt(now)
    if prompt is not None:
        await notify(prompt, uow)


# Lock order: a firing reminder holds its timer row, then locks its window (`remind`). Closing or
# lapsing a window therefore cancels the reminder timers first and locks the window after, so the two
# wait in one order; the reverse deadlocks and could abort the close (timers fire in parallel).


async def close_window(source: WindowSource, invitation_id: str, reason: str, uow: UnitOfWork) -> None:
    """NOTE-1: the window closed early (answered or withdrawn): its reminders are cancelled."""
    window_id = ConfirmationWindow.id_for(source, invitation_id)
    await uow.timers.cancel_prefix(REMINDER_TIMER, f"{window_id}:")  # an already closed window has none left
    window = await repository.get_window(uow.session, window_id)
    if window is not None:
        window.close(reason, uow.clock.now())


async def lapse_window(window: ConfirmationWindow, uow: UnitOfWork) -> None:
    """NOTE-1: the window lapsed; tell the initiator. `window` stands in when we never saw it open."""
    await uow.timers.cancel_prefix(REMINDER_TIMER, f"{window.id}:")  # before the window lock (lock order)
    known = await repository.get_window(uow.session, window.id)
    if known is None:
        uow.session.add(window)
        known = window
    notice = known.lapse(uow.clock.now())
    if notice is not None:
        await notify(notice, uow)


async def remind(timer: Timer, uow: UnitOfWork) -> None:
    """NOTE-1: a reminder timer fired; a window closed meanwhile sends nothing."""
    window = await repository.get_window(uow.session, timer.payload["window_id"])
    if window is None:
        return
    notice = window.remind(int(timer.payload["offset_seconds"]), uow.clock.now())
    if notice is not None:
        await notify(notice, uow)
