"""Timers and consumed platform events: deadlines that fire (X-1) and profile changes (CERT-2)."""
from __future__ import annotations

from datetime import datetime

from trust_common.contracts.certification import CancelledBy
from trust_common.contracts.platform import AccountChanged, AccountDeleted
from trust_common.events import EventEnvelope
from trust_common.projections import load_account
from trust_common.timers import Timer
from trust_common.uow import UnitOfWork

from certification import metrics
from certification.domain.model import Application
from certification.domain.states import SYSTEM, Actor
from certification.handlers.support import (
    OVERDUE_GAUGE, OVERDUE_GAUGE_KEYS, OVERDUE_GAUGE_PERIOD, Deps, schedule_deadlines,
)
from certification.repository import ApplicationRepository

PLATFORM = Actor("platform", "platform")


async def _load(timer: Timer, uow: UnitOfWork) -> Application:
    return await ApplicationRepository(uow.session).get(timer.payload["application_id"], lock=True)


async def review_sla_due(timer: Timer, uow: UnitOfWork, deps: Deps) -> None:
    """CERT-5: a review still open after 2 working days is an SLA breach (counted; on the gauge within a minute)."""
    app = await _load(timer, uow)
    now = uow.clock.now()
    if app.mark_sla_breached(timer.payload["submission_number"], SYSTEM, now):
        metrics.REVIEW_SLA_BREACHES.inc()


async def refresh_overdue_gauge(timer: Timer, uow: UnitOfWork, deps: Deps) -> None:
    """CERT-5 dashboard: only the worker counts the overdue reviews, once a minute, in this timer's own
    transaction (never in a command's); the timer re-schedules itself, alternating between two keys."""
    now = uow.clock.now()
    await metrics.refresh_overdue(uow.session, now)
    first, second = OVERDUE_GAUGE_KEYS
    following = second if timer.key == first else first
    await uow.timers.schedule(OVERDUE_GAUGE, following, now + OVERDUE_GAUGE_PERIOD, replace=True)


async def badge_grace_over(timer: Timer, uow: UnitOfWork, deps: Deps) -> None:
    """CERT-2: the profile re-review was not passed within 2 working days."""
    app = await _load(timer, uow)
    app.end_badge_grace(timer.payload["submission_number"], SYSTEM, uow.clock.now())


async def correction_deadline_over(timer: Timer, uow: UnitOfWork, deps: Deps) -> None:
    """CERT-7: no correction within 10 days of the rejection fails the application."""
    app = await _load(timer, uow)
    if app.miss_correction_deadline(timer.payload["rejection_number"], SYSTEM, uow.clock.now()):
        await schedule_deadlines(uow, app)


async def reopen_window_over(timer: Timer, uow: UnitOfWork, deps: Deps) -> None:
    """CERT-7: 30 days after failing, only a new application remains."""
    app = await _load(timer, uow)
    app.close_reopen_window(SYSTEM, uow.clock.now())


async def expiry_reminder_due(timer: Timer, uow: UnitOfWork, deps: Deps) -> None:
    """CERT-8: remind the holder 30, 7 and 1 days before the certification ends."""
    app = await _load(timer, uow)
    app.remind_expiry(timer.payload["days_left"], datetime.fromisoformat(timer.payload["valid_until"]), SYSTEM,
                      uow.clock.now())


async def expiry_due(timer: Timer, uow: UnitOfWork, deps: Deps) -> None:
    """CERT-8: an unrenewed certification expires by itself."""
    app = await _load(timer, uow)
    app.expire(datetime.fromisoformat(timer.payload["valid_until"]), SYSTEM, uow.clock.now())


async def account_changed(event: AccountChanged, envelope: EventEnvelope, uow: UnitOfWork, deps: Deps) -> None:
    """CERT-2 decision: a certified enterprise whose username or avatar changed goes back to review."""
    # The projection (updated just before, in this unit of work) ignores late, older facts: compare with it.
    profile = await load_account(uow.session, event.account_id) or event.account
    for app in await ApplicationRepository(uow.session).of_account(event.account_id):
        if app.open_rereview(profile, deps.calendar, PLATFORM, uow.clock.now()):
            await schedule_deadlines(uow, app)


async def account_deleted(event: AccountDeleted, envelope: EventEnvelope, uow: UnitOfWork, deps: Deps) -> None:
    """CERT-10: a deleted account ends every certification, real-name included."""
    for app in await ApplicationRepository(uow.session).of_account(event.account_id):
        app.cancel(CancelledBy.ACCOUNT_DELETED, PLATFORM, uow.clock.now())  # renewals among them, each once
