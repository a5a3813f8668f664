"""Invitations (SHOP-5, SHOP-6, SHOP-9, SHOP-10): sent, withdrawn, confirmed, declined, lapsed."""
from __future__ import annotations

import uuid

from shop_binding.domain import commands
from shop_binding.domain.model import Binding, Invitation
from shop_binding.metrics import count_outcome
from shop_binding.repository import UnitOfWork
from trust_common.timers import Timer

INVITATION_EXPIRY = "shop_binding.invitation_expiry"  # SHOP-6 durable timer kind


async def invite_creator(command: commands.InviteCreator, uow: UnitOfWork) -> Invitation:
    facts = await uow.platform.shop(command.shop_id)
    account = await uow.platform.account(command.creator_account_id)
    shop = await uow.shops.lock(command.shop_id)
    invitation = shop.invite(facts, account, command.role, invitation_id=str(uuid.uuid4()),
                             bound_shop_id=await uow.shops.live_shop_of_creator(account.account_id),
                             now=uow.clock.now())
    # SHOP-6: the 48-hour window is a durable timer; it lapses the invitation once.
    await uow.timers.schedule(INVITATION_EXPIRY, invitation.invitation_id, due_at=invitation.expires_at,
                              payload={"shop_id": shop.shop_id, "invitation_id": invitation.invitation_id})
    await uow.commit()
    return invitation


async def withdraw_invitation(command: commands.WithdrawInvitation, uow: UnitOfWork) -> Invitation:
    shop = await uow.shops.lock(command.shop_id)
    invitation = shop.withdraw(command.invitation_id, uow.clock.now())
    await uow.timers.cancel(INVITATION_EXPIRY, invitation.invitation_id)
    await uow.commit()
    return invitation


async def confirm_invitation(command: commands.ConfirmInvitation, uow: UnitOfWork) -> Binding:
    shop = await uow.shops.lock_of_invitation(command.invitation_id)
    facts = await uow.platform.shop(shop.shop_id)
    account = await uow.platform.account(command.creator_account_id)
    binding = shop.confirm(command.invitation_id, facts, account, binding_id=str(uuid.uuid4()),
                           bound_shop_id=await uow.shops.live_shop_of_creator(account.account_id),
                           network_country=command.network_country, now=uow.clock.now())
    await uow.timers.cancel(INVITATION_EXPIRY, command.invitation_id)
    await uow.commit()  # SHOP-2: the unique index refuses a second live binding that raced this one
    count_outcome("confirmed")
    return binding


async def decline_invitation(command: commands.DeclineInvitation, uow: UnitOfWork) -> Invitation:
    shop = await uow.shops.lock_of_invitation(command.invitation_id)
    invitation = shop.decline(command.invitation_id, command.creator_account_id, uow.clock.now())
    await uow.timers.cancel(INVITATION_EXPIRY, command.invitation_id)
    await uow.commit()
    count_outcome("declined")
    return invitation


async def lapse_invitation(timer: Timer, uow: UnitOfWork) -> None:
    """SHOP-6: the 48 hours ended; the poller's unit of work commits."""
    shop = await uow.shops.lock(timer.payload["shop_id"])
    if shop.lapse(timer.payload["invitation_id"], uow.clock.now()):
        count_outcome("lapsed")
