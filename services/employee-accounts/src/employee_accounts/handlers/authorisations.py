"""Changing an authorisation (EMP-19, EMP-20) and its validity period (EMP-21): the edit, the audit trail, the
durable reminders 7 days and 1 day before the end (X-1) and the end itself, which frees the seat (EMP-2) and the
one-enterprise lock (EMP-13)."""
from __future__ import annotations

from datetime import datetime

from employee_accounts.domain import commands as c
from employee_accounts.domain.account import EmployeeAccount
from employee_accounts.domain.values import AuthorisationChange, Permissions
from employee_accounts.handlers.entitlements import publish_entitlements, schedule_validity
from employee_accounts.handlers.organisation import granted_permissions
from employee_accounts.repository import UnitOfWork
from trust_common.contracts.employee_accounts import EmployeeAccountKind
from trust_common.timers import Timer


async def change_authorisation(cmd: c.ChangeAuthorisation, uow: UnitOfWork) -> EmployeeAccount:
    """EMP-19: from the employee list the main account edits an account's authorisation; in force at once (the
    grants are read from the account), recorded in the audit trail, the employee told (AuthorisationChanged)."""
    account = await uow.employee_accounts.get(cmd.employee_account_id, enterprise_id=cmd.enterprise_id)
    if account.kind is EmployeeAccountKind.ENTERPRISE:  # a personal account's refusal (EMP-19) comes first
        if cmd.position_id:
            await uow.positions.get(cmd.enterprise_id, cmd.position_id)
        if cmd.department_id:
            await uow.departments.get(cmd.enterprise_id, cmd.department_id)
    permissions: Permissions | None = None
    if cmd.modules is not None or cmd.tools is not None:
        tools = cmd.tools if cmd.tools is not None else list(account.tools)
        modules = cmd.modules if cmd.modules is not None else list(account.modules)
        permissions = await granted_permissions(uow, cmd.enterprise_id, tools, modules)  # EMP-3 applies (EMP-20)
    change = AuthorisationChange(position_id=cmd.position_id, department_id=cmd.department_id,
                                 permissions=permissions, tools_given=permissions is not None,
                                 valid_until=cmd.valid_until)
    before = account.authorisation()
    now = uow.clock.now()
    if account.change_authorisation(change, client=cmd.client, now=now):
        await uow.audit.record(account, actor=cmd.actor, action="changed", before=before, now=now)
        if cmd.valid_until is not None:
            await schedule_validity(uow, account)
        await publish_entitlements(uow, account)
    await uow.commit()
    return account


def _same_period(timer: Timer, account: EmployeeAccount) -> bool:
    return account.validity_reminder_due(datetime.fromisoformat(timer.payload["valid_until"]))


async def remind_validity_ending(timer: Timer, uow: UnitOfWork) -> None:
    """EMP-21 / NOTE-5: 7 days and 1 day before the end; a timer of a period since changed says nothing."""
    account = await uow.employee_accounts.get(timer.payload["employee_account_id"])
    if _same_period(timer, account):
        account.remind_validity_ending(int(timer.payload["days_left"]))


async def end_validity(timer: Timer, uow: UnitOfWork) -> None:
    """EMP-21: the authorisation ends with its validity period: grants revoked, seat and lock freed."""
    account = await uow.employee_accounts.get(timer.payload["employee_account_id"])
    before = account.authorisation()
    now = uow.clock.now()
    if account.end_validity(now):
        await uow.audit.record(account, actor="system", action="validity_ended", before=before, now=now)
        await publish_entitlements(uow, account)
