"""SHOP-13: a creator account bound to a shop may sell without 1,000 followers. The entitlement is published on
the topic (real Kafka) when a binding starts and withdrawn when it ends, and served to internal services."""
from __future__ import annotations

import asyncio
import uuid

from trust_common.auth import Role
from trust_common.contracts.shop_binding import (
    SellingEntitlementGranted,
    SellingEntitlementWithdrawn,
)
from trust_common.events import EventData, EventEnvelope
from trust_common.kafka import create_consumer

from tests.shop_binding.flows import bind, unbind


async def entitlement_events(kafka_topics, creator_account_id: str, count: int) -> list[EventData]:
    """The first `count` selling-entitlement events keyed by this creator account, read from the topic."""
    consumer = create_consumer(kafka_topics, [kafka_topics.topic(SellingEntitlementGranted.topic)],
                               group_id=f"{kafka_topics.topic_prefix}probe-{uuid.uuid4().hex[:6]}")
    await consumer.start()
    events: list[EventData] = []
    try:
        async with asyncio.timeout(30):
            while len(events) < count:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for record in records:
                        envelope = EventEnvelope.model_validate_json(record.value)
                        if envelope.aggregate_type == "selling_entitlement" and record.key == (
                                creator_account_id.encode()):
                            events.append(envelope.parse())
    finally:
        await consumer.stop()
    return events


async def entitlement(world, account_id: str) -> dict:
    async with world.service.client("svc-live", Role.SERVICE) as service:
        response = await service.get(f"/v1/internal/creators/{account_id}/selling-entitlement")
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_entitlement_is_published_when_a_binding_starts_and_withdrawn_when_it_ends(world, kafka_topics):
    """SHOP-13 on the bus: granted (keyed by the creator account) at the start, withdrawn at the end."""
    shop = await world.shop()
    creator = await world.account(followers=12)
    assert (await entitlement(world, creator.account_id))["entitled"] is False
    binding = await bind(world, shop, creator)
    served = await entitlement(world, creator.account_id)
    assert (served["entitled"], served["shop_id"], served["binding_id"], served["rule"]) == (
        True, shop.shop_id, binding["binding_id"], "SHOP-13")
    world.service.clock.advance(hours=24)
    assert (await unbind(world, shop, binding)).status_code == 200
    assert (await entitlement(world, creator.account_id))["entitled"] is False

    granted, withdrawn = await entitlement_events(kafka_topics, creator.account_id, 2)
    assert isinstance(granted, SellingEntitlementGranted) and isinstance(withdrawn, SellingEntitlementWithdrawn)
    assert (granted.shop_id, granted.binding_id, granted.entitlement) == (
        shop.shop_id, binding["binding_id"], "sell_without_follower_minimum")
    assert (withdrawn.binding_id, withdrawn.reason) == (binding["binding_id"], "unbound_by_shop")


async def test_a_pending_binding_grants_nothing_until_support_completes_it(world):
    """SHOP-13 with SHOP-10: a binding waiting in `binding` has not started."""
    shop = await world.shop()
    creator = await world.account(registered_country="FR")
    binding = await bind(world, shop, creator)
    assert (await entitlement(world, creator.account_id))["entitled"] is False
    async with world.support() as support:
        done = await support.post(f"/v1/support/bindings/{binding['binding_id']}/resolve",
                                  json={"outcome": "complete"})
    assert done.status_code == 200
    assert (await entitlement(world, creator.account_id))["entitled"] is True


async def test_only_internal_services_read_the_entitlement(world):
    """SHOP-13 with X-3: other roles are forbidden."""
    creator = await world.account()
    for role in (Role.CREATOR, Role.MERCHANT, Role.SUPPORT, Role.AUDITOR):
        async with world.service.client("someone", role, account_id=creator.account_id) as client:
            response = await client.get(f"/v1/internal/creators/{creator.account_id}/selling-entitlement")
        assert response.status_code == 403, role
