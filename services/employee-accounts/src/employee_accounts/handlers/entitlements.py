"""What every change of an authorisation shares: its affiliation and entitlements published (EMP-22), and the
durable timers of its validity period (EMP-21, X-1)."""
from __future__ import annotations

from datetime import timedelta

from employee_accounts.domain.account import EmployeeAccount
from employee_accounts.repository import UnitOfWork, entitlements_now

REMINDER_TIMER = "employee_accounts.validity_reminder"
END_TIMER = "employee_accounts.validity_end"
REMINDER_DAYS = (7, 1)  # EMP-21


async def schedule_validity(uow: UnitOfWork, account: EmployeeAccount, *, cancel_only: bool = False) -> None:
    """EMP-21 / X-1: (re)schedule the reminders and the end of the account's validity period; a period removed or
    moved replaces the earlier timers, and a reminder already past is not sent late."""
    await uow.timers.cancel_prefix(REMINDER_TIMER, f"{account.id}:")
    await uow.timers.cancel(END_TIMER, account.id)
    if account.valid_until is None or cancel_only:
        return
    until, now = account.valid_until, uow.clock.now()
    payload = {"employee_account_id": account.id, "valid_until": until.isoformat()}
    for days in REMINDER_DAYS:
        due = until - timedelta(days=days)
        if due > now:
            await uow.timers.schedule(REMINDER_TIMER, f"{account.id}:{days}", due_at=due,
                                      payload={**payload, "days_left": days}, replace=True)
    await uow.timers.schedule(END_TIMER, account.id, due_at=until, payload=payload, replace=True)


async def publish_entitlements(uow: UnitOfWork, account: EmployeeAccount) -> None:
    """EMP-22: the account's affiliation and entitlements as they stand after this change."""
    account.publish_entitlements(await entitlements_now(uow.session, account, uow.clock.now()), uow.clock.now())


