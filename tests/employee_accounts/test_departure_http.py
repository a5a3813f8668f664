"""EMP-9 departure and handover, EMP-10 deregistration, EMP-7 penalised identity, EMP-17 coexistence."""
from __future__ import annotations

from datetime import timedelta

from trust_common.contracts.platform import Penalty, PenaltyKind
from trust_common.testing.services import eventually

from tests.employee_accounts.builders import MOBILE, details, face_of, identity_ref, national_id, new_id
from tests.employee_accounts.flows import event_types, events_of


async def _status(enterprise, account_id):
    return (await enterprise.admin.get(f"{enterprise.base}/employee-accounts/{account_id}")).json()["status"]


async def test_departure_without_unsettled_assets_completes_and_the_account_passes_to_a_new_employee(world):
    """EMP-9: the old holder's sessions and credentials stop; the new holder goes through review and activation."""
    enterprise = await world.enterprise()
    old = await world.active_account(enterprise)
    base = f"{enterprise.base}/employee-accounts/{old['id']}"
    refused = await enterprise.admin.post(f"{base}/departure", json={"agreement_accepted": False})
    assert refused.status_code == 422 and refused.json()["rule"] == "EMP-9"
    departed = await enterprise.admin.post(f"{base}/departure", json={"agreement_accepted": True})
    assert departed.json()["status"] == "vacant"
    async with world.service.client() as app:
        assert (await app.get("/v1/employee/me", headers=old["session"])).status_code == 401
    assert (await world.log_in(old["email"], old["password"])).status_code == 401

    new_nid = national_id()
    handed = await enterprise.admin.post(f"{base}/handover", json={
        "login_email": "successor@corp.example", "password": "Successor-Pass-1", "employee": details(new_nid),
        "position_id": enterprise.position_id})
    assert handed.status_code == 200, handed.text
    assert (handed.json()["status"], handed.json()["account_id"], handed.json()["holder_generation"]) == (
        "reviewing", old["id"], 3)
    async with world.reviewer() as reviewer:
        await reviewer.post(f"/v1/reviews/employee-accounts/{old['id']}", json={"approved": True})
    login = await world.log_in("successor@corp.example", "Successor-Pass-1")
    assert login.status_code == 201 and login.json()["next_step"] == "face_verification"
    session = {**MOBILE, "X-Employee-Session": login.json()["session_token"]}
    async with world.service.client() as app:
        # The previous holder's face no longer passes: the identity on file is the new one.
        wrong = await app.post("/v1/employee/activation/face-verification",
                               json={"capture": face_of(old["national_id"])}, headers=session)
        assert wrong.status_code == 422
        assert (await app.post("/v1/employee/activation/face-verification", json={"capture": face_of(new_nid)},
                               headers=session)).status_code == 200
    assert await event_types(world.service, old["id"]) == [
        "employee-accounts.account.applied", "employee-accounts.account.reviewed",
        "employee-accounts.account.entitlements",  # EMP-22
        "employee-accounts.account.face_verified", "employee-accounts.account.phone_bound",
        "employee-accounts.account.password_changed", "employee-accounts.account.activated",
        "employee-accounts.account.entitlements",
        "employee-accounts.account.departed", "employee-accounts.account.entitlements",
        "employee-accounts.account.handed_over",
        "employee-accounts.account.reviewed", "employee-accounts.account.entitlements",
        "employee-accounts.account.face_verified"]
    # Published as v2, without the login email no consumer needs (only the NOTE-3 event carries it).
    envelopes = await events_of(world.service, old["id"])
    for envelope in envelopes:
        if envelope["type"] in ("employee-accounts.account.applied", "employee-accounts.account.handed_over"):
            assert envelope["version"] == 2 and "login_email" not in envelope["data"], envelope
    assert "successor@corp.example" not in str(envelopes) and old["email"] not in str(envelopes)


async def test_unsettled_assets_hold_the_departure_until_the_real_name_is_unbound(world):
    """EMP-9 / NOTE-3: the employee is told (event), the departure waits for the platform fact."""
    enterprise = await world.enterprise()
    account = await world.active_account(enterprise)
    await world.account(account["id"], real_name_verified=True, has_unsettled_assets=True)
    pending = await enterprise.admin.post(f"{enterprise.base}/employee-accounts/{account['id']}/departure",
                                          json={"agreement_accepted": True})
    assert pending.json()["status"] == "departure_pending"
    *_, waiting, snapshot = await events_of(world.service, account["id"])
    assert snapshot["type"] == "employee-accounts.account.entitlements" and not snapshot["data"]["in_force"]
    assert waiting["type"] == "employee-accounts.account.departure_awaiting_unbinding"
    assert waiting["data"]["login_email"] == account["email"]  # NOTE-3: the notifier needs it
    handover = await enterprise.admin.post(f"{enterprise.base}/employee-accounts/{account['id']}/handover", json={
        "login_email": f"{new_id('n')}@corp.example", "password": "Successor-Pass-1", "employee": details(),
        "position_id": enterprise.position_id})
    assert handover.status_code == 422 and handover.json()["rule"] == "EMP-9"
    await world.account(account["id"], real_name_verified=False, has_unsettled_assets=True)
    await eventually(lambda: _vacant(enterprise, account["id"]))


async def _vacant(enterprise, account_id):
    return await _status(enterprise, account_id) == "vacant"


async def test_deregistration_is_not_supported(world):
    """EMP-10: a clear "not supported" problem; the account stays."""
    enterprise = await world.enterprise()
    account = (await world.apply(enterprise)).json()
    response = await enterprise.admin.delete(f"{enterprise.base}/employee-accounts/{account['id']}")
    assert response.status_code == 422
    problem = response.json()
    assert problem["rule"] == "EMP-10" and problem["type"].endswith("/deregistration-not-supported")
    assert await _status(enterprise, account["id"]) == "reviewing"


async def test_a_penalised_identity_cannot_be_used_until_the_penalty_ends(world, clock):
    """EMP-7: another real-name-verified account of the same person is live-restricted."""
    enterprise = await world.enterprise()
    nid = national_id()
    until = (clock.now() + timedelta(days=2)).date()
    await world.account(new_id("acc"), real_name_verified=True, identity_ref=identity_ref(nid),
                        penalties=[Penalty(kind=PenaltyKind.LIVE_RESTRICTED, until=until)])
    refused = await world.apply(enterprise, nid)
    assert refused.status_code == 422 and refused.json()["rule"] == "EMP-7"
    clock.advance(days=3)
    assert (await world.apply(enterprise, nid)).status_code == 201


async def test_a_person_may_hold_a_personal_account_and_an_enterprise_employee_account(world):
    """EMP-17: the same identity holds an authorised personal account and an enterprise employee account."""
    enterprise = await world.enterprise()
    nid, personal = national_id(), new_id("acc")
    await world.account(personal, real_name_verified=True, identity_ref=identity_ref(nid))
    invitation = (await enterprise.admin.post(f"{enterprise.base}/invitations", json={
        "personal_account_id": personal, "modules": ["data_centre"], "agreement_accepted": True})).json()
    async with world.invitee(personal) as me:
        accepted = await me.post(f"/v1/me/invitations/{invitation['id']}/acceptance",
                                 json={"employee": details(nid)})
    assert accepted.status_code == 201
    assert (await world.apply(enterprise, nid)).status_code == 201
    # But not two enterprise employee accounts of one enterprise for one person.
    duplicate = await world.apply(enterprise, nid)
    assert duplicate.status_code == 409 and duplicate.json()["rule"] == "EMP-17"
