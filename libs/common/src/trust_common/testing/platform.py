"""Platform facts for tests, written once: snapshot builders and a publisher that waits until
the services under test have projected what it published."""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Table, select

from trust_common.contracts.platform import AccountSnapshot, ShopSnapshot
from trust_common.events import EventEnvelope
from trust_common.platform import PlatformPublisher
from trust_common.schema import platform_accounts, platform_shops
from trust_common.testing.services import ServiceUnderTest, eventually


def new_id(prefix: str) -> str:
    """A fresh id: tests share the session's databases, so every test makes its own."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def account_snapshot(account_id: str | None = None, **facts: Any) -> AccountSnapshot:
    """An adult, normal, eligible account unless `facts` say otherwise."""
    account_id = account_id or new_id("acc")
    defaults: dict[str, Any] = {"username": f"user-{account_id}", "country": "GB",
                                "date_of_birth": date(1990, 1, 1)}
    return AccountSnapshot(account_id=account_id, **{**defaults, **facts})


def shop_snapshot(shop_id: str | None = None, **facts: Any) -> ShopSnapshot:
    shop_id = shop_id or new_id("shop")
    defaults: dict[str, Any] = {"name": f"Shop {shop_id}", "owner_account_id": new_id("owner"), "country": "GB",
                                "onboarding": "invited"}
    return ShopSnapshot(shop_id=shop_id, **{**defaults, **facts})


class ProjectedPlatform:
    """Publishes platform facts and returns once every listed service has projected them."""

    def __init__(self, publisher: PlatformPublisher, services: Iterable[ServiceUnderTest]) -> None:
        self.publisher = publisher
        self.services = list(services)

    async def account(self, snapshot: AccountSnapshot, *, changed: list[str] | None = None) -> AccountSnapshot:
        """Publish an account's facts (registered or changed: projections upsert) and wait."""
        envelope = await self.publisher.change_account(snapshot, changed)
        await self._projected(platform_accounts, platform_accounts.c.account_id, snapshot.account_id, envelope)
        return snapshot

    async def delete_account(self, account_id: str) -> None:
        envelope = await self.publisher.delete_account(account_id)
        await self._projected(platform_accounts, platform_accounts.c.account_id, account_id, envelope)

    async def shop(self, snapshot: ShopSnapshot) -> ShopSnapshot:
        envelope = await self.publisher.change_shop(snapshot)
        await self._projected(platform_shops, platform_shops.c.shop_id, snapshot.shop_id, envelope)
        return snapshot

    async def _projected(self, table: Table, key: Any, value: str, envelope: EventEnvelope) -> None:
        for service in self.services:
            async def caught_up(service: ServiceUnderTest = service) -> bool:
                async with service.runtime.sessions() as session:
                    sequence = (await session.execute(select(table.c.sequence).where(key == value))).scalar()
                return sequence is not None and sequence >= envelope.sequence

            await eventually(caught_up)
