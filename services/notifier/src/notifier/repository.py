"""Loads and saves the notifier's aggregates through the unit of work's session; never commits."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from trust_common.contracts.notifier import Channel

from notifier.domain.delivery import Delivery
from notifier.domain.notification import Notification, Tenant
from notifier.domain.preferences import Preferences
from notifier.domain.webhooks import WebhookEndpoint
from notifier.domain.window import ConfirmationWindow
from notifier.orm import notifications, preferences, webhook_endpoints


async def get_notification(session: AsyncSession, notification_id: str) -> Notification | None:
    return await session.get(Notification, notification_id)


async def get_delivery(session: AsyncSession, delivery_id: str, *, for_update: bool = False) -> Delivery | None:
    return await session.get(Delivery, delivery_id, with_for_update=for_update or None)


async def get_window(session: AsyncSession, window_id: str, *, for_update: bool = True) -> ConfirmationWindow | None:
    return await session.get(ConfirmationWindow, window_id, with_for_update=for_update or None)


async def get_endpoint(session: AsyncSession, endpoint_id: str, *, for_update: bool = False) -> WebhookEndpoint | None:
    return await session.get(WebhookEndpoint, endpoint_id, with_for_update=for_update or None)


async def active_endpoint_ids(session: AsyncSession, tenant: Tenant | None) -> list[str]:
    if tenant is None:
        return []
    stmt = select(webhook_endpoints.c.id).where(
        webhook_endpoints.c.tenant_kind == tenant.kind, webhook_endpoints.c.tenant_id == tenant.id,
        webhook_endpoints.c.active.is_(True))
    return list((await session.execute(stmt.order_by(webhook_endpoints.c.id))).scalars())


async def load_preferences(session: AsyncSession, account_id: str) -> Preferences:
    rows = (await session.execute(select(preferences.c.channel, preferences.c.kind).where(
        preferences.c.account_id == account_id))).all()
    return Preferences(account_id, {(Channel(channel), kind) for channel, kind in rows})


async def save_preference(session: AsyncSession, account_id: str, entry: tuple[Channel, str], muted: bool) -> None:
    channel, kind = entry
    if muted:
        await session.execute(pg_insert(preferences).values(account_id=account_id, channel=str(channel), kind=kind)
                              .on_conflict_do_nothing())
    else:
        await session.execute(delete(preferences).where(
            preferences.c.account_id == account_id, preferences.c.channel == str(channel), preferences.c.kind == kind))


async def mark_all_read(session: AsyncSession, account_id: str, now: datetime) -> int:
    result = await session.execute(update(notifications).where(
        notifications.c.recipient_account_id == account_id, notifications.c.in_inbox.is_(True),
        notifications.c.read_at.is_(None)).values(read_at=now).returning(notifications.c.id))
    return len(result.all())
