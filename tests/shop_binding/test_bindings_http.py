"""Bindings over HTTP: hold, limits ledger, unlink requests, ends by the platform (SHOP-1, SHOP-3, SHOP-7,
SHOP-8, SHOP-11)."""
from __future__ import annotations

from datetime import datetime, timedelta

from trust_common.contracts.platform import AccountStatus, ShopOnboarding
from trust_common.testing.services import eventually

from tests.shop_binding.flows import bind, invite, limits, unbind


async def test_unbinding_waits_24_hours_and_counts_against_three_official_unbinds(world):
    """SHOP-3 and SHOP-7 through the limits ledger."""
    shop, next_shop = await world.shop(), await world.shop()
    creator = await world.account()
    binding = await bind(world, shop, creator)
    early = await unbind(world, shop, binding)
    assert early.status_code == 422 and early.json()["rule"] == "SHOP-3"
    world.service.clock.advance(hours=24)
    done = await unbind(world, shop, binding)
    assert done.status_code == 200 and done.json()["end_reason"] == "unbound_by_shop"
    await bind(world, next_shop, creator)  # SHOP-3: after unbinding, the account may bind another shop
    ledger = await limits(world, shop)
    assert ledger["official_unbinds"] == {"limit": 3, "used": 1, "remaining": 2}
    assert ledger["official_slots"] == {"capacity": 1, "used": 0, "free": 1}
    for _ in range(2):
        again = await bind(world, shop, await world.account())
        world.service.clock.advance(hours=24)
        assert (await unbind(world, shop, again)).status_code == 200
    fourth = await bind(world, shop, await world.account())
    world.service.clock.advance(hours=24)
    refused = await unbind(world, shop, fourth)
    assert refused.status_code == 422 and refused.json()["rule"] == "SHOP-7"
    assert (await limits(world, shop))["official_unbinds"]["remaining"] == 0


async def test_the_ledger_shows_slots_of_an_invited_shop(world):
    """SHOP-1: 1 official + 4 channel for an invited shop; the fifth channel invitation is refused."""
    shop = await world.shop(onboarding=ShopOnboarding.INVITED)
    for _ in range(4):
        await bind(world, shop, await world.account(), "channel")
    ledger = await limits(world, shop)
    assert ledger["channel_slots"] == {"capacity": 4, "used": 4, "free": 0}
    assert ledger["official_slots"] == {"capacity": 1, "used": 0, "free": 1}
    async with world.merchant(shop) as merchant:
        refused = await merchant.post(f"/v1/shops/{shop.shop_id}/invitations",
                                      json={"creator_account_id": (await world.account()).account_id,
                                            "role": "channel"})
    assert refused.status_code == 422 and refused.json()["rule"] == "SHOP-1"


async def test_ten_channel_bindings_in_180_days_then_the_oldest_frees_up(world):
    """SHOP-8: the ledger counts channel bindings in the rolling 180 days and says when the next frees up."""
    shop = await world.shop(onboarding=ShopOnboarding.INVITED)
    first_at = world.service.clock.now()
    for _ in range(10):
        binding = await bind(world, shop, await world.account(), "channel")
        world.service.clock.advance(hours=24)
        assert (await unbind(world, shop, binding)).status_code == 200
    ledger = await limits(world, shop)
    frees_at = first_at + timedelta(days=180)
    assert ledger["channel_bindings"]["used"] == 10 and ledger["channel_bindings"]["remaining"] == 0
    assert datetime.fromisoformat(ledger["channel_bindings"]["next_frees_at"]) == frees_at
    creator = await world.account()
    async with world.merchant(shop) as merchant:
        refused = await merchant.post(f"/v1/shops/{shop.shop_id}/invitations",
                                      json={"creator_account_id": creator.account_id, "role": "channel"})
    assert refused.status_code == 422 and refused.json()["rule"] == "SHOP-8"
    world.service.clock.set(frees_at)
    assert (await limits(world, shop))["channel_bindings"]["used"] == 9
    await bind(world, shop, creator, "channel")


async def test_a_creators_unlink_request_is_seen_and_agreed_by_the_shop(world):
    """SHOP-11: the slot is free after agreement and another account can bind."""
    shop = await world.shop()
    creator = await world.account()
    binding = await bind(world, shop, creator)
    async with world.creator(creator) as client:
        sent = await client.post(f"/v1/me/bindings/{binding['binding_id']}/unlink-requests")
        assert sent.status_code == 201
        duplicate = await client.post(f"/v1/me/bindings/{binding['binding_id']}/unlink-requests")
        assert duplicate.status_code == 409 and duplicate.json()["rule"] == "SHOP-11"
    request = sent.json()
    world.service.clock.advance(hours=24)
    async with world.merchant(shop) as merchant:
        listed = (await merchant.get(f"/v1/shops/{shop.shop_id}/unlink-requests",
                                     params={"status": "open"})).json()["items"]
        assert [r["request_id"] for r in listed] == [request["request_id"]]
        agreed = await merchant.post(f"/v1/shops/{shop.shop_id}/unlink-requests/{request['request_id']}/answer",
                                     json={"decision": "agreed"})
        assert agreed.status_code == 200 and agreed.json()["status"] == "agreed"
        ended = (await merchant.get(f"/v1/shops/{shop.shop_id}/bindings")).json()["items"][0]
    assert ended["status"] == "ended" and ended["end_reason"] == "unlink_agreed"
    assert (await limits(world, shop))["official_slots"]["free"] == 1
    await bind(world, shop, await world.account())
    assert await world.event_types(request["request_id"]) == [
        "shop-binding.unlink.requested", "shop-binding.unlink.answered"]


async def agree_to_unlink(world, shop, creator, binding):
    """The creator sends an unlink request from the shop's country; a day later the shop agrees (SHOP-11)."""
    async with world.creator(creator, shop.country) as client:
        sent = await client.post(f"/v1/me/bindings/{binding['binding_id']}/unlink-requests")
    assert sent.status_code == 201, sent.text
    world.service.clock.advance(hours=24)
    async with world.merchant(shop) as merchant:
        return await merchant.post(f"/v1/shops/{shop.shop_id}/unlink-requests/{sent.json()['request_id']}/answer",
                                   json={"decision": "agreed"})


async def test_after_three_official_unbinds_the_shop_can_no_longer_agree_to_an_unlink_request(world):
    """SHOP-7 (Decision): agreeing to an official unlink request is the seed's own unbind procedure; after the
    third unbind the shop's agreement is refused naming SHOP-7, and the binding stays."""
    shop = await world.shop()
    for _ in range(3):
        earlier = await bind(world, shop, await world.account())
        world.service.clock.advance(hours=24)
        assert (await unbind(world, shop, earlier)).status_code == 200
    assert (await limits(world, shop))["official_unbinds"] == {"limit": 3, "used": 3, "remaining": 0}
    creator = await world.account()
    binding = await bind(world, shop, creator)
    refused = await agree_to_unlink(world, shop, creator, binding)
    assert refused.status_code == 422 and refused.json()["rule"] == "SHOP-7", refused.text
    ledger = await limits(world, shop)
    assert ledger["official_unbinds"] == {"limit": 3, "used": 3, "remaining": 0}
    assert ledger["official_slots"]["free"] == 0
    async with world.creator(creator) as client:
        assert [b["status"] for b in (await client.get("/v1/me/bindings")).json()["items"]] == ["active"]


async def test_each_agreed_official_unlink_counts_and_the_fourth_is_refused(world):
    """SHOP-7 (Decision): three agreed unlinks use the shop's three official unbinds; a channel one does not."""
    shop = await world.shop(onboarding=ShopOnboarding.INVITED)
    channel_creator = await world.account()
    channel = await bind(world, shop, channel_creator, "channel")
    assert (await agree_to_unlink(world, shop, channel_creator, channel)).status_code == 200
    for used in (1, 2, 3):
        creator = await world.account()
        agreed = await agree_to_unlink(world, shop, creator, await bind(world, shop, creator))
        assert agreed.status_code == 200, agreed.text
        assert (await limits(world, shop))["official_unbinds"]["used"] == used
    creator = await world.account()
    fourth = await agree_to_unlink(world, shop, creator, await bind(world, shop, creator))
    assert fourth.status_code == 422 and fourth.json()["rule"] == "SHOP-7"


async def test_a_binding_ended_by_the_platform_uses_no_official_unbind(world):
    """SHOP-7 (Decision): the platform deleting or banning the creator account ends the binding at once (no
    24-hour hold, no unbind used) and frees the slot."""
    shop = await world.shop()
    banned, deleted = await world.account(), await world.account()
    binding = await bind(world, shop, banned)
    await world.change_account(banned.model_copy(update={"status": AccountStatus.BANNED}))

    async def ended(binding_id: str) -> dict | None:
        async with world.merchant(shop) as merchant:
            items = (await merchant.get(f"/v1/shops/{shop.shop_id}/bindings")).json()["items"]
        found = [b for b in items if b["binding_id"] == binding_id and b["status"] == "ended"]
        return found[0] if found else None

    assert (await eventually(lambda: ended(binding["binding_id"])))["end_reason"] == "ended_by_platform"
    second = await bind(world, shop, deleted)
    await world.platform.delete_account(deleted.account_id)
    assert (await eventually(lambda: ended(second["binding_id"])))["end_reason"] == "ended_by_platform"
    ledger = await limits(world, shop)
    assert ledger["official_unbinds"]["used"] == 0 and ledger["official_slots"]["free"] == 1


async def test_a_declined_unlink_request_keeps_the_binding(world):
    """SHOP-11"""
    shop = await world.shop()
    creator = await world.account()
    binding = await bind(world, shop, creator)
    async with world.creator(creator) as client:
        request = (await client.post(f"/v1/me/bindings/{binding['binding_id']}/unlink-requests")).json()
    async with world.merchant(shop) as merchant:
        answer = await merchant.post(f"/v1/shops/{shop.shop_id}/unlink-requests/{request['request_id']}/answer",
                                     json={"decision": "declined"})
    assert answer.json()["status"] == "declined"
    async with world.creator(creator) as client:
        mine = (await client.get("/v1/me/bindings")).json()["items"]
    assert [b["status"] for b in mine] == ["active"]


async def test_invitation_listings_page_with_cursors(world):
    """X-3 listings are paginated with opaque cursors."""
    shop = await world.shop(onboarding=ShopOnboarding.INVITED)
    invited = [await invite(world, shop, await world.account(), "channel") for _ in range(3)]
    seen: list[str] = []
    cursor = None
    async with world.merchant(shop) as merchant:
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (await merchant.get(f"/v1/shops/{shop.shop_id}/invitations", params=params)).json()
            seen += [i["invitation_id"] for i in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        bad = await merchant.get(f"/v1/shops/{shop.shop_id}/invitations", params={"cursor": "nonsense"})
    assert sorted(seen) == sorted(i["invitation_id"] for i in invited)
    assert bad.status_code == 400


async def test_an_unlink_request_from_outside_the_shops_country_is_refused_with_the_shop_9_code(world):
    """SHOP-11 precondition (seed 004, step 2): network location (`X-Client-Country`) and account region in
    the shop's country; otherwise refused and no request is opened."""
    shop = await world.shop(country="GB")
    creator = await world.account(country="GB")
    binding = await bind(world, shop, creator)
    path = f"/v1/me/bindings/{binding['binding_id']}/unlink-requests"
    for country in ("FR", None):
        async with world.creator(creator, country) as client:
            refused = await client.post(path)
        assert refused.status_code == 422 and refused.json()["rule"] == "SHOP-11", refused.text
        assert [(f["code"], f["rule"]) for f in refused.json()["failures"]] == [
            ("network_location_outside_shop_country", "SHOP-9")]
    await world.change_account(creator.model_copy(update={"country": "FR"}))
    async with world.creator(creator, "GB") as client:
        refused = await client.post(path)
    assert [f["code"] for f in refused.json()["failures"]] == ["account_region_outside_shop_country"]
    async with world.merchant(shop) as merchant:
        assert (await merchant.get(f"/v1/shops/{shop.shop_id}/unlink-requests")).json()["items"] == []
    await world.change_account(creator.model_copy(update={"country": "GB"}))
    async with world.creator(creator, "gb") as client:
        assert (await client.post(path)).status_code == 201
