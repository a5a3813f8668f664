"""Deadlines that fire (X-1): the timers an application's state implies, and their handlers.

Each handler re-checks the state it was scheduled for, so a stale timer does nothing."""
from __future__ import annotations

from datetime import datetime, timedelta

from certification import metrics
from certification.domain.application import Application
from certification.domain.states import REMINDER_DAYS, SYSTEM, Status
from certification.repository import UnitOfWork
from trust_common.timers import Timer

REVIEW_SLA = "certification.review_sla"
BADGE_GRACE = "certification.rereview_badge_grace"
CORRECTION_DEADLINE = "certification.correction_deadline"
REOPEN_WINDOW = "certification.reopen_window"
EXPIRY_REMINDER = "certification.expiry_reminder"
EXPIRY = "certification.expiry"
# CERT-5 dashboard: the worker refreshes `certification_reviews_overdue` every minute; a fired timer row
# cannot be scheduled again under its key until it is replaced, so the timer alternates between two keys.
OVERDUE_GAUGE = "certification.reviews_overdue_gauge"
OVERDUE_GAUGE_KEYS = ("a", "b")
OVERDUE_GAUGE_PERIOD = timedelta(minutes=1)


async def schedule_deadlines(uow: UnitOfWork, app: Application) -> None:
    """Durable timers for the deadlines the application's state implies (X-1); repeats are no-ops."""
    now = uow.clock.now()
    payload = {"application_id": app.id}
    if app.status in (Status.SUBMITTED, Status.IN_REVIEW) and app.review_due_at:
        key = f"{app.id}:{app.submission_number}"
        await uow.timers.schedule(REVIEW_SLA, key, app.review_due_at,  # CERT-5
                                  {**payload, "submission_number": app.submission_number})
        # CERT-5 dashboard: make sure the worker's gauge timer runs (a no-op once it exists; it refreshes itself).
        await uow.timers.schedule(OVERDUE_GAUGE, OVERDUE_GAUGE_KEYS[0], now)
        if app.profile_changed and app.badge_grace_until and app.badge_active:  # CERT-2
            await uow.timers.schedule(BADGE_GRACE, key, app.badge_grace_until,
                                      {**payload, "submission_number": app.submission_number})
    if app.status == Status.REJECTED and app.correction_deadline:  # CERT-7: 10 days
        await uow.timers.schedule(CORRECTION_DEADLINE, f"{app.id}:{app.rejection_count}", app.correction_deadline,
                                  {**payload, "rejection_number": app.rejection_count})
    if app.status == Status.FAILED and app.reopen_deadline:  # CERT-7: 30 days
        await uow.timers.schedule(REOPEN_WINDOW, f"{app.id}:{app.reopen_deadline.isoformat()}", app.reopen_deadline,
                                  payload)
    if app.holds_certification and app.valid_until:  # CERT-8: expiry and reminders 30/7/1 days before
        until = app.valid_until.isoformat()
        await uow.timers.schedule(EXPIRY, f"{app.id}:{until}", app.valid_until, {**payload, "valid_until": until})
        for days in REMINDER_DAYS:
            due = app.valid_until - timedelta(days=days)
            if due > now:
                await uow.timers.schedule(EXPIRY_REMINDER, f"{app.id}:{until}:{days}", due,
                                          {**payload, "valid_until": until, "days_left": days})


async def _load(timer: Timer, uow: UnitOfWork) -> Application:
    return await uow.applications.get(timer.payload["application_id"], lock=True)


async def review_sla_due(timer: Timer, uow: UnitOfWork) -> None:
    """CERT-5: a review still open after 2 working days is an SLA breach (counted; on the gauge within a minute)."""
    app = await _load(timer, uow)
    if app.mark_sla_breached(timer.payload["submission_number"], SYSTEM, uow.clock.now()):
        metrics.REVIEW_SLA_BREACHES.inc()


async def refresh_overdue_gauge(timer: Timer, uow: UnitOfWork) -> None:
    """CERT-5 dashboard: only the worker counts the overdue reviews, once a minute, in this timer's own
    transaction (never in a command's); the timer re-schedules itself, alternating between two keys."""
    now = uow.clock.now()
    metrics.REVIEWS_OVERDUE.set(await uow.applications.count_overdue(now))
    first, second = OVERDUE_GAUGE_KEYS
    following = second if timer.key == first else first
    await uow.timers.schedule(OVERDUE_GAUGE, following, now + OVERDUE_GAUGE_PERIOD, replace=True)


async def badge_grace_over(timer: Timer, uow: UnitOfWork) -> None:
    """CERT-2: the profile re-review was not passed within 2 working days."""
    app = await _load(timer, uow)
    app.end_badge_grace(timer.payload["submission_number"], SYSTEM, uow.clock.now())


async def correction_deadline_over(timer: Timer, uow: UnitOfWork) -> None:
    """CERT-7: no correction within 10 days of the rejection fails the application."""
    app = await _load(timer, uow)
    if app.miss_correction_deadline(timer.payload["rejection_number"], SYSTEM, uow.clock.now()):
        await schedule_deadlines(uow, app)


async def reopen_window_over(timer: Timer, uow: UnitOfWork) -> None:
    """CERT-7: 30 days after failing, only a new application remains."""
    app = await _load(timer, uow)
    app.close_reopen_window(SYSTEM, uow.clock.now())


async def expiry_reminder_due(timer: Timer, uow: UnitOfWork) -> None:
    """CERT-8: remind the holder 30, 7 and 1 days before the certification ends."""
    app = await _load(timer, uow)
    app.remind_expiry(timer.payload["days_left"], datetime.fromisoformat(timer.payload["valid_until"]), SYSTEM,
                      uow.clock.now())


async def expiry_due(timer: Timer, uow: UnitOfWork) -> None:
    """CERT-8: an unrenewed certification expires by itself."""
    app = await _load(timer, uow)
    app.expire(datetime.fromisoformat(timer.payload["valid_until"]), SYSTEM, uow.clock.now())

