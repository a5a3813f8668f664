"""Business-centre links over HTTP (LINK-1, LINK-2; issue 13: one role gate for every route)."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from shop_binding.adapters.business_centre import sign_assertion
from trust_common.auth import Role
from trust_common.schema import outbox


def holder(world, account, role=Role.ACCOUNT_HOLDER):
    return world.service.client(f"holder-{account.account_id}", role, account_id=account.account_id)


def proof(world, account_id: str, centre: str, *, age: timedelta = timedelta(minutes=1), key: bytes | None = None):
    """The business centre's signed assertion that `account_id` controls `centre` (LINK-1)."""
    issued_at = int((world.service.clock.now() - age).timestamp())
    key = key or world.service.settings.business_centre_assertion_key.get_secret_value().encode()
    return {"issued_at": issued_at, "signature": sign_assertion(key, account_id, centre, issued_at)}


CONSENT = {"terms_version": "2024-06", "scopes": ["profile.read", "ads.identity"]}


def link_body(world, account, centre: str, entry_point: str, consent=CONSENT, **proof_args):
    body = {"business_centre_account_id": centre, "entry_point": entry_point,
            "control_proof": proof(world, account.account_id, centre, **proof_args)}
    return {**body, "consent": consent} if consent is not None else body


async def test_a_platform_account_links_one_to_one_with_a_business_centre_account(world):
    """LINK-1: linked from an entry point, the name shows in settings, a second link is refused."""
    account, other = await world.account(country="SG"), await world.account(country="SG")
    centre = f"bc-{uuid.uuid4().hex[:8]}"
    async with holder(world, account) as client:
        created = await client.post("/v1/business-centre-links", json=link_body(world, account, centre, "ad_creation"))
        assert created.status_code == 201, created.text
        assert (created.json()["entry_point"], created.json()["market"]) == ("ad_creation", "SG")
        again = await client.post("/v1/business-centre-links", json=link_body(world, account, centre, "login"))
        assert again.json()["link_id"] == created.json()["link_id"]  # the same pair: nothing new
        elsewhere = await client.post("/v1/business-centre-links",
                                      json=link_body(world, account, "bc-another", "login"))
        assert elsewhere.status_code == 422
        assert (elsewhere.json()["rule"], elsewhere.json()["detail"]) == ("LINK-1", "already linked to another account")
        shown = (await client.get("/v1/business-centre-links/me")).json()
        assert shown["platform_account_name"] == account.username
    async with holder(world, other) as client:
        taken = await client.post("/v1/business-centre-links",
                                  json=link_body(world, other, centre, "user_settings"))
        assert taken.status_code == 422 and taken.json()["detail"] == "already linked to another account"
    async with holder(world, account) as client:
        assert (await client.delete("/v1/business-centre-links/me")).status_code == 200
        gone = await client.get("/v1/business-centre-links/me")
        assert gone.status_code == 404 and gone.json()["type"].endswith("/business-centre-link-not-found")
    async with holder(world, other) as client:
        relinked = await client.post("/v1/business-centre-links", json=link_body(world, other, centre, "sign_up"))
        assert relinked.status_code == 201
    assert await world.event_types(created.json()["link_id"]) == [
        "shop-binding.link.created", "shop-binding.link.removed"]


async def test_links_are_refused_outside_the_enabled_markets(world):
    """LINK-1: Asia-Pacific by default; a GB account cannot link."""
    account = await world.account(country="GB")
    async with holder(world, account) as client:
        refused = await client.post("/v1/business-centre-links", json=link_body(world, account, "bc-gb", "login"))
    assert refused.status_code == 422 and refused.json()["rule"] == "LINK-1"


async def test_an_unknown_entry_point_is_a_validation_problem(world):
    """LINK-1: the entry point is one of sign-up, login, user settings, ad creation."""
    account = await world.account(country="SG")
    async with holder(world, account) as client:
        response = await client.post("/v1/business-centre-links",
                                     json={"business_centre_account_id": "bc-x", "entry_point": "homepage"})
    assert response.status_code == 422 and response.json()["type"].endswith("validation-error")


async def test_linking_needs_the_business_centres_proof_of_control(world):
    """LINK-1: without a fresh, genuine proof from the business centre nobody can squat another company's
    business-centre account; a refused attempt links nothing."""
    owner, squatter = await world.account(country="SG"), await world.account(country="SG")
    centre = f"bc-{uuid.uuid4().hex[:8]}"
    owners_proof = proof(world, owner.account_id, centre)
    async with holder(world, squatter) as client:
        attempts = [
            ("missing", {"business_centre_account_id": centre, "entry_point": "login", "consent": CONSENT}),
            ("forged", {"business_centre_account_id": centre, "entry_point": "login",  # another account's proof
                        "control_proof": owners_proof, "consent": CONSENT}),
            ("forged", link_body(world, squatter, centre, "login", key=b"not-the-business-centres-key")),
            ("stale", link_body(world, squatter, centre, "login", age=timedelta(minutes=10, seconds=1))),
            ("stale", link_body(world, squatter, centre, "login", age=-timedelta(minutes=5))),  # issued in the future
        ]
        for reason, body in attempts:
            refused = await client.post("/v1/business-centre-links", json=body)
            assert refused.status_code == 403, (reason, refused.text)
            assert (refused.json()["rule"], refused.json()["reason"]) == ("LINK-1", reason)
        assert (await client.get("/v1/business-centre-links/me")).status_code == 404
    async with holder(world, owner) as client:
        linked = await client.post("/v1/business-centre-links",
                                   json={"business_centre_account_id": centre, "entry_point": "login",
                                         "control_proof": owners_proof, "consent": CONSENT})
        assert linked.status_code == 201, linked.text


@pytest.mark.parametrize("role", [Role.CREATOR, Role.MERCHANT])
async def test_creators_and_merchants_link_their_own_accounts(world, role):
    """LINK-1: any platform account acting for itself may link."""
    account = await world.account(country="SG")
    centre = f"bc-{uuid.uuid4().hex[:8]}"
    async with holder(world, account, role) as client:
        created = await client.post("/v1/business-centre-links", json=link_body(world, account, centre, "login"))
    assert created.status_code == 201, created.text


@pytest.mark.parametrize("role", [Role.SUPPORT, Role.AUDITOR, Role.EMPLOYEE, Role.SERVICE])
async def test_other_roles_cannot_link_even_with_an_account_id(world, role):
    """LINK-1: support, auditors, employee accounts and services never link on a platform account's behalf."""
    account = await world.account(country="SG")
    centre = f"bc-{uuid.uuid4().hex[:8]}"
    async with holder(world, account, role) as client:
        refused = await client.post("/v1/business-centre-links", json=link_body(world, account, centre, "login"))
    assert refused.status_code == 403


async def test_linking_records_the_consent_and_unlinking_revokes_the_authorisation(world):
    """LINK-2: terms version, scope and time are recorded and shown; unlinking records the revocation and
    publishes it (v2 events)."""
    account = await world.account(country="SG")
    centre = f"bc-{uuid.uuid4().hex[:8]}"
    async with holder(world, account) as client:
        created = await client.post("/v1/business-centre-links", json=link_body(world, account, centre, "login"))
        assert created.status_code == 201, created.text
        shown = (await client.get("/v1/business-centre-links/me")).json()
        assert (shown["terms_version"], shown["scopes"]) == ("2024-06", ["ads.identity", "profile.read"])
        assert shown["consented_at"] == created.json()["created_at"] and shown["authorisation_revoked_at"] is None
        removed = await client.delete("/v1/business-centre-links/me")
    assert removed.status_code == 200 and removed.json()["authorisation_revoked_at"] is not None
    async with world.service.runtime.sessions() as session:
        versions = list((await session.execute(select(outbox.c.event_type, outbox.c.envelope["version"].astext).where(
            outbox.c.message_key == created.json()["link_id"]).order_by(outbox.c.id))).all())
    assert [(t, v) for t, v in versions] == [("shop-binding.link.created", "2"), ("shop-binding.link.removed", "2")]


@pytest.mark.parametrize(("consent", "reason"), [
    (None, "missing"),
    ({"terms_version": "2019-01", "scopes": ["profile.read"]}, "terms_outdated"),
    ({"terms_version": "2024-06", "scopes": ["videos.read"]}, "profile_scope_required"),
])
async def test_linking_without_consent_is_refused_naming_link_2(world, consent, reason):
    """LINK-2: the user accepts the current terms and authorises at least the profile; nothing is linked."""
    account = await world.account(country="SG")
    centre = f"bc-{uuid.uuid4().hex[:8]}"
    async with holder(world, account) as client:
        refused = await client.post("/v1/business-centre-links",
                                    json=link_body(world, account, centre, "login", consent=consent))
        assert refused.status_code == 422, refused.text
        assert (refused.json()["rule"], refused.json()["reason"]) == ("LINK-2", reason)
        assert (await client.get("/v1/business-centre-links/me")).status_code == 404


async def test_an_unknown_scope_is_a_validation_problem(world):
    """LINK-2: the scopes are the centre's known ones."""
    account = await world.account(country="SG")
    async with holder(world, account) as client:
        bad = await client.post("/v1/business-centre-links", json=link_body(
            world, account, "bc-x", "login", consent={"terms_version": "2024-06", "scopes": ["everything"]}))
    assert bad.status_code == 422 and bad.json()["type"].endswith("validation-error")


@pytest.mark.parametrize("role", [Role.SUPPORT, Role.AUDITOR, Role.EMPLOYEE, Role.SERVICE])
async def test_every_route_of_a_link_has_the_same_role_gate(world, role):
    """Issue 13 (LINK-1): reading and deleting a link are refused to roles that may not link, even when the
    token acts for the linked account; the link survives."""
    account = await world.account(country="SG")
    centre = f"bc-{uuid.uuid4().hex[:8]}"
    async with holder(world, account) as owner:
        assert (await owner.post("/v1/business-centre-links",
                                 json=link_body(world, account, centre, "login"))).status_code == 201
    async with holder(world, account, role) as client:
        assert (await client.get("/v1/business-centre-links/me")).status_code == 403
        assert (await client.delete("/v1/business-centre-links/me")).status_code == 403
    async with holder(world, account) as owner:
        assert (await owner.get("/v1/business-centre-links/me")).json()["status"] == "linked"
