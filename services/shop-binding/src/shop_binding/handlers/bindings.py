"""Bindings: unbound by the shop (SHOP-3, SHOP-7), unlink requests (SHOP-11), pending ones resolved
by support (SHOP-10)."""
from __future__ import annotations

import uuid

from shop_binding.domain import commands
from shop_binding.domain.model import Binding, UnlinkRequest
from shop_binding.repository import UnitOfWork


async def unbind_creator(command: commands.UnbindCreator, uow: UnitOfWork) -> Binding:
    shop = await uow.shops.lock(command.shop_id)
    binding = shop.unbind(command.binding_id, uow.clock.now())
    await uow.commit()
    return binding


async def request_unlink(command: commands.RequestUnlink, uow: UnitOfWork) -> UnlinkRequest:
    shop = await uow.shops.lock_of_binding(command.binding_id)
    facts = await uow.platform.shop(shop.shop_id)
    account = await uow.platform.account(command.creator_account_id)
    request = shop.request_unlink(command.binding_id, account, facts, network_country=command.network_country,
                                  request_id=str(uuid.uuid4()), now=uow.clock.now())
    await uow.commit()
    return request


async def answer_unlink_request(command: commands.AnswerUnlinkRequest, uow: UnitOfWork) -> UnlinkRequest:
    shop = await uow.shops.lock(command.shop_id)
    request = shop.answer_unlink(command.request_id, command.decision, uow.clock.now())
    await uow.commit()
    return request


async def resolve_pending_binding(command: commands.ResolvePendingBinding, uow: UnitOfWork) -> Binding:
    shop = await uow.shops.lock_of_binding(command.binding_id)
    binding = shop.resolve_pending(command.binding_id, complete=command.complete, now=uow.clock.now(),
                                   answered_by=command.answered_by)
    await uow.commit()
    return binding
