"""Producer facts the notifier reacts to, built with fresh ids."""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from trust_common.contracts import shop_binding as shop
from trust_common.contracts.shop_binding import BindingRole


def shop_invitation(stack: Any, creator: str, merchant: str, shop_id: str, **extra: Any) -> dict[str, Any]:
    """The fields every SHOP-6 invitation event carries."""
    return dict(invitation_id=f"inv-{uuid.uuid4().hex[:8]}", shop_id=shop_id, shop_owner_account_id=merchant,
                creator_account_id=creator, role=BindingRole.OFFICIAL, **extra)


def invitation_sent(stack: Any, fields: dict[str, Any]) -> shop.ShopInvitationSent:
    """A shop invitation sent now, with its 48-hour window (SHOP-6)."""
    now = stack.clock.now()
    return shop.ShopInvitationSent(**fields, sent_at=now, expires_at=now + timedelta(hours=48))
