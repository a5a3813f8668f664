"""NOTE-2 (certification notices) and NOTE-3 (departure) from the producers' events."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from trust_common.contracts import certification as cert
from trust_common.contracts import employee_accounts as emp
from trust_common.schema import inbox
from trust_common.testing.services import eventually


def _app(account_id: str, **fields):
    return dict(application_id=f"app-{uuid.uuid4().hex[:8]}", account_id=account_id,
                certification_type=cert.CertificationType.ENTERPRISE, **fields)


async def _kinds(stack, account_id: str, n: int):
    kinds = await stack.inbox_kinds(account_id)
    return kinds if len(kinds) >= n else None


async def test_certification_submission_outcome_deadlines_and_expiry_are_notified(stack):
    """NOTE-2: submission received, outcome with reasons, 10-day correction deadline, 30-day
    reopen window, expiry reminder."""
    holder = await stack.account(locale="en")
    now = stack.clock.now()
    await stack.publish(cert.ApplicationSubmitted(**_app(holder), channel=cert.Channel.PC, submission_number=1,
                                                  fee_charged_cny=300, review_due_at=now + timedelta(days=2)))
    await stack.publish(cert.ApplicationRejected(
        **_app(holder), reasons=[cert.RejectionReason(target="business_licence", target_kind="document",
                                                      code=cert.ReasonCode.UNREADABLE)],
        correction_deadline=now + timedelta(days=10), rejection_count=1, false_information_count=0))
    await stack.publish(cert.ApplicationFailed(**_app(holder), reason=cert.FailureReason.REPEATED_FALSE_INFORMATION,
                                               reopen_deadline=now + timedelta(days=30)))
    await stack.publish(cert.ApplicationApproved(**_app(holder), certified_at=now,
                                                 valid_until=now + timedelta(days=365),
                                                 channel=cert.Channel.PC))
    await stack.publish(cert.ExpiryReminderDue(**_app(holder), days_left=30, valid_until=now + timedelta(days=30)))
    await eventually(lambda: _kinds(stack, holder, 7))
    items = {(i["kind"], i["data"].get("outcome")): i for i in await stack.inbox(holder)}
    assert set(items) == {("certification.submitted", None), ("certification.outcome", "rejected"),
                          ("certification.correction_deadline", None), ("certification.outcome", "failed"),
                          ("certification.reopen_window", None), ("certification.outcome", "approved"),
                          ("certification.expiry_reminder", None)}
    assert "business_licence: unreadable" in items[("certification.outcome", "rejected")]["body"]
    deadline = (now + timedelta(days=10)).strftime("%Y-%m-%d %H:%M UTC")
    assert deadline in items[("certification.correction_deadline", None)]["body"]
    reopen = (now + timedelta(days=30)).strftime("%Y-%m-%d %H:%M UTC")
    assert reopen in items[("certification.reopen_window", None)]["body"]
    assert (now + timedelta(days=30)).strftime("%Y-%m-%d") in items[("certification.expiry_reminder", None)]["body"]


async def test_renewal_suspension_expiry_and_cancellation_are_notified(stack):
    """NOTE-2: an approved renewal (CERT-8, published as CertificationRenewed, not ApplicationApproved), a badge
    suspended until the re-review passes (CERT-2), an expiry (CERT-8) and a cancellation (CERT-10) reach the
    holder; a withdrawn, never-certified application tells nothing."""
    holder = await stack.account(locale="en")
    now = stack.clock.now()
    renewed_until = now + timedelta(days=730)
    await stack.publish(cert.CertificationRenewed(**_app(holder), renewal_of="app-old", valid_until=renewed_until))
    await stack.publish(cert.BadgeSuspended(**_app(holder), reason="rereview_overdue"))
    await stack.publish(cert.CertificationExpired(**_app(holder), expired_at=now))
    withdrawn = await stack.publish(cert.CertificationCancelled(  # a withdrawn application: nothing to tell
        **_app(holder), cancelled_by=cert.CancelledBy.HOLDER, was_certified=False))
    await stack.publish(cert.CertificationCancelled(**_app(holder), cancelled_by=cert.CancelledBy.SUPPORT,
                                                    was_certified=True))
    await eventually(lambda: _kinds(stack, holder, 4))
    await eventually(lambda: _consumed(stack, withdrawn.event_id))
    items = {i["kind"]: i for i in await stack.inbox(holder)}
    assert set(items) == {"certification.renewed", "certification.badge_suspended", "certification.expired",
                          "certification.cancelled"}
    assert renewed_until.strftime("%Y-%m-%d") in items["certification.renewed"]["body"]
    assert items["certification.renewed"]["data"]["renewal_of"] == "app-old"
    assert "suspended until the review passes" in items["certification.badge_suspended"]["body"]
    assert now.strftime("%Y-%m-%d") in items["certification.expired"]["body"]
    assert len(await stack.inbox(holder)) == 4
    mails = await eventually(lambda: (lambda found: found if len(found) >= 4 else None)(stack.mails_to(holder)))
    assert {str(m["Subject"]) for m in mails} == {"Certification renewed", "Certification badge suspended",
                                                  "Certification expired", "Certification cancelled"}


async def _consumed(stack, event_id) -> bool:
    async with stack.service.runtime.sessions() as session:
        return (await session.execute(select(inbox.c.event_id).where(inbox.c.event_id == event_id))).first() is not None


async def test_a_departing_employee_is_told_to_unbind_their_real_name(stack):
    """NOTE-3 (EMP-9): inbox and email; the producer's login email stands in for a missing one."""
    employee = await stack.account(email=False, locale="vi")
    await stack.publish(emp.EmployeeDepartureAwaitingRealNameUnbinding(
        employee_account_id=employee, enterprise_id="ent-1", login_email=f"{employee}@example.test"))
    [entry] = await eventually(lambda: stack.inbox(employee))
    assert entry["kind"] == "departure.unbind_real_name" and "tên thật" in entry["title"]
    [mail] = await eventually(lambda: _mails(stack, employee))
    assert "tên thật" in str(mail["Subject"])


async def _mails(stack, account_id):
    return stack.mails_to(account_id)
