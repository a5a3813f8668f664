"""Drafting and submitting an application: CERT-1, CERT-2, CERT-3, CERT-4, CERT-11, CERT-12."""
from datetime import timedelta

import pytest

from certification.domain import errors
from certification.domain.application import Application
from certification.domain.requirements import sniff_media_type
from certification.domain.states import Status
from trust_common.contracts.certification import CertificationType, Channel, DocumentKind

from tests.certification.builders import (
    AUDITOR,
    CALENDAR,
    HOLDER,
    MONDAY,
    complete,
    document,
    draft,
    events_of,
    profile,
    reason,
    submitted,
)


def test_three_certification_types_exist_with_their_own_requirements():
    """CERT-1: enterprise needs a business licence; personal does not; real-name takes no documents."""
    assert "documents.business_licence" in draft(CertificationType.ENTERPRISE).currently_due()
    assert "documents.business_licence" not in draft(CertificationType.PERSONAL).currently_due()
    assert draft(CertificationType.REAL_NAME).currently_due() == []


def test_personal_certification_is_free_and_enterprise_costs_300_cny():
    """CERT-1 (personal is free), CERT-4 (enterprise audit fee)."""
    personal = complete(draft(CertificationType.PERSONAL))
    assert personal.submit(profile(), CALENDAR, HOLDER, MONDAY) == 0
    enterprise = complete(draft())
    assert enterprise.submit(profile(), CALENDAR, HOLDER, MONDAY) == 300


def test_real_name_needs_the_platform_verified_identity():
    """CERT-1: real-name certification relies on the platform's verified identity."""
    app = draft(CertificationType.REAL_NAME)
    with pytest.raises(errors.RealNameNotVerified):
        app.submit(profile(real_name_verified=False), CALENDAR, HOLDER, MONDAY)
    app.submit(profile(real_name_verified=True), CALENDAR, HOLDER, MONDAY)
    assert app.status == Status.SUBMITTED


def test_username_must_carry_the_enterprise_display_name():
    """CERT-2: the account's profile must be consistent with the enterprise details."""
    app = complete(draft())
    with pytest.raises(errors.ProfileInconsistent) as refused:
        app.submit(profile(username="random_user_42"), CALENDAR, HOLDER, MONDAY)
    assert refused.value.rule_id == "CERT-2"
    assert app.status == Status.DRAFT


def test_submission_stores_a_snapshot_of_the_profile():
    """CERT-2: the application keeps the profile as it was at submission."""
    app = complete(draft())
    app.submit(profile(username="ACME coffee shop", signature="we roast"), CALENDAR, HOLDER, MONDAY)
    assert app.profile_snapshot == {"username": "ACME coffee shop", "avatar_url": "https://img/1.png",
                                    "signature": "we roast", "name_check": "whole_word"}


def test_required_documents_are_the_licence_and_the_sealed_letter():
    """CERT-3: both required documents must be there before submission."""
    app = draft()
    app.attach_document(document(app, DocumentKind.BUSINESS_LICENCE), HOLDER, MONDAY)
    with pytest.raises(errors.RequirementsMissing) as refused:
        app.submit(profile(), CALENDAR, HOLDER, MONDAY)
    assert refused.value.extensions["currently_due"] == ["documents.certification_letter"]


def test_only_listed_documents_may_be_uploaded():
    """CERT-3: nothing beyond the listed documents may be demanded or taken."""
    app = draft()
    app.check_upload(DocumentKind.TRADEMARK_CERTIFICATE)  # optional documents are fine
    with pytest.raises(errors.DocumentNotAllowed):
        app.check_upload(DocumentKind.PROFESSIONAL_PROOF)
    with pytest.raises(errors.DocumentNotAllowed):
        draft(CertificationType.REAL_NAME).check_upload(DocumentKind.BUSINESS_LICENCE)
    with pytest.raises(errors.FieldNotAllowed):
        app.update_fields({"national_id": "x"}, HOLDER, MONDAY)


def test_a_new_upload_of_a_kind_supersedes_the_previous_one():
    """CERT-3: one current document per kind; the older one is kept, marked superseded."""
    app = draft()
    first = document(app, DocumentKind.BUSINESS_LICENCE)
    app.attach_document(first, HOLDER, MONDAY)
    app.attach_document(document(app, DocumentKind.BUSINESS_LICENCE), HOLDER, MONDAY)
    assert first.superseded and len(app.current_documents()) == 1 and len(app.documents) == 2


@pytest.mark.parametrize(("head", "expected"), [
    (b"%PDF-1.7\n", "application/pdf"), (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00", "image/png"), (b"GIF89a....", None), (b"<html>", None), (b"", None),
])
def test_documents_are_recognised_by_their_leading_bytes(head, expected):
    """CERT-3: PDF, JPEG and PNG only, by content."""
    assert sniff_media_type(head) == expected


def test_only_the_first_submission_is_charged():
    """CERT-4 decision: corrections and resubmissions within one application are not charged again."""
    app = submitted()
    app.claim(AUDITOR, MONDAY, timedelta(hours=1))
    app.reject(AUDITOR, [reason()], MONDAY)
    app.attach_document(document(app, DocumentKind.BUSINESS_LICENCE), HOLDER, MONDAY)
    assert app.submit(profile(), CALENDAR, HOLDER, MONDAY + timedelta(days=1)) == 0
    assert app.submission_number == 2


def test_applications_come_from_pc_or_mobile_and_the_channel_is_recorded():
    """CERT-11: PC site or mobile app; a synced channel cannot be chosen by hand."""
    app = Application.start("acc-1", CertificationType.ENTERPRISE, Channel.MOBILE, {}, HOLDER, MONDAY,
                            profile=profile(), open_exists=False)
    assert app.channel == Channel.MOBILE
    assert [e for e in app.pull_events()][0].channel == Channel.MOBILE
    with pytest.raises(errors.ChannelNotAllowed):
        Application.start("acc-1", CertificationType.ENTERPRISE, Channel.SISTER_APP_SYNC, {}, HOLDER, MONDAY,
                          profile=profile(), open_exists=False)


def test_an_enterprise_draft_costs_nothing():
    """CERT-11: a 0-yuan enterprise account exists before any certification; only submission is charged."""
    app = draft()
    assert events_of(app) == ["ApplicationStarted"] and app.status == Status.DRAFT


def test_every_change_leaves_a_line_in_the_audit_trail():
    """CERT-12: who, when, from → to and why."""
    app = submitted()
    lines = [(h.action, h.from_status, h.to_status, h.actor_id) for h in app.history]
    assert lines[0] == ("started", None, "draft", "acc-holder")
    assert lines[-1] == ("submitted", "draft", "submitted", "acc-holder")
    assert app.history[-1].reason["fee_cny"] == 300 and app.history[-1].at == MONDAY


def test_submitting_twice_is_refused():
    """CERT-4: a retried submit cannot reach the fee again; the refusal names CERT-4."""
    app = submitted()
    with pytest.raises(errors.AlreadySubmitted) as refused:
        app.submit(profile(), CALENDAR, HOLDER, MONDAY)
    assert refused.value.rule_id == "CERT-4" and refused.value.status == 409


def test_only_an_account_the_platform_told_us_about_may_apply_and_only_once_per_type():
    """CERT-2 (the profile comes from the platform-accounts projection), CERT-1 (one open application per type)."""
    with pytest.raises(errors.AccountUnknown):
        Application.start("acc-1", CertificationType.ENTERPRISE, Channel.PC, {}, HOLDER, MONDAY, profile=None,
                          open_exists=False)
    with pytest.raises(errors.OpenApplicationExists) as refused:
        Application.start("acc-1", CertificationType.ENTERPRISE, Channel.PC, {}, HOLDER, MONDAY, profile=profile(),
                          open_exists=True)
    assert refused.value.rule_id == "CERT-1"
