"""Contracts of the events published on `certification.events`.

Every event is about one certification application (`aggregate_type = "application"`) and
carries `application_id`, `account_id` (the applicant's platform account; for an enterprise
application this is the enterprise main account, which employee-accounts uses as the
enterprise id) and `certification_type`. Facts only, never personal data or file names (X-4);
notices are worded by the notifier from the codes and dates given here.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from trust_common.events import EventData

TOPIC = "certification.events"


class CertificationType(StrEnum):
    """CERT-1."""

    ENTERPRISE = "enterprise"  # blue V
    PERSONAL = "personal"  # yellow V
    REAL_NAME = "real_name"


class Channel(StrEnum):
    """CERT-11 (and CERT-9 for synced certifications)."""

    PC = "pc"
    MOBILE = "mobile"
    SISTER_APP_SYNC = "sister_app_sync"


class DocumentKind(StrEnum):
    """CERT-3: the only documents that may be asked for."""

    BUSINESS_LICENCE = "business_licence"
    CERTIFICATION_LETTER = "certification_letter"
    ICP_FILING = "icp_filing"
    TRADEMARK_CERTIFICATE = "trademark_certificate"
    SOFTWARE_COPYRIGHT = "software_copyright"
    BRAND_AUTHORISATION = "brand_authorisation"
    PROFESSIONAL_PROOF = "professional_proof"  # personal (yellow V) only


class ReasonCode(StrEnum):
    """Why an auditor rejects a document or field (CERT-6, CERT-7)."""

    FALSE_INFORMATION = "false_information"
    UNREADABLE = "unreadable"
    NOT_IN_COLOUR = "not_in_colour"
    EXPIRED_DOCUMENT = "expired_document"
    SEAL_MISSING = "seal_missing"
    INCONSISTENT_WITH_PROFILE = "inconsistent_with_profile"
    PROFILE_INCONSISTENT = "profile_inconsistent"  # CERT-2: the avatar or signature (target: avatar|signature)
    INCONSISTENT_WITH_DOCUMENTS = "inconsistent_with_documents"
    INCOMPLETE = "incomplete"
    OTHER = "other"


class FailureReason(StrEnum):
    """CERT-7."""

    REPEATED_FALSE_INFORMATION = "repeated_false_information"
    CORRECTION_DEADLINE_MISSED = "correction_deadline_missed"


class CancelledBy(StrEnum):
    """CERT-10."""

    HOLDER = "holder"
    SUPPORT = "support"
    ACCOUNT_DELETED = "account_deleted"  # the only end of a real-name certification


class RejectionReason(BaseModel):
    """One problem with one document kind or one field of the application."""

    model_config = ConfigDict(frozen=True)

    target: str = Field(description="a DocumentKind value or an application field name")
    target_kind: str = Field(pattern="^(document|field)$")
    code: ReasonCode


class _ApplicationEvent(EventData):
    topic = TOPIC
    aggregate_type = "application"
    aggregate_field = "application_id"

    application_id: str
    account_id: str
    certification_type: CertificationType


class ApplicationStarted(_ApplicationEvent):
    event_type = "certification.application.started"

    channel: Channel
    renewal_of: str | None = None  # application id of the certification this one renews (CERT-8)


class DocumentUploaded(_ApplicationEvent):
    """A document of a kind was stored (no file name, no content: X-4)."""

    event_type = "certification.application.document_uploaded"

    document_id: str
    kind: DocumentKind


class ApplicationFieldsUpdated(_ApplicationEvent):
    """The applicant changed details of the application; names of the fields only."""

    event_type = "certification.application.fields_updated"

    field_names: list[str]


class ApplicationSubmitted(_ApplicationEvent):
    """Sent to audit: first submission, correction or reopening (CERT-4, CERT-5, CERT-6)."""

    event_type = "certification.application.submitted"

    channel: Channel
    submission_number: int  # 1 for the first submission, then +1 per resubmission
    fee_charged_cny: int  # 300 on the one charge of an enterprise application, else 0 (CERT-4)
    review_due_at: datetime  # 2 working days (CERT-5)
    renewal_of: str | None = None


class ReviewStarted(_ApplicationEvent):
    """An auditor claimed the application (lease)."""

    event_type = "certification.application.review_started"

    auditor_id: str
    review_due_at: datetime


class ReviewSlaBreached(_ApplicationEvent):
    """CERT-5: the review was not decided within 2 working days of this submission."""

    event_type = "certification.application.review_sla_breached"

    submission_number: int
    review_due_at: datetime


class ApplicationRejected(_ApplicationEvent):
    """CERT-6: reasons per document or field; correct by `correction_deadline` (CERT-7)."""

    event_type = "certification.application.rejected"

    reasons: list[RejectionReason]
    correction_deadline: datetime  # 10 days after the rejection
    rejection_count: int
    false_information_count: int


class ApplicationApproved(_ApplicationEvent):
    """Certified: the badge is on from `certified_at` (CERT-5, CERT-8, CERT-9)."""

    event_type = "certification.application.approved"

    certified_at: datetime
    valid_until: datetime | None  # one year for enterprise (CERT-8), source's end when synced (CERT-9)
    channel: Channel
    renewal_of: str | None = None


class ApplicationFailed(_ApplicationEvent):
    """CERT-7: may be reopened until `reopen_deadline` (30 days)."""

    event_type = "certification.application.failed"

    reason: FailureReason
    reopen_deadline: datetime


class ApplicationReopened(_ApplicationEvent):
    """CERT-7: a failed application back in audit within its 30-day window, not charged again."""

    event_type = "certification.application.reopened"

    review_due_at: datetime


class ReopenWindowClosed(_ApplicationEvent):
    """CERT-7: the 30-day window after a failure is over; only a new, newly charged application remains."""

    event_type = "certification.application.reopen_window_closed"

    closed_at: datetime


class ExpiryReminderDue(_ApplicationEvent):
    """CERT-8: 30, 7 and 1 days before the one-year validity ends."""

    event_type = "certification.certification.expiry_reminder_due"

    days_left: int
    valid_until: datetime


class CertificationExpired(_ApplicationEvent):
    """CERT-8: unrenewed; the badge goes."""

    event_type = "certification.certification.expired"

    expired_at: datetime
    # CERT-9: a synced certification ends with its sister-app source: "source_cancelled" or
    # "source_expired"; None for a certification of ours that reached its own end (CERT-8).
    ended_with_source: str | None = None


class CertificationRenewed(_ApplicationEvent):
    """CERT-8: the renewal application `application_id` passed; it replaces `renewal_of`.

    CERT-9: a certification synced from the sister app is extended when its source is renewed there;
    then `renewal_of == application_id` (the same certification, a later `valid_until`)."""

    event_type = "certification.certification.renewed"

    renewal_of: str
    valid_until: datetime


class CertificationCancelled(_ApplicationEvent):
    """CERT-10: badge removed, data kept, fee never refunded. Also a withdrawn application."""

    event_type = "certification.certification.cancelled"

    cancelled_by: CancelledBy
    was_certified: bool


class ReReviewOpened(_ApplicationEvent):
    """CERT-2: the certified account's username or avatar changed; the badge stays until
    `badge_grace_until` (2 working days) unless the review passes first. After a rejected re-review
    (badge already suspended) a further change opens another one with `badge_grace_until` = now."""

    event_type = "certification.certification.rereview_opened"

    profile_changed: bool = True
    changed_fields: list[str]
    badge_grace_until: datetime


class ReReviewPassed(_ApplicationEvent):
    """CERT-2: the profile re-review passed; a suspended badge is back."""

    event_type = "certification.certification.rereview_passed"

    valid_until: datetime | None


class BadgeSuspended(_ApplicationEvent):
    """CERT-2: the re-review was not passed in time (or was rejected); suspended until it passes."""

    event_type = "certification.certification.badge_suspended"

    reason: str  # "rereview_overdue" | "rereview_rejected"


class EnterpriseAccountStatus(StrEnum):
    """CERT-11."""

    UNCERTIFIED = "uncertified"  # the free ("0-yuan") enterprise account
    CERTIFIED = "certified"


class EnterpriseAccountOpened(EventData):
    """CERT-11: a free enterprise account was opened, without documents or fee. It is `uncertified`
    until an enterprise certification of `account_id` is approved (`ApplicationApproved`, which is
    the upgrade); features that need certification refuse it, naming CERT-11."""

    event_type = "certification.enterprise_account.opened"
    topic = TOPIC
    aggregate_type = "enterprise_account"
    aggregate_field = "account_id"

    account_id: str  # the enterprise's main platform account (employee-accounts' enterprise id)
    status: EnterpriseAccountStatus = EnterpriseAccountStatus.UNCERTIFIED
    channel: Channel
    opened_at: datetime
