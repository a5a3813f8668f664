"""Fixtures of the shop-binding integration tests: platform facts published on Kafka and
waited for in the service's projections, and HTTP clients per actor."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from trust_common.auth import Role
from trust_common.contracts.platform import AccountSnapshot, ShopSnapshot
from trust_common.platform import PlatformPublisher
from trust_common.projections import load_account, load_shop
from trust_common.schema import outbox
from trust_common.testing.services import ServiceUnderTest, eventually

from tests.shop_binding import factories


@dataclass
class World:
    """The running service and the platform that feeds it."""

    service: ServiceUnderTest
    platform: PlatformPublisher

    async def shop(self, **facts: Any) -> ShopSnapshot:
        snapshot = factories.shop(**facts)
        await self.platform.register_shop(snapshot)
        await eventually(lambda: self._projected(load_shop, snapshot.shop_id))
        return snapshot

    async def account(self, **facts: Any) -> AccountSnapshot:
        snapshot = factories.account(**facts)
        await self.platform.register_account(snapshot)
        await eventually(lambda: self._projected(load_account, snapshot.account_id))
        return snapshot

    async def change_account(self, snapshot: AccountSnapshot) -> None:
        await self.platform.change_account(snapshot)
        await eventually(lambda: self._projected(load_account, snapshot.account_id, snapshot))

    async def _projected(self, load: Any, key: str, expected: Any = None) -> bool:
        async with self.service.runtime.sessions() as session:
            found = await load(session, key)
        return found is not None and (expected is None or found == expected)

    def merchant(self, *shops: ShopSnapshot) -> httpx.AsyncClient:
        owner = shops[0].owner_account_id if shops else "merchant-without-shops"
        return self.service.client(f"merchant-{owner}", Role.MERCHANT, account_id=owner,
                                   shop_ids=[s.shop_id for s in shops])

    def creator(self, account: AccountSnapshot, country: str | None = "GB") -> httpx.AsyncClient:
        client = self.service.client(f"creator-{account.account_id}", Role.CREATOR, account_id=account.account_id)
        if country:
            client.headers[self.service.settings.network_country_header] = country
        return client

    def support(self) -> httpx.AsyncClient:
        return self.service.client("support-agent", Role.SUPPORT)

    async def event_types(self, aggregate_id: str) -> list[str]:
        """Types of the events written to the outbox for one aggregate, in order."""
        async with self.service.runtime.sessions() as session:
            return list((await session.execute(select(outbox.c.event_type).where(
                outbox.c.message_key == aggregate_id).order_by(outbox.c.id))).scalars())


@pytest.fixture(scope="session")
async def world(shop_binding: ServiceUnderTest, kafka_topics):
    async with PlatformPublisher(kafka_topics) as platform:
        yield World(shop_binding, platform)
