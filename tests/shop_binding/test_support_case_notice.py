"""SHOP-12 with NOTE-5 across services: a support case answered over shop-binding's HTTP API reaches the
merchant's in-app inbox in the notifier, over the real bus."""
from __future__ import annotations

from trust_common.auth import Role
from trust_common.testing.services import eventually

from tests.shop_binding.flows import bind


async def test_the_outcome_of_a_support_case_reaches_the_merchants_inbox(world, notifier):
    shop = await world.shop()
    await world.account(account_id=shop.owner_account_id)  # the merchant, known to the notifier too
    creator = await world.account(ecommerce_permission_revoked=True)
    binding = await bind(world, shop, creator)
    async with world.merchant(shop) as merchant:
        opened = await merchant.post(f"/v1/shops/{shop.shop_id}/support-cases",
                                     json={"kind": "stuck_binding", "binding_id": binding["binding_id"]})
    assert opened.status_code == 201, opened.text
    async with world.support() as support:
        resolved = await support.post(f"/v1/support/cases/{opened.json()['case_id']}/resolve",
                                      json={"note_code": "permission_restored"})
    assert resolved.status_code == 200, resolved.text

    async def notices():
        async with notifier.client(shop.owner_account_id, Role.ACCOUNT_HOLDER,
                                   account_id=shop.owner_account_id) as client:
            items = (await client.get("/v1/inbox")).json()["items"]
        return [item for item in items if item["kind"] == "support_case.outcome"]

    [notice] = await eventually(notices, timeout=60)
    assert notice["title"] == "Support case resolved"
