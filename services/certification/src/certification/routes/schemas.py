"""Request and response bodies; an application reads like a connected account's verification."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from certification.domain.application import Application
from certification.domain.enterprise_account import EnterpriseAccount
from certification.domain.policies import requirement
from certification.domain.records import Document
from certification.domain.requirements import FIELD_MAX_LENGTH, REASON_MESSAGES
from certification.domain.states import Status
from trust_common.contracts.certification import (
    CertificationType,
    Channel,
    DocumentKind,
    EnterpriseAccountStatus,
    RejectionReason,
)
from trust_common.validation import SINGLE_LINE

# `trust_common.validation.line(...)` spelled out: mypy takes no call's result as a type.
FieldName = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=SINGLE_LINE)]
FieldValue = Annotated[str, StringConstraints(min_length=0, max_length=FIELD_MAX_LENGTH, pattern=SINGLE_LINE)]


class ApplicationCreate(BaseModel):
    certification_type: CertificationType
    channel: Channel = Field(description="pc or mobile (CERT-11)")
    fields: dict[FieldName, FieldValue] = Field(default_factory=dict)


class FieldsUpdate(BaseModel):
    fields: dict[FieldName, FieldValue]


class RenewalCreate(BaseModel):
    channel: Channel


class SyncCreate(BaseModel):
    source_reference: str = Field(min_length=1, max_length=200, pattern=SINGLE_LINE)


class Rejection(BaseModel):
    reasons: list[RejectionReason] = Field(min_length=1)


class RequirementError(BaseModel):
    requirement: str
    code: str
    reason: str


class Requirements(BaseModel):
    currently_due: list[str]
    errors: list[RequirementError]
    current_deadline: datetime | None
    disabled_reason: str | None


class DocumentPublic(BaseModel):
    id: str
    kind: DocumentKind
    media_type: str
    size: int
    uploaded_at: datetime

    @classmethod
    def of(cls, document: Document) -> DocumentPublic:
        return cls(id=document.id, kind=document.kind, media_type=document.media_type, size=document.size,
                   uploaded_at=document.uploaded_at)


class FeePublic(BaseModel):
    """CERT-4: the audit service fee this application was charged (once; never refunded)."""

    amount_cny: int
    currency: str = "CNY"
    charged_at: datetime | None
    refundable: bool = False


class ProfileSnapshotPublic(BaseModel):
    """CERT-2: the profile as it was at submission, and the name pre-check's result ("exact", "whole_word";
    null when submitted before the pre-check existed or not an enterprise). Synced certifications (CERT-9)
    also show the sister-app profile they follow."""

    username: str | None = None
    avatar_url: str | None = None
    signature: str | None = None
    name_check: str | None = None
    sister_app: dict[str, str] | None = None


class ApplicationPublic(BaseModel):
    id: str
    account_id: str
    certification_type: CertificationType
    channel: Channel
    status: str
    fields: dict[str, str]
    documents: list[DocumentPublic]
    requirements: Requirements
    submission_number: int
    review_due_at: datetime | None
    certified_at: datetime | None
    valid_until: datetime | None
    badge_active: bool
    profile_changed: bool
    renewal_of: str | None
    fee: FeePublic  # CERT-4
    profile: ProfileSnapshotPublic  # CERT-2: what the auditor judges
    reopen_count: int  # CERT-7: at most 2
    source_reference: str | None  # CERT-9: the sister-app certification a synced one follows
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, app: Application) -> ApplicationPublic:
        return cls(
            id=app.id, account_id=app.account_id, certification_type=app.certification_type, channel=app.channel,
            status=app.status, fields=app.fields, documents=[DocumentPublic.of(d) for d in app.current_documents()],
            requirements=requirements_of(app), submission_number=app.submission_number,
            review_due_at=app.review_due_at, certified_at=app.certified_at, valid_until=app.valid_until,
            badge_active=app.badge_active, profile_changed=app.profile_changed, renewal_of=app.renewal_of,
            fee=FeePublic(amount_cny=app.fee_charged_cny, charged_at=app.fee_charged_at),
            profile=ProfileSnapshotPublic.model_validate(app.profile_snapshot), reopen_count=app.reopen_count,
            source_reference=app.source_reference, created_at=app.created_at, updated_at=app.updated_at)


def requirements_of(app: Application) -> Requirements:
    """What is due, what is wrong (per document or field, with a reason), by when, and why it is stuck."""
    errors = [RequirementError(
        requirement=requirement(e),
        code=e["code"], reason=REASON_MESSAGES.get(e["code"], "Please correct this.")) for e in app.errors]
    deadline = {Status.REJECTED: app.correction_deadline, Status.FAILED: app.reopen_deadline,
                Status.CERTIFIED: app.valid_until}.get(Status(app.status))
    return Requirements(currently_due=app.currently_due() if app.status not in _NOT_DUE else [], errors=errors,
                        current_deadline=deadline, disabled_reason=_disabled_reason(app))


_NOT_DUE = {Status.CLOSED, Status.CANCELLED, Status.EXPIRED, Status.RENEWED, Status.CERTIFIED}


def _disabled_reason(app: Application) -> str | None:
    status = Status(app.status)
    if status == Status.CERTIFIED:
        return None if app.badge_active else "certification.badge_suspended"
    if status == Status.DRAFT:
        return "requirements.currently_due" if app.currently_due() else None
    if status == Status.FAILED:
        return f"rejected.{app.failure_reason}"
    reasons: dict[Status, str] = {
        Status.SUBMITTED: "requirements.pending_verification", Status.IN_REVIEW: "requirements.pending_verification",
        Status.REJECTED: "requirements.corrections_due", Status.CLOSED: "rejected.reopen_window_closed",
        Status.EXPIRED: "certification.expired", Status.CANCELLED: "certification.cancelled",
        Status.RENEWED: "certification.renewed"}
    return reasons.get(status)


class HistoryPublic(BaseModel):
    at: datetime
    actor_id: str
    actor_role: str
    action: str
    from_status: str | None
    to_status: str
    reason: dict[str, Any]


class EnterpriseAccountCreate(BaseModel):
    channel: Channel = Field(description="pc or mobile (CERT-11)")


class EnterpriseAccountPublic(BaseModel):
    """CERT-11: the free enterprise account; `certified` while an enterprise certification stands."""

    account_id: str
    status: EnterpriseAccountStatus
    channel: Channel
    opened_at: datetime
    certification_id: str | None
    badge_active: bool
    valid_until: datetime | None

    @classmethod
    def of(cls, account: EnterpriseAccount, certification: Application | None) -> EnterpriseAccountPublic:
        return cls(account_id=account.account_id, channel=account.channel, opened_at=account.opened_at,
                   status=EnterpriseAccountStatus.CERTIFIED if certification else EnterpriseAccountStatus.UNCERTIFIED,
                   certification_id=certification.id if certification else None,
                   badge_active=bool(certification and certification.badge_active),
                   valid_until=certification.valid_until if certification else None)


class BadgePublic(BaseModel):
    """CERT-11: the blue V of a certified enterprise."""

    account_id: str
    certification_id: str
    badge_active: bool
    valid_until: datetime | None
