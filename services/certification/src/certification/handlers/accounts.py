"""Consumed platform facts about accounts: profile changes (CERT-2) and deletions (CERT-10).

The shared account projection runs first in the same unit of work (see `bootstrap`)."""
from __future__ import annotations

from certification.domain.calendar import WorkingCalendar
from certification.domain.states import Actor
from certification.handlers.deadlines import schedule_deadlines
from certification.repository import UnitOfWork
from trust_common.contracts.certification import CancelledBy
from trust_common.contracts.platform import AccountChanged, AccountDeleted
from trust_common.projections import load_account

PLATFORM = Actor("platform", "platform")


async def account_changed(event: AccountChanged, uow: UnitOfWork, calendar: WorkingCalendar) -> None:
    """CERT-2 decision: a certified enterprise whose username or avatar changed goes back to review."""
    # The projection (updated just before, in this unit of work) ignores late, older facts: compare with it.
    profile = await load_account(uow.session, event.account_id) or event.account
    for app in await uow.applications.of_account(event.account_id):
        if app.open_rereview(profile, calendar, PLATFORM, uow.clock.now()):
            await schedule_deadlines(uow, app)


async def account_deleted(event: AccountDeleted, uow: UnitOfWork) -> None:
    """CERT-10: a deleted account ends every certification, real-name included."""
    for app in await uow.applications.of_account(event.account_id):
        app.cancel(CancelledBy.ACCOUNT_DELETED, PLATFORM, uow.clock.now())  # renewals among them, each once
