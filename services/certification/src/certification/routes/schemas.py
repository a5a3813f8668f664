"""Request and response bodies; an application reads like a connected account's verification."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from certification.domain.application import Application
from certification.domain.records import Document
from certification.domain.requirements import FIELD_MAX_LENGTH, REASON_MESSAGES
from certification.domain.states import Status
from trust_common.contracts.certification import CertificationType, Channel, DocumentKind, RejectionReason
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
            created_at=app.created_at, updated_at=app.updated_at)


def requirements_of(app: Application) -> Requirements:
    """What is due, what is wrong (per document or field, with a reason), by when, and why it is stuck."""
    errors = [RequirementError(
        requirement=f"{'documents' if e['target_kind'] == 'document' else 'fields'}.{e['target']}",
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
