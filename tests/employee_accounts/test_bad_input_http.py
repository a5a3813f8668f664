"""Bad input is a problem document naming what was wrong, never a 500: names, ids and e-mail
addresses PostgreSQL cannot store (a NUL character), naive or out-of-range times, unreadable CSV
uploads and client versions, in a JSON body, a path, a header or a CSV row."""
from __future__ import annotations

from employee_accounts.domain.values import ClientInfo
from trust_common.auth import Role

from tests.employee_accounts.builders import PC, new_id


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


async def test_a_validity_period_without_an_offset_or_beyond_the_calendar_is_a_422(world):
    """EMP-12's validity period is a point in time: naive or out-of-range times are refused up front."""
    enterprise = await world.enterprise(position=False)
    invitee = new_id("acc")
    await world.account(invitee, real_name_verified=True)
    for valid_until in ("2030-01-01T00:00:00", "9999-12-31T23:59:59-14:00", "9999-12-31T23:59:59+00:00"):
        response = await enterprise.admin.post(f"{enterprise.base}/invitations", headers=PC, json={
            "personal_account_id": invitee, "modules": ["data_centre"], "agreement_accepted": True,
            "valid_until": valid_until})
        assert response.status_code == 422, (valid_until, response.text)
        assert response.json()["errors"][0]["pointer"] == "/valid_until"


def test_a_client_version_too_long_or_not_ascii_digits_reads_as_no_version():
    """EMP-8: an unreadable X-Client-Version is an old app (refused with a reason), never a crash."""
    assert ClientInfo.from_headers("ios", "1" * 5000).version == ()
    assert ClientInfo.from_headers("ios", "\u0662\u0660.\u0667").version == ()
    assert ClientInfo.from_headers("ios", "20.7.0").version == (20, 7, 0)


async def test_a_login_with_an_overlong_client_version_is_refused_not_a_500(world):
    async with world.service.client("anyone", Role.ACCOUNT_HOLDER) as client:
        response = await client.post("/v1/employee/sessions", json={"login_email": "a@corp.example", "password": "x"},
                                     headers={"X-Client-Platform": "ios", "X-Client-Version": "1" * 5000})
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_csv_the_csv_module_cannot_read_is_a_400_saying_why(world):
    """EMP-12: a field over the csv module's size limit is refused as a bad upload, not a crash."""
    enterprise = await world.enterprise(position=False)
    csv_text = "personal_account_id\nacc-1\n" + "x" * 200_000 + "\n"
    response = await enterprise.admin.post(
        f"{enterprise.base}/invitations/batch-csv", files={"file": ("staff.csv", csv_text, "text/csv")},
        data={"modules": "data_centre", "agreement_accepted": "true"})
    assert response.status_code == 400, response.text
    assert response.json()["rule"] == "EMP-12" and "field larger than field limit" in response.json()["detail"]
