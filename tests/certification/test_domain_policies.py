"""The rules that need no application, tested alone: CERT-2, CERT-3, CERT-4, CERT-5, CERT-6, CERT-8, CERT-10."""
from datetime import UTC, datetime, timedelta

import pytest

from certification.domain import errors, policies
from certification.domain.states import Status
from trust_common.contracts.certification import (
    CancelledBy,
    CertificationType,
    DocumentKind,
    ReasonCode,
    RejectionReason,
)

from tests.certification.builders import MONDAY, profile


def test_only_the_first_submission_of_an_enterprise_is_charged():
    """CERT-4 (300 CNY, once), CERT-1 (personal and real-name are free)."""
    assert policies.fee_due(CertificationType.ENTERPRISE, 0) == 300
    assert policies.fee_due(CertificationType.ENTERPRISE, 1) == 0
    assert policies.fee_due(CertificationType.PERSONAL, 0) == policies.fee_due(CertificationType.REAL_NAME, 0) == 0


def test_what_is_due_lists_missing_documents_fields_and_corrections():
    """CERT-3 (required documents and fields), CERT-6 (corrections asked for by the reviewer)."""
    due = policies.currently_due(CertificationType.ENTERPRISE, [DocumentKind.BUSINESS_LICENCE],
                                 {"enterprise_name": "Acme"}, [{"target": "enterprise_name", "target_kind": "field"}])
    assert due == ["documents.certification_letter", "fields.display_name", "fields.enterprise_name"]


def test_only_username_and_avatar_changes_are_watched():
    """CERT-2 decision: a signature change does not send a certification back to review."""
    snapshot = policies.profile_snapshot(profile())
    assert policies.changed_profile_fields(snapshot, profile(signature="new")) == []
    assert policies.changed_profile_fields(snapshot, profile(username="Acme Coffee Global")) == ["username"]


def test_a_leased_review_is_claimable_by_another_auditor_only_after_the_lease():
    """CERT-5: one auditor at a time, until the lease runs out."""
    lease_until = MONDAY + timedelta(minutes=30)
    with pytest.raises(errors.ReviewLeasedElsewhere):
        policies.check_claim(Status.IN_REVIEW, "auditor-1", lease_until, "auditor-2", MONDAY)
    policies.check_claim(Status.IN_REVIEW, "auditor-1", lease_until, "auditor-2", lease_until)
    with pytest.raises(errors.WrongStatus):
        policies.check_claim(Status.DRAFT, None, None, "auditor-2", MONDAY)


def test_a_rejection_names_documents_the_type_asks_for_or_known_fields():
    """CERT-6."""
    with pytest.raises(errors.RejectionWithoutReasons):
        policies.check_rejection(CertificationType.ENTERPRISE, [])
    with pytest.raises(errors.UnknownRejectionTarget):
        policies.check_rejection(CertificationType.PERSONAL, [RejectionReason(
            target="business_licence", target_kind="document", code=ReasonCode.UNREADABLE)])
    policies.check_rejection(CertificationType.ENTERPRISE, [RejectionReason(
        target="display_name", target_kind="field", code=ReasonCode.INCONSISTENT_WITH_PROFILE)])


def test_a_renewal_runs_one_year_from_the_old_end_or_from_a_late_approval():
    """CERT-8."""
    end = datetime(2027, 3, 2, 10, 0, tzinfo=UTC)
    assert policies.renewed_until(end, end - timedelta(days=20)) == datetime(2028, 3, 2, 10, 0, tzinfo=UTC)
    assert policies.renewed_until(end, end + timedelta(days=1)) == datetime(2028, 3, 3, 10, 0, tzinfo=UTC)


def test_real_name_is_cancelled_only_by_the_account_being_deleted():
    """CERT-10."""
    for by in (CancelledBy.HOLDER, CancelledBy.SUPPORT):
        with pytest.raises(errors.CancelNotAllowed):
            policies.check_cancel(CertificationType.REAL_NAME, by)
    policies.check_cancel(CertificationType.REAL_NAME, CancelledBy.ACCOUNT_DELETED)
    policies.check_cancel(CertificationType.PERSONAL, CancelledBy.HOLDER)


@pytest.mark.parametrize(("display_name", "username", "result"), [
    ("Acme Coffee", "acme coffee", "exact"),
    ("acme coffee", "AcmeCoffee", "exact"),  # spacing removed
    ("ＡＣＭＥ", "acme", "exact"),  # NFKC: full-width letters
    ("Acme", "Acme Official", "whole_word"),
    ("Acme Coffee", "The ACME  COFFEE shop", "whole_word"),
    ("Acme", "@acme_official", "whole_word"),
    ("星巴克", "星巴克官方", "whole_word"),  # written without spaces: no word to continue
    ("Acme", "NotAcme", None),  # a bare substring is a mismatch
    ("Acme", "Acme2", None),
    ("Acme", "Acmeshop", None),
    ("", "anything", None),
])
def test_the_name_pre_check_wants_the_same_name_or_a_whole_word(display_name, username, result):
    """CERT-2 decision (submission): equal after NFKC, case-fold and spacing removed, or a whole word."""
    from certification.domain.requirements import name_check

    assert name_check(display_name, username) == result


def test_the_applicant_is_refused_a_bare_substring_and_the_auditor_sees_the_check():
    """CERT-2 decision: "Acme" in "NotAcme" is refused; a pass keeps the full snapshot and the result."""
    with pytest.raises(errors.ProfileInconsistent) as refused:
        policies.check_applicant(CertificationType.ENTERPRISE, "Acme", profile(username="NotAcme"))
    assert refused.value.rule_id == "CERT-2"
    shown = policies.check_applicant(CertificationType.ENTERPRISE, "Acme", profile(username="Acme Official",
                                                                                   signature="we roast"))
    assert shown == {"username": "Acme Official", "avatar_url": "https://img/1.png", "signature": "we roast",
                     "name_check": "whole_word"}


def test_nobody_reviews_their_own_application():
    """CERT-5/CERT-6 (issue 13): the applicant account, or an admin of that enterprise, may not review it."""
    policies.check_independent("acc-1", {"auditor-1"})
    with pytest.raises(errors.OwnApplication) as refused:
        policies.check_independent("acc-1", {"auditor-1", "acc-1"})
    assert (refused.value.status, refused.value.rule_id) == (403, "CERT-5")
    with pytest.raises(errors.OwnApplication) as refused:
        policies.check_independent("ent-1", {"someone", "ent-1"}, rule="CERT-6")
    assert refused.value.rule_id == "CERT-6"
