"""What every handler shares: its dependencies, the deadlines an application implies, the conflicts."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from trust_common.uow import UnitOfWork

from certification.adapters.payments import Payments
from certification.adapters.sister_app import SisterAppDirectory
from certification.adapters.storage import DocumentStorage
from certification.domain import errors
from certification.domain.calendar import WorkingCalendar
from certification.domain.model import Application
from certification.domain.states import REMINDER_DAYS, Status
from certification.orm import OPEN_APPLICATION_INDEX

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


@dataclass(frozen=True)
class Deps:
    calendar: WorkingCalendar
    payments: Payments
    storage: DocumentStorage
    sister_app: SisterAppDirectory
    review_lease: timedelta
    document_max_bytes: int


async def schedule_deadlines(uow: UnitOfWork, app: Application) -> None:
    """Durable timers for the deadlines the application's state implies (X-1); repeats are no-ops and
    each timer handler re-checks the state, so a stale timer does nothing."""
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


def constraint_problems() -> dict[str, Callable[[], errors.Conflict]]:
    """The 409s a race lost on a unique index becomes (the bus maps them; version checks are 409 too)."""
    return {OPEN_APPLICATION_INDEX: lambda: errors.OpenApplicationExists(  # CERT-1
        "an open application of this type exists already")}
