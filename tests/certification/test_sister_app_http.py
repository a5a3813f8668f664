"""CERT-9 over HTTP and the real bus: the sister app's certification facts arrive as events on
`platform.accounts`; a synced certification follows its source for its whole life."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from trust_common.testing.platform import new_id
from trust_common.testing.services import eventually

from tests.certification.flows import (
    BRAND,
    event_data,
    holder,
    ledger_lines,
    seed_account,
    sister_certification,
    sister_login,
)


async def linked_account(certification, platform, clock, *, days: int = 200):
    """An account whose login methods include a sister-app account holding a current certification."""
    sister_id, reference = new_id("tt-acc"), new_id("toutiao")
    account = await seed_account(certification, login_methods=sister_login(sister_id))
    end = clock.now() + timedelta(days=days)
    await sister_certification(platform, certification, reference, sister_id, end)
    return account.account_id, sister_id, reference, end


async def sync(certification, account_id: str, reference: str):
    async with holder(certification, account_id) as client:
        return await client.post("/v1/certifications/sync", json={"source_reference": reference})


async def read(certification, account_id: str, application_id: str) -> dict:
    async with holder(certification, account_id) as client:
        return (await client.get(f"/v1/applications/{application_id}")).json()


async def test_a_sister_app_certification_syncs_without_a_fee_and_lasts_as_long_as_its_source(
        certification, platform, clock):
    """CERT-9: no new fee, no review; valid until the source's end; an unknown source is refused naming CERT-9."""
    account_id, _, reference, end = await linked_account(certification, platform, clock)
    unknown = await sync(certification, account_id, "toutiao-nope")
    synced = await sync(certification, account_id, reference)
    assert (unknown.status_code, unknown.json()["rule"]) == (422, "CERT-9")
    assert synced.status_code == 201, synced.text
    body = synced.json()
    assert body["status"] == "certified" and body["channel"] == "sister_app_sync"
    assert body["source_reference"] == reference and body["fee"]["amount_cny"] == 0
    assert datetime.fromisoformat(body["valid_until"]) == end
    assert body["profile"]["sister_app"]["username"] == f"{BRAND} Toutiao"
    assert await ledger_lines(certification, body["id"]) == 0


async def test_the_sync_needs_the_sister_app_account_as_a_login_method(certification, platform, clock):
    """CERT-9 decision: a certification held by a sister-app account that is not a login method of the
    account is refused, naming CERT-9."""
    account = await seed_account(certification)  # no login methods
    reference = new_id("toutiao")
    await sister_certification(platform, certification, reference, new_id("tt-acc"), clock.now() + timedelta(days=90))
    refused = await sync(certification, account.account_id, reference)
    assert (refused.status_code, refused.json()["rule"]) == (422, "CERT-9")
    assert "login method" in refused.json()["detail"]


async def test_the_sources_renewal_extends_the_synced_certification(certification, platform, clock):
    """CERT-9 decision: renewed in the sister app → extended here, published as a renewal of itself."""
    account_id, sister_id, reference, end = await linked_account(certification, platform, clock)
    app = (await sync(certification, account_id, reference)).json()
    later = end + timedelta(days=365)
    await sister_certification(platform, certification, reference, sister_id, later)

    async def extended() -> bool:
        return datetime.fromisoformat((await read(certification, account_id, app["id"]))["valid_until"]) == later

    await eventually(extended)
    [renewed] = await event_data(certification, app["id"], "certification.certification.renewed")
    assert renewed["renewal_of"] == app["id"] and datetime.fromisoformat(renewed["valid_until"]) == later


async def test_the_sources_expiry_ends_it_and_after_the_sources_renewal_the_account_syncs_again(
        certification, platform, clock):
    """CERT-9 decision: the source's expiry (or cancellation) ends the synced certification; while the source
    is over the account cannot sync; once the source is renewed it may sync again."""
    account_id, sister_id, reference, end = await linked_account(certification, platform, clock)
    app = (await sync(certification, account_id, reference)).json()
    await sister_certification(platform, certification, reference, sister_id, end, status="expired")

    async def ended() -> bool:
        return (await read(certification, account_id, app["id"]))["status"] == "expired"

    await eventually(ended)
    after = await read(certification, account_id, app["id"])
    assert not after["badge_active"]
    [expired] = await event_data(certification, app["id"], "certification.certification.expired")
    assert expired["ended_with_source"] == "source_expired"
    refused = await sync(certification, account_id, reference)
    assert (refused.status_code, refused.json()["rule"]) == (422, "CERT-9")

    await sister_certification(platform, certification, reference, sister_id, end + timedelta(days=365))
    again = await sync(certification, account_id, reference)
    assert again.status_code == 201, again.text
    assert again.json()["id"] != app["id"] and again.json()["status"] == "certified"


async def test_the_sources_cancellation_ends_the_synced_certification(certification, platform, clock):
    """CERT-9 decision: cancelled in the sister app → ended here."""
    account_id, sister_id, reference, end = await linked_account(certification, platform, clock)
    app = (await sync(certification, account_id, reference)).json()
    await sister_certification(platform, certification, reference, sister_id, end, status="cancelled")

    async def ended() -> bool:
        return (await read(certification, account_id, app["id"]))["status"] == "expired"

    await eventually(ended)
    [expired] = await event_data(certification, app["id"], "certification.certification.expired")
    assert expired["ended_with_source"] == "source_cancelled"


async def test_a_divergent_sister_app_profile_sends_it_to_re_review(certification, platform, clock):
    """CERT-9 decision: the sister-app profile changes (here its avatar) → re-review, as CERT-2 (badge kept
    during the 2 working days of grace)."""
    account_id, sister_id, reference, end = await linked_account(certification, platform, clock)
    app = (await sync(certification, account_id, reference)).json()
    await sister_certification(platform, certification, reference, sister_id, end, avatar_url="https://tt/new.png")

    async def in_review() -> bool:
        return (await read(certification, account_id, app["id"]))["status"] == "submitted"

    await eventually(in_review)
    after = await read(certification, account_id, app["id"])
    assert after["profile_changed"] and after["badge_active"]
    [opened] = await event_data(certification, app["id"], "certification.certification.rereview_opened")
    assert opened["changed_fields"] == ["sister_app.avatar_url"]


async def test_concurrent_sister_app_syncs_create_one_certification(certification, platform, clock):
    """CERT-9 with CERT-1: racing syncs of one certification leave exactly one."""
    account_id, _, reference, _ = await linked_account(certification, platform, clock, days=90)
    async with holder(certification, account_id) as client:
        responses = await asyncio.gather(*[client.post("/v1/certifications/sync", json={
            "source_reference": reference}) for _ in range(4)])
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409], [r.text for r in responses]
