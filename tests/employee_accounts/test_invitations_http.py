"""EMP-12, EMP-13, EMP-14 over HTTP: invite one by one or in batches (JSON, CSV), answer within 48 hours,
the durable lapse timer (X-1), one enterprise per personal account."""
from __future__ import annotations

from datetime import datetime, timedelta

from trust_common.testing.services import eventually

from tests.employee_accounts.builders import PC, details, new_id
from tests.employee_accounts.flows import event_types, events_of


async def _invite(enterprise, account_id, headers=None, **extra):
    body = {"personal_account_id": account_id, "modules": ["data_centre", "live_management"],
            "agreement_accepted": True, **extra}
    return await enterprise.admin.post(f"{enterprise.base}/invitations", json=body, headers=headers or {})


async def test_an_invited_personal_account_accepts_within_48_hours_and_becomes_active_after_review(world):
    """EMP-12 / EMP-1: the employee's own account, authorised with the chosen modules."""
    enterprise = await world.enterprise(position=False)
    invitee = new_id("acc")
    await world.account(invitee, real_name_verified=True)
    invitation = (await _invite(enterprise, invitee)).json()
    sent = (await events_of(world.service, invitation["id"]))[0]
    assert sent["type"] == "employee-accounts.invitation.sent"
    assert sent["data"]["personal_account_id"] == invitee and sent["data"]["enterprise_id"] == enterprise.id
    assert datetime.fromisoformat(sent["data"]["expires_at"]) == world.service.clock.now() + timedelta(hours=48)
    world.service.clock.advance(hours=47)
    async with world.invitee(invitee) as me:
        accepted = await me.post(f"/v1/me/invitations/{invitation['id']}/acceptance", json={"employee": details()})
        assert accepted.status_code == 201, accepted.text
        account = accepted.json()
        assert (account["kind"], account["account_id"], account["status"]) == ("authorised_personal", invitee,
                                                                               "reviewing")
        async with world.reviewer() as reviewer:
            await reviewer.post(f"/v1/reviews/employee-accounts/{account['id']}", json={"approved": True})
        mine = (await me.get("/v1/me/employee-account")).json()
        assert mine["status"] == "active" and mine["modules"] == ["data_centre", "live_management"]
        # EMP-13: never unbound.
        unbind = await me.delete("/v1/me/employee-account")
        assert unbind.status_code == 422 and unbind.json()["rule"] == "EMP-13"
    grants = (await enterprise.admin.get(f"{enterprise.base}/employee-accounts/{account['id']}/grants")).json()
    assert grants["effective_modules"] == ["data_centre", "live_management"]
    # EMP-13: no conversion into an enterprise account.
    converted = await enterprise.admin.post(f"{enterprise.base}/employee-accounts/{account['id']}/conversion")
    assert converted.status_code == 422 and converted.json()["rule"] == "EMP-13"


async def test_an_unanswered_invitation_lapses_once_after_48_hours(world):
    """EMP-12 / X-1: the durable timer fires once; the invitee can no longer accept."""
    enterprise = await world.enterprise(position=False)
    invitee = new_id("acc")
    await world.account(invitee, real_name_verified=True)
    invitation = (await _invite(enterprise, invitee)).json()
    world.service.clock.advance(hours=47, minutes=59)
    await world.service.worker.timers.fire_due()
    assert (await world.invitee(invitee).get(f"/v1/me/invitations/{invitation['id']}")).json()["status"] == "pending"
    world.service.clock.advance(minutes=2)
    await world.service.worker.timers.fire_due()
    await world.service.worker.timers.fire_due()
    async with world.invitee(invitee) as me:
        async def lapsed() -> bool:  # the worker's own poller may have claimed it: wait for its commit
            return (await me.get(f"/v1/me/invitations/{invitation['id']}")).json()["status"] == "lapsed"

        await eventually(lapsed)
        late = await me.post(f"/v1/me/invitations/{invitation['id']}/acceptance", json={"employee": details()})
        assert late.status_code == 409 and late.json()["rule"] == "EMP-12"
    types = await event_types(world.service, invitation["id"])
    assert types.count("employee-accounts.invitation.lapsed") == 1
    # It must be sent again: a fresh invitation is possible now.
    assert (await _invite(enterprise, invitee)).status_code == 201


async def test_a_declined_invitation_never_lapses(world):
    """EMP-12: the answer cancels the timer."""
    enterprise = await world.enterprise(position=False)
    invitee = new_id("acc")
    await world.account(invitee, real_name_verified=True)
    invitation = (await _invite(enterprise, invitee)).json()
    async with world.invitee(invitee) as me:
        assert (await me.post(f"/v1/me/invitations/{invitation['id']}/decline")).json()["status"] == "declined"
    world.service.clock.advance(hours=49)
    await world.service.worker.timers.fire_due()
    assert await event_types(world.service, invitation["id"]) == [
        "employee-accounts.invitation.sent", "employee-accounts.invitation.declined"]


async def test_a_validity_period_only_from_the_pc_back_office(world):
    """EMP-12 / EMP-21: set from the PC back office only, and required there."""
    enterprise = await world.enterprise(position=False)
    invitee = new_id("acc")
    await world.account(invitee, real_name_verified=True)
    until = (world.service.clock.now() + timedelta(days=90)).isoformat()
    refused = await _invite(enterprise, invitee, valid_until=until)
    assert refused.status_code == 422 and refused.json()["rule"] == "EMP-21"
    # EMP-21: required from the PC back office.
    without = await _invite(enterprise, invitee, headers=PC)
    assert without.status_code == 422 and without.json()["rule"] == "EMP-21"
    sent = await _invite(enterprise, invitee, headers=PC, valid_until=until)
    assert sent.status_code == 201 and sent.json()["valid_until"] is not None


async def test_a_personal_account_belongs_to_one_enterprise_only(world):
    """EMP-13: a second enterprise cannot invite or authorise the same personal account."""
    first, second = await world.enterprise(position=False), await world.enterprise(position=False)
    invitee = new_id("acc")
    await world.account(invitee, real_name_verified=True)
    invitation = (await _invite(first, invitee)).json()
    pending = await _invite(second, invitee)
    assert pending.status_code == 409 and pending.json()["rule"] == "EMP-13"
    async with world.invitee(invitee) as me:
        await me.post(f"/v1/me/invitations/{invitation['id']}/acceptance", json={"employee": details()})
    again = await _invite(second, invitee)
    assert again.status_code == 409 and again.json()["rule"] == "EMP-13"


async def test_batch_invitations_report_a_result_per_row(world):
    """EMP-12 batch (JSON list), with EMP-13 and EMP-14 refusals per row."""
    enterprise = await world.enterprise(position=False)
    ok, creator, unknown = new_id("acc"), new_id("acc"), new_id("acc")
    await world.account(ok, real_name_verified=True)
    await world.account(creator, creator_marketplace_identity=True)
    response = await enterprise.admin.post(f"{enterprise.base}/invitations/batch", json={
        "personal_account_ids": [ok, creator, unknown, ok], "modules": ["data_centre"], "agreement_accepted": True})
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["invited"], result["refused"]) == (1, 3)
    rows = {r["row"]: r for r in result["results"]}
    assert rows[1]["outcome"] == "invited" and rows[1]["invitation"]["personal_account_id"] == ok
    assert rows[2]["problem"]["rule"] == "EMP-14"
    assert rows[3]["problem"]["rule"] == "EMP-12"
    assert rows[4]["problem"]["rule"] == "EMP-13"


async def test_batch_invitations_by_csv_upload(world):
    """EMP-12 batch upload: each data row answered by its line number."""
    enterprise = await world.enterprise(position=False)
    first, second = new_id("acc"), new_id("acc")
    for account_id in (first, second):
        await world.account(account_id, real_name_verified=True)
    csv_text = f"personal_account_id\n{first}\n\n{second}\n{enterprise.id}\n"
    response = await enterprise.admin.post(
        f"{enterprise.base}/invitations/batch-csv", files={"file": ("staff.csv", csv_text, "text/csv")},
        data={"modules": "data_centre,user_management", "agreement_accepted": "true"})
    assert response.status_code == 200, response.text
    rows = response.json()["results"]
    assert [(r["personal_account_id"], r["outcome"]) for r in rows if r["personal_account_id"]] == [
        (first, "invited"), (second, "invited"), (enterprise.id, "refused")]
    assert [r["row"] for r in rows if r["personal_account_id"]] == [2, 4, 5]
    missing_header = await enterprise.admin.post(
        f"{enterprise.base}/invitations/batch-csv", files={"file": ("x.csv", "id\nacc-1\n", "text/csv")},
        data={"modules": "data_centre", "agreement_accepted": "true"})
    assert missing_header.status_code == 400 and missing_header.json()["rule"] == "EMP-12"


async def test_the_invitee_corrects_a_failed_review_and_resubmits(world):
    """EMP-12: a failed review can be corrected and resubmitted."""
    enterprise = await world.enterprise(position=False)
    invitee = new_id("acc")
    await world.account(invitee, real_name_verified=True)
    invitation = (await _invite(enterprise, invitee)).json()
    async with world.invitee(invitee) as me:
        account = (await me.post(f"/v1/me/invitations/{invitation['id']}/acceptance",
                                 json={"employee": details()})).json()
        async with world.reviewer() as reviewer:
            await reviewer.post(f"/v1/reviews/employee-accounts/{account['id']}",
                                json={"approved": False, "reason": "name does not match"})
        fixed = await me.put("/v1/me/employee-account/employee-information", json=details(name="Li Wei-Ming"))
        assert fixed.status_code == 200 and fixed.json()["status"] == "reviewing"


async def test_an_authorisation_ends_only_with_the_deletion_of_the_personal_account(world):
    """EMP-13: the platform's account deletion ends the authorisation and frees its seat."""
    enterprise = await world.enterprise(position=False)
    invitee = new_id("acc")
    await world.account(invitee, real_name_verified=True)
    invitation = (await _invite(enterprise, invitee)).json()
    async with world.invitee(invitee) as me:
        listed = (await me.get("/v1/me/invitations")).json()["items"]
        assert [i["id"] for i in listed] == [invitation["id"]]
        account = (await me.post(f"/v1/me/invitations/{invitation['id']}/acceptance",
                                 json={"employee": details()})).json()
    used = (await enterprise.admin.get(f"{enterprise.base}/quota")).json()["used"]
    await world.platform.delete_account(invitee)

    async def ended() -> bool:
        found = await enterprise.admin.get(f"{enterprise.base}/employee-accounts/{account['id']}")
        return found.json()["status"] == "ended"

    await eventually(ended)
    assert (await enterprise.admin.get(f"{enterprise.base}/quota")).json()["used"] == used - 1
    assert (await event_types(world.service, account["id"]))[-2:] == [
        "employee-accounts.account.authorisation_ended", "employee-accounts.account.entitlements"]  # EMP-22
