"""Business-centre links over HTTP (LINK-1)."""
from __future__ import annotations

import uuid

from trust_common.auth import Role


def holder(world, account):
    return world.service.client(f"holder-{account.account_id}", Role.ACCOUNT_HOLDER, account_id=account.account_id)


async def test_a_platform_account_links_one_to_one_with_a_business_centre_account(world):
    """LINK-1: linked from an entry point, the name shows in settings, a second link is refused."""
    account, other = await world.account(country="SG"), await world.account(country="SG")
    centre = f"bc-{uuid.uuid4().hex[:8]}"
    async with holder(world, account) as client:
        created = await client.post("/v1/business-centre-links",
                                    json={"business_centre_account_id": centre, "entry_point": "ad_creation"})
        assert created.status_code == 201, created.text
        assert (created.json()["entry_point"], created.json()["market"]) == ("ad_creation", "SG")
        again = await client.post("/v1/business-centre-links",
                                  json={"business_centre_account_id": centre, "entry_point": "login"})
        assert again.json()["link_id"] == created.json()["link_id"]  # the same pair: nothing new
        elsewhere = await client.post("/v1/business-centre-links",
                                      json={"business_centre_account_id": "bc-another", "entry_point": "login"})
        assert elsewhere.status_code == 422
        assert (elsewhere.json()["rule"], elsewhere.json()["detail"]) == ("LINK-1", "already linked to another account")
        shown = (await client.get("/v1/business-centre-links/me")).json()
        assert shown["platform_account_name"] == account.username
    async with holder(world, other) as client:
        taken = await client.post("/v1/business-centre-links",
                                  json={"business_centre_account_id": centre, "entry_point": "user_settings"})
        assert taken.status_code == 422 and taken.json()["detail"] == "already linked to another account"
    async with holder(world, account) as client:
        assert (await client.delete("/v1/business-centre-links/me")).status_code == 200
        assert (await client.get("/v1/business-centre-links/me")).status_code == 404
    async with holder(world, other) as client:
        relinked = await client.post("/v1/business-centre-links",
                                     json={"business_centre_account_id": centre, "entry_point": "sign_up"})
        assert relinked.status_code == 201
    assert await world.event_types(created.json()["link_id"]) == [
        "shop-binding.link.created", "shop-binding.link.removed"]


async def test_links_are_refused_outside_the_enabled_markets(world):
    """LINK-1: Asia-Pacific by default; a GB account cannot link."""
    account = await world.account(country="GB")
    async with holder(world, account) as client:
        refused = await client.post("/v1/business-centre-links",
                                    json={"business_centre_account_id": "bc-gb", "entry_point": "login"})
    assert refused.status_code == 422 and refused.json()["rule"] == "LINK-1"


async def test_an_unknown_entry_point_is_a_validation_problem(world):
    """LINK-1: the entry point is one of sign-up, login, user settings, ad creation."""
    account = await world.account(country="SG")
    async with holder(world, account) as client:
        response = await client.post("/v1/business-centre-links",
                                     json={"business_centre_account_id": "bc-x", "entry_point": "homepage"})
    assert response.status_code == 422 and response.json()["type"].endswith("validation-error")
