"""Bad input is a problem document naming what was wrong, never a 500: ids that PostgreSQL cannot
store (a NUL character), forged listing cursors, an Idempotency-Key that is not ASCII."""
from __future__ import annotations

import base64
import json

import pytest

from trust_common.auth import Role


def _cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("values", [
    [1, 2],                                                    # integers where a time and an id belong
    [{"dt": "2026-01-01T00:00:00"}, "binding-1"],              # a time without its offset
    [{"dt": "2026-01-01T00:00:00+00:00"}, "binding-\u0000"],   # an id PostgreSQL cannot hold
    [{"dt": "2026-01-01T00:00:00+00:00"}, ["nested"]],
])
async def test_a_forged_cursor_is_a_400_problem_not_a_database_error(world, values):
    shop = await world.shop()
    async with world.merchant(shop) as merchant:
        response = await merchant.get(f"/v1/shops/{shop.shop_id}/bindings", params={"cursor": _cursor(values)})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["parameter"] == "cursor"


async def test_a_cursor_this_api_issued_still_pages(world):
    shop = await world.shop()
    async with world.merchant(shop) as merchant:
        response = await merchant.get(f"/v1/shops/{shop.shop_id}/bindings", params={
            "cursor": _cursor([{"dt": "2026-01-01T00:00:00+00:00"}, "binding-1"])})
    assert response.status_code == 200, response.text


async def test_a_nul_character_in_a_path_query_or_body_is_a_422_naming_the_parameter(world):
    shop = await world.shop()
    base = f"/v1/shops/{shop.shop_id}"
    async with world.merchant(shop) as merchant:
        in_path = await merchant.post(f"{base}/invitations/inv%00/withdraw")
        in_query = await merchant.get(f"{base}/bindings", params={"status": "active\x00"})
        in_eligibility = await merchant.get(f"{base}/eligibility", params={"creator_account_id": "acc\x00"})
        in_body = await merchant.post(f"{base}/invitations", json={"creator_account_id": "acc\x00",
                                                                   "role": "channel"})
    for response, pointer in ((in_path, "/path/invitation_id"), (in_query, "/query/status"),
                              (in_eligibility, "/query/creator_account_id"), (in_body, "/creator_account_id")):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["pointer"] == pointer


async def test_an_overlong_id_in_a_body_is_a_422(world):
    shop = await world.shop()
    async with world.merchant(shop) as merchant:
        response = await merchant.post(f"/v1/shops/{shop.shop_id}/invitations",
                                       json={"creator_account_id": "a" * 101, "role": "channel"})
    assert response.status_code == 422 and response.json()["errors"][0]["pointer"] == "/creator_account_id"


async def test_an_idempotency_key_that_is_not_ascii_is_a_400_problem(world):
    shop, creator = await world.shop(), await world.account()
    async with world.merchant(shop) as merchant:
        response = await merchant.post(f"/v1/shops/{shop.shop_id}/invitations",
                                       json={"creator_account_id": creator.account_id, "role": "official"},
                                       headers=[(b"Idempotency-Key", b"\xff\xfe-key")])
    assert response.status_code == 400, response.text
    assert response.json()["type"].endswith("/invalid-idempotency-key")


@pytest.mark.parametrize("body", [
    {"kind": "ineligible_creator", "creator_account_id": "acc\x00"},
    {"kind": "ineligible_creator", "creator_account_id": "a" * 101},
    {"kind": "stuck_binding"},
    {"kind": "everything", "creator_account_id": "acc-1"},
    {"kind": ["ineligible_creator"], "creator_account_id": "acc-1"},
    [],
])
async def test_a_malformed_support_case_is_a_422_problem(world, body):
    """SHOP-12: hostile bodies to the merchant's case route are validation problems."""
    shop = await world.shop()
    async with world.merchant(shop) as merchant:
        response = await merchant.post(f"/v1/shops/{shop.shop_id}/support-cases", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("body", [
    {"note_code": "cause_corrected", "note": "x" * 2001},
    {"note_code": "cause_corrected", "note": "bell\x07"},
    {"note_code": "trust me"},
    {},
])
async def test_a_malformed_support_answer_is_a_422_problem(world, body):
    """SHOP-12: the note is bounded text; the note code one of the known ones."""
    async with world.support() as support:
        response = await support.post("/v1/support/cases/some-case/resolve", json=body)
    assert response.status_code == 422, response.text


@pytest.mark.parametrize("consent", [
    {"terms_version": "", "scopes": ["profile.read"]},
    {"terms_version": "2024-06\x00", "scopes": ["profile.read"]},
    {"terms_version": "2024-06", "scopes": []},
    {"terms_version": "2024-06", "scopes": ["profile.read"] * 50},
    {"terms_version": "v" * 41, "scopes": ["profile.read"]},
    "yes",
])
async def test_a_malformed_consent_is_a_422_validation_problem(world, consent):
    """LINK-2: the consent's terms version and scopes are bounded and known."""
    account = await world.account(country="SG")
    async with world.service.client("holder", Role.ACCOUNT_HOLDER, account_id=account.account_id) as client:
        response = await client.post("/v1/business-centre-links", json={
            "business_centre_account_id": "bc-1", "entry_point": "login", "consent": consent})
    assert response.status_code == 422 and response.json()["type"].endswith("validation-error"), response.text
