"""Races against the real PostgreSQL (SHOP-2, SHOP-7)."""
from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from shop_binding.orm import bindings

from tests.shop_binding.flows import bind, confirm, invite, limits, unbind


async def test_ten_shops_confirmed_at_once_for_one_creator_give_exactly_one_binding(world):
    """SHOP-2: a creator is bound to at most one shop, also when many confirmations race."""
    shops = [await world.shop() for _ in range(10)]
    creator = await world.account()
    invitations = [await invite(world, shop, creator) for shop in shops]
    responses = await asyncio.gather(*(confirm(world, creator, invitation) for invitation in invitations))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) == 1, [r.text for r in responses]
    for refused in (r for r in responses if r.status_code != 200):
        body = refused.json()
        # Either the database index caught the race (SHOP-2) or the winner had already committed (SHOP-9).
        assert (body["rule"] == "SHOP-2") or (
            body["rule"] == "SHOP-9" and [f["code"] for f in body["failures"]] == ["account_already_bound"]), body
    async with world.service.runtime.sessions() as session:
        live = (await session.execute(select(func.count()).select_from(bindings).where(
            bindings.c.creator_account_id == creator.account_id,
            bindings.c.status.in_(["binding", "active"])))).scalar_one()
    assert live == 1


async def test_two_unbinds_of_the_same_official_account_at_once_count_once(world):
    """SHOP-7: concurrent unbinds of one binding use one of the three."""
    shop = await world.shop()
    binding = await bind(world, shop, await world.account())
    world.service.clock.advance(hours=24)
    first, second = await asyncio.gather(unbind(world, shop, binding), unbind(world, shop, binding))
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    assert (await limits(world, shop))["official_unbinds"]["used"] == 1
