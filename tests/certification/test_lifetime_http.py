"""A held certification over HTTP and events: CERT-2 (re-review), CERT-8 (validity), CERT-9 (sync), CERT-10 (cancel)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from certification.handlers.deadlines import EXPIRY
from trust_common.auth import Role
from trust_common.platform import PlatformPublisher
from trust_common.schema import timers
from trust_common.testing.services import eventually

from tests.certification.flows import (
    BRAND,
    auditor,
    claimed,
    event_data,
    event_types,
    holder,
    ledger_lines,
    seed_account,
    submitted_enterprise,
)


async def certified_enterprise(service) -> tuple[str, dict]:
    account_id, app_id = await submitted_enterprise(service)
    await claimed(service, app_id, "approver")
    async with auditor(service, "approver") as client:
        response = await client.post(f"/v1/reviews/{app_id}/approve")
    assert response.status_code == 200, response.text
    return account_id, response.json()


async def test_approval_certifies_for_one_year_with_reminders_then_expiry(certification, clock):
    """CERT-8: one year from approval; reminders 30, 7 and 1 days before; expiry removes the badge."""
    _, app = await certified_enterprise(certification)
    valid_until = datetime.fromisoformat(app["valid_until"])
    assert app["status"] == "certified" and app["badge_active"]
    assert valid_until == datetime.fromisoformat(app["certified_at"]).replace(year=valid_until.year)
    approved = await event_data(certification, app["id"], "certification.application.approved")
    assert approved[0]["account_id"] == app["account_id"] and approved[0]["certification_type"] == "enterprise"

    clock.advance(valid_until - clock.now() - timedelta(days=6))

    async def reminders() -> list[int] | None:
        found = await event_data(certification, app["id"], "certification.certification.expiry_reminder_due")
        return [r["days_left"] for r in found] if len(found) == 2 else None

    # A year of every earlier test's timers falls due at once: give the poller time.
    assert sorted(await eventually(reminders, timeout=90)) == [7, 30]
    clock.advance(days=6, minutes=1)

    async def expired() -> bool:
        return "certification.certification.expired" in await event_types(certification, app["id"])

    await eventually(expired, timeout=90)
    async with auditor(certification) as client:
        after = (await client.get(f"/v1/applications/{app['id']}")).json()
    assert after["status"] == "expired" and not after["badge_active"]
    days = [r["days_left"] for r in await event_data(
        certification, app["id"], "certification.certification.expiry_reminder_due")]
    assert sorted(days) == [1, 7, 30]


async def test_renewal_before_expiry_is_a_new_review_that_continues_the_year(certification):
    """CERT-8: renewal is a new (charged) application reviewed before expiry."""
    account_id, app = await certified_enterprise(certification)
    async with holder(certification, account_id) as client:
        renewal = await client.post(f"/v1/applications/{app['id']}/renewal", json={"channel": "pc"})
        assert renewal.status_code == 201, renewal.text
        renewal_id = renewal.json()["id"]
        again = await client.post(f"/v1/applications/{app['id']}/renewal", json={"channel": "pc"})
        submitted = await client.post(f"/v1/applications/{renewal_id}/submit")
    assert again.status_code == 422 and submitted.status_code == 200, submitted.text
    await claimed(certification, renewal_id, "renewer")
    async with auditor(certification, "renewer") as client:
        renewed = (await client.post(f"/v1/reviews/{renewal_id}/approve")).json()
        previous = (await client.get(f"/v1/applications/{app['id']}")).json()
    old_end = datetime.fromisoformat(app["valid_until"])
    assert datetime.fromisoformat(renewed["valid_until"]) == old_end.replace(year=old_end.year + 1)
    assert previous["status"] == "renewed" and renewed["renewal_of"] == app["id"]
    assert await ledger_lines(certification, renewal_id) == 1
    assert (await event_data(certification, renewal_id, "certification.certification.renewed"))[0]["renewal_of"] \
        == app["id"]


async def test_cancelling_a_certification_withdraws_its_renewal_so_approval_cannot_bring_it_back(certification):
    """CERT-8/CERT-10 (and EMP-18: no CertificationRenewed, so no grants restored): certify → start renewal →
    the holder cancels → the auditor's approval of the renewal is refused; both stay cancelled."""
    account_id, app = await certified_enterprise(certification)
    async with holder(certification, account_id) as client:
        renewal_id = (await client.post(f"/v1/applications/{app['id']}/renewal", json={"channel": "pc"})).json()["id"]
        assert (await client.post(f"/v1/applications/{renewal_id}/submit")).status_code == 200
    await claimed(certification, renewal_id, "late-approver")
    async with holder(certification, account_id) as client:
        cancelled = await client.post(f"/v1/applications/{app['id']}/cancel")
    async with auditor(certification, "late-approver") as client:
        approved = await client.post(f"/v1/reviews/{renewal_id}/approve")
        previous = (await client.get(f"/v1/applications/{app['id']}")).json()
        renewal = (await client.get(f"/v1/applications/{renewal_id}")).json()
    assert cancelled.status_code == 200, cancelled.text
    assert approved.status_code == 409, approved.text
    assert previous["status"] == renewal["status"] == "cancelled" and not renewal["badge_active"]
    assert "certification.certification.renewed" not in await event_types(certification, renewal_id)
    withdrawn = await event_data(certification, renewal_id, "certification.certification.cancelled")
    assert withdrawn[0]["cancelled_by"] == "holder" and not withdrawn[0]["was_certified"]


async def test_cancelling_keeps_the_data_and_the_fee(certification):
    """CERT-10: enterprise cancellable, fee not refunded, badge removed, data kept."""
    account_id, app = await certified_enterprise(certification)
    async with holder(certification, account_id) as client:
        cancelled = await client.post(f"/v1/applications/{app['id']}/cancel")
        kept = (await client.get(f"/v1/applications/{app['id']}")).json()
    assert cancelled.status_code == 200 and kept["status"] == "cancelled" and not kept["badge_active"]
    assert kept["documents"] and kept["fields"]["display_name"] == BRAND
    assert await ledger_lines(certification, app["id"]) == 1
    data = await event_data(certification, app["id"], "certification.certification.cancelled")
    assert data[0]["cancelled_by"] == "holder" and data[0]["was_certified"]


async def test_support_cancels_personal_and_nobody_cancels_real_name(certification):
    """CERT-10: personal by the holder or support; real-name never (until the account goes)."""
    account = await seed_account(certification, real_name_verified=True)
    async with holder(certification, account.account_id) as client:
        personal = (await client.post("/v1/applications", json={"certification_type": "personal", "channel": "pc",
                                                                "fields": {"title": "Musician"}})).json()
        real_name = (await client.post("/v1/applications", json={"certification_type": "real_name",
                                                                 "channel": "pc"})).json()
        by_holder = await client.post(f"/v1/applications/{real_name['id']}/cancel")
    async with certification.client("support-2", Role.SUPPORT) as client:
        by_support = await client.post(f"/v1/applications/{personal['id']}/cancel")
        real_name_by_support = await client.post(f"/v1/applications/{real_name['id']}/cancel")
    assert by_support.status_code == 200 and by_support.json()["status"] == "cancelled"
    assert (by_holder.status_code, by_holder.json()["rule"]) == (422, "CERT-10")
    assert real_name_by_support.status_code == 422


async def test_a_changed_username_reopens_review_and_then_suspends_the_badge(certification, kafka_topics, clock):
    """CERT-2 decision: profile_changed → re-review; badge kept 2 working days, then suspended until it passes."""
    account_id, app = await certified_enterprise(certification)
    async with certification.runtime.sessions() as session:
        from trust_common.projections import load_account
        account = await load_account(session, account_id)
    assert account is not None
    async with PlatformPublisher(kafka_topics) as platform:
        await platform.change_account(account.model_copy(update={"username": "Totally New Name"}), ["username"])

    async def reopened() -> dict | None:
        found = await event_data(certification, app["id"], "certification.certification.rereview_opened")
        return found[0] if found else None

    opened = await eventually(reopened)
    assert opened["profile_changed"] and opened["changed_fields"] == ["username"]
    async with auditor(certification) as client:
        during = (await client.get(f"/v1/applications/{app['id']}")).json()
    assert during["profile_changed"] and during["badge_active"] and during["status"] == "submitted"
    clock.advance(datetime.fromisoformat(opened["badge_grace_until"]) - clock.now() + timedelta(minutes=1))

    async def suspended() -> bool:
        return bool(await event_data(certification, app["id"], "certification.certification.badge_suspended"))

    await eventually(suspended)
    await claimed(certification, app["id"], "rereviewer")
    async with auditor(certification, "rereviewer") as client:
        passed = (await client.post(f"/v1/reviews/{app['id']}/approve")).json()
    assert passed["badge_active"] and not passed["profile_changed"] and passed["valid_until"] == app["valid_until"]


async def test_a_rejected_rereview_keeps_the_certification_with_the_badge_suspended(certification, kafka_topics):
    """CERT-2 decision: a re-review that does not pass suspends the badge (BadgeSuspended) until one passes;
    it never fails the certification (CERT-7), whose one-year expiry still applies (CERT-8)."""
    account_id, app = await certified_enterprise(certification)
    async with certification.runtime.sessions() as session:
        from trust_common.projections import load_account
        account = await load_account(session, account_id)
    assert account is not None
    async with PlatformPublisher(kafka_topics) as platform:
        await platform.change_account(account.model_copy(update={"username": "Someone Else"}), ["username"])

    async def in_review() -> bool:
        return bool(await event_data(certification, app["id"], "certification.certification.rereview_opened"))

    await eventually(in_review)
    await claimed(certification, app["id"], "rereview-rejecter")
    async with auditor(certification, "rereview-rejecter") as client:
        rejected = await client.post(f"/v1/reviews/{app['id']}/reject", json={"reasons": [
            {"target": "display_name", "target_kind": "field", "code": "inconsistent_with_profile"}]})
    assert rejected.status_code == 200, rejected.text
    body = rejected.json()
    assert body["status"] == "certified" and not body["badge_active"] and body["profile_changed"]
    assert body["requirements"]["disabled_reason"] == "certification.badge_suspended"
    assert body["valid_until"] == app["valid_until"]
    suspended = await event_data(certification, app["id"], "certification.certification.badge_suspended")
    assert [s["reason"] for s in suspended] == ["rereview_rejected"]
    types = await event_types(certification, app["id"])
    assert "certification.application.rejected" not in types and "certification.application.failed" not in types
    until = datetime.fromisoformat(app["valid_until"])
    async with certification.runtime.sessions() as session:  # the expiry timer is still there (CERT-8)
        expiry = (await session.execute(select(timers.c.status).where(
            timers.c.kind == EXPIRY, timers.c.key == f"{app['id']}:{until.isoformat()}"))).scalar_one()
    assert expiry == "pending"

    async with PlatformPublisher(kafka_topics) as platform:  # the holder fixes the profile: back to review
        await platform.change_account(account.model_copy(update={"username": "Acme Coffee Again"}), ["username"])

    async def back_in_review() -> bool:
        return len(await event_data(certification, app["id"], "certification.certification.rereview_opened")) == 2

    await eventually(back_in_review)
    await claimed(certification, app["id"], "rereview-rejecter")
    async with auditor(certification, "rereview-rejecter") as client:
        passed = (await client.post(f"/v1/reviews/{app['id']}/approve")).json()
    assert passed["status"] == "certified" and passed["badge_active"] and not passed["profile_changed"]
    assert await event_data(certification, app["id"], "certification.certification.rereview_passed")


async def test_a_deleted_account_ends_its_real_name_certification(certification, kafka_topics):
    """CERT-10: real-name ends only when the account is deleted."""
    account = await seed_account(certification, real_name_verified=True)
    async with holder(certification, account.account_id) as client:
        app = (await client.post("/v1/applications", json={"certification_type": "real_name",
                                                           "channel": "mobile"})).json()
        await client.post(f"/v1/applications/{app['id']}/submit")
    async with PlatformPublisher(kafka_topics) as platform:
        await platform.delete_account(account.account_id)

    async def ended() -> list[dict]:
        return await event_data(certification, app["id"], "certification.certification.cancelled")

    assert (await eventually(ended))[0]["cancelled_by"] == "account_deleted"
