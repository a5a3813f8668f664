"""Support cases (SHOP-12): opened by the merchant for an ineligible creator or a stuck binding, answered by
support from an ordered queue."""
from __future__ import annotations

import uuid

from shop_binding.domain import commands
from shop_binding.domain.model import SupportCase
from shop_binding.repository import UnitOfWork
from trust_common.contracts.shop_binding import SupportCaseKind


async def open_support_case(command: commands.OpenSupportCase, uow: UnitOfWork) -> SupportCase:
    case_id, now = str(uuid.uuid4()), uow.clock.now()
    if command.kind == SupportCaseKind.STUCK_BINDING:
        assert command.binding_id is not None  # the route's schema requires it for this kind
        shop = await uow.shops.lock(command.shop_id)
        case = shop.open_case_for_binding(command.binding_id, case_id=case_id, now=now)
    else:
        assert command.creator_account_id is not None
        facts = await uow.platform.shop(command.shop_id)
        account = await uow.platform.account(command.creator_account_id)
        shop = await uow.shops.lock(command.shop_id)
        case = shop.open_case_for_creator(facts, account, case_id=case_id, now=now,
                                          bound_shop_id=await uow.shops.live_shop_of_creator(account.account_id))
    await uow.commit()  # one open case per creator and kind, also under races (orm's unique index)
    return case


async def answer_support_case(command: commands.AnswerSupportCase, uow: UnitOfWork) -> SupportCase:
    shop = await uow.shops.lock_of_case(command.case_id)
    case = shop.answer_case(command.case_id, command.outcome, command.note_code, command.note,
                            answered_by=command.answered_by, now=uow.clock.now())
    await uow.commit()
    return case
