"""Showcase (EMP-15) and merchant page (EMP-16) of an employee account."""
from __future__ import annotations

from trust_common.projections import load_account
from trust_common.uow import UnitOfWork

from employee_accounts.dependencies import Dependencies
from employee_accounts.domain import commands as c
from employee_accounts.domain.account import EmployeeAccount, Status
from employee_accounts.domain.errors import ShowcaseNotEligible
from employee_accounts.domain.storefront import SHOWCASE_DEPOSIT_CNY
from employee_accounts.queries import effective_grants
from employee_accounts.repository import Repository


async def pay_showcase_deposit(cmd: c.PayShowcaseDeposit, uow: UnitOfWork, deps: Dependencies) -> EmployeeAccount:
    """EMP-15: the 500 CNY goods deposit through the payments adapter, once per holder."""
    account = await Repository(uow.session).employee_account(cmd.employee_account_id)
    if account.status is not Status.ACTIVE:
        raise ShowcaseNotEligible("only an active employee account can pay the showcase deposit")
    if not account.showcase_deposit_paid:
        await deps.payments.collect_deposit(account_id=account.account_id, amount_cny=SHOWCASE_DEPOSIT_CNY,
                                            reference=f"showcase-deposit:{account.id}:{account.holder_generation}")
        account.record_deposit_paid(uow.clock.now())
        await uow.commit()
    return account


async def open_showcase(cmd: c.OpenShowcase, uow: UnitOfWork, deps: Dependencies) -> EmployeeAccount:
    """EMP-15: judged on the employee account's own platform facts, never the main account's."""
    account = await Repository(uow.session).employee_account(cmd.employee_account_id)
    account.open_showcase(await load_account(uow.session, account.account_id), uow.clock.now())
    await uow.commit()
    return account


async def configure_merchant_module(cmd: c.ConfigureMerchantModule, uow: UnitOfWork,
                                    deps: Dependencies) -> EmployeeAccount:
    account = await Repository(uow.session).employee_account(cmd.employee_account_id)
    account.configure_merchant_module(cmd.tool, await effective_grants(uow.session, account, uow.clock.now()),
                                      uow.clock.now())
    await uow.commit()
    return account


async def approve_merchant_module(cmd: c.ApproveMerchantModule, uow: UnitOfWork, deps: Dependencies) -> EmployeeAccount:
    account = await Repository(uow.session).employee_account(cmd.employee_account_id)
    account.approve_merchant_module(cmd.tool, uow.clock.now())
    await uow.commit()
    return account
