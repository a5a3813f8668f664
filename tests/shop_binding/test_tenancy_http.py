"""X-3 tenancy: foreign resources are not found, wrong roles are forbidden (SHOP-6, SHOP-11)."""
from __future__ import annotations

from trust_common.auth import Role

from tests.shop_binding.flows import bind, confirm, invite


async def test_a_merchant_cannot_read_or_change_another_shops_bindings(world):
    shop, other = await world.shop(), await world.shop()
    binding = await bind(world, shop, await world.account())
    async with world.merchant(other) as stranger:
        for path in ("bindings", "limits", "invitations", "unlink-requests"):
            foreign = await stranger.get(f"/v1/shops/{shop.shop_id}/{path}")
            assert foreign.status_code == 404 and foreign.json()["type"].endswith("/shop-not-found")
        unbind = await stranger.post(f"/v1/shops/{shop.shop_id}/bindings/{binding['binding_id']}/unbind")
        assert unbind.status_code == 404
        # Through its own shop, a foreign binding id is not found either.
        via_own = await stranger.post(f"/v1/shops/{other.shop_id}/bindings/{binding['binding_id']}/unbind")
        assert via_own.status_code == 404 and via_own.json()["type"].endswith("/binding-not-found")


async def test_a_creator_cannot_confirm_or_decline_another_creators_invitation(world):
    """SHOP-6 with X-3: another creator's invitation is not found."""
    shop = await world.shop()
    invited, intruder = await world.account(), await world.account()
    invitation = await invite(world, shop, invited)
    confirmed = await confirm(world, intruder, invitation)
    assert confirmed.status_code == 404 and confirmed.json()["type"].endswith("/invitation-not-found")
    async with world.creator(intruder) as client:
        assert (await client.post(f"/v1/me/invitations/{invitation['invitation_id']}/decline")).status_code == 404
        assert (await client.get("/v1/me/invitations")).json()["items"] == []


async def test_a_creator_cannot_send_an_unlink_request_for_someone_elses_binding(world):
    """SHOP-11 with X-3."""
    shop = await world.shop()
    binding = await bind(world, shop, await world.account())
    async with world.creator(await world.account()) as intruder:
        response = await intruder.post(f"/v1/me/bindings/{binding['binding_id']}/unlink-requests")
    assert response.status_code == 404


async def test_roles_that_may_never_act_are_forbidden(world):
    shop = await world.shop()
    async with world.service.client("creator-x", Role.CREATOR, account_id="creator-x",
                                    shop_ids=[shop.shop_id]) as creator:
        assert (await creator.get(f"/v1/shops/{shop.shop_id}/limits")).status_code == 403
        assert (await creator.get("/v1/support/pending-bindings")).status_code == 403
    async with world.merchant(shop) as merchant:
        assert (await merchant.get("/v1/me/invitations")).status_code == 403
    async with world.service.client() as anonymous:
        assert (await anonymous.get(f"/v1/shops/{shop.shop_id}/limits")).status_code == 401
