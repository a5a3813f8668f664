"""Reactions to the platform's account facts: a deleted or banned creator account's bindings end
(SHOP-7 Decision: these ends use no official unbind; SHOP-13: the selling entitlement is withdrawn)."""
from __future__ import annotations

from shop_binding.repository import UnitOfWork
from trust_common.contracts.platform import AccountChanged, AccountDeleted, AccountStatus
from trust_common.projections import load_account


async def end_bindings_of_gone_account(event: AccountChanged | AccountDeleted, uow: UnitOfWork) -> None:
    """Runs after the projection in the same transaction, so it reads the account's newest facts (an
    older event arriving late changes nothing); the consumer runner commits."""
    account = await load_account(uow.session, event.account_id)
    if account is not None and account.status != AccountStatus.BANNED:
        return
    shop_id = await uow.shops.live_shop_of_creator(event.account_id)
    if shop_id is not None:
        shop = await uow.shops.lock(shop_id)
        shop.end_by_platform(event.account_id, uow.clock.now())
