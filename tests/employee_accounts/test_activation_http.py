"""EMP-8 over HTTP: login only from the mobile app ≥ 20.7, the face must match, then phone and password."""
from __future__ import annotations

from tests.employee_accounts.builders import MOBILE, face_of, national_id
from tests.employee_accounts.flows import event_types


async def test_login_is_refused_on_the_web_and_on_old_app_versions(world):
    """EMP-8: the client declares X-Client-Platform and X-Client-Version."""
    enterprise = await world.enterprise()
    account = await world.approved_account(enterprise)
    for headers in ({"X-Client-Platform": "web", "X-Client-Version": "30.0"},
                    {"X-Client-Platform": "android", "X-Client-Version": "20.6.3"}, {}):
        refused = await world.log_in(account["email"], account["password"], headers)
        assert refused.status_code == 422 and refused.json()["rule"] == "EMP-8", refused.text
    ok = await world.log_in(account["email"], account["password"], {"X-Client-Platform": "android",
                                                                    "X-Client-Version": "20.7"})
    assert ok.status_code == 201 and ok.json()["next_step"] == "face_verification"


async def test_a_wrong_password_or_an_account_in_review_cannot_log_in(world):
    """EMP-8: credentials work only once the account is approved."""
    enterprise = await world.enterprise()
    in_review = (await world.apply(enterprise, email="review-only@corp.example")).json()
    assert in_review["status"] == "reviewing"
    assert (await world.log_in("review-only@corp.example", "Initial-Pass-1")).status_code == 401
    account = await world.approved_account(enterprise)
    assert (await world.log_in(account["email"], "wrong-password")).status_code == 401
    assert (await world.log_in("nobody@corp.example", "whatever-1")).status_code == 401


async def test_someone_elses_face_never_passes_and_the_steps_keep_their_order(world):
    """EMP-8: face check against the identity on file, phone, then the mandatory password change."""
    enterprise = await world.enterprise()
    account = await world.approved_account(enterprise)
    session = {**MOBILE, "X-Employee-Session": (await world.log_in(account["email"], account["password"])).json()[
        "session_token"]}
    async with world.service.client() as app:
        early = await app.post("/v1/employee/activation/phone", json={"phone": "13800138000"}, headers=session)
        assert early.status_code == 422 and early.json()["rule"] == "EMP-8"
        for client in ({"X-Client-Platform": "web", "X-Client-Version": "30.0"},
                       {"X-Client-Platform": "android", "X-Client-Version": "20.6.3"}):
            # EMP-8: every activation step from the mobile app ≥ 20.7 only, even with the right face.
            refused = await app.post("/v1/employee/activation/face-verification", headers={**session, **client},
                                     json={"capture": face_of(account["national_id"])})
            assert refused.status_code == 422 and refused.json()["rule"] == "EMP-8", refused.text
        impostor = await app.post("/v1/employee/activation/face-verification",
                                  json={"capture": face_of(national_id())}, headers=session)
        assert impostor.status_code == 422 and impostor.json()["rule"] == "EMP-8"
        me = (await app.get("/v1/employee/me", headers=session)).json()
        assert me["face_verified"] is False and me["status"] == "awaiting_activation"
        assert (await app.post("/v1/employee/activation/face-verification",
                               json={"capture": face_of(account["national_id"])}, headers=session)).status_code == 200
        same = await app.post("/v1/employee/activation/password",
                              json={"current_password": "Initial-Pass-1", "new_password": "Other-Pass-1"},
                              headers=session)
        assert same.status_code == 422  # phone first
        assert (await app.post("/v1/employee/activation/phone", json={"phone": "13800138000"},
                               headers=session)).status_code == 200
        unchanged = await app.post("/v1/employee/activation/password",
                                   json={"current_password": "Initial-Pass-1", "new_password": "Initial-Pass-1"},
                                   headers=session)
        assert unchanged.status_code == 422 and unchanged.json()["rule"] == "EMP-8"
        web = await app.post("/v1/employee/activation/password", headers={**session, "X-Client-Platform": "web"},
                             json={"current_password": "Initial-Pass-1", "new_password": "Other-Pass-1"})
        assert web.status_code == 422 and web.json()["rule"] == "EMP-8"
        done = await app.post("/v1/employee/activation/password",
                              json={"current_password": "Initial-Pass-1", "new_password": "Other-Pass-1"},
                              headers=session)
        assert done.status_code == 200 and done.json()["status"] == "active"
    assert await event_types(world.service, account["id"]) == [  # every step, none for a mismatch
        "employee-accounts.account.applied", "employee-accounts.account.reviewed",
        "employee-accounts.account.entitlements",  # EMP-22: a snapshot after each change of what is in force
        "employee-accounts.account.face_verified", "employee-accounts.account.phone_bound",
        "employee-accounts.account.password_changed", "employee-accounts.account.activated",
        "employee-accounts.account.entitlements"]
    assert (await world.log_in(account["email"], "Initial-Pass-1")).status_code == 401
    assert (await world.log_in(account["email"], "Other-Pass-1")).status_code == 201


async def test_a_failed_review_is_corrected_and_resubmitted_by_the_enterprise(world):
    """EMP-12 (and EMP-5): review_failed → corrected information → reviewing."""
    enterprise = await world.enterprise()
    account = (await world.apply(enterprise)).json()
    async with world.reviewer() as reviewer:
        failed = await reviewer.post(f"/v1/reviews/employee-accounts/{account['id']}",
                                     json={"approved": False, "reason": "proof of employment unreadable"})
    assert failed.json()["status"] == "review_failed"
    from tests.employee_accounts.builders import details
    again = await enterprise.admin.put(f"{enterprise.base}/employee-accounts/{account['id']}/employee-information",
                                       json=details())
    assert again.status_code == 200 and again.json()["status"] == "reviewing"


async def test_proof_without_seal_needs_an_explanation(world):
    """EMP-6 over HTTP."""
    enterprise = await world.enterprise()
    body = {"login_email": "sig@corp.example", "password": "Initial-Pass-1", "position_id": enterprise.position_id,
            "employee": {"real_name": "Wang", "national_id": national_id(), "proof_of_employment": {
                "kind": "legal_representative_signature", "document_ref": "doc-9"}}}
    refused = await enterprise.admin.post(f"{enterprise.base}/employee-accounts", json=body)
    assert refused.status_code == 422 and refused.json()["rule"] == "EMP-6"
    body["employee"]["proof_of_employment"]["explanation"] = "sole proprietor, no company seal"
    assert (await enterprise.admin.post(f"{enterprise.base}/employee-accounts", json=body)).status_code == 201
