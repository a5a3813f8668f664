"""Pure rule functions of the shop aggregate: slots per onboarding (SHOP-1), eligibility to be
invited (SHOP-5), failure reasons at confirmation (SHOP-9) and reasons a binding stays pending (SHOP-10)."""
from __future__ import annotations

from datetime import date

from shop_binding.domain.errors import Failure
from trust_common.contracts.platform import AccountSnapshot, AccountStatus, ShopOnboarding, ShopSnapshot, ShopStatus
from trust_common.contracts.shop_binding import BindingRole, PendingReason

ADULT_AGE = 18


def slot_capacity(onboarding: ShopOnboarding, role: BindingRole) -> int:
    """SHOP-1: open recruitment binds 1 official; an invited shop 1 official + 4 channel."""
    if role == BindingRole.OFFICIAL:
        return 1
    return 4 if onboarding == ShopOnboarding.INVITED else 0


def age_on(born: date, today: date) -> int:
    """Whole years between a birth date and today."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def is_adult(account: AccountSnapshot, today: date) -> bool:
    # An unknown birth date cannot prove the holder is 18, so it counts as under age.
    return account.date_of_birth is not None and age_on(account.date_of_birth, today) >= ADULT_AGE


def eligibility_failures(account: AccountSnapshot, shop: ShopSnapshot, *, bound_shop_id: str | None,
                         today: date) -> list[Failure]:
    """SHOP-5: every condition the account fails, not just the first."""
    failures = []
    if account.status != AccountStatus.NORMAL:
        failures.append(Failure("account_status_abnormal", "SHOP-5",
                                f"the account status is {account.status}, not normal"))
    if not is_adult(account, today):
        failures.append(Failure("holder_under_18", "SHOP-5", "the account holder is not known to be at least 18"))
    if account.country != shop.country:
        failures.append(Failure("country_mismatch", "SHOP-5",
                                f"the account's country {account.country} is not the shop's country {shop.country}"))
    if bound_shop_id is not None:
        failures.append(Failure("already_bound", "SHOP-5", "the account is already bound to a shop"))
    return failures


def confirmation_failures(account: AccountSnapshot, shop: ShopSnapshot, *, bound_shop_id: str | None,
                          network_country: str | None, today: date) -> list[Failure]:
    """SHOP-9: every reason the binding fails at confirmation, each with its own code."""
    failures = []
    if network_country is None or network_country.upper() != shop.country:
        failures.append(Failure("network_location_outside_shop_country", "SHOP-9",
                                f"the network location {network_country or 'unknown'} is not the shop's "
                                f"country {shop.country}"))
    if not is_adult(account, today):
        failures.append(Failure("holder_under_18", "SHOP-9", "the account holder is under 18"))
    if shop.status != ShopStatus.NORMAL:
        failures.append(Failure("shop_status_abnormal", "SHOP-9", "the shop's status is abnormal"))
    if account.status != AccountStatus.NORMAL:
        failures.append(Failure("account_status_abnormal", "SHOP-9", "the account's status is abnormal"))
    if bound_shop_id is not None:
        failures.append(Failure("account_already_bound", "SHOP-9", "the account is already bound to a shop"))
    return failures


def pending_reason(account: AccountSnapshot, shop: ShopSnapshot) -> PendingReason | None:
    """SHOP-10: why a confirmed binding must wait in `binding` for support, if it must."""
    if account.registered_country is not None and account.registered_country != shop.country:
        return PendingReason.REGISTERED_OUTSIDE_OPERATING_COUNTRY
    if account.ecommerce_permission_revoked:
        return PendingReason.ECOMMERCE_PERMISSION_REVOKED
    return None
