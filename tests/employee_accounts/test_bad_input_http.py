"""Bad input is a problem document naming what was wrong, never a 500: names, ids and e-mail
addresses that PostgreSQL cannot store (a NUL character), in a JSON body, a path or a CSV row."""
from __future__ import annotations

from tests.employee_accounts.conftest import new_id


async def test_a_nul_character_in_a_name_or_an_id_is_a_422_naming_the_field(world):
    enterprise = await world.enterprise(position=False)
    admin, base = enterprise.admin, enterprise.base
    department = await admin.post(f"{base}/departments", json={"name": "Sales\u0000"})
    position = await admin.post(f"{base}/positions", json={"name": "Host\u0000", "tools": []})
    parent = await admin.post(f"{base}/departments", json={"name": "Sales", "parent_id": "dep\u0000"})
    in_path = await admin.get(f"{base}/employee-accounts/emp%00")
    invitation = await admin.post(f"{base}/invitations", json={
        "personal_account_id": "acc\u0000", "modules": ["data_centre"], "agreement_accepted": True})
    for response, pointer in ((department, "/name"), (position, "/name"), (parent, "/parent_id"),
                              (in_path, "/path/employee_account_id"), (invitation, "/personal_account_id")):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["pointer"] == pointer


async def test_a_nul_character_in_a_login_email_is_a_422(world):
    enterprise = await world.enterprise()
    response = await world.apply(enterprise, email="staff\u0000@example.test")
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["pointer"] == "/login_email"


async def test_a_csv_row_whose_id_has_a_control_character_is_refused_on_its_own(world):
    """EMP-12: one bad row never stops the others, and never fails the upload."""
    enterprise = await world.enterprise(position=False)
    good = new_id("acc")
    await world.account(good, real_name_verified=True)
    csv_text = f"personal_account_id\nacc-\u0000nul\n{good}\n{'a' * 101}\n"
    response = await enterprise.admin.post(
        f"{enterprise.base}/invitations/batch-csv", files={"file": ("staff.csv", csv_text, "text/csv")},
        data={"modules": "data_centre", "agreement_accepted": "true"})
    assert response.status_code == 200, response.text
    rows = response.json()["results"]
    assert [(r["row"], r["outcome"]) for r in rows] == [(2, "refused"), (3, "invited"), (4, "refused")]
    assert rows[0]["problem"]["rule"] == "EMP-12"
