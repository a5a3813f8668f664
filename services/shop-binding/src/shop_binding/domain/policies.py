"""Pure rule functions of the shop aggregate: slots per onboarding (SHOP-1), eligibility to be
invited (SHOP-5), failure reasons at confirmation (SHOP-9), reasons a binding stays pending (SHOP-10),
what support can resolve (SHOP-12) and where an unlink request may come from (SHOP-11)."""
from __future__ import annotations

from datetime import date

from shop_binding.domain.errors import Failure
from trust_common.contracts.platform import AccountSnapshot, AccountStatus, ShopOnboarding, ShopSnapshot, ShopStatus
from trust_common.contracts.shop_binding import BindingRole, PendingReason

ADULT_AGE = 18
# SHOP-12 (seed 004): support can resolve every cause except an abnormal account status and an account
# registered in the United States.
SUPPORT_CANNOT_RESOLVE_REGISTERED_IN = "US"


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


def registered_in_united_states(account: AccountSnapshot) -> bool:
    """SHOP-12: where the account was registered (its country when the registration country is unknown)."""
    return (account.registered_country or account.country).upper() == SUPPORT_CANNOT_RESOLVE_REGISTERED_IN


def support_can_resolve(code: str, account: AccountSnapshot) -> bool:
    """SHOP-12: whether support can resolve one SHOP-5 failure or SHOP-10 reason of this account. An abnormal
    status never; a cause about where the account is when it was registered in the United States, never;
    everything else (age record, country, an old binding, e-commerce permission) it can."""
    if code == "account_status_abnormal":
        return False
    if code in ("country_mismatch", PendingReason.REGISTERED_OUTSIDE_OPERATING_COUNTRY):
        return not registered_in_united_states(account)
    return True


def eligibility_failures(account: AccountSnapshot, shop: ShopSnapshot, *, bound_shop_id: str | None,
                         today: date) -> list[Failure]:
    """SHOP-5: every condition the account fails, not just the first, each saying whether support can
    resolve it (SHOP-12)."""
    failures = []
    if account.status != AccountStatus.NORMAL:
        failures.append(("account_status_abnormal", f"the account status is {account.status}, not normal"))
    if not is_adult(account, today):
        failures.append(("holder_under_18", "the account holder is not known to be at least 18"))
    if account.country != shop.country:
        failures.append(("country_mismatch",
                         f"the account's country {account.country} is not the shop's country {shop.country}"))
    if bound_shop_id is not None:
        failures.append(("already_bound", "the account is already bound to a shop"))
    return [Failure(code, "SHOP-5", detail, support_can_resolve(code, account)) for code, detail in failures]


def unlink_request_failures(account: AccountSnapshot, shop: ShopSnapshot,
                            network_country: str | None) -> list[Failure]:
    """SHOP-11 (seed 004, step 2): the creator sends the request with network location and account region
    in the shop's country. The network location fails with SHOP-9's own code; the account region (the
    account's country, as SHOP-5 reads it) with a code of its own, since SHOP-9 has none for it."""
    failures = []
    if network_country is None or network_country.upper() != shop.country:
        failures.append(Failure("network_location_outside_shop_country", "SHOP-9",
                                f"the network location {network_country or 'unknown'} is not the shop's "
                                f"country {shop.country}"))
    if account.country != shop.country:
        failures.append(Failure("account_region_outside_shop_country", "SHOP-11",
                                f"the account's region {account.country} is not the shop's country {shop.country}"))
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
