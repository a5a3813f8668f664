"""Builders of platform facts for shop-binding tests."""
from __future__ import annotations

import uuid
from datetime import date

from trust_common.contracts.platform import (
    AccountSnapshot, AccountStatus, ShopOnboarding, ShopSnapshot, ShopStatus,
)


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def shop(*, onboarding: ShopOnboarding = ShopOnboarding.INVITED, country: str = "GB",
         status: ShopStatus = ShopStatus.NORMAL, shop_id: str | None = None,
         owner: str | None = None) -> ShopSnapshot:
    return ShopSnapshot(shop_id=shop_id or uid("shop"), name="Tea House", owner_account_id=owner or uid("owner"),
                        country=country, onboarding=onboarding, status=status)


def account(*, country: str = "GB", born: date | None = date(1990, 5, 1), status: AccountStatus = AccountStatus.NORMAL,
            registered_country: str | None = None, ecommerce_permission_revoked: bool = False,
            account_id: str | None = None) -> AccountSnapshot:
    return AccountSnapshot(account_id=account_id or uid("creator"), username="creator", country=country,
                           date_of_birth=born, status=status, registered_country=registered_country,
                           ecommerce_permission_revoked=ecommerce_permission_revoked)
