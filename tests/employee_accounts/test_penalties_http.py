"""EMP-7 over HTTP: a penalised identity (platform status `banned`/`restricted`, or a penalty in force) cannot be
used for an employee account; accounts of the identity that are not real-name verified do not count. Checked at
creation, invitation, acceptance and handover."""
from __future__ import annotations

from trust_common.contracts.platform import AccountStatus

from tests.employee_accounts.builders import details, identity_ref, national_id, new_id


async def test_a_banned_or_restricted_platform_status_alone_refuses_creation(world):
    """EMP-7 Decision: the status counts even with no penalty listed (shop-binding reads it the same way)."""
    enterprise = await world.enterprise()
    for status in (AccountStatus.BANNED, AccountStatus.RESTRICTED):
        nid = national_id()
        await world.account(new_id("acc"), real_name_verified=True, identity_ref=identity_ref(nid), status=status)
        refused = await world.apply(enterprise, nid)
        assert refused.status_code == 422 and refused.json()["rule"] == "EMP-7", (status, refused.text)


async def test_a_penalised_account_that_is_not_real_name_verified_does_not_count(world):
    """EMP-7 Decision: only real-name-verified accounts of the identity are looked at."""
    enterprise = await world.enterprise()
    nid = national_id()
    await world.account(new_id("acc"), real_name_verified=False, identity_ref=identity_ref(nid),
                        status=AccountStatus.BANNED)
    assert (await world.apply(enterprise, nid)).status_code == 201


async def test_the_status_is_checked_at_invitation_and_at_acceptance(world):
    """EMP-7: a banned identity cannot be invited; one banned after the invitation cannot accept."""
    enterprise = await world.enterprise(position=False)
    banned_nid, banned = national_id(), new_id("acc")
    await world.account(banned, real_name_verified=True, identity_ref=identity_ref(banned_nid),
                        status=AccountStatus.BANNED)
    invite = {"modules": ["data_centre"], "agreement_accepted": True}
    refused = await enterprise.admin.post(f"{enterprise.base}/invitations",
                                          json={"personal_account_id": banned, **invite})
    assert refused.status_code == 422 and refused.json()["rule"] == "EMP-7"

    nid, invitee = national_id(), new_id("acc")
    await world.account(invitee, real_name_verified=True, identity_ref=identity_ref(nid))
    invitation = await enterprise.admin.post(f"{enterprise.base}/invitations",
                                             json={"personal_account_id": invitee, **invite})
    assert invitation.status_code == 201, invitation.text
    await world.account(new_id("acc"), real_name_verified=True, identity_ref=identity_ref(nid),
                        status=AccountStatus.RESTRICTED)  # another account of the same person
    async with world.invitee(invitee) as me:
        accepted = await me.post(f"/v1/me/invitations/{invitation.json()['id']}/acceptance",
                                 json={"employee": details(nid)})
    assert accepted.status_code == 422 and accepted.json()["rule"] == "EMP-7"


async def test_the_status_is_checked_at_handover(world):
    """EMP-7: the new holder of a departed account must not be a penalised identity."""
    enterprise = await world.enterprise()
    account = (await world.apply(enterprise)).json()
    base = f"{enterprise.base}/employee-accounts/{account['id']}"
    assert (await enterprise.admin.post(f"{base}/departure", json={"agreement_accepted": True})).status_code == 200
    nid = national_id()
    await world.account(new_id("acc"), real_name_verified=True, identity_ref=identity_ref(nid),
                        status=AccountStatus.BANNED)
    refused = await enterprise.admin.post(f"{base}/handover", json={
        "login_email": f"{new_id('e')}@corp.example", "password": "Initial-Pass-1", "employee": details(nid),
        "position_id": enterprise.position_id})
    assert refused.status_code == 422 and refused.json()["rule"] == "EMP-7"


def _full_width(nid: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if ch.isascii() and ch.isalnum() else ch for ch in nid)


async def test_a_national_id_in_full_width_digits_is_the_same_identity(world):
    """Issue 13 on EMP-17 and EMP-7: normalised (NFKC, ASCII digits, case) before it is hashed or compared."""
    enterprise = await world.enterprise()
    nid = national_id()
    assert (await world.apply(enterprise, nid)).status_code == 201
    twice = await world.apply(enterprise, " " + _full_width(nid).lower())
    assert twice.status_code == 409 and twice.json()["rule"] == "EMP-17", twice.text
    penalised = national_id()
    await world.account(new_id("acc"), real_name_verified=True, identity_ref=identity_ref(penalised),
                        status=AccountStatus.BANNED)
    refused = await world.apply(enterprise, _full_width(penalised))
    assert refused.status_code == 422 and refused.json()["rule"] == "EMP-7"
    odd = await world.apply(enterprise, "١١٠١٠١١٩٩٠٠٣٠٧١٢٣٤")  # Arabic-Indic digits: still only digits
    assert odd.status_code == 201, odd.text
    assert odd.json()["national_id_masked"].endswith("1234")
    not_an_id = await world.apply(enterprise, "11010119900307123Ω")
    assert not_an_id.status_code == 400 and not_an_id.json()["rule"] == "EMP-5"
