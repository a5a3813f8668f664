"""HTTP steps shared by the shop-binding integration tests."""
from __future__ import annotations

from typing import Any

from trust_common.contracts.platform import AccountSnapshot, ShopSnapshot


async def invite(world: Any, shop: ShopSnapshot, creator: AccountSnapshot, role: str = "official") -> dict:
    async with world.merchant(shop) as merchant:
        response = await merchant.post(f"/v1/shops/{shop.shop_id}/invitations",
                                       json={"creator_account_id": creator.account_id, "role": role})
    assert response.status_code == 201, response.text
    return response.json()


async def confirm(world: Any, creator: AccountSnapshot, invitation: dict, country: str | None = "GB"):
    async with world.creator(creator, country) as client:
        return await client.post(f"/v1/me/invitations/{invitation['invitation_id']}/confirm")


async def bind(world: Any, shop: ShopSnapshot, creator: AccountSnapshot, role: str = "official") -> dict:
    response = await confirm(world, creator, await invite(world, shop, creator, role), shop.country)
    assert response.status_code == 200, response.text
    return response.json()


async def unbind(world: Any, shop: ShopSnapshot, binding: dict):
    async with world.merchant(shop) as merchant:
        return await merchant.post(f"/v1/shops/{shop.shop_id}/bindings/{binding['binding_id']}/unbind")


async def limits(world: Any, shop: ShopSnapshot) -> dict:
    async with world.merchant(shop) as merchant:
        response = await merchant.get(f"/v1/shops/{shop.shop_id}/limits")
    assert response.status_code == 200, response.text
    return response.json()
