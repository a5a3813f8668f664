"""Auditors over HTTP: CERT-5 (queue, leases, SLA), CERT-6 (rejection, correction), CERT-7 (failure, reopen)."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from prometheus_client import REGISTRY
from sqlalchemy import func, select

from certification.domain.calendar import WorkingCalendar
from certification.handlers.deadlines import OVERDUE_GAUGE, OVERDUE_GAUGE_KEYS
from certification.metrics import REVIEWS_OVERDUE
from trust_common.auth import Role
from trust_common.schema import timers
from trust_common.testing.services import eventually

from tests.certification.flows import (
    PDF,
    auditor,
    claimed,
    enterprise_draft,
    event_types,
    holder,
    ledger_lines,
    new_id,
    seed_account,
    submitted_enterprise,
)


async def read_history(service, application_id: str) -> list[dict]:
    async with auditor(service) as client:
        return (await client.get(f"/v1/applications/{application_id}/history", params={"limit": 200})).json()["items"]


async def read(service, application_id: str) -> dict:
    async with auditor(service) as client:
        return (await client.get(f"/v1/applications/{application_id}")).json()


async def test_two_auditors_claiming_at_once_one_wins(certification):
    """CERT-5: a claim leases the review to one auditor."""
    _, app_id = await submitted_enterprise(certification)
    async with auditor(certification, "a-1") as first, auditor(certification, "a-2") as second:
        responses = await asyncio.gather(first.post(f"/v1/reviews/{app_id}/claim"),
                                         second.post(f"/v1/reviews/{app_id}/claim"))
        loser = second if responses[1].status_code == 409 else first
        refused = await loser.post(f"/v1/reviews/{app_id}/approve")
    assert sorted(r.status_code for r in responses) == [200, 409]
    assert refused.status_code == 409
    assert "certification.application.review_started" in await event_types(certification, app_id)


async def test_claiming_the_next_review_skips_leased_ones_and_follows_the_sla_due_time(certification):
    """CERT-5: the queue is ordered by SLA due time; concurrent claims get different applications."""
    await asyncio.gather(*[submitted_enterprise(certification) for _ in range(2)])
    async with auditor(certification) as queue_reader:
        queue = (await queue_reader.get("/v1/reviews", params={"limit": 200})).json()["items"]
    dues = [item["review_due_at"] for item in queue]
    assert dues == sorted(dues)
    async with auditor(certification, "n-1") as first, auditor(certification, "n-2") as second:
        a, b = await asyncio.gather(first.post("/v1/reviews/claim"), second.post("/v1/reviews/claim"))
    assert a.status_code == b.status_code == 200, (a.text, b.text)
    assert a.json()["id"] != b.json()["id"]


async def test_rejection_shows_errors_per_document_and_the_correction_deadline(certification, clock):
    """CERT-6: reasons per document or field; the applicant corrects and resubmits; no second fee (CERT-4)."""
    account_id, app_id = await submitted_enterprise(certification)
    await claimed(certification, app_id, "r-1")
    async with auditor(certification, "r-1") as client:
        rejected = await client.post(f"/v1/reviews/{app_id}/reject", json={"reasons": [
            {"target": "certification_letter", "target_kind": "document", "code": "seal_missing"},
            {"target": "enterprise_name", "target_kind": "field", "code": "inconsistent_with_documents"}]})
    assert rejected.status_code == 200, rejected.text
    requirements = rejected.json()["requirements"]
    assert requirements["currently_due"] == ["documents.certification_letter", "fields.enterprise_name"]
    assert requirements["errors"][0] == {"requirement": "documents.certification_letter", "code": "seal_missing",
                                         "reason": "The letter must bear the official seal."}
    assert datetime.fromisoformat(requirements["current_deadline"]) == clock.now() + timedelta(days=10)
    async with holder(certification, account_id) as client:
        await client.put(f"/v1/applications/{app_id}/documents/certification_letter", content=PDF)
        await client.patch(f"/v1/applications/{app_id}", json={"fields": {"enterprise_name": "Acme Coffee Ltd."}})
        resubmitted = await client.post(f"/v1/applications/{app_id}/submit")
    assert resubmitted.status_code == 200 and resubmitted.json()["submission_number"] == 2
    assert await ledger_lines(certification, app_id) == 1
    assert "certification.application.rejected" in await event_types(certification, app_id)
    decision = [line for line in await read_history(certification, app_id) if line["action"] == "rejected"][0]
    assert (decision["actor_id"], decision["actor_role"]) == ("r-1", "auditor")  # CERT-12: who decided, and why
    assert decision["reason"]["reasons"][0]["code"] == "seal_missing"


async def test_a_rejection_needs_reasons_and_only_auditors_decide(certification):
    """CERT-6."""
    account_id, app_id = await submitted_enterprise(certification)
    await claimed(certification, app_id, "r-2")
    async with auditor(certification, "r-2") as client:
        empty = await client.post(f"/v1/reviews/{app_id}/reject", json={"reasons": []})
    async with holder(certification, account_id) as client:
        self_approval = await client.post(f"/v1/reviews/{app_id}/approve")
    assert empty.status_code == 422 and self_approval.status_code == 403


async def test_an_overdue_review_is_an_sla_breach_on_the_dashboard(certification, clock):
    """CERT-5: after 2 working days the review is overdue, counted and listed."""
    _, app_id = await submitted_enterprise(certification)
    breaches_before = REGISTRY.get_sample_value("certification_review_sla_breaches_total") or 0
    due = datetime.fromisoformat((await read(certification, app_id))["review_due_at"])
    clock.advance(due - clock.now() + timedelta(minutes=1))

    async def breached() -> bool:
        return any(line["action"] == "review_sla_breached" for line in await read_history(certification, app_id))

    await eventually(breached)
    assert REGISTRY.get_sample_value("certification_review_sla_breaches_total") > breaches_before
    async with auditor(certification) as client:
        overdue = (await client.get("/v1/reviews/overdue", params={"limit": 200})).json()["items"]
    assert app_id in [item["id"] for item in overdue]

    async def on_the_gauge() -> bool:  # refreshed by the worker's own timer, not by requests
        return (REGISTRY.get_sample_value("certification_reviews_overdue") or 0) >= 1

    await eventually(on_the_gauge)
    async with certification.client() as client:
        exposed = (await client.get("/metrics")).text
    assert "certification_review_sla_breaches_total" in exposed and "certification_reviews_overdue" in exposed
    assert (await read_history(certification, app_id))[-1]["actor_id"] == "system"


async def test_only_the_worker_refreshes_the_overdue_gauge(certification, clock):
    """CERT-5 dashboard: decisions and reads never touch `certification_reviews_overdue` (no count inside a
    business transaction, no per-API-replica value); the worker's gauge timer refreshes it every minute."""
    async def no_gauge_timer_due() -> bool:
        async with certification.runtime.sessions() as session:
            due = (await session.execute(select(func.count()).select_from(timers).where(
                timers.c.kind == OVERDUE_GAUGE, timers.c.status == "pending",
                timers.c.due_at <= clock.now()))).scalar_one()
        return due == 0

    _, app_id = await submitted_enterprise(certification)
    await claimed(certification, app_id, "g-1")
    await eventually(no_gauge_timer_due)
    REVIEWS_OVERDUE.set(-1)  # a sentinel no request may overwrite
    async with auditor(certification, "g-1") as client:
        listed = await client.get("/v1/reviews/overdue")
        rejected = await client.post(f"/v1/reviews/{app_id}/reject", json={"reasons": [
            {"target": "business_licence", "target_kind": "document", "code": "unreadable"}]})
    assert listed.status_code == 200 and rejected.status_code == 200
    assert REGISTRY.get_sample_value("certification_reviews_overdue") == -1
    async with certification.runtime.uow() as uow:  # the chain runs (started by any submission)
        await uow.timers.schedule(OVERDUE_GAUGE, OVERDUE_GAUGE_KEYS[0], clock.now())
        await uow.commit()
    clock.advance(minutes=1, seconds=1)

    async def refreshed() -> bool:
        return (REGISTRY.get_sample_value("certification_reviews_overdue") or 0) >= 0

    await eventually(refreshed)


async def test_no_correction_within_ten_days_fails_then_reopens_within_thirty_without_a_fee(certification, clock):
    """CERT-7: failure after 10 days; reopening within 30 days; CERT-4: not charged again."""
    account_id, app_id = await submitted_enterprise(certification)
    await claimed(certification, app_id, "r-3")
    async with auditor(certification, "r-3") as client:
        await client.post(f"/v1/reviews/{app_id}/reject", json={"reasons": [
            {"target": "business_licence", "target_kind": "document", "code": "unreadable"}]})
    clock.advance(days=10, minutes=1)

    async def failed() -> dict | None:
        app = await read(certification, app_id)
        return app if app["status"] == "failed" else None

    app = await eventually(failed)
    assert app["requirements"]["disabled_reason"] == "rejected.correction_deadline_missed"
    assert datetime.fromisoformat(app["requirements"]["current_deadline"]) > clock.now() + timedelta(days=29)
    async with holder(certification, account_id) as client:
        await client.put(f"/v1/applications/{app_id}/documents/business_licence", content=PDF)
        reopened = await client.post(f"/v1/applications/{app_id}/reopen")
    assert reopened.status_code == 200 and reopened.json()["status"] == "submitted"
    assert await ledger_lines(certification, app_id) == 1
    types = await event_types(certification, app_id)
    assert types[-2:] == ["certification.application.document_uploaded", "certification.application.reopened"]
    assert "certification.application.failed" in types


async def test_after_the_thirty_day_window_only_a_new_charged_application_remains(certification, clock):
    """CERT-7: the window closes by timer; CERT-4: a new application after a failure is charged."""
    account_id, app_id = await submitted_enterprise(certification)
    for round_ in range(3):  # CERT-7 decision: the third false information fails it
        await claimed(certification, app_id, "r-4")
        async with auditor(certification, "r-4") as client:
            await client.post(f"/v1/reviews/{app_id}/reject", json={"reasons": [
                {"target": "enterprise_name", "target_kind": "field", "code": "false_information"}]})
        if round_ < 2:
            async with holder(certification, account_id) as client:
                await client.patch(f"/v1/applications/{app_id}", json={"fields": {"enterprise_name": f"Acme {round_}"}})
                assert (await client.post(f"/v1/applications/{app_id}/submit")).status_code == 200
    assert (await read(certification, app_id))["requirements"]["disabled_reason"] == \
        "rejected.repeated_false_information"
    clock.advance(days=30, minutes=1)

    async def closed() -> bool:
        return (await read(certification, app_id))["status"] == "closed"

    await eventually(closed)
    async with holder(certification, account_id) as client:
        late = await client.post(f"/v1/applications/{app_id}/reopen")
        fresh = await client.post("/v1/applications", json={
            "certification_type": "enterprise", "channel": "pc",
            "fields": {"enterprise_name": "Acme Coffee Co., Ltd.", "display_name": "Acme Coffee"}})
        new_id_ = fresh.json()["id"]
        for kind in ("business_licence", "certification_letter"):
            await client.put(f"/v1/applications/{new_id_}/documents/{kind}", content=PDF)
        assert (await client.post(f"/v1/applications/{new_id_}/submit")).status_code == 200
    assert (late.status_code, late.json()["rule"]) == (422, "CERT-7")
    assert await ledger_lines(certification, new_id_) == 1
    assert "certification.application.reopen_window_closed" in await event_types(certification, app_id)


async def test_an_unknown_application_is_a_problem_not_a_crash(certification):
    """CERT-5: claims of unknown applications are 404 problems."""
    async with auditor(certification) as client:
        response = await client.post(f"/v1/reviews/{new_id('app')}/claim")
    assert response.status_code == 404 and response.json()["type"].endswith("application-not-found")


async def test_nobody_reviews_an_application_they_applied_for(certification):
    """Issue 13, CERT-5/CERT-6: a principal holding both the auditor and the applicant role cannot claim,
    approve or reject its own application (403 naming the rule), nor is it handed out by "claim next"."""
    account_id, app_id = await submitted_enterprise(certification)
    both = certification.client(f"user-{account_id}", Role.AUDITOR, Role.ACCOUNT_HOLDER, account_id=account_id)
    admin = certification.client(new_id("admin"), Role.AUDITOR, Role.ENTERPRISE_ADMIN, account_id=new_id("acc"),
                                 enterprise_ids=[account_id])
    async with both as client:
        claim = await client.post(f"/v1/reviews/{app_id}/claim")
    async with admin as client:
        admin_claim = await client.post(f"/v1/reviews/{app_id}/claim")
    await claimed(certification, app_id, "independent")  # someone else leases it, so decisions reach the check
    async with certification.client("independent", Role.AUDITOR, Role.ACCOUNT_HOLDER,
                                    account_id=account_id) as client:
        approve = await client.post(f"/v1/reviews/{app_id}/approve")
        reject = await client.post(f"/v1/reviews/{app_id}/reject", json={"reasons": [
            {"target": "business_licence", "target_kind": "document", "code": "unreadable"}]})
    assert (claim.status_code, claim.json()["rule"]) == (403, "CERT-5")
    assert (admin_claim.status_code, admin_claim.json()["rule"]) == (403, "CERT-5")
    assert (approve.status_code, approve.json()["rule"]) == (403, "CERT-5")
    assert (reject.status_code, reject.json()["rule"]) == (403, "CERT-6")
    assert claim.json()["type"].endswith("own-application")
    assert (await read(certification, app_id))["status"] == "in_review"


async def test_claim_next_never_hands_an_auditor_their_own_application(certification):
    """Issue 13, CERT-5: the queue's next application skips the caller's own."""
    account_id, own = await submitted_enterprise(certification)
    async with certification.client(f"user-{account_id}", Role.AUDITOR, Role.ACCOUNT_HOLDER,
                                    account_id=account_id) as client:
        for _ in range(50):  # drains the queue up to another's application, never its own
            response = await client.post("/v1/reviews/claim")
            if response.status_code != 200:
                break
            assert response.json()["account_id"] != account_id
    assert (await read(certification, own))["status"] == "submitted"


async def test_an_auditor_rejects_the_avatar_and_the_applicant_corrects_it_on_the_profile(certification):
    """CERT-2 decision: reject with `profile_inconsistent` on the avatar; resubmitting needs the avatar changed
    on the platform profile (a new snapshot)."""
    account_id, app_id = await submitted_enterprise(certification)
    await claimed(certification, app_id, "r-avatar")
    async with auditor(certification, "r-avatar") as client:
        rejected = await client.post(f"/v1/reviews/{app_id}/reject", json={"reasons": [
            {"target": "avatar", "target_kind": "field", "code": "profile_inconsistent"}]})
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["requirements"]["currently_due"] == ["profile.avatar"]
    async with holder(certification, account_id) as client:
        unchanged = await client.post(f"/v1/applications/{app_id}/submit")
        await seed_account(certification, account_id, avatar_url="https://img/brand.png", sequence=2)
        resubmitted = await client.post(f"/v1/applications/{app_id}/submit")
    assert (unchanged.status_code, unchanged.json()["rule"]) == (422, "CERT-3")
    assert unchanged.json()["currently_due"] == ["profile.avatar"]
    assert resubmitted.status_code == 200, resubmitted.text
    assert resubmitted.json()["profile"]["avatar_url"] == "https://img/brand.png"


async def fail_by_deadline(service, clock, app_id: str, reasons: list[dict], auditor_name: str) -> None:
    await claimed(service, app_id, auditor_name)
    async with auditor(service, auditor_name) as client:
        assert (await client.post(f"/v1/reviews/{app_id}/reject", json={"reasons": reasons})).status_code == 200
    clock.advance(days=10, minutes=1)

    async def failed() -> bool:
        return (await read(service, app_id))["status"] == "failed"

    await eventually(failed)


async def test_a_failed_application_reopens_only_corrected_and_at_most_twice(certification, clock):
    """CERT-7 decision (reopening): every item named in the last rejection changed first (refusals name
    CERT-7 and list what is uncorrected); a third reopening is refused; never charged again (CERT-4)."""
    account_id, app_id = await submitted_enterprise(certification)
    reasons = [{"target": "business_licence", "target_kind": "document", "code": "unreadable"},
               {"target": "enterprise_name", "target_kind": "field", "code": "inconsistent_with_documents"}]
    for reopening in (1, 2):
        await fail_by_deadline(certification, clock, app_id, reasons, f"r-reopen-{reopening}")
        async with holder(certification, account_id) as client:
            url = f"/v1/applications/{app_id}"
            uncorrected = await client.post(f"{url}/reopen")
            await client.put(f"{url}/documents/business_licence", content=PDF)
            half = await client.post(f"{url}/reopen")
            await client.patch(url, json={"fields": {"enterprise_name": f"Acme Coffee {reopening} Ltd."}})
            reopened = await client.post(f"{url}/reopen")
        assert (uncorrected.status_code, uncorrected.json()["rule"]) == (422, "CERT-7")
        assert uncorrected.json()["uncorrected"] == ["documents.business_licence", "fields.enterprise_name"]
        assert (half.status_code, half.json()["uncorrected"]) == (422, ["fields.enterprise_name"])
        assert reopened.status_code == 200, reopened.text
        assert reopened.json()["reopen_count"] == reopening
    await fail_by_deadline(certification, clock, app_id, reasons, "r-reopen-3")
    async with holder(certification, account_id) as client:
        url = f"/v1/applications/{app_id}"
        await client.put(f"{url}/documents/business_licence", content=PDF)
        await client.patch(url, json={"fields": {"enterprise_name": "Acme Coffee 3 Ltd."}})
        third = await client.post(f"{url}/reopen")
    assert (third.status_code, third.json()["rule"]) == (422, "CERT-7")
    assert third.json()["type"].endswith("reopen-limit-reached")
    assert await ledger_lines(certification, app_id) == 1


async def test_the_review_is_due_by_the_shanghai_calendar_with_its_make_up_day(certification, clock):
    """CERT-5: submitted Friday 23:00 UTC, already Saturday 07:00 in Shanghai; that Sunday is a make-up
    working day (调休): the two working days are Sunday and Monday in Shanghai, so the review is due Monday
    07:00 there (Sunday 23:00 UTC), not Tuesday 23:00 UTC as counting weekdays in UTC would give."""
    now = clock.now()
    friday = (now + timedelta(days=(4 - now.weekday()) % 7 or 7)).replace(hour=23, minute=0, second=0,
                                                                         microsecond=0)
    sunday = (friday + timedelta(days=2)).date()
    original = certification.adapters.calendar
    certification.replace_adapters(calendar=WorkingCalendar(makeup_working_days=[sunday]))
    try:
        clock.advance(friday - clock.now())
        account = await seed_account(certification)
        async with holder(certification, account.account_id) as client:
            app = await enterprise_draft(client)
            submitted = await client.post(f"/v1/applications/{app['id']}/submit")
    finally:
        certification.replace_adapters(calendar=original)
    assert submitted.status_code == 200, submitted.text
    assert datetime.fromisoformat(submitted.json()["review_due_at"]) == friday + timedelta(days=2)
