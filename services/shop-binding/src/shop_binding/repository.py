"""Loads and saves aggregates through the unit of work's session; never commits."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from trust_common.contracts.platform import AccountSnapshot, ShopSnapshot
from trust_common.problems import Problem
from trust_common.projections import load_account, load_shop

from shop_binding.domain.errors import (
    AccountNotFound, AlreadyLinked, CreatorAlreadyBound, DuplicateInvitation, ShopNotFound, SlotsFull,
    UnlinkRequestAlreadyOpen,
)
from shop_binding.domain.links import BusinessCentreLink, LinkStatus
from shop_binding.domain.model import Binding, BindingStatus, Invitation
from shop_binding.domain.shop import Shop
from shop_binding.orm import CONSTRAINT_RULES, shops

LIVE = (BindingStatus.BINDING.value, BindingStatus.ACTIVE.value)


class ShopRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock(self, shop_id: str) -> Shop:
        """The shop aggregate, its row locked until commit: commands on one shop run one at a time."""
        await self.session.execute(pg_insert(shops).values(shop_id=shop_id).on_conflict_do_nothing())
        return (await self.session.execute(
            select(Shop).where(shops.c.shop_id == shop_id).with_for_update()
            .execution_options(populate_existing=True))).scalar_one()

    async def get(self, shop_id: str) -> Shop:
        """The shop for reading (a fresh, empty one when it never had an invitation)."""
        shop = (await self.session.execute(select(Shop).where(shops.c.shop_id == shop_id))).scalar_one_or_none()
        return shop if shop is not None else Shop(shop_id)

    async def shop_of_invitation(self, invitation_id: str) -> str | None:
        return (await self.session.execute(select(Invitation.shop_id).where(
            Invitation.invitation_id == invitation_id))).scalar_one_or_none()

    async def shop_of_binding(self, binding_id: str) -> str | None:
        return (await self.session.execute(select(Binding.shop_id).where(
            Binding.binding_id == binding_id))).scalar_one_or_none()

    async def live_shop_of_creator(self, creator_account_id: str) -> str | None:
        """The shop the creator is bound to (or binding with) now, if any (SHOP-2)."""
        return (await self.session.execute(select(Binding.shop_id).where(
            Binding.creator_account_id == creator_account_id, Binding.status.in_(LIVE)))).scalar_one_or_none()


class LinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, link: BusinessCentreLink) -> None:
        self.session.add(link)

    async def live_of_account(self, platform_account_id: str) -> BusinessCentreLink | None:
        return (await self.session.execute(select(BusinessCentreLink).where(
            BusinessCentreLink.platform_account_id == platform_account_id,
            BusinessCentreLink.status == LinkStatus.LINKED.value).with_for_update())).scalar_one_or_none()

    async def live_of_business_centre(self, business_centre_account_id: str) -> BusinessCentreLink | None:
        return (await self.session.execute(select(BusinessCentreLink).where(
            BusinessCentreLink.business_centre_account_id == business_centre_account_id,
            BusinessCentreLink.status == LinkStatus.LINKED.value).with_for_update())).scalar_one_or_none()


async def shop_facts(session: AsyncSession, shop_id: str) -> ShopSnapshot:
    """The platform's facts about a shop (projection); unknown shops are not found."""
    facts = await load_shop(session, shop_id)
    if facts is None:
        raise ShopNotFound(f"no shop {shop_id}")
    return facts


async def account_facts(session: AsyncSession, account_id: str) -> AccountSnapshot:
    account = await load_account(session, account_id)
    if account is None:
        raise AccountNotFound(f"no account {account_id}")
    return account


_RULE_ERRORS: dict[str, type[Problem]] = {
    "SHOP-2": CreatorAlreadyBound, "SHOP-1": SlotsFull, "SHOP-6": DuplicateInvitation,
    "SHOP-11": UnlinkRequestAlreadyOpen, "LINK-1": AlreadyLinked,
}


def constraint_problems() -> dict[str, Callable[[], Problem]]:
    """A unique index that caught a race becomes the domain error of the rule it guards."""
    def problem(rule: str) -> Callable[[], Problem]:
        detail = "already linked to another account" if rule == "LINK-1" else \
            "refused: a concurrent request got there first"
        return lambda: _RULE_ERRORS[rule](detail)

    return {name: problem(rule) for name, rule in CONSTRAINT_RULES.items()}
