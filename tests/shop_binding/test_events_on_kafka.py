"""X-2: the service's state changes reach `shop-binding.events` as versioned contracts (SHOP-6)."""
from __future__ import annotations

import asyncio
import uuid
from datetime import datetime

from trust_common.contracts.shop_binding import ShopInvitationSent, ShopInvitationWithdrawn
from trust_common.events import EventEnvelope
from trust_common.kafka import create_consumer

from tests.shop_binding.flows import invite


async def test_an_invitation_and_its_withdrawal_are_published_with_the_48_hour_deadline(world, kafka_topics):
    """SHOP-6: the notifier learns the shop, its owner, the creator, the role and expires_at."""
    shop = await world.shop()
    creator = await world.account()
    invitation = await invite(world, shop, creator, "official")
    async with world.merchant(shop) as merchant:
        withdrawn = await merchant.post(f"/v1/shops/{shop.shop_id}/invitations/{invitation['invitation_id']}/withdraw")
        assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
        again = await merchant.post(f"/v1/shops/{shop.shop_id}/invitations/{invitation['invitation_id']}/withdraw")
        assert again.status_code == 409

    consumer = create_consumer(kafka_topics, [kafka_topics.topic(ShopInvitationSent.topic)],
                               group_id=f"{kafka_topics.topic_prefix}probe-{uuid.uuid4().hex[:6]}")
    await consumer.start()
    events = []
    try:
        async with asyncio.timeout(30):
            while len(events) < 2:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for record in records:
                        envelope = EventEnvelope.model_validate_json(record.value)
                        if envelope.aggregate_id == invitation["invitation_id"]:
                            events.append(envelope.parse())
    finally:
        await consumer.stop()
    sent, gone = events
    assert isinstance(sent, ShopInvitationSent) and isinstance(gone, ShopInvitationWithdrawn)
    assert (sent.shop_id, sent.shop_owner_account_id, sent.creator_account_id, sent.role) == (
        shop.shop_id, shop.owner_account_id, creator.account_id, "official")
    assert sent.expires_at == datetime.fromisoformat(invitation["expires_at"])
