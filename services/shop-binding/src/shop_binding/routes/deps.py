"""FastAPI dependencies of this service's routes: roles, tenancy checks (X-3) and the network location
(SHOP-9). The bus, a read session and the clock come from `trust_common.dependencies`."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from shop_binding.domain.errors import ShopNotFound
from trust_common.auth import CurrentPrincipal, Principal, Role
from trust_common.validation import Id


def network_country(request: Request) -> str | None:
    """SHOP-9: the country the edge gateway resolved from the client's address."""
    value = request.headers.get(request.app.state.runtime.settings.network_country_header)
    return value.strip().upper() if value and value.strip() else None


def merchant(principal: CurrentPrincipal) -> Principal:
    return principal.require(Role.MERCHANT)


def creator(principal: CurrentPrincipal) -> str:
    return principal.require(Role.CREATOR).require_account()


def owned_shop(shop_id: Id, principal: Annotated[Principal, Depends(merchant)]) -> str:
    """X-3: another merchant's shop is not found (its existence is not revealed)."""
    if shop_id not in principal.shop_ids:
        raise ShopNotFound(f"no shop {shop_id}")
    return shop_id


NetworkCountry = Annotated[str | None, Depends(network_country)]
OwnedShop = Annotated[str, Depends(owned_shop)]
CreatorAccount = Annotated[str, Depends(creator)]
