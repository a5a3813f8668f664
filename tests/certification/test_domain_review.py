"""The audit: CERT-5 (review time, leases), CERT-6 (rejection with reasons), CERT-7 (failure, reopening)."""
from datetime import UTC, datetime, timedelta

import pytest

from certification.domain import errors
from certification.domain.states import SYSTEM, Status
from trust_common.contracts.certification import (
    ApplicationFailed,
    ApplicationRejected,
    CertificationType,
    DocumentKind,
    FailureReason,
    ReasonCode,
    RejectionReason,
)

from tests.certification.builders import (
    AUDITOR,
    CALENDAR,
    HOLDER,
    LEASE,
    MONDAY,
    OTHER_AUDITOR,
    certified,
    document,
    events_of,
    in_review,
    profile,
    reason,
    submitted,
)


def test_review_is_due_two_working_days_after_submission():
    """CERT-5."""
    friday = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)
    assert submitted(now=friday).review_due_at == datetime(2026, 3, 10, 16, 0, tzinfo=UTC)


def test_a_claimed_review_cannot_be_taken_by_another_auditor_while_leased():
    """CERT-5: one auditor at a time."""
    app = in_review()
    with pytest.raises(errors.ReviewLeasedElsewhere):
        app.claim(OTHER_AUDITOR, MONDAY + timedelta(minutes=5), LEASE)
    with pytest.raises(errors.ReviewLeasedElsewhere):
        app.approve(OTHER_AUDITOR, MONDAY + timedelta(minutes=5))


def test_an_expired_lease_lets_another_auditor_take_over():
    """CERT-5: a lease runs out so an abandoned review is not stuck."""
    app = in_review()
    later = MONDAY + LEASE + timedelta(seconds=1)
    app.claim(OTHER_AUDITOR, later, LEASE)
    assert app.claimed_by == OTHER_AUDITOR.id
    with pytest.raises(errors.ReviewLeasedElsewhere):
        app.approve(AUDITOR, later)


def test_a_decision_needs_a_claim_first():
    """CERT-5: decisions come from the auditor holding the lease."""
    with pytest.raises(errors.WrongStatus):
        submitted().approve(AUDITOR, MONDAY)


def test_an_overdue_review_is_a_breach_counted_once_per_submission():
    """CERT-5: SLA breach."""
    app = submitted()
    assert app.mark_sla_breached(1, SYSTEM, MONDAY + timedelta(days=2))
    assert not app.mark_sla_breached(1, SYSTEM, MONDAY + timedelta(days=3))
    assert app.history[-1].action == "review_sla_breached"


def test_a_decided_review_is_no_breach():
    """CERT-5: a stale SLA timer does nothing."""
    app = certified()
    assert not app.mark_sla_breached(1, SYSTEM, MONDAY + timedelta(days=3))


def test_rejection_carries_reasons_per_document_or_field_and_a_ten_day_deadline():
    """CERT-6, CERT-7: reasons, then 10 days to correct."""
    app = in_review()
    events_of(app)
    app.reject(AUDITOR, [reason(ReasonCode.SEAL_MISSING, "certification_letter")], MONDAY)
    event = app.pull_events()[-1]
    assert isinstance(event, ApplicationRejected)
    assert event.correction_deadline == MONDAY + timedelta(days=10)
    assert app.currently_due() == ["documents.certification_letter"]
    assert app.errors == [{"target": "certification_letter", "target_kind": "document", "code": "seal_missing"}]


def test_a_rejection_must_name_a_reason():
    """CERT-6."""
    with pytest.raises(errors.RejectionWithoutReasons):
        in_review().reject(AUDITOR, [], MONDAY)


def test_a_rejection_names_documents_and_fields_the_applicant_can_correct():
    """CERT-6: an unknown target could never be corrected."""
    app = in_review()
    with pytest.raises(errors.UnknownRejectionTarget):
        app.reject(AUDITOR, [reason(target="passport")], MONDAY)
    with pytest.raises(errors.UnknownRejectionTarget):
        app.reject(AUDITOR, [RejectionReason(target="shoe_size", target_kind="field", code=ReasonCode.OTHER)], MONDAY)
    assert app.status == Status.IN_REVIEW


def test_the_applicant_corrects_and_resubmits_as_prompted():
    """CERT-6: the corrected document clears the error; resubmission goes back to audit."""
    app = in_review()
    app.reject(AUDITOR, [reason()], MONDAY)
    with pytest.raises(errors.RequirementsMissing):
        app.submit(profile(), CALENDAR, HOLDER, MONDAY)
    app.attach_document(document(app, DocumentKind.BUSINESS_LICENCE), HOLDER, MONDAY)
    app.submit(profile(), CALENDAR, HOLDER, MONDAY + timedelta(days=1))
    assert app.status == Status.SUBMITTED and app.errors == [] and app.correction_deadline is None


def test_the_third_false_information_fails_the_application():
    """CERT-7 decision: "repeatedly" = the third rejection for false information."""
    app = in_review()
    for _ in range(2):
        app.reject(AUDITOR, [reason(ReasonCode.FALSE_INFORMATION)], MONDAY)
        app.attach_document(document(app, DocumentKind.BUSINESS_LICENCE), HOLDER, MONDAY)
        app.submit(profile(), CALENDAR, HOLDER, MONDAY)
        app.claim(AUDITOR, MONDAY, LEASE)
        assert app.status == Status.IN_REVIEW
    events_of(app)
    app.reject(AUDITOR, [reason(ReasonCode.FALSE_INFORMATION)], MONDAY)
    assert app.status == Status.FAILED
    failed = app.pull_events()[-1]
    assert isinstance(failed, ApplicationFailed) and failed.reason == FailureReason.REPEATED_FALSE_INFORMATION
    assert failed.reopen_deadline == MONDAY + timedelta(days=30)


def test_the_false_information_count_survives_reopening_so_fail_and_reopen_cannot_cycle_for_free():
    """CERT-7 decision: "repeatedly" = the third false_information; reopening does not reset the count, so the
    next false information after a reopening fails the application again at once."""
    app = in_review()
    for round_ in range(3):
        app.reject(AUDITOR, [reason(ReasonCode.FALSE_INFORMATION)], MONDAY)
        app.attach_document(document(app, DocumentKind.BUSINESS_LICENCE), HOLDER, MONDAY)
        if round_ < 2:
            app.submit(profile(), CALENDAR, HOLDER, MONDAY)
            app.claim(AUDITOR, MONDAY, LEASE)
    assert app.status == Status.FAILED
    app.reopen(CALENDAR, HOLDER, MONDAY + timedelta(days=1))
    assert app.false_information_count == 3
    app.claim(AUDITOR, MONDAY + timedelta(days=1), LEASE)
    events_of(app)
    app.reject(AUDITOR, [reason(ReasonCode.FALSE_INFORMATION)], MONDAY + timedelta(days=1))
    assert app.status == Status.FAILED and app.failure_reason == FailureReason.REPEATED_FALSE_INFORMATION
    assert [type(e).__name__ for e in app.pull_events()] == ["ApplicationFailed"]


def test_no_correction_within_ten_days_fails_the_application():
    """CERT-7: a stale deadline (after a later rejection) does nothing."""
    app = in_review()
    app.reject(AUDITOR, [reason()], MONDAY)
    assert not app.miss_correction_deadline(2, SYSTEM, MONDAY + timedelta(days=10))
    assert app.miss_correction_deadline(1, SYSTEM, MONDAY + timedelta(days=10))
    assert app.status == Status.FAILED and app.failure_reason == "correction_deadline_missed"


def test_a_failed_application_reopens_within_thirty_days_without_a_new_fee():
    """CERT-7 (reopen window), CERT-4 (not charged again: reopening returns no fee)."""
    app = in_review()
    app.reject(AUDITOR, [reason()], MONDAY)
    app.miss_correction_deadline(1, SYSTEM, MONDAY + timedelta(days=10))
    app.reopen(CALENDAR, HOLDER, MONDAY + timedelta(days=39))
    assert app.status == Status.SUBMITTED and app.submission_number == 2


def test_after_thirty_days_only_a_new_application_remains():
    """CERT-7."""
    app = in_review()
    app.reject(AUDITOR, [reason()], MONDAY)
    app.miss_correction_deadline(1, SYSTEM, MONDAY + timedelta(days=10))
    with pytest.raises(errors.ReopenWindowClosed):
        app.reopen(CALENDAR, HOLDER, MONDAY + timedelta(days=41))
    assert app.close_reopen_window(SYSTEM, MONDAY + timedelta(days=40))
    assert app.status == Status.CLOSED
    with pytest.raises(errors.ReopenWindowClosed):
        app.reopen(CALENDAR, HOLDER, MONDAY + timedelta(days=40))


def test_approval_certifies_an_enterprise_for_one_year_and_personal_without_end():
    """CERT-8: one year from approval for enterprise."""
    app = certified()
    assert app.status == Status.CERTIFIED and app.badge_active
    assert app.valid_until == datetime(2027, 3, 2, 10, 0, tzinfo=UTC)
    assert certified(CertificationType.PERSONAL).valid_until is None
