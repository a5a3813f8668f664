"""Invitations over HTTP against the real stack (SHOP-4, SHOP-5, SHOP-6, SHOP-9, SHOP-10)."""
from __future__ import annotations

from datetime import date, timedelta

from prometheus_client import REGISTRY

from trust_common.contracts.platform import AccountStatus, ShopOnboarding

from tests.shop_binding.flows import bind, confirm, invite


def outcomes(outcome: str) -> float:
    return REGISTRY.get_sample_value("invitation_outcomes_total",
                                     {"kind": "shop_binding", "outcome": outcome}) or 0.0


async def test_the_eligibility_check_returns_every_failed_rule_at_once(world):
    """SHOP-5: status, age, country and already-bound, each with its rule id, a message and whether support can
    resolve it (SHOP-12). (Restricted, not banned: a banned account's binding ends, SHOP-7 Decision.)"""
    shop, other_shop = await world.shop(country="GB"), await world.shop(country="GB")
    creator = await world.account(country="GB")
    await bind(world, other_shop, creator)
    await world.change_account(creator.model_copy(update={"country": "VN", "date_of_birth": date(2015, 1, 1),
                                                         "status": AccountStatus.RESTRICTED}))
    async with world.merchant(shop) as merchant:
        response = await merchant.get(f"/v1/shops/{shop.shop_id}/eligibility",
                                      params={"creator_account_id": creator.account_id})
        assert response.status_code == 200
        body = response.json()
        assert body["eligible"] is False
        assert [(f["code"], f["rule"]) for f in body["failures"]] == [
            ("account_status_abnormal", "SHOP-5"), ("holder_under_18", "SHOP-5"), ("country_mismatch", "SHOP-5"),
            ("already_bound", "SHOP-5")]
        assert [f["support_can_resolve"] for f in body["failures"]] == [False, True, True, True]
        refused = await merchant.post(f"/v1/shops/{shop.shop_id}/invitations",
                                      json={"creator_account_id": creator.account_id, "role": "official"})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["rule"] == "SHOP-5" and len(refused.json()["failures"]) == 4
    assert refused.json()["failures"][0] == {"code": "account_status_abnormal", "rule": "SHOP-5",
                                             "detail": "the account status is restricted, not normal",
                                             "support_can_resolve": False}


async def test_a_creator_confirms_within_48_hours_and_the_binding_carries_its_capability(world):
    """SHOP-6 and SHOP-4: confirmation binds; the official account gets products synced."""
    shop = await world.shop(onboarding=ShopOnboarding.INVITED)
    creator = await world.account()
    before = outcomes("confirmed")
    invitation = await invite(world, shop, creator, "official")
    assert invitation["status"] == "pending"
    async with world.creator(creator) as client:
        mine = (await client.get("/v1/me/invitations", params={"status": "pending"})).json()
    assert [i["invitation_id"] for i in mine["items"]] == [invitation["invitation_id"]]
    world.service.clock.advance(hours=47)
    response = await confirm(world, creator, invitation)
    assert response.status_code == 200, response.text
    binding = response.json()
    assert binding["status"] == "active"
    assert binding["capabilities"] == {"products_synced_to_showcase": True, "add_from_shop": True}
    async with world.merchant(shop) as merchant:
        listed = (await merchant.get(f"/v1/shops/{shop.shop_id}/bindings")).json()["items"]
    assert [b["binding_id"] for b in listed] == [binding["binding_id"]]
    assert outcomes("confirmed") == before + 1
    assert await world.event_types(invitation["invitation_id"]) == [
        "shop-binding.invitation.sent", "shop-binding.invitation.confirmed"]
    assert await world.event_types(binding["binding_id"]) == ["shop-binding.binding.created"]


async def test_an_unconfirmed_invitation_lapses_after_48_hours_by_a_durable_timer(world):
    """SHOP-6: the timer fires once the clock passes 48 hours; confirming afterwards is refused."""
    shop = await world.shop()
    creator = await world.account()
    before = outcomes("lapsed")
    invitation = await invite(world, shop, creator)
    world.service.clock.advance(timedelta(hours=48))
    await world.service.worker.timers.fire_due()
    async with world.creator(creator) as client:
        mine = (await client.get("/v1/me/invitations")).json()["items"]
    assert [i["status"] for i in mine] == ["lapsed"]
    response = await confirm(world, creator, invitation)
    assert response.status_code == 409 and response.json()["rule"] == "SHOP-6"
    await world.service.worker.timers.fire_due()
    # Lapses once (other tests' open invitations may lapse too as the shared clock moves).
    assert await world.event_types(invitation["invitation_id"]) == [
        "shop-binding.invitation.sent", "shop-binding.invitation.lapsed"]
    assert outcomes("lapsed") >= before + 1


async def test_a_declined_invitation_is_counted_and_cannot_be_confirmed(world):
    """SHOP-6"""
    shop = await world.shop()
    creator = await world.account()
    before = outcomes("declined")
    invitation = await invite(world, shop, creator)
    async with world.creator(creator) as client:
        declined = await client.post(f"/v1/me/invitations/{invitation['invitation_id']}/decline")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert outcomes("declined") == before + 1
    assert (await confirm(world, creator, invitation)).status_code == 409


async def test_confirmation_failures_come_back_with_their_own_codes(world):
    """SHOP-9: the network location comes from the edge gateway's X-Client-Country header."""
    shop = await world.shop(country="GB")
    creator = await world.account(country="GB")
    invitation = await invite(world, shop, creator)
    await world.change_account(creator.model_copy(update={"date_of_birth": date(2012, 1, 1)}))
    response = await confirm(world, creator, invitation, country="FR")
    assert response.status_code == 422
    body = response.json()
    assert body["rule"] == "SHOP-9"
    assert [f["code"] for f in body["failures"]] == ["network_location_outside_shop_country", "holder_under_18"]
    missing_header = await confirm(world, creator, invitation, country=None)
    assert [f["code"] for f in missing_header.json()["failures"]][0] == "network_location_outside_shop_country"


async def test_a_binding_stuck_in_binding_keeps_its_reason_until_support_resolves_it(world):
    """SHOP-10: registered outside the operating country → `binding`; support completes it."""
    shop = await world.shop(country="GB")
    creator = await world.account(country="GB", registered_country="US")
    response = await confirm(world, creator, await invite(world, shop, creator))
    pending = response.json()
    assert (pending["status"], pending["pending_reason"]) == ("binding", "registered_outside_operating_country")
    async with world.support() as support:
        listed = (await support.get("/v1/support/pending-bindings", params={"limit": 200})).json()["items"]
        assert pending["binding_id"] in [b["binding_id"] for b in listed]
        resolved = await support.post(f"/v1/support/bindings/{pending['binding_id']}/resolve",
                                      json={"outcome": "complete"})
        assert resolved.status_code == 200 and resolved.json()["status"] == "active"
        again = await support.post(f"/v1/support/bindings/{pending['binding_id']}/resolve",
                                   json={"outcome": "reject"})
        assert again.status_code == 409 and again.json()["rule"] == "SHOP-10"
    assert await world.event_types(pending["binding_id"]) == [
        "shop-binding.binding.pending", "shop-binding.binding.created"]
    async with world.creator(creator) as client:
        refused = await client.post(f"/v1/support/bindings/{pending['binding_id']}/resolve",
                                    json={"outcome": "reject"})
    assert refused.status_code == 403


async def test_support_rejects_a_binding_whose_permission_was_revoked(world):
    """SHOP-10: e-commerce permission revoked for violations."""
    shop = await world.shop()
    creator = await world.account(ecommerce_permission_revoked=True)
    pending = (await confirm(world, creator, await invite(world, shop, creator))).json()
    assert pending["pending_reason"] == "ecommerce_permission_revoked"
    async with world.support() as support:
        rejected = await support.post(f"/v1/support/bindings/{pending['binding_id']}/resolve",
                                      json={"outcome": "reject"})
    assert rejected.json()["status"] == "ended" and rejected.json()["end_reason"] == "rejected_by_support"
