"""Builders of what shop-binding tests start from: the platform's facts about shops and accounts (the
shared builders of `trust_common.testing.platform`: an adult, normal GB account; an invited GB shop)."""
from __future__ import annotations

from trust_common.testing.platform import account_snapshot as account
from trust_common.testing.platform import new_id
from trust_common.testing.platform import shop_snapshot as shop

__all__ = ["account", "new_id", "shop"]
