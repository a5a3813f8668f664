"""What the routes derive from a request beyond libs/common's: the caller's tenants, the inbox filter."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from notifier.domain.commands import TenantRef
from trust_common.auth import Principal, Role


def owned_tenants(principal: Principal) -> frozenset[TenantRef]:
    """The enterprises and shops a caller acts for (X-3); requires an admin or merchant role."""
    principal.require(Role.ENTERPRISE_ADMIN, Role.MERCHANT)
    owned = set()
    if principal.has(Role.ENTERPRISE_ADMIN):
        owned |= {("enterprise", e) for e in principal.enterprise_ids}
    if principal.has(Role.MERCHANT):
        owned |= {("shop", s) for s in principal.shop_ids}
    return frozenset(owned)


def unread_filter(unread: bool = False) -> bool:
    return unread


# A dependency rather than a plain parameter so that, in the OpenAPI document, `?unread=` stays
# after the `?cursor=&limit=` of `ListQuery` (a route's own parameters are listed first).
UnreadOnly = Annotated[bool, Depends(unread_filter)]
