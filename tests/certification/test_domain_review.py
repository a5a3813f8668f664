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
    """CERT-5: counted in Shanghai: Friday 14:00 there is due Tuesday 14:00; Friday 16:00 UTC is already
    Saturday in Shanghai, so it is due Monday 16:00 UTC (Tuesday 00:00 there)."""
    friday = datetime(2026, 3, 6, 6, 0, tzinfo=UTC)
    assert submitted(now=friday).review_due_at == datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
    friday_evening = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)
    assert submitted(now=friday_evening).review_due_at == datetime(2026, 3, 9, 16, 0, tzinfo=UTC)


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
    app.attach_document(document(app, DocumentKind.BUSINESS_LICENCE), HOLDER, MONDAY + timedelta(days=39))
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


def _failed_on(targets: list[RejectionReason], at: datetime = MONDAY):
    """An application that failed its correction deadline after a rejection naming `targets` (CERT-7)."""
    app = in_review(now=at)
    app.reject(AUDITOR, targets, at)
    assert app.miss_correction_deadline(1, SYSTEM, at + timedelta(days=10))
    return app


def test_a_failed_application_reopens_only_after_every_item_of_its_last_rejection_changed():
    """CERT-7 decision (reopening): a new document version and a new field value are both needed; the
    refusal names CERT-7 and what is still uncorrected."""
    field = RejectionReason(target="enterprise_name", target_kind="field", code=ReasonCode.INCONSISTENT_WITH_DOCUMENTS)
    app = _failed_on([reason(), field])
    later = MONDAY + timedelta(days=11)
    with pytest.raises(errors.CorrectionsMissing) as refused:
        app.reopen(CALENDAR, HOLDER, later)
    assert refused.value.rule_id == "CERT-7"
    assert refused.value.extensions["uncorrected"] == ["documents.business_licence", "fields.enterprise_name"]
    app.attach_document(document(app, DocumentKind.BUSINESS_LICENCE), HOLDER, later)
    app.update_fields({"enterprise_name": "Acme Coffee Co., Ltd."}, HOLDER, later)  # the same value: unchanged
    with pytest.raises(errors.CorrectionsMissing) as refused:
        app.reopen(CALENDAR, HOLDER, later)
    assert refused.value.extensions["uncorrected"] == ["fields.enterprise_name"]
    app.update_fields({"enterprise_name": "Acme Coffee (Shanghai) Co., Ltd."}, HOLDER, later)
    app.reopen(CALENDAR, HOLDER, later)
    assert app.status == Status.SUBMITTED and app.reopen_count == 1


def test_an_application_is_reopened_at_most_twice_and_its_false_information_count_survives():
    """CERT-7 decision: at most two reopenings (the third is refused naming CERT-7); the false_information
    count is the application's, so after two reopenings it still fails on the third false information."""
    app = in_review()
    now = MONDAY
    false_info = reason(ReasonCode.FALSE_INFORMATION)
    for reopening in (1, 2):
        app.reject(AUDITOR, [false_info], now)
        now += timedelta(days=10)
        app.miss_correction_deadline(app.rejection_count, SYSTEM, now)
        assert app.status == Status.FAILED
        now += timedelta(days=1)
        app.attach_document(document(app, DocumentKind.BUSINESS_LICENCE), HOLDER, now)
        app.reopen(CALENDAR, HOLDER, now)
        assert app.reopen_count == reopening and app.false_information_count == reopening
        app.claim(AUDITOR, now, LEASE)
    app.reject(AUDITOR, [false_info], now)  # the third false information: fails at once
    assert app.status == Status.FAILED and app.false_information_count == 3
    app.attach_document(document(app, DocumentKind.BUSINESS_LICENCE), HOLDER, now)
    with pytest.raises(errors.ReopenLimitReached) as refused:
        app.reopen(CALENDAR, HOLDER, now)
    assert refused.value.rule_id == "CERT-7" and app.status == Status.FAILED


def test_a_rejected_avatar_is_corrected_on_the_platform_profile():
    """CERT-2 decision: the auditor may reject with `profile_inconsistent` on the avatar or the signature; the
    applicant corrects it by changing that part of the account's profile, then resubmits."""
    app = in_review()
    avatar = RejectionReason(target="avatar", target_kind="field", code=ReasonCode.PROFILE_INCONSISTENT)
    app.reject(AUDITOR, [avatar], MONDAY)
    assert app.currently_due() == ["profile.avatar"]
    with pytest.raises(errors.RequirementsMissing):
        app.submit(profile(), CALENDAR, HOLDER, MONDAY)  # the same avatar
    app.submit(profile(avatar_url="https://img/brand.png"), CALENDAR, HOLDER, MONDAY)
    assert app.status == Status.SUBMITTED
    assert app.profile_snapshot["avatar_url"] == "https://img/brand.png"


def test_a_rejection_may_name_the_signature_but_no_unknown_profile_part():
    """CERT-2, CERT-6: avatar, signature and username are rejection targets; anything else is not."""
    app = in_review()
    with pytest.raises(errors.UnknownRejectionTarget):
        app.reject(AUDITOR, [RejectionReason(target="phone", target_kind="field", code=ReasonCode.OTHER)], MONDAY)
    app.reject(AUDITOR, [RejectionReason(target="signature", target_kind="field",
                                         code=ReasonCode.PROFILE_INCONSISTENT)], MONDAY)
    assert app.currently_due() == ["profile.signature"]
