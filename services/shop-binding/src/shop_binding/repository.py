"""Repositories, reached from the unit of work (`uow.shops`, `uow.links`, `uow.platform`): they load
and save aggregates through its session and never commit."""
from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_binding.domain.errors import (
    AccountNotFound,
    BindingNotFound,
    InvitationNotFound,
    ShopNotFound,
    SupportCaseNotFound,
)
from shop_binding.domain.links import BusinessCentreLink, LinkStatus
from shop_binding.domain.model import BindingStatus
from shop_binding.domain.shop import Shop
from shop_binding.orm import bindings, business_centre_links, invitations, shops, support_cases
from trust_common import uow
from trust_common.contracts.platform import AccountSnapshot, ShopSnapshot
from trust_common.projections import load_account, load_shop

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

    async def lock_of_invitation(self, invitation_id: str) -> Shop:
        """The shop that sent an invitation, locked; an unknown invitation is not found."""
        shop_id = (await self.session.execute(select(invitations.c.shop_id).where(
            invitations.c.invitation_id == invitation_id))).scalar_one_or_none()
        if shop_id is None:
            raise InvitationNotFound(f"no invitation {invitation_id}")
        return await self.lock(shop_id)

    async def lock_of_binding(self, binding_id: str) -> Shop:
        """The shop of a binding, locked; an unknown binding is not found."""
        shop_id = (await self.session.execute(select(bindings.c.shop_id).where(
            bindings.c.binding_id == binding_id))).scalar_one_or_none()
        if shop_id is None:
            raise BindingNotFound(f"no binding {binding_id}")
        return await self.lock(shop_id)

    async def lock_of_case(self, case_id: str) -> Shop:
        """The shop of a support case, locked; an unknown case is not found (SHOP-12)."""
        shop_id = (await self.session.execute(select(support_cases.c.shop_id).where(
            support_cases.c.case_id == case_id))).scalar_one_or_none()
        if shop_id is None:
            raise SupportCaseNotFound(f"no support case {case_id}")
        return await self.lock(shop_id)

    async def get(self, shop_id: str) -> Shop:
        """The shop for reading (a fresh, empty one when it never had an invitation)."""
        shop = (await self.session.execute(select(Shop).where(shops.c.shop_id == shop_id))).scalar_one_or_none()
        return shop if shop is not None else Shop(shop_id)

    async def live_shop_of_creator(self, creator_account_id: str) -> str | None:
        """The shop the creator is bound to (or binding with) now, if any (SHOP-2)."""
        return (await self.session.execute(select(bindings.c.shop_id).where(
            bindings.c.creator_account_id == creator_account_id, bindings.c.status.in_(LIVE)))).scalar_one_or_none()


class LinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, link: BusinessCentreLink) -> None:
        self.session.add(link)

    async def live_of_account(self, platform_account_id: str) -> BusinessCentreLink | None:
        return await self._live(business_centre_links.c.platform_account_id == platform_account_id)

    async def live_of_business_centre(self, business_centre_account_id: str) -> BusinessCentreLink | None:
        return await self._live(business_centre_links.c.business_centre_account_id == business_centre_account_id)

    async def _live(self, condition: ColumnElement[bool]) -> BusinessCentreLink | None:
        return (await self.session.execute(select(BusinessCentreLink).where(
            condition, business_centre_links.c.status == LinkStatus.LINKED.value).with_for_update())
        ).scalar_one_or_none()


class PlatformFacts:
    """The platform's facts about shops and accounts (projections); unknown ones are not found."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def shop(self, shop_id: str) -> ShopSnapshot:
        facts = await load_shop(self.session, shop_id)
        if facts is None:
            raise ShopNotFound(f"no shop {shop_id}")
        return facts

    async def account(self, account_id: str) -> AccountSnapshot:
        account = await load_account(self.session, account_id)
        if account is None:
            raise AccountNotFound(f"no account {account_id}")
        return account


class UnitOfWork(uow.UnitOfWork):
    """The shop-binding unit of work: its repositories share the transaction's session."""

    shops: ShopRepository
    links: LinkRepository
    platform: PlatformFacts

    def open_repositories(self) -> None:
        self.shops = ShopRepository(self.session)
        self.links = LinkRepository(self.session)
        self.platform = PlatformFacts(self.session)
