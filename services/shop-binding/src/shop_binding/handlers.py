"""Use cases: one function per command; load, call one method on the aggregate, commit."""
from __future__ import annotations

import uuid
from collections.abc import Collection

from trust_common.timers import Timer
from trust_common.uow import UnitOfWork

from shop_binding.domain import commands
from shop_binding.domain.errors import BindingNotFound, InvitationNotFound, LinkNotFound
from shop_binding.domain.links import BusinessCentreLink, BusinessCentreVerifier
from shop_binding.domain.model import Binding, Invitation, UnlinkRequest
from shop_binding.domain.shop import Shop
from shop_binding.metrics import count_outcome
from shop_binding.settings import Settings
from shop_binding.repository import (
    LinkRepository, ShopRepository, account_facts, shop_facts,
)

INVITATION_EXPIRY = "shop_binding.invitation_expiry"  # SHOP-6 durable timer kind


def new_id() -> str:
    return str(uuid.uuid4())


async def invite_creator(command: commands.InviteCreator, uow: UnitOfWork) -> Invitation:
    repository = ShopRepository(uow.session)
    facts = await shop_facts(uow.session, command.shop_id)
    account = await account_facts(uow.session, command.creator_account_id)
    shop = await repository.lock(command.shop_id)
    invitation = shop.invite(facts, account, command.role, invitation_id=new_id(),
                             bound_shop_id=await repository.live_shop_of_creator(account.account_id),
                             now=uow.clock.now())
    # SHOP-6: the 48-hour window is a durable timer; it lapses the invitation once.
    await uow.timers.schedule(INVITATION_EXPIRY, invitation.invitation_id, due_at=invitation.expires_at,
                              payload={"shop_id": shop.shop_id, "invitation_id": invitation.invitation_id})
    await uow.commit()
    return invitation


async def withdraw_invitation(command: commands.WithdrawInvitation, uow: UnitOfWork) -> Invitation:
    shop = await ShopRepository(uow.session).lock(command.shop_id)
    invitation = shop.withdraw(command.invitation_id, uow.clock.now())
    await uow.timers.cancel(INVITATION_EXPIRY, invitation.invitation_id)
    await uow.commit()
    return invitation


async def confirm_invitation(command: commands.ConfirmInvitation, uow: UnitOfWork) -> Binding:
    repository = ShopRepository(uow.session)
    shop = await _shop_of_invitation(repository, command.invitation_id)
    facts = await shop_facts(uow.session, shop.shop_id)
    account = await account_facts(uow.session, command.creator_account_id)
    binding = shop.confirm(command.invitation_id, facts, account, binding_id=new_id(),
                           bound_shop_id=await repository.live_shop_of_creator(account.account_id),
                           network_country=command.network_country, now=uow.clock.now())
    await uow.timers.cancel(INVITATION_EXPIRY, command.invitation_id)
    await uow.commit()  # SHOP-2: the unique index refuses a second live binding that raced this one
    count_outcome("confirmed")
    return binding


async def decline_invitation(command: commands.DeclineInvitation, uow: UnitOfWork) -> Invitation:
    shop = await _shop_of_invitation(ShopRepository(uow.session), command.invitation_id)
    invitation = shop.decline(command.invitation_id, command.creator_account_id, uow.clock.now())
    await uow.timers.cancel(INVITATION_EXPIRY, command.invitation_id)
    await uow.commit()
    count_outcome("declined")
    return invitation


async def lapse_invitation(timer: Timer, uow: UnitOfWork) -> None:
    """SHOP-6: the 48 hours ended; the poller's unit of work commits."""
    shop = await ShopRepository(uow.session).lock(timer.payload["shop_id"])
    if shop.lapse(timer.payload["invitation_id"], uow.clock.now()):
        count_outcome("lapsed")


async def unbind_creator(command: commands.UnbindCreator, uow: UnitOfWork) -> Binding:
    shop = await ShopRepository(uow.session).lock(command.shop_id)
    binding = shop.unbind(command.binding_id, uow.clock.now())
    await uow.commit()
    return binding


async def request_unlink(command: commands.RequestUnlink, uow: UnitOfWork) -> UnlinkRequest:
    repository = ShopRepository(uow.session)
    shop_id = await repository.shop_of_binding(command.binding_id)
    if shop_id is None:
        raise BindingNotFound(f"no binding {command.binding_id}")
    shop = await repository.lock(shop_id)
    request = shop.request_unlink(command.binding_id, command.creator_account_id, request_id=new_id(),
                                  now=uow.clock.now())
    await uow.commit()
    return request


async def answer_unlink_request(command: commands.AnswerUnlinkRequest, uow: UnitOfWork) -> UnlinkRequest:
    shop = await ShopRepository(uow.session).lock(command.shop_id)
    request = shop.answer_unlink(command.request_id, command.decision, uow.clock.now())
    await uow.commit()
    return request


async def resolve_pending_binding(command: commands.ResolvePendingBinding, uow: UnitOfWork) -> Binding:
    repository = ShopRepository(uow.session)
    shop_id = await repository.shop_of_binding(command.binding_id)
    if shop_id is None:
        raise BindingNotFound(f"no binding {command.binding_id}")
    shop = await repository.lock(shop_id)
    now = uow.clock.now()
    if command.complete:
        binding = shop.complete_pending(command.binding_id, now)
    else:
        binding = shop.reject_pending(command.binding_id, now)
    await uow.commit()
    return binding


async def link_business_centre(command: commands.LinkBusinessCentre, uow: UnitOfWork, settings: Settings,
                               verifier: BusinessCentreVerifier) -> BusinessCentreLink:
    # LINK-1: only someone the business centre vouches for may link its account (no squatting), checked
    # before anything is read so a refused caller learns nothing about existing links.
    verifier.verify(command.control_proof, platform_account_id=command.platform_account_id,
                    business_centre_account_id=command.business_centre_account_id, now=uow.clock.now())
    repository = LinkRepository(uow.session)
    account = await account_facts(uow.session, command.platform_account_id)
    of_account = await repository.live_of_account(command.platform_account_id)
    if of_account is not None and of_account.business_centre_account_id == command.business_centre_account_id:
        await uow.commit()  # the same pair again: already done (commit keeps it readable after)
        return of_account
    link = BusinessCentreLink.link(
        link_id=new_id(), platform_account_id=command.platform_account_id,
        business_centre_account_id=command.business_centre_account_id, entry_point=command.entry_point,
        market=account.country, enabled_markets=settings.link_markets, link_of_account=of_account,
        link_of_business_centre=await repository.live_of_business_centre(command.business_centre_account_id),
        now=uow.clock.now())
    repository.add(link)
    await uow.commit()  # LINK-1: unique indexes refuse a concurrent second link
    return link


async def unlink_business_centre(command: commands.UnlinkBusinessCentre, uow: UnitOfWork) -> BusinessCentreLink:
    link = await LinkRepository(uow.session).live_of_account(command.platform_account_id)
    if link is None:
        raise LinkNotFound("this account has no business-centre link")
    link.remove(uow.clock.now())
    await uow.commit()
    return link


async def _shop_of_invitation(repository: ShopRepository, invitation_id: str) -> Shop:
    shop_id = await repository.shop_of_invitation(invitation_id)
    if shop_id is None:
        raise InvitationNotFound(f"no invitation {invitation_id}")
    return await repository.lock(shop_id)
