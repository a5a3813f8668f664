"""Showcase (EMP-15) and merchant page (EMP-16) of an employee account."""
from __future__ import annotations

from employee_accounts.adapters.payments import Payments
from employee_accounts.domain import commands as c
from employee_accounts.domain.account import EmployeeAccount
from employee_accounts.domain.policies import SHOWCASE_DEPOSIT_CNY
from employee_accounts.repository import UnitOfWork


async def pay_showcase_deposit(cmd: c.PayShowcaseDeposit, uow: UnitOfWork, payments: Payments) -> EmployeeAccount:
    """EMP-15: the 500 CNY goods deposit through the payments adapter, once per holder."""
    account = await uow.employee_accounts.get(cmd.employee_account_id)
    if account.deposit_due():
        await payments.collect_deposit(account_id=account.account_id, amount_cny=SHOWCASE_DEPOSIT_CNY,
                                       reference=account.deposit_reference)
        account.record_deposit_paid(uow.clock.now())
        await uow.commit()
    return account


async def open_showcase(cmd: c.OpenShowcase, uow: UnitOfWork) -> EmployeeAccount:
    """EMP-15: judged on the employee account's own platform facts, never the main account's."""
    account = await uow.employee_accounts.get(cmd.employee_account_id)
    account.open_showcase(await uow.platform.account(account.account_id), uow.clock.now())
    await uow.commit()
    return account


async def configure_merchant_module(cmd: c.ConfigureMerchantModule, uow: UnitOfWork) -> EmployeeAccount:
    """EMP-16: only a module whose tool is in force now (EMP-3, EMP-12, EMP-18)."""
    account = await uow.employee_accounts.get(cmd.employee_account_id)
    now = uow.clock.now()
    facts = await uow.employee_accounts.grant_facts(account)
    effective = account.effective_permissions(facts.granted, now, enterprise_suspended=facts.suspended,
                                              main_tools=facts.main_tools)
    account.configure_merchant_module(cmd.tool, effective, now)
    await uow.commit()
    return account


async def approve_merchant_module(cmd: c.ApproveMerchantModule, uow: UnitOfWork) -> EmployeeAccount:
    account = await uow.employee_accounts.get(cmd.employee_account_id)
    account.approve_merchant_module(cmd.tool, uow.clock.now())
    await uow.commit()
    return account
