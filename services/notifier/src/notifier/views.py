"""Read side of the API: the inbox, delivery status, dead letters, endpoints (plain selects)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from notifier.domain.commands import TenantRef
from notifier.domain.delivery import DeliveryStatus
from notifier.orm import deliveries, notifications, preferences, webhook_endpoints
from trust_common.pagination import PageRequest, paginate
from trust_common.projections import load_account


async def locale_of(session: AsyncSession, account_id: str) -> str | None:
    """The recipient's locale from the account projection (None: the templates' fallback)."""
    account = await load_account(session, account_id)
    return account.locale if account else None


async def inbox_page(session: AsyncSession, account_id: str, page: PageRequest, *,
                     unread_only: bool) -> tuple[list[Any], str | None]:
    """A recipient's own inbox, newest first (X-3: filtered by the caller's account)."""
    stmt = select(notifications).where(notifications.c.recipient_account_id == account_id,
                                       notifications.c.in_inbox.is_(True))
    if unread_only:
        stmt = stmt.where(notifications.c.read_at.is_(None))
    return await paginate(session, stmt, [notifications.c.created_at, notifications.c.id], page, descending=True)


async def unread_count(session: AsyncSession, account_id: str) -> int:
    return (await session.execute(select(func.count()).select_from(notifications).where(
        notifications.c.recipient_account_id == account_id, notifications.c.in_inbox.is_(True),
        notifications.c.read_at.is_(None)))).scalar_one()


async def notification_row(session: AsyncSession, notification_id: str) -> Any:
    return (await session.execute(select(notifications).where(notifications.c.id == notification_id))).first()


async def delivery_row(session: AsyncSession, delivery_id: str) -> Any:
    return (await session.execute(select(deliveries).where(deliveries.c.id == delivery_id))).first()


async def deliveries_of(session: AsyncSession, notification_id: str) -> list[Any]:
    return list((await session.execute(select(deliveries).where(deliveries.c.notification_id == notification_id)
                                       .order_by(deliveries.c.channel, deliveries.c.recipient))).all())


async def muted(session: AsyncSession, account_id: str) -> list[tuple[str, str]]:
    """The recipient's mutes as (channel, kind or "*"), in a stable order."""
    rows = (await session.execute(select(preferences.c.channel, preferences.c.kind).where(
        preferences.c.account_id == account_id))).all()
    return sorted((channel, kind) for channel, kind in rows)


async def dead_letter_page(session: AsyncSession, page: PageRequest, *,
                           channel: str | None) -> tuple[list[Any], str | None]:
    stmt = select(deliveries).where(deliveries.c.status == str(DeliveryStatus.DEAD_LETTERED))
    if channel:
        stmt = stmt.where(deliveries.c.channel == channel)
    return await paginate(session, stmt, [deliveries.c.updated_at, deliveries.c.id], page)


async def endpoint_page(session: AsyncSession, owned: frozenset[TenantRef],
                        page: PageRequest) -> tuple[list[Any], str | None]:
    if not owned:
        return [], None
    stmt = select(webhook_endpoints).where(
        tuple_(webhook_endpoints.c.tenant_kind, webhook_endpoints.c.tenant_id).in_(sorted(owned)))
    return await paginate(session, stmt, [webhook_endpoints.c.created_at, webhook_endpoints.c.id], page)


async def owned_endpoint_row(session: AsyncSession, endpoint_id: str, owned: frozenset[TenantRef]) -> Any:
    """The endpoint if it belongs to one of the caller's tenants, else None (X-3)."""
    row = (await session.execute(select(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id))).first()
    return row if row is not None and (row.tenant_kind, row.tenant_id) in owned else None


async def endpoint_deliveries_page(session: AsyncSession, endpoint_id: str,
                                   page: PageRequest) -> tuple[list[Any], str | None]:
    stmt = select(deliveries).where(deliveries.c.channel == "webhook", deliveries.c.recipient == endpoint_id)
    return await paginate(session, stmt, [deliveries.c.created_at, deliveries.c.id], page, descending=True)
