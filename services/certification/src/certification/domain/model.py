"""The application aggregate: a drafted, submitted, reviewed and held certification (CERT-1 … CERT-12)."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from trust_common.contracts.certification import (
    ApplicationFieldsUpdated, ApplicationStarted, ApplicationSubmitted, CertificationType, Channel, DocumentKind,
    DocumentUploaded,
)
from trust_common.contracts.platform import AccountSnapshot
from trust_common.domain import Aggregate

from certification.domain import errors
from certification.domain.calendar import WorkingCalendar
from certification.domain.lifetime import LifetimeRules
from certification.domain.requirements import (
    ALLOWED_FIELDS, FEE_CNY, REQUIRED_DOCUMENTS, REQUIRED_FIELDS, allowed_documents, profile_consistent,
)
from certification.domain.records import Document, HistoryEntry
from certification.domain.review import ReviewRules
from certification.domain.states import EDITABLE, REVIEW_WORKING_DAYS, Actor, Status


class Application(ReviewRules, LifetimeRules, Aggregate):
    """A certification application and, once approved, the certification it holds."""

    def __init__(self, id: str, account_id: str, certification_type: CertificationType, channel: Channel,
                 fields: dict[str, str], now: datetime, renewal_of: str | None = None) -> None:
        self.id, self.account_id = id, account_id
        self.certification_type, self.channel = CertificationType(certification_type), Channel(channel)
        self.status = Status.DRAFT
        self.fields = dict(fields)
        self.profile_snapshot: dict[str, Any] = {}
        self.submission_number = self.rejection_count = self.false_information_count = 0
        self.errors: list[dict[str, str]] = []
        self.review_due_at: datetime | None = None
        self.correction_deadline: datetime | None = None
        self.reopen_deadline: datetime | None = None
        self.failure_reason: str | None = None
        self.certified_at: datetime | None = None
        self.valid_until: datetime | None = None
        self.badge_active = self.profile_changed = self.sla_breached = False
        self.badge_grace_until: datetime | None = None
        self.claimed_by: str | None = None
        self.lease_until: datetime | None = None
        self.renewal_of = renewal_of
        self.created_at = self.updated_at = now
        self.documents: list[Document] = []
        self.history: list[HistoryEntry] = []

    @classmethod
    def start(cls, account_id: str, certification_type: CertificationType, channel: Channel,
              fields: dict[str, str], actor: Actor, now: datetime, *, renewal_of: str | None = None,
              profile: AccountSnapshot | None = None) -> "Application":
        """Open a draft; costs nothing (CERT-11: a 0-yuan enterprise account before certification)."""
        if Channel(channel) not in (Channel.PC, Channel.MOBILE):  # CERT-11: synced ones come only via CERT-9
            raise errors.ChannelNotAllowed(f"channel {channel!r} is not the PC site or the mobile app")
        app = cls(str(uuid.uuid4()), account_id, certification_type, channel, {}, now, renewal_of)
        app._set_fields(fields)
        if profile is not None:  # CERT-2: refreshed again at submission
            app.profile_snapshot = profile.model_dump(mode="json", include={"username", "avatar_url", "signature"})
        app._log(actor, now, "started", None, {"channel": str(channel)})
        app.record(ApplicationStarted(**app._facts(), channel=app.channel, renewal_of=renewal_of))
        return app

    # -- drafting -------------------------------------------------------------------------------------

    def update_fields(self, fields: dict[str, str], actor: Actor, now: datetime) -> None:
        self._require(EDITABLE)
        self._set_fields({**self.fields, **fields})
        for name in fields:
            self._clear_error(name)
        self._log(actor, now, "fields_updated", self.status, {"fields": sorted(fields)})
        self.record(ApplicationFieldsUpdated(**self._facts(), field_names=sorted(fields)))

    def check_upload(self, kind: DocumentKind) -> None:
        """Refuse before any byte is stored: only documents this type asks for (CERT-3)."""
        self._require(EDITABLE)
        if DocumentKind(kind) not in allowed_documents(self.certification_type):
            raise errors.DocumentNotAllowed(
                f"a {self.certification_type} certification does not ask for a {kind}",
                allowed=sorted(allowed_documents(self.certification_type)))

    def attach_document(self, document: Document, actor: Actor, now: datetime) -> None:
        """A new upload of a kind replaces the previous one of that kind (kept, marked superseded)."""
        self.check_upload(document.kind)
        for old in self.current_documents():
            if old.kind == document.kind:
                old.superseded = True
        self.documents.append(document)
        self._clear_error(str(document.kind))
        self._log(actor, now, "document_uploaded", self.status, {"kind": str(document.kind),
                                                                   "document_id": document.id})
        self.record(DocumentUploaded(**self._facts(), document_id=document.id, kind=document.kind))

    def current_documents(self) -> list[Document]:
        return [d for d in self.documents if not d.superseded]

    def currently_due(self) -> list[str]:
        """What must still be provided before the application can go (back) to audit."""
        present = {d.kind for d in self.current_documents()}
        due = [f"documents.{k}" for k in sorted(REQUIRED_DOCUMENTS[self.certification_type] - present)]
        due += [f"fields.{f}" for f in REQUIRED_FIELDS[self.certification_type] if not self.fields.get(f)]
        due += [f"{'documents' if e['target_kind'] == 'document' else 'fields'}.{e['target']}" for e in self.errors]
        return sorted(set(due))

    # -- submission -----------------------------------------------------------------------------------

    def submit(self, profile: AccountSnapshot | None, calendar: WorkingCalendar, actor: Actor,
               now: datetime) -> int:
        """Send to audit (first time or after corrections, CERT-6); returns the fee due in CNY (CERT-4)."""
        self._require({Status.DRAFT, Status.REJECTED})
        due = self.currently_due()
        if due:
            raise errors.RequirementsMissing("provide what is currently due first", currently_due=due)
        self._check_profile(profile)
        assert profile is not None
        self.profile_snapshot = profile.model_dump(mode="json", include={"username", "avatar_url", "signature"})
        # CERT-4 decision: only the first submission of an application is charged; corrections are not.
        fee = FEE_CNY[self.certification_type] if self.submission_number == 0 else 0
        before = self.status
        self._enter_audit(calendar, now)
        self._log(actor, now, "submitted", before, {"submission": self.submission_number, "fee_cny": fee})
        self.record(ApplicationSubmitted(**self._facts(), channel=self.channel,
                                         submission_number=self.submission_number, fee_charged_cny=fee,
                                         review_due_at=self.review_due_at, renewal_of=self.renewal_of))
        return fee

    def _check_profile(self, profile: AccountSnapshot | None) -> None:
        if profile is None:
            raise errors.AccountUnknown("the platform has not told us about this account yet")
        if self.certification_type == CertificationType.REAL_NAME and not profile.real_name_verified:
            raise errors.RealNameNotVerified("verify your real name on the platform first")
        if self.certification_type == CertificationType.ENTERPRISE and not profile_consistent(
                self.fields.get("display_name", ""), profile.username):  # CERT-2
            raise errors.ProfileInconsistent(
                "the account's username must carry the certified display name",
                errors=[{"target": "display_name", "target_kind": "field", "code": "inconsistent_with_profile"}])

    def _enter_audit(self, calendar: WorkingCalendar, now: datetime) -> None:
        self.submission_number += 1
        self.status = Status.SUBMITTED
        self.review_due_at = calendar.add_working_days(now, REVIEW_WORKING_DAYS)  # CERT-5
        self.errors, self.correction_deadline, self.sla_breached = [], None, False
        self.claimed_by = self.lease_until = None

    # -- shared helpers --------------------------------------------------------------------------------

    def _set_fields(self, fields: dict[str, str]) -> None:
        unknown = set(fields) - ALLOWED_FIELDS
        if unknown:  # CERT-3: nothing beyond what the certification needs may be asked or kept
            raise errors.FieldNotAllowed(f"unknown fields: {', '.join(sorted(unknown))}")
        self.fields = {k: str(v).strip() for k, v in fields.items()}

    def _clear_error(self, target: str) -> None:
        self.errors = [e for e in self.errors if e["target"] != target]

    def _require(self, statuses: frozenset[Status] | set[Status]) -> None:
        if self.status not in statuses:
            raise errors.WrongStatus(f"the application is {self.status}", current_status=str(self.status))

    def _log(self, actor: Actor, now: datetime, action: str, before: Status | None,
             reason: dict[str, Any] | None = None) -> None:
        """CERT-12: every change and decision leaves a line in the audit trail (before → current status)."""
        self.history.append(HistoryEntry(self.id, now, actor, action, str(before) if before else None,
                                         str(self.status), reason))
        self.updated_at = now

    def _facts(self) -> dict[str, Any]:
        return {"application_id": self.id, "account_id": self.account_id,
                "certification_type": self.certification_type}
