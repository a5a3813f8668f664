"""Dependencies shared by the routes: the bus, a session for reads, the caller's tenants."""
from __future__ import annotations

from trust_common.auth import Principal, Role
from trust_common.dependencies import BusDep, SessionDep  # noqa: F401  (used by the routes)


def owned_tenants(principal: Principal) -> frozenset[tuple[str, str]]:
    """The enterprises and shops a caller acts for (X-3); requires an admin or merchant role."""
    principal.require(Role.ENTERPRISE_ADMIN, Role.MERCHANT)
    owned = set()
    if principal.has(Role.ENTERPRISE_ADMIN):
        owned |= {("enterprise", e) for e in principal.enterprise_ids}
    if principal.has(Role.MERCHANT):
        owned |= {("shop", s) for s in principal.shop_ids}
    return frozenset(owned)
