"""Event contracts read tolerantly: a field added in a compatible change (docs/events.md) does not
make an older consumer park the event (X-2)."""
from __future__ import annotations

from trust_common.contracts.shop_binding import ShopInvitationSent
from trust_common.events import EventEnvelope


def test_a_consumer_ignores_a_field_it_does_not_know_yet():
    data = {"invitation_id": "inv-1", "shop_id": "shop-1", "shop_owner_account_id": "acc-9",
            "creator_account_id": "acc-1", "role": "official", "sent_at": "2026-01-01T00:00:00Z",
            "expires_at": "2026-01-03T00:00:00Z", "colour_added_later": "blue"}
    envelope = EventEnvelope(type=ShopInvitationSent.event_type, version=ShopInvitationSent.version,
                             source="shop-binding", aggregate_type="shop_invitation", aggregate_id="inv-1",
                             sequence=1, occurred_at="2026-01-01T00:00:00Z", data=data)
    event = envelope.parse()
    assert isinstance(event, ShopInvitationSent)
    assert event.invitation_id == "inv-1" and not hasattr(event, "colour_added_later")
