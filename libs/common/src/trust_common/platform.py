"""A stand-in for the platform's own account and shop systems: publishes their facts to
`platform.accounts` and `platform.shops` the way the real systems do (no outbox: not ours)."""
from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer

from trust_common.contracts.platform import (
    AccountChanged,
    AccountDeleted,
    AccountRegistered,
    AccountSnapshot,
    ShopChanged,
    ShopRegistered,
    ShopSnapshot,
)
from trust_common.events import EventData, EventEnvelope
from trust_common.kafka import create_producer, encode_headers
from trust_common.settings import CommonSettings

SOURCE = "platform"


class PlatformPublisher:
    """Publishes platform facts; use as `async with PlatformPublisher(settings) as platform:`."""

    def __init__(self, settings: CommonSettings) -> None:
        self._settings = settings
        self._producer: AIOKafkaProducer | None = None

    async def __aenter__(self) -> PlatformPublisher:
        self._producer = create_producer(self._settings)
        await self._producer.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._producer is not None
        await self._producer.stop()

    async def register_account(self, account: AccountSnapshot) -> EventEnvelope:
        return await self.publish(AccountRegistered(account_id=account.account_id, account=account))

    async def change_account(self, account: AccountSnapshot, changed: list[str] | None = None) -> EventEnvelope:
        return await self.publish(AccountChanged(account_id=account.account_id, account=account,
                                                 changed_fields=changed or []))

    async def delete_account(self, account_id: str) -> EventEnvelope:
        return await self.publish(AccountDeleted(account_id=account_id))

    async def register_shop(self, shop: ShopSnapshot) -> EventEnvelope:
        return await self.publish(ShopRegistered(shop_id=shop.shop_id, shop=shop))

    async def change_shop(self, shop: ShopSnapshot) -> EventEnvelope:
        return await self.publish(ShopChanged(shop_id=shop.shop_id, shop=shop))

    async def publish(self, event: EventData, *, event_id: uuid.UUID | None = None) -> EventEnvelope:
        """Publish one fact; the sequence is the publish time in microseconds (monotonic per account)."""
        assert self._producer is not None, "use PlatformPublisher as an async context manager"
        envelope = EventEnvelope.wrap(event, source=SOURCE, sequence=time.time_ns() // 1000,
                                      occurred_at=datetime.now(UTC), event_id=event_id)
        await self._producer.send_and_wait(
            self._settings.topic(event.topic), value=envelope.model_dump_json().encode(),
            key=envelope.aggregate_id.encode(), headers=encode_headers({"event-type": envelope.type}))
        return envelope
