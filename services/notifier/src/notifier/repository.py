"""Loads and saves the notifier's aggregates through the unit of work's session; never commits.
Handlers reach them from the unit of work: `uow.notifications`, `uow.deliveries`, …"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifier.domain.delivery import Delivery
from notifier.domain.notification import Notification, Tenant
from notifier.domain.preferences import Preferences
from notifier.domain.webhooks import WebhookEndpoint
from notifier.domain.window import ConfirmationWindow
from notifier.orm import deliveries, notifications, preferences, webhook_endpoints
from trust_common import uow
from trust_common.contracts.notifier import Channel


class NotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, notification_id: str) -> Notification | None:
        return await self.session.get(Notification, notification_id)

    async def add(self, notification: Notification, deliveries: list[Delivery]) -> None:
        """A new notification (its inbox entry) with the deliveries it fans out to."""
        self.session.add(notification)
        await self.session.flush()  # the deliveries reference it
        self.session.add_all(deliveries)

    async def mark_all_read(self, account_id: str, now: datetime) -> int:
        result = await self.session.execute(update(notifications).where(
            notifications.c.recipient_account_id == account_id, notifications.c.in_inbox.is_(True),
            notifications.c.read_at.is_(None)).values(read_at=now).returning(notifications.c.id))
        return len(result.all())


class DeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, delivery_id: str, *, for_update: bool = False) -> Delivery | None:
        return await self.session.get(Delivery, delivery_id, with_for_update=for_update or None)

    async def dead_lettered_ids(self, endpoint_id: str, limit: int) -> list[str]:
        """An endpoint's dead letters, oldest first (NOTE-4: replayed in bulk)."""
        stmt = select(deliveries.c.id).where(
            deliveries.c.channel == str(Channel.WEBHOOK), deliveries.c.recipient == endpoint_id,
            deliveries.c.status == "dead_lettered").order_by(deliveries.c.updated_at, deliveries.c.id).limit(limit)
        return list((await self.session.execute(stmt)).scalars())


class WindowRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, window_id: str, *, for_update: bool = True) -> ConfirmationWindow | None:
        return await self.session.get(ConfirmationWindow, window_id, with_for_update=for_update or None)

    def add(self, window: ConfirmationWindow) -> None:
        self.session.add(window)


class EndpointRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, endpoint_id: str, *, for_update: bool = False) -> WebhookEndpoint | None:
        return await self.session.get(WebhookEndpoint, endpoint_id, with_for_update=for_update or None)

    def add(self, endpoint: WebhookEndpoint) -> None:
        self.session.add(endpoint)

    async def active_ids(self, tenant: Tenant | None, *, for_update: bool = False) -> list[str]:
        """The tenant's active endpoints, each of which gets a copy of its notifications."""
        if tenant is None:
            return []
        if for_update:
            # Two registrations racing for the last place under the cap take turns (per tenant).
            await self.session.execute(select(func.pg_advisory_xact_lock(
                func.hashtextextended(f"webhook-endpoints:{tenant.kind}:{tenant.id}", 0))))
        stmt = select(webhook_endpoints.c.id).where(
            webhook_endpoints.c.tenant_kind == tenant.kind, webhook_endpoints.c.tenant_id == tenant.id,
            webhook_endpoints.c.active.is_(True))
        return list((await self.session.execute(stmt.order_by(webhook_endpoints.c.id))).scalars())


class PreferenceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, account_id: str) -> Preferences:
        rows = (await self.session.execute(select(preferences.c.channel, preferences.c.kind).where(
            preferences.c.account_id == account_id))).all()
        return Preferences(account_id, {(Channel(channel), kind) for channel, kind in rows})

    async def save(self, account_id: str, entry: tuple[Channel, str], muted: bool) -> None:
        channel, kind = entry
        if muted:
            await self.session.execute(pg_insert(preferences).values(
                account_id=account_id, channel=str(channel), kind=kind).on_conflict_do_nothing())
        else:
            await self.session.execute(delete(preferences).where(
                preferences.c.account_id == account_id, preferences.c.channel == str(channel),
                preferences.c.kind == kind))


class UnitOfWork(uow.UnitOfWork):
    """The notifier's unit of work: one transaction and the repositories on its session."""

    notifications: NotificationRepository
    deliveries: DeliveryRepository
    windows: WindowRepository
    endpoints: EndpointRepository
    preferences: PreferenceRepository

    def open_repositories(self) -> None:
        self.notifications = NotificationRepository(self.session)
        self.deliveries = DeliveryRepository(self.session)
        self.windows = WindowRepository(self.session)
        self.endpoints = EndpointRepository(self.session)
        self.preferences = PreferenceRepository(self.session)
