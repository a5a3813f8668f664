"""CERT-11 over HTTP: the free enterprise account is a record of its own, opened without documents or fee,
`uncertified` until an enterprise certification is approved; the badge refuses an uncertified enterprise."""
from __future__ import annotations

import asyncio

from trust_common.auth import Role
from trust_common.testing.platform import ProjectedPlatform, account_snapshot
from trust_common.testing.services import eventually

from tests.certification.flows import (
    BRAND,
    auditor,
    claimed,
    event_data,
    holder,
    ledger_lines,
    new_id,
    seed_account,
    submitted_enterprise,
)


async def test_a_free_enterprise_account_opens_without_documents_or_fee_and_is_uncertified(certification):
    """CERT-11 decision: opened for the caller's own account, channel recorded, published as uncertified."""
    account = await seed_account(certification)
    async with holder(certification, account.account_id) as client:
        opened = await client.post("/v1/enterprise-accounts", json={"channel": "mobile"})
        again = await client.post("/v1/enterprise-accounts", json={"channel": "pc"})
        mine = await client.get("/v1/enterprise-accounts/me")
        badge = await client.get(f"/v1/enterprise-accounts/{account.account_id}/badge")
    assert opened.status_code == 201, opened.text
    assert opened.json()["status"] == "uncertified" and opened.json()["channel"] == "mobile"
    assert opened.json()["certification_id"] is None and not opened.json()["badge_active"]
    assert (again.status_code, again.json()["rule"]) == (409, "CERT-11")
    assert mine.json() == opened.json()
    # CERT-11: a feature that needs certification (the badge) refuses an uncertified enterprise, naming it.
    assert (badge.status_code, badge.json()["rule"]) == (422, "CERT-11")
    assert badge.json()["type"].endswith("enterprise-uncertified")
    [event] = await event_data(certification, account.account_id, "certification.enterprise_account.opened")
    assert event == {"account_id": account.account_id, "status": "uncertified", "channel": "mobile",
                     "opened_at": event["opened_at"]}
    assert await ledger_lines(certification, account.account_id) == 0


async def test_an_enterprise_certification_upgrades_the_free_account(certification):
    """CERT-11 decision: the approval of an enterprise certification is the upgrade: certified, badge on."""
    account_id, app_id = await submitted_enterprise(certification)
    async with holder(certification, account_id) as client:
        assert (await client.post("/v1/enterprise-accounts", json={"channel": "pc"})).status_code == 201
    await claimed(certification, app_id, "upgrader")
    async with auditor(certification, "upgrader") as client:
        assert (await client.post(f"/v1/reviews/{app_id}/approve")).status_code == 200
    async with holder(certification, account_id) as client:
        mine = (await client.get("/v1/enterprise-accounts/me")).json()
    async with certification.client(new_id("viewer"), Role.ACCOUNT_HOLDER, account_id=new_id("acc")) as client:
        badge = await client.get(f"/v1/enterprise-accounts/{account_id}/badge")
    assert mine["status"] == "certified" and mine["certification_id"] == app_id and mine["badge_active"]
    assert badge.status_code == 200 and badge.json()["badge_active"]
    [approved] = await event_data(certification, app_id, "certification.application.approved")
    assert approved["account_id"] == account_id  # the upgrade other services read (CERT-11)


async def test_opening_needs_a_known_account_an_applicant_role_and_happens_once_under_a_race(certification):
    """CERT-11 (a platform account we know of), X-3 (only applicants open one: 403), a race leaves one."""
    unknown = new_id("acc")
    async with holder(certification, unknown) as client:
        refused = await client.post("/v1/enterprise-accounts", json={"channel": "pc"})
    async with auditor(certification) as client:
        wrong_role = await client.post("/v1/enterprise-accounts", json={"channel": "pc"})
    account = await seed_account(certification)
    async with holder(certification, account.account_id) as client:
        raced = await asyncio.gather(*[client.post("/v1/enterprise-accounts", json={"channel": "pc"})
                                       for _ in range(4)])
        bad_channel = await client.post("/v1/enterprise-accounts", json={"channel": "sister_app_sync"})
    assert (refused.status_code, refused.json()["rule"]) == (422, "CERT-11")
    assert wrong_role.status_code == 403
    assert sorted(r.status_code for r in raced) == [201, 409, 409, 409], [r.text for r in raced]
    assert {r.json()["rule"] for r in raced if r.status_code == 409} == {"CERT-11"}
    assert (bad_channel.status_code, bad_channel.json()["rule"]) == (400, "CERT-11")


async def test_no_enterprise_account_and_no_certification_is_a_404(certification):
    """X-3: nothing to show."""
    async with auditor(certification) as client:
        missing = await client.get(f"/v1/enterprise-accounts/{new_id('acc')}/badge")
    assert missing.status_code == 404


async def test_employee_accounts_refuse_a_free_enterprise_account_opened_here(certification, employee_accounts,
                                                                              platform):
    """CERT-11 across services, through the real bus: the free enterprise account opened over this service's
    HTTP reaches employee-accounts as uncertified, which refuses its employee accounts naming CERT-11."""
    eid = new_id("ent")
    await ProjectedPlatform(platform, [certification, employee_accounts]).account(account_snapshot(
        eid, username=f"{BRAND} Official", country="CN", real_name_verified=True, growth_level="gold"))
    async with holder(certification, eid) as client:
        assert (await client.post("/v1/enterprise-accounts", json={"channel": "pc"})).status_code == 201
    admin = employee_accounts.client(f"admin-{eid}", Role.ENTERPRISE_ADMIN, account_id=eid, enterprise_ids=[eid])

    async def seen() -> dict | None:
        state = (await admin.get(f"/v1/enterprises/{eid}")).json()["certification"]
        return state if state.get("event_type") == "certification.enterprise_account.opened" else None

    state = await eventually(seen, timeout=60)
    assert state["state"] == "uncertified"
    position = await admin.post(f"/v1/enterprises/{eid}/positions", json={"name": "Sales", "tools": [],
                                                                           "modules": ["data_centre"]})
    refused = await admin.post(f"/v1/enterprises/{eid}/employee-accounts", json={
        "login_email": f"{new_id('e')}@corp.example", "password": "Initial-Pass-1",
        "employee": {"real_name": "Li Wei", "national_id": "110101199003071234",
                     "proof_of_employment": {"kind": "company_seal", "document_ref": "doc"}},
        "position_id": position.json()["id"]})
    await admin.aclose()
    assert (refused.status_code, refused.json()["rule"]) == (422, "CERT-11"), refused.text
