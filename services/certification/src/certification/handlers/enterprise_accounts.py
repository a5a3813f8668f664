"""The free enterprise account (CERT-11): opened without documents or fee."""
from __future__ import annotations

from certification.domain import commands
from certification.domain.enterprise_account import EnterpriseAccount
from certification.repository import UnitOfWork
from trust_common.projections import load_account


async def open_enterprise_account(cmd: commands.OpenEnterpriseAccount, uow: UnitOfWork) -> EnterpriseAccount:
    account = EnterpriseAccount.open(
        cmd.account_id, cmd.channel, cmd.actor, uow.clock.now(),
        profile=await load_account(uow.session, cmd.account_id),
        exists=await uow.enterprise_accounts.exists(cmd.account_id),
        certified=await uow.applications.holds_enterprise_certification(cmd.account_id) is not None)
    uow.enterprise_accounts.add(account)
    await uow.commit()
    return account
