"""EMP-2 over HTTP: the quota by growth level, both kinds together, exact under a race."""
from __future__ import annotations

import asyncio

from tests.employee_accounts.builders import national_id, new_id


async def test_exactly_the_quota_is_created_when_a_hundred_creates_race(world):
    """EMP-2: 100 parallel creates against a bronze quota of 5 → exactly 5 accounts."""
    enterprise = await world.enterprise(growth_level="bronze")
    responses = await asyncio.gather(*(world.apply(enterprise, national_id()) for _ in range(100)))
    codes = [r.status_code for r in responses]
    assert codes.count(201) == 5, codes
    refused = [r.json() for r in responses if r.status_code != 201]
    assert len(refused) == 95 and all(p["rule"] == "EMP-2" and p["status"] == 422 for p in refused)
    quota = (await enterprise.admin.get(f"{enterprise.base}/quota")).json()
    assert (quota["limit"], quota["used"], quota["remaining"], quota["employee_accounts"]) == (5, 5, 0, 5)


async def test_both_kinds_and_open_invitations_share_the_quota(world):
    """EMP-2: authorised personal accounts (and invitations holding their seat) count with enterprise accounts."""
    enterprise = await world.enterprise(growth_level="silver")
    for _ in range(3):
        assert (await world.apply(enterprise)).status_code == 201
    invited = []
    for _ in range(2):
        account_id = new_id("acc")
        await world.account(account_id, real_name_verified=True)
        response = await enterprise.admin.post(f"{enterprise.base}/invitations", json={
            "personal_account_id": account_id, "modules": ["data_centre"], "agreement_accepted": True})
        assert response.status_code == 201, response.text
        invited.append(response.json())
    refused = await world.apply(enterprise)
    assert refused.status_code == 422 and refused.json()["rule"] == "EMP-2"
    quota = (await enterprise.admin.get(f"{enterprise.base}/quota")).json()
    assert quota == {"growth_level": "silver", "limit": 5, "used": 5, "remaining": 0, "employee_accounts": 3,
                     "pending_invitations": 2}
    # A withdrawn invitation gives its seat back.
    withdrawn = await enterprise.admin.post(f"{enterprise.base}/invitations/{invited[0]['id']}/withdrawal")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert (await world.apply(enterprise)).status_code == 201


async def test_an_enterprise_without_a_growth_level_has_no_seats(world):
    """EMP-2: no growth level, no quota."""
    enterprise = await world.enterprise(growth_level="none-yet")
    response = await world.apply(enterprise)
    assert response.status_code == 422 and response.json()["rule"] == "EMP-2"
