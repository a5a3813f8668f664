"""EMP-15 showcase, EMP-16 merchant page, EMP-14 creator-marketplace exclusion over HTTP."""
from __future__ import annotations

from trust_common.auth import Role

from tests.employee_accounts.builders import new_id
from tests.employee_accounts.flows import scalar


async def test_showcase_opens_only_on_the_employee_accounts_own_facts_and_a_paid_deposit(world):
    """EMP-15: real name, 500 CNY deposit, ≥ 10 public videos, > 1000 followers; never the main account's."""
    enterprise = await world.enterprise()
    # The main account would qualify; that must not help the employee account.
    await world.account(enterprise.id, growth_level="bronze", real_name_verified=True, followers=90000,
                        public_video_count=500, tools=["live.general_live_card", "homepage.business_card"])
    account = await world.active_account(enterprise)
    session = account["session"]
    async with world.service.client() as app:
        refused = await app.post("/v1/employee/showcase", headers=session)
        assert refused.status_code == 422 and refused.json()["rule"] == "EMP-15"
        await world.account(account["id"], real_name_verified=True, followers=1000, public_video_count=10)
        paid = await app.post("/v1/employee/showcase/deposit", headers=session)
        assert paid.status_code == 200 and paid.json()["showcase_deposit_paid"] is True
        still = await app.post("/v1/employee/showcase", headers=session)
        assert still.status_code == 422 and still.json()["missing"] == ["followers"]
        await world.account(account["id"], real_name_verified=True, followers=1001, public_video_count=10)
        opened = await app.post("/v1/employee/showcase", headers=session)
        assert opened.status_code == 200 and opened.json()["showcase_open"] is True
    payments = world.service.adapters.payments
    assert payments.collected[f"showcase-deposit:{account['id']}:1"] == 500


async def test_merchant_page_shows_once_an_authorised_module_is_configured_and_approved(world):
    """EMP-16."""
    enterprise = await world.enterprise()
    account = await world.active_account(enterprise)
    session = account["session"]
    async with world.service.client() as app:
        not_granted = await app.post("/v1/employee/merchant-page/modules", json={"tool": "homepage.store_activities"},
                                     headers=session)
        assert not_granted.status_code == 422 and not_granted.json()["rule"] == "EMP-16"
        assert (await app.post("/v1/employee/merchant-page/modules", json={"tool": "homepage.business_card"},
                               headers=session)).status_code == 200
        assert (await app.get("/v1/employee/grants", headers=session)).json()["merchant_page_visible"] is False
        async with world.reviewer() as reviewer:
            approved = await reviewer.post(
                f"/v1/reviews/employee-accounts/{account['id']}/merchant-page-modules/homepage.business_card")
            assert approved.status_code == 200
        assert (await app.get("/v1/employee/grants", headers=session)).json()["merchant_page_visible"] is True


async def test_a_tool_the_main_account_loses_is_no_longer_in_force_and_hides_the_merchant_page(world):
    """EMP-3 (and EMP-16): effective tools follow the main account's current tools; the grant itself is kept."""
    enterprise = await world.enterprise()
    account = await world.active_account(enterprise)
    session = account["session"]
    async with world.service.client() as app:
        assert (await app.post("/v1/employee/merchant-page/modules", json={"tool": "homepage.business_card"},
                               headers=session)).status_code == 200
        async with world.reviewer() as reviewer:
            assert (await reviewer.post(f"/v1/reviews/employee-accounts/{account['id']}/merchant-page-modules/"
                                        "homepage.business_card")).status_code == 200
        assert (await app.get("/v1/employee/grants", headers=session)).json()["merchant_page_visible"] is True
        # The platform reports that the main account no longer holds the homepage business card.
        await world.account(enterprise.id, growth_level="bronze", real_name_verified=True,
                            tools=["short_video.online_booking", "live.general_live_card"])
        grants = (await app.get("/v1/employee/grants", headers=session)).json()
        assert grants["granted_tools"] == ["homepage.business_card", "live.general_live_card"]
        assert grants["effective_tools"] == ["live.general_live_card"]
        assert grants["effective_modules"] == ["data_centre", "live_management"]
        assert grants["merchant_page_visible"] is False
        admin_view = (await enterprise.admin.get(f"{enterprise.base}/employee-accounts/{account['id']}/grants")).json()
        assert admin_view["effective_tools"] == ["live.general_live_card"] and not admin_view["merchant_page_visible"]
        refused = await app.post("/v1/employee/merchant-page/modules", json={"tool": "homepage.business_card"},
                                 headers=session)
        assert refused.status_code == 422 and refused.json()["rule"] == "EMP-16"


async def test_employee_accounts_and_the_creator_marketplace_identity_exclude_each_other(world):
    """EMP-14: an employee account cannot take the identity; an account holding it cannot be invited."""
    enterprise = await world.enterprise()
    account = (await world.apply(enterprise)).json()
    async with world.service.client("xingtu", Role.SERVICE) as marketplace:
        employee = (await marketplace.get(f"/v1/internal/creator-marketplace-eligibility/{account['id']}")).json()
        assert employee == {"account_id": account["id"], "eligible": False, "rule": "EMP-14",
                            "reason": "the account is an employee account"}
        free = (await marketplace.get(f"/v1/internal/creator-marketplace-eligibility/{new_id('acc')}")).json()
        assert free["eligible"] is True
    creator = new_id("acc")
    await world.account(creator, creator_marketplace_identity=True)
    refused = await enterprise.admin.post(f"{enterprise.base}/invitations", json={
        "personal_account_id": creator, "modules": ["data_centre"], "agreement_accepted": True})
    assert refused.status_code == 422 and refused.json()["rule"] == "EMP-14"
    assert await scalar(world.service, "SELECT count(*) FROM invitations WHERE personal_account_id = :a",
                        a=creator) == 0
