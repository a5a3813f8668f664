"""CERT-11 (consumer side) and issue 15: a free enterprise account is `uncertified` here and employee accounts refuse
it naming CERT-11; `GET /v1/enterprises/{id}` tells the enterprise admin the certification state this service
sees, since when and by which event."""
from __future__ import annotations

from datetime import datetime, timedelta

from trust_common.auth import Role
from trust_common.contracts import certification as cert
from trust_common.testing.services import eventually

from tests.employee_accounts.builders import ALL_TOOLS, new_id
from tests.employee_accounts.flows import scalar


async def test_a_free_enterprise_account_is_uncertified_until_a_certification_upgrades_it(world, clock):
    """CERT-11: opened without documents or fee; employee accounts and invitations refused naming CERT-11; an
    approved enterprise certification upgrades it; a lapse later is EMP-18's suspension, not CERT-11."""
    eid = new_id("ent")
    await world.account(eid, growth_level="gold", tools=ALL_TOOLS, real_name_verified=True)
    admin = world.service.client(f"admin-{eid}", Role.ENTERPRISE_ADMIN, account_id=eid, enterprise_ids=[eid])
    base = f"/v1/enterprises/{eid}"
    unknown = (await admin.get(base)).json()
    assert unknown["certification"]["state"] == "uncertified" and unknown["certification"]["since"] is None

    opened = await world.platform.publish(cert.EnterpriseAccountOpened(
        account_id=eid, channel=cert.Channel.MOBILE, opened_at=clock.now()))

    async def known():
        return await scalar(world.service, "SELECT free_account_opened_at FROM enterprises WHERE id = :i", i=eid)

    await eventually(known)
    free = (await admin.get(base)).json()["certification"]
    assert free["state"] == "uncertified" and free["free_account_opened_at"] is not None
    assert (free["event_type"], free["event_id"]) == ("certification.enterprise_account.opened",
                                                      str(opened.event_id))
    assert datetime.fromisoformat(free["since"]) == opened.occurred_at  # when it happened at its source
    position = await admin.post(f"{base}/positions", json={"name": "Sales", "tools": [], "modules": ["data_centre"]})
    assert position.status_code == 201  # the organisation may be prepared before certification
    body = {"login_email": f"{new_id('e')}@corp.example", "password": "Initial-Pass-1",
            "employee": {"real_name": "Li Wei", "national_id": "110101199003071234",
                         "proof_of_employment": {"kind": "company_seal", "document_ref": "doc"}},
            "position_id": position.json()["id"]}
    refused = await admin.post(f"{base}/employee-accounts", json=body)
    assert refused.status_code == 422 and refused.json()["rule"] == "CERT-11", refused.text
    invitee = new_id("acc")
    await world.account(invitee, real_name_verified=True)
    invited = await admin.post(f"{base}/invitations", json={
        "personal_account_id": invitee, "modules": ["data_centre"], "agreement_accepted": True})
    assert invited.status_code == 422 and invited.json()["rule"] == "CERT-11"

    application = new_id("app")
    approved = cert.ApplicationApproved(
        application_id=application, account_id=eid, certification_type=cert.CertificationType.ENTERPRISE,
        certified_at=clock.now(), valid_until=clock.now() + timedelta(days=365), channel=cert.Channel.PC)
    await world.certification(approved, certified=True)
    certified = (await admin.get(base)).json()["certification"]
    assert certified["state"] == "certified" and certified["certification_id"] == application
    assert certified["event_type"] == "certification.application.approved"
    assert datetime.fromisoformat(certified["since"]) >= datetime.fromisoformat(free["since"])
    assert (await admin.post(f"{base}/employee-accounts", json=body)).status_code == 201

    await world.certification(cert.CertificationExpired(
        application_id=application, account_id=eid, certification_type=cert.CertificationType.ENTERPRISE,
        expired_at=clock.now()), certified=False)
    lapsed = (await admin.get(base)).json()
    assert lapsed["certification"]["state"] == "suspended" and lapsed["grants_suspended"] is True
    assert lapsed["certification"]["event_type"] == "certification.certification.expired"
    again = await admin.post(f"{base}/employee-accounts", json={**body, "login_email": f"{new_id('e')}@corp.example"})
    assert again.status_code == 422 and again.json()["rule"] == "EMP-18"
    await admin.aclose()


async def test_only_the_enterprises_own_admin_reads_its_certification_state(world):
    """X-3: another enterprise's admin gets 404, another role 403."""
    enterprise = await world.enterprise(position=False)
    mine = (await enterprise.admin.get(enterprise.base)).json()
    assert mine["id"] == enterprise.id and mine["certification"]["state"] == "certified"
    stranger = await world.enterprise(position=False)
    assert (await stranger.admin.get(enterprise.base)).status_code == 404
    async with world.service.client("u1", Role.ACCOUNT_HOLDER, account_id=enterprise.id) as holder:
        assert (await holder.get(enterprise.base)).status_code == 403
