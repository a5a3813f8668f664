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
from trust_common.schema import outbox
from trust_common.testing.platform import ProjectedPlatform
from trust_common.testing.services import ServiceUnderTest

from tests.shop_binding import builders


@dataclass
class World:
    """The running service and the platform that feeds it."""

    service: ServiceUnderTest
    platform: ProjectedPlatform

    async def shop(self, **facts: Any) -> ShopSnapshot:
        return await self.platform.shop(builders.shop(**facts))

    async def account(self, **facts: Any) -> AccountSnapshot:
        return await self.platform.account(builders.account(**facts))

    async def change_account(self, snapshot: AccountSnapshot) -> None:
        await self.platform.account(snapshot)

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
    async with PlatformPublisher(kafka_topics) as publisher:
        yield World(shop_binding, ProjectedPlatform(publisher, [shop_binding]))
