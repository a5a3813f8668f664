"""Read side: listings and read models straight from the tables (no aggregate needed), except the ledger
and eligibility, which the shop aggregate computes."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from shop_binding.domain.errors import Failure, SupportCaseNotFound
from shop_binding.domain.shop import Ledger
from shop_binding.orm import bindings, business_centre_links, invitations, support_cases, unlink_requests
from shop_binding.repository import PlatformFacts, ShopRepository
from trust_common.contracts.platform import ShopSnapshot
from trust_common.pagination import PageRequest, paginate
from trust_common.projections import load_account

Rows = tuple[list[Any], str | None]


def _with_status(stmt: Select[Any], column: Any, status: str | None) -> Select[Any]:
    return stmt.where(column == status) if status else stmt


async def invitations_of_shop(session: AsyncSession, shop_id: str, status: str | None, page: PageRequest) -> Rows:
    stmt = _with_status(select(invitations).where(invitations.c.shop_id == shop_id), invitations.c.status, status)
    return await paginate(session, stmt, [invitations.c.created_at, invitations.c.invitation_id], page,
                          descending=True)


async def invitations_of_creator(session: AsyncSession, creator_account_id: str, status: str | None,
                                 page: PageRequest) -> Rows:
    stmt = _with_status(select(invitations).where(invitations.c.creator_account_id == creator_account_id),
                        invitations.c.status, status)
    return await paginate(session, stmt, [invitations.c.created_at, invitations.c.invitation_id], page,
                          descending=True)


async def bindings_of_shop(session: AsyncSession, shop_id: str, status: str | None, page: PageRequest) -> Rows:
    stmt = _with_status(select(bindings).where(bindings.c.shop_id == shop_id), bindings.c.status, status)
    return await paginate(session, stmt, [bindings.c.created_at, bindings.c.binding_id], page, descending=True)


async def bindings_of_creator(session: AsyncSession, creator_account_id: str, page: PageRequest) -> Rows:
    stmt = select(bindings).where(bindings.c.creator_account_id == creator_account_id)
    return await paginate(session, stmt, [bindings.c.created_at, bindings.c.binding_id], page, descending=True)


async def pending_bindings(session: AsyncSession, page: PageRequest) -> Rows:
    """SHOP-10: bindings stuck in `binding`, oldest first, for support."""
    stmt = select(bindings).where(bindings.c.status == "binding")
    return await paginate(session, stmt, [bindings.c.created_at, bindings.c.binding_id], page)


async def unlink_requests_of_shop(session: AsyncSession, shop_id: str, status: str | None,
                                  page: PageRequest) -> Rows:
    stmt = _with_status(select(unlink_requests).where(unlink_requests.c.shop_id == shop_id),
                        unlink_requests.c.status, status)
    return await paginate(session, stmt, [unlink_requests.c.created_at, unlink_requests.c.request_id], page,
                          descending=True)


async def ledger(session: AsyncSession, shop_id: str, now: datetime) -> tuple[ShopSnapshot, Ledger]:
    """The limits ledger of a shop (SHOP-1, SHOP-7, SHOP-8)."""
    facts = await PlatformFacts(session).shop(shop_id)
    shop = await ShopRepository(session).get(shop_id)
    return facts, shop.ledger(facts, now)


async def eligibility(session: AsyncSession, shop_id: str, account_id: str, now: datetime) -> list[Failure]:
    """SHOP-5: every failed condition for inviting this account to this shop."""
    platform, shops = PlatformFacts(session), ShopRepository(session)
    facts = await platform.shop(shop_id)
    account = await platform.account(account_id)
    shop = await shops.get(shop_id)
    return shop.eligibility(facts, account, bound_shop_id=await shops.live_shop_of_creator(account_id), now=now)


async def link_of_account(session: AsyncSession, platform_account_id: str) -> dict[str, Any] | None:
    """The live business-centre link with the platform account's name, as user settings show it (LINK-1)."""
    row = (await session.execute(select(business_centre_links).where(
        business_centre_links.c.platform_account_id == platform_account_id,
        business_centre_links.c.status == "linked"))).first()
    if row is None:
        return None
    account = await load_account(session, platform_account_id)
    return {**row._mapping, "platform_account_name": account.username if account else None}


async def support_cases_of_shop(session: AsyncSession, shop_id: str, status: str | None, page: PageRequest) -> Rows:
    """SHOP-12: the merchant's cases, newest first."""
    stmt = _with_status(select(support_cases).where(support_cases.c.shop_id == shop_id), support_cases.c.status,
                        status)
    return await paginate(session, stmt, [support_cases.c.created_at, support_cases.c.case_id], page,
                          descending=True)


async def support_case(session: AsyncSession, case_id: str, shop_id: str | None = None) -> Any:
    """One case; with `shop_id`, only that shop's (X-3: another shop's case is not found)."""
    stmt = select(support_cases).where(support_cases.c.case_id == case_id)
    if shop_id is not None:
        stmt = stmt.where(support_cases.c.shop_id == shop_id)
    row = (await session.execute(stmt)).first()
    if row is None:
        raise SupportCaseNotFound(f"no support case {case_id}")
    return row


async def support_queue(session: AsyncSession, status: str | None, page: PageRequest) -> Rows:
    """SHOP-12: support's ordered queue, oldest first (open cases by default)."""
    stmt = select(support_cases).where(support_cases.c.status == (status or "open"))
    return await paginate(session, stmt, [support_cases.c.created_at, support_cases.c.case_id], page)


async def selling_entitlement(session: AsyncSession, creator_account_id: str) -> dict[str, Any]:
    """SHOP-13: entitled while the creator account has an active binding (a pending one has not started)."""
    row = (await session.execute(select(bindings.c.shop_id, bindings.c.binding_id, bindings.c.bound_at).where(
        bindings.c.creator_account_id == creator_account_id, bindings.c.status == "active"))).first()
    if row is None:
        return {"creator_account_id": creator_account_id, "entitled": False}
    return {"creator_account_id": creator_account_id, "entitled": True, "shop_id": row.shop_id,
            "binding_id": row.binding_id, "since": row.bound_at}
