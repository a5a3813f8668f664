"""Support cases over HTTP (SHOP-12): the merchant opens one, support works an ordered queue and answers with
a note, the merchant reads the outcome; tenancy and roles (X-3)."""
from __future__ import annotations

from trust_common.auth import Role
from trust_common.contracts.platform import AccountStatus

from tests.shop_binding.flows import bind


async def open_case(world, shop, **body):
    async with world.merchant(shop) as merchant:
        return await merchant.post(f"/v1/shops/{shop.shop_id}/support-cases", json=body)


async def test_a_stuck_binding_goes_to_support_who_resolves_it_from_the_queue(world):
    """SHOP-12 with SHOP-10: the case names the reason; support takes the oldest open case first, resolves it
    with a note code and a note; the binding becomes active and the merchant reads the outcome."""
    shop = await world.shop()
    creator = await world.account(ecommerce_permission_revoked=True)
    binding = await bind(world, shop, creator)
    assert (binding["status"], binding["pending_support_can_resolve"]) == ("binding", True)
    opened = await open_case(world, shop, kind="stuck_binding", binding_id=binding["binding_id"])
    assert opened.status_code == 201, opened.text
    case = opened.json()
    assert (case["status"], case["causes"], case["binding_id"]) == (
        "open", ["ecommerce_permission_revoked"], binding["binding_id"])
    again = await open_case(world, shop, kind="stuck_binding", binding_id=binding["binding_id"])
    assert again.status_code == 409 and again.json()["rule"] == "SHOP-12"

    world.service.clock.advance(minutes=1)
    later_shop = await world.shop()
    later = await open_case(world, later_shop, kind="ineligible_creator",
                            creator_account_id=(await world.account(date_of_birth=None)).account_id)
    async with world.support() as support:
        queue = (await support.get("/v1/support/cases", params={"limit": 100})).json()["items"]
        ids = [c["case_id"] for c in queue]
        assert ids.index(case["case_id"]) < ids.index(later.json()["case_id"])  # oldest first
        assert [c["created_at"] for c in queue] == sorted(c["created_at"] for c in queue)
        wrong = await support.post(f"/v1/support/cases/{case['case_id']}/resolve",
                                   json={"note_code": "evidence_insufficient"})
        assert wrong.status_code == 422 and wrong.json()["rule"] == "SHOP-12"
        resolved = await support.post(f"/v1/support/cases/{case['case_id']}/resolve",
                                      json={"note_code": "permission_restored", "note": "Restored after review."})
        assert resolved.status_code == 200, resolved.text
        twice = await support.post(f"/v1/support/cases/{case['case_id']}/decline",
                                   json={"note_code": "evidence_insufficient"})
        assert twice.status_code == 409
        still_open = (await support.get("/v1/support/cases", params={"limit": 100})).json()["items"]
        assert case["case_id"] not in [c["case_id"] for c in still_open]
    async with world.merchant(shop) as merchant:
        seen = (await merchant.get(f"/v1/shops/{shop.shop_id}/support-cases/{case['case_id']}")).json()
        assert (seen["status"], seen["note_code"], seen["note"]) == (
            "resolved", "permission_restored", "Restored after review.")
        [active] = (await merchant.get(f"/v1/shops/{shop.shop_id}/bindings")).json()["items"]
    assert active["status"] == "active"
    assert await world.event_types(case["case_id"]) == [
        "shop-binding.support_case.opened", "shop-binding.support_case.resolved"]


async def test_a_declined_case_for_an_ineligible_creator_is_read_by_the_merchant(world):
    """SHOP-12: each SHOP-5 cause is listed; support declines with a note; the merchant sees it."""
    shop = await world.shop(country="GB")
    creator = await world.account(country="FR")
    opened = await open_case(world, shop, kind="ineligible_creator", creator_account_id=creator.account_id)
    assert opened.status_code == 201, opened.text
    case = opened.json()
    assert case["causes"] == ["country_mismatch"] and case["kind"] == "ineligible_creator"
    async with world.support() as support:
        declined = await support.post(f"/v1/support/cases/{case['case_id']}/decline",
                                      json={"note_code": "evidence_insufficient", "note": "No proof of address."})
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    async with world.merchant(shop) as merchant:
        listed = (await merchant.get(f"/v1/shops/{shop.shop_id}/support-cases")).json()["items"]
    assert [(c["case_id"], c["status"], c["note"]) for c in listed] == [
        (case["case_id"], "declined", "No proof of address.")]
    assert await world.event_types(case["case_id"]) == [
        "shop-binding.support_case.opened", "shop-binding.support_case.declined"]


async def test_a_case_support_cannot_resolve_is_refused_at_once(world):
    """SHOP-12 (seed 004): an abnormal account status, an account registered in the United States (for an
    ineligible creator or a stuck binding); an eligible creator needs no case."""
    shop = await world.shop(country="GB")
    for facts in ({"status": AccountStatus.RESTRICTED}, {"country": "US"}):
        creator = await world.account(**facts)
        refused = await open_case(world, shop, kind="ineligible_creator", creator_account_id=creator.account_id)
        assert refused.status_code == 422 and refused.json()["rule"] == "SHOP-12", refused.text
        assert refused.json()["type"].endswith("/support-cannot-resolve")
        assert [f["support_can_resolve"] for f in refused.json()["failures"]] == [False]
    stuck = await bind(world, shop, await world.account(registered_country="US"))
    assert stuck["pending_support_can_resolve"] is False
    refused = await open_case(world, shop, kind="stuck_binding", binding_id=stuck["binding_id"])
    assert refused.status_code == 422 and refused.json()["rule"] == "SHOP-12"
    eligible = await open_case(world, shop, kind="ineligible_creator",
                               creator_account_id=(await world.account()).account_id)
    assert eligible.status_code == 409 and eligible.json()["type"].endswith("/support-case-not-needed")
    async with world.merchant(shop) as merchant:
        assert (await merchant.get(f"/v1/shops/{shop.shop_id}/support-cases")).json()["items"] == []


async def test_a_case_must_name_its_subject_and_stays_within_the_merchants_shops(world):
    """SHOP-12 with X-3: a body without its subject is a validation problem; another shop's case or binding is
    not found; creators and merchants never reach support's queue."""
    shop, other = await world.shop(), await world.shop()
    missing = await open_case(world, shop, kind="stuck_binding", creator_account_id="x")
    assert missing.status_code == 422 and missing.json()["type"].endswith("/validation-error")
    stuck = await bind(world, shop, await world.account(registered_country="FR"))
    foreign = await open_case(world, other, kind="stuck_binding", binding_id=stuck["binding_id"])
    assert foreign.status_code == 404 and foreign.json()["type"].endswith("/binding-not-found")
    case = (await open_case(world, shop, kind="stuck_binding", binding_id=stuck["binding_id"])).json()
    async with world.merchant(other) as stranger:
        hidden = await stranger.get(f"/v1/shops/{other.shop_id}/support-cases/{case['case_id']}")
        assert hidden.status_code == 404 and hidden.json()["type"].endswith("/support-case-not-found")
        assert (await stranger.get(f"/v1/shops/{shop.shop_id}/support-cases")).status_code == 404
        assert (await stranger.get("/v1/support/cases")).status_code == 403
        answered = await stranger.post(f"/v1/support/cases/{case['case_id']}/resolve",
                                       json={"note_code": "cause_corrected"})
        assert answered.status_code == 403
    async with world.service.client("auditor-1", Role.AUDITOR) as auditor:
        assert (await auditor.get("/v1/support/cases")).status_code == 403
    async with world.support() as support:
        unknown = await support.post("/v1/support/cases/no-such-case/resolve", json={"note_code": "cause_corrected"})
        assert unknown.status_code == 404
