"""X-3 over HTTP: a foreign enterprise sees nothing of another's employees, positions, departments or
invitations (404); a wrong role is refused (403)."""
from __future__ import annotations

from trust_common.auth import Role

from tests.employee_accounts.builders import new_id


async def test_a_foreign_enterprise_can_neither_read_nor_change_another_enterprises_resources(world):
    """X-3 (EMP-5, EMP-11, EMP-12 resources)."""
    owner = await world.enterprise()
    intruder = await world.enterprise()
    account = (await world.apply(owner)).json()
    department = (await owner.admin.post(f"{owner.base}/departments", json={"name": "Sales"})).json()
    invitee = new_id("acc")
    await world.account(invitee, real_name_verified=True)
    invitation = (await owner.admin.post(f"{owner.base}/invitations", json={
        "personal_account_id": invitee, "modules": ["data_centre"], "agreement_accepted": True})).json()

    # The intruder's admin aims at the owner's enterprise path: the enterprise itself is not revealed.
    for method, path in [("GET", f"{owner.base}/employee-accounts"), ("GET", f"{owner.base}/quota"),
                         ("GET", f"{owner.base}/employee-accounts/{account['id']}"),
                         ("GET", f"{owner.base}/positions/{owner.position_id}"),
                         ("GET", f"{owner.base}/invitations"),
                         ("POST", f"{owner.base}/invitations/{invitation['id']}/withdrawal"),
                         ("DELETE", f"{owner.base}/employee-accounts/{account['id']}")]:
        response = await intruder.admin.request(method, path)
        assert response.status_code == 404, (method, path, response.text)

    # Through its own enterprise path, the owner's resources do not exist either.
    for method, path, body in [
            ("GET", f"{intruder.base}/employee-accounts/{account['id']}", None),
            ("GET", f"{intruder.base}/positions/{owner.position_id}", None),
            ("PUT", f"{intruder.base}/positions/{owner.position_id}", {"name": "x", "tools": [], "modules": []}),
            ("PATCH", f"{intruder.base}/departments/{department['id']}", {"parent_id": None}),
            ("POST", f"{intruder.base}/invitations/{invitation['id']}/withdrawal", None),
            ("POST", f"{intruder.base}/employee-accounts/{account['id']}/departure", {"agreement_accepted": True}),
            ("DELETE", f"{intruder.base}/employee-accounts/{account['id']}", None)]:
        response = await intruder.admin.request(method, path, json=body)
        assert response.status_code == 404, (method, path, response.text)

    # A department of another enterprise cannot become a parent.
    response = await intruder.admin.post(f"{intruder.base}/departments",
                                         json={"name": "Sneaky", "parent_id": department["id"]})
    assert response.status_code == 404
    listed = (await intruder.admin.get(f"{intruder.base}/employee-accounts")).json()
    assert listed["items"] == []


async def test_wrong_roles_are_refused(world):
    """X-3: a merchant or an employee token is not an enterprise admin (403); no token is 401."""
    enterprise = await world.enterprise(position=False)
    async with world.service.client("m-1", Role.MERCHANT, account_id=enterprise.id,
                                    enterprise_ids=[enterprise.id]) as merchant:
        assert (await merchant.get(f"{enterprise.base}/employee-accounts")).status_code == 403
    async with world.service.client("u-1", Role.ACCOUNT_HOLDER, account_id="acc-x") as holder:
        assert (await holder.post("/v1/reviews/employee-accounts/emp-x", json={"approved": True})).status_code == 403
        assert (await holder.get("/v1/internal/creator-marketplace-eligibility/acc-x")).status_code == 403
    async with world.service.client() as anonymous:
        assert (await anonymous.get(f"{enterprise.base}/quota")).status_code == 401
        assert (await anonymous.get("/v1/employee/me")).status_code == 401


async def test_an_invitee_sees_only_their_own_invitations(world):
    """X-3: a creator sees only their own invitations."""
    enterprise = await world.enterprise(position=False)
    invitee, other = new_id("acc"), new_id("acc")
    await world.account(invitee, real_name_verified=True)
    invitation = (await enterprise.admin.post(f"{enterprise.base}/invitations", json={
        "personal_account_id": invitee, "modules": ["data_centre"], "agreement_accepted": True})).json()
    async with world.invitee(other) as stranger:
        assert (await stranger.get(f"/v1/me/invitations/{invitation['id']}")).status_code == 404
        assert (await stranger.post(f"/v1/me/invitations/{invitation['id']}/decline")).status_code == 404
    async with world.invitee(invitee) as owner:
        assert (await owner.get(f"/v1/me/invitations/{invitation['id']}")).json()["status"] == "pending"
