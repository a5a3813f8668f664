"""The application aggregate: drafted, submitted, reviewed, and once approved the certification it holds
(CERT-1 … CERT-12). The rules that need no application live in `policies`; this class applies them to its
state, moves its status, records its events and keeps its audit trail."""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from certification.domain import errors, policies
from certification.domain.calendar import WorkingCalendar, one_year_after
from certification.domain.records import Document, HistoryEntry, SisterCertification
from certification.domain.states import (
    CORRECTION_PERIOD,
    EDITABLE,
    FALSE_INFORMATION_FAILS_AT,
    IN_AUDIT,
    REOPEN_PERIOD,
    REVIEW_WORKING_DAYS,
    TERMINAL,
    Actor,
    Status,
)
from trust_common.contracts import certification as contract
from trust_common.contracts.certification import (
    CancelledBy,
    CertificationType,
    Channel,
    DocumentKind,
    FailureReason,
    ReasonCode,
    RejectionReason,
)
from trust_common.contracts.platform import AccountSnapshot
from trust_common.domain import Aggregate


class Application(Aggregate):
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
        self.fee_charged_cny: int = 0  # CERT-4
        self.fee_charged_at: datetime | None = None
        self.reopen_count = 0  # CERT-7 decision: at most two reopenings
        self.source_reference: str | None = None  # CERT-9: the sister-app certification a synced one follows
        self.created_at = self.updated_at = now
        self.documents: list[Document] = []
        self.history: list[HistoryEntry] = []

    # -- drafting (CERT-1, CERT-3, CERT-11) ----------------------------------------------------------------

    @classmethod
    def start(cls, account_id: str, certification_type: CertificationType, channel: Channel,
              fields: dict[str, str], actor: Actor, now: datetime, *, profile: AccountSnapshot | None,
              open_exists: bool) -> Application:
        """Open a draft; costs nothing (CERT-11: a 0-yuan enterprise account before certification).
        `open_exists`: the account has an open application of this type (CERT-1: one at a time)."""
        profile = policies.known_account(profile)  # CERT-2: refreshed again at submission
        if open_exists:
            raise errors.OpenApplicationExists(f"an open {certification_type} application exists already")
        app = cls._draft(account_id, certification_type, channel, fields, actor, now)
        app.profile_snapshot = policies.profile_snapshot(profile)
        return app

    @classmethod
    def _draft(cls, account_id: str, certification_type: CertificationType, channel: Channel,
               fields: dict[str, str], actor: Actor, now: datetime, renewal_of: str | None = None) -> Application:
        policies.check_channel(channel)
        app = cls(str(uuid.uuid4()), account_id, certification_type, channel, policies.clean_fields(fields), now,
                  renewal_of)
        app._log(actor, now, "started", None, {"channel": str(channel)})
        app.record(contract.ApplicationStarted(**app._facts(), channel=app.channel, renewal_of=renewal_of))
        return app

    def update_fields(self, fields: dict[str, str], actor: Actor, now: datetime) -> None:
        """CERT-6/CERT-7: a rejected field is corrected only by a new value (the same value again is not)."""
        self._require(EDITABLE)
        before = dict(self.fields)
        self.fields = policies.clean_fields({**self.fields, **fields})
        for name in fields:
            if self.fields.get(name) != before.get(name):
                self._clear_error(name)
        self._log(actor, now, "fields_updated", self.status, {"fields": sorted(fields)})
        self.record(contract.ApplicationFieldsUpdated(**self._facts(), field_names=sorted(fields)))

    def check_upload(self, kind: DocumentKind) -> None:
        """Refuse before any byte is stored: only documents this type asks for (CERT-3)."""
        self._require(EDITABLE)
        policies.check_document_kind(self.certification_type, kind)

    def attach_document(self, document: Document, actor: Actor, now: datetime) -> list[Document]:
        """A new upload of a kind replaces the previous one of that kind: its record is kept, marked superseded,
        and it is no longer served (issue 13: its file is deleted). Returns the replaced documents.
        A new version is what corrects a rejected document (CERT-6, CERT-7)."""
        self.check_upload(document.kind)
        replaced = [old for old in self.current_documents() if old.kind == document.kind]
        for old in replaced:
            old.superseded = True
        self.documents.append(document)
        self._clear_error(str(document.kind))
        self._log(actor, now, "document_uploaded", self.status, {"kind": str(document.kind),
                                                                   "document_id": document.id})
        self.record(contract.DocumentUploaded(**self._facts(), document_id=document.id, kind=document.kind))
        return replaced

    def current_documents(self) -> list[Document]:
        return [d for d in self.documents if not d.superseded]

    def currently_due(self) -> list[str]:
        """What must still be provided before the application can go (back) to audit."""
        return policies.currently_due(self.certification_type, [d.kind for d in self.current_documents()],
                                      self.fields, self.errors)

    # -- submission and audit (CERT-4 … CERT-7) ------------------------------------------------------------

    def submit(self, profile: AccountSnapshot | None, calendar: WorkingCalendar, actor: Actor,
               now: datetime) -> int:
        """Send to audit (first time or after corrections, CERT-6); returns the fee due in CNY (CERT-4)."""
        if self.status in IN_AUDIT:  # CERT-4: a repeated or raced submit never reaches the fee again
            raise errors.AlreadySubmitted("the application is already in audit; it is not charged again",
                                          current_status=str(self.status))
        self._require({Status.DRAFT, Status.REJECTED})
        self._clear_corrected_profile(profile)
        due = self.currently_due()
        if due:
            raise errors.RequirementsMissing("provide what is currently due first", currently_due=due)
        self.profile_snapshot = policies.check_applicant(self.certification_type, self.fields.get("display_name", ""),
                                                         profile)
        fee = policies.fee_due(self.certification_type, self.submission_number)
        if fee:  # CERT-4: the one charge of this application, shown on it for its whole life
            self.fee_charged_cny, self.fee_charged_at = fee, now
        before = self.status
        self._enter_audit(calendar, now)
        self._log(actor, now, "submitted", before, {"submission": self.submission_number, "fee_cny": fee})
        self.record(contract.ApplicationSubmitted(**self._facts(), channel=self.channel,
                                                  submission_number=self.submission_number, fee_charged_cny=fee,
                                                  review_due_at=self._due(), renewal_of=self.renewal_of))
        return fee

    def claim(self, auditor: Actor, now: datetime, lease: timedelta) -> None:
        """Lease the review to one auditor (CERT-5); the holder of the lease may renew it."""
        policies.check_claim(self.status, self.claimed_by, self.lease_until, auditor.id, now)
        before, renewed_lease = self.status, self.claimed_by == auditor.id and self.status == Status.IN_REVIEW
        self.status, self.claimed_by, self.lease_until = Status.IN_REVIEW, auditor.id, now + lease
        if renewed_lease:
            return
        self._log(auditor, now, "review_started", before, {"lease_until": self.lease_until.isoformat()})
        self.record(contract.ReviewStarted(**self._facts(), auditor_id=auditor.id, review_due_at=self._due()))

    @property
    def renews(self) -> str | None:
        """CERT-8: the certification an approval of this application replaces (a renewal's first review)."""
        return self.renewal_of if not self.profile_changed else None

    def approve(self, auditor: Actor, now: datetime, *, renewed: Application | None = None) -> None:
        """Pass the audit: certify (CERT-8: enterprise for one year), renew `renewed` (the certification
        `renews` names, row-locked), or end a profile re-review (CERT-2)."""
        if renewed is not None:
            renewed.renew(self, auditor, now)
            return
        policies.check_reviewer(self.status, self.claimed_by, self.lease_until, auditor.id, now)
        self._certify(auditor, now)

    def _certify(self, auditor: Actor, now: datetime, valid_until: datetime | None = None) -> None:
        before = self.status
        self.status, self.claimed_by, self.lease_until = Status.CERTIFIED, None, None
        self.badge_active, self.badge_grace_until = True, None
        if self.profile_changed:  # CERT-2: the re-review passed; validity is unchanged
            self.profile_changed = False
            self._log(auditor, now, "rereview_passed", before)
            self.record(contract.ReReviewPassed(**self._facts(), valid_until=self.valid_until))
            return
        self.certified_at = now
        if self.certification_type == CertificationType.ENTERPRISE:
            self.valid_until = valid_until or one_year_after(now)
        self._log(auditor, now, "approved", before, {"valid_until": self.valid_until and self.valid_until.isoformat()})
        if self.renewal_of is None:
            self.record(contract.ApplicationApproved(**self._facts(), certified_at=now, valid_until=self.valid_until,
                                                     channel=self.channel))

    def reject(self, auditor: Actor, reasons: list[RejectionReason], now: datetime) -> None:
        """Reject with reasons per document or field (CERT-6); the third false information fails it (CERT-7)."""
        policies.check_reviewer(self.status, self.claimed_by, self.lease_until, auditor.id, now)
        policies.check_rejection(self.certification_type, reasons)
        if self.is_rereview:
            self._reject_rereview(auditor, reasons, now)
            return
        before = self.status
        self.rejection_count += 1
        if any(r.code == ReasonCode.FALSE_INFORMATION for r in reasons):
            self.false_information_count += 1
        self.errors = [r.model_dump(mode="json") for r in reasons]
        self.claimed_by = self.lease_until = None
        self._log(auditor, now, "rejected", before, {"reasons": self.errors})
        if self.false_information_count >= FALSE_INFORMATION_FAILS_AT:  # CERT-7 decision
            self._fail(FailureReason.REPEATED_FALSE_INFORMATION, auditor, now)
            return
        self.status = Status.REJECTED
        self.correction_deadline = now + CORRECTION_PERIOD  # CERT-7: 10 days to correct
        self.record(contract.ApplicationRejected(**self._facts(), reasons=reasons,
                                                 correction_deadline=self.correction_deadline,
                                                 rejection_count=self.rejection_count,
                                                 false_information_count=self.false_information_count))

    @property
    def is_rereview(self) -> bool:
        """CERT-2: the review of a held certification whose profile changed (not an application's audit)."""
        return self.profile_changed and self.certified_at is not None

    def _reject_rereview(self, auditor: Actor, reasons: list[RejectionReason], now: datetime) -> None:
        """CERT-2 decision: a re-review that does not pass suspends the badge until one passes. It is not the
        CERT-7 path (no correction deadline, no failure): the certification stays, and so does its expiry
        (CERT-8). A further profile change sends it back to review (`open_rereview`)."""
        before = self.status
        self.status, self.claimed_by, self.lease_until = Status.CERTIFIED, None, None
        self.errors = [r.model_dump(mode="json") for r in reasons]
        self.badge_active, self.badge_grace_until = False, None
        self._log(auditor, now, "rereview_rejected", before, {"reasons": self.errors})
        self.record(contract.BadgeSuspended(**self._facts(), reason="rereview_rejected"))

    def miss_correction_deadline(self, rejection_number: int, actor: Actor, now: datetime) -> bool:
        """CERT-7: no accurate information within 10 days of that rejection fails the application."""
        if self.status != Status.REJECTED or self.rejection_count != rejection_number:
            return False
        self._fail(FailureReason.CORRECTION_DEADLINE_MISSED, actor, now)
        return True

    def _fail(self, reason: FailureReason, actor: Actor, now: datetime) -> None:
        before = self.status
        self.status, self.failure_reason = Status.FAILED, str(reason)
        self.correction_deadline, self.claimed_by, self.lease_until = None, None, None
        self.reopen_deadline = now + REOPEN_PERIOD  # CERT-7: reopen within 30 days
        self._log(actor, now, "failed", before, {"reason": str(reason)})
        self.record(contract.ApplicationFailed(**self._facts(), reason=reason, reopen_deadline=self.reopen_deadline))

    def reopen(self, calendar: WorkingCalendar, actor: Actor, now: datetime,
               profile: AccountSnapshot | None = None) -> None:
        """CERT-7: a failed application goes back to audit within 30 days; not charged again (CERT-4).

        CERT-7 decision (reopening): only after every item named in its last rejection has been changed (a new
        document version, a new field value, or for the profile a changed avatar/signature/username), and at
        most twice."""
        policies.check_reopen_window(self.status, self.reopen_deadline, now)
        policies.check_reopen_count(self.reopen_count)
        self._clear_corrected_profile(profile)
        if self.errors:
            uncorrected = sorted({policies.requirement(e) for e in self.errors})
            raise errors.CorrectionsMissing("change every item named in the last rejection first",
                                            uncorrected=uncorrected)
        due = self.currently_due()
        if due:
            raise errors.RequirementsMissing("provide what is currently due first", currently_due=due)
        self.reopen_count += 1
        before = self.status
        # CERT-7 decision: the count of false information is the application's and survives reopening,
        # so fail → reopen → fail cannot go round for free (the next false information fails it again).
        self.failure_reason, self.reopen_deadline = None, None
        self._enter_audit(calendar, now)
        self._log(actor, now, "reopened", before, {"submission": self.submission_number})
        self.record(contract.ApplicationReopened(**self._facts(), review_due_at=self._due()))

    def close_reopen_window(self, actor: Actor, now: datetime) -> bool:
        """CERT-7: after 30 days only a new, newly charged application remains."""
        if self.status != Status.FAILED or self.reopen_deadline is None or now < self.reopen_deadline:
            return False
        before, self.status = self.status, Status.CLOSED
        self._log(actor, now, "reopen_window_closed", before)
        self.record(contract.ReopenWindowClosed(**self._facts(), closed_at=now))
        return True

    def mark_sla_breached(self, submission_number: int, actor: Actor, now: datetime) -> bool:
        """CERT-5: still undecided when the 2 working days are over; counted once per submission."""
        if self.status not in IN_AUDIT or self.submission_number != submission_number or self.sla_breached:
            return False
        self.sla_breached = True
        self._log(actor, now, "review_sla_breached", self.status, {"review_due_at": self._due().isoformat()})
        self.record(contract.ReviewSlaBreached(**self._facts(), submission_number=submission_number,
                                               review_due_at=self._due()))
        return True

    # -- a held certification (CERT-2, CERT-8, CERT-9, CERT-10) ------------------------------------------

    @property
    def holds_certification(self) -> bool:
        """Certified, possibly under a profile re-review; not failed, expired, cancelled or renewed."""
        return self.certified_at is not None and self.status not in TERMINAL | {Status.FAILED}

    def remind_expiry(self, days_left: int, valid_until: datetime, actor: Actor, now: datetime) -> bool:
        """CERT-8: remind 30, 7 and 1 days before the one-year validity ends (unless renewed meanwhile)."""
        if not self.holds_certification or self.valid_until != valid_until:
            return False
        self._log(actor, now, "expiry_reminder_due", self.status, {"days_left": days_left})
        self.record(contract.ExpiryReminderDue(**self._facts(), days_left=days_left, valid_until=valid_until))
        return True

    def expire(self, valid_until: datetime, actor: Actor, now: datetime) -> bool:
        """CERT-8: an unrenewed certification expires by itself and the badge goes."""
        if not self.holds_certification or self.valid_until != valid_until or now < valid_until:
            return False
        before = self.status
        self.status, self.badge_active, self.claimed_by, self.lease_until = Status.EXPIRED, False, None, None
        self._log(actor, now, "expired", before)
        self.record(contract.CertificationExpired(**self._facts(), expired_at=now))
        return True

    def start_renewal(self, channel: Channel, actor: Actor, now: datetime, *, renewal_open: bool) -> Application:
        """CERT-8: a renewal application carrying this one's details and current documents;
        `renewal_open`: a renewal of this certification is open already."""
        policies.check_renewable(self.certification_type, self.status, self.channel, self.valid_until, now)
        if renewal_open:
            raise errors.RenewalNotPossible("a renewal of this certification is already open")
        renewal = self._draft(self.account_id, CertificationType.ENTERPRISE, channel, dict(self.fields), actor, now,
                              renewal_of=self.id)
        renewal.profile_snapshot = dict(self.profile_snapshot)
        for doc in self.current_documents():
            renewal.documents.append(Document(str(uuid.uuid4()), renewal.id, doc.kind, doc.storage_key,
                                              doc.media_type, doc.size, doc.sha256, now))
        self._log(actor, now, "renewal_started", self.status, {"renewal": renewal.id})
        return renewal

    def renew(self, renewal: Application, auditor: Actor, now: datetime) -> None:
        """CERT-8: the approved renewal carries the certification one more year from the old end.

        Only a certification that still stands is renewed: a cancelled (CERT-10), already renewed or
        failed one is not brought back (EMP-18 would restore its grants). An expired one is, when its
        renewal (started before the expiry, CERT-8) passes: the new year starts then."""
        assert self.valid_until is not None and renewal.renewal_of == self.id
        # a withdrawn renewal is refused as such first
        policies.check_reviewer(renewal.status, renewal.claimed_by, renewal.lease_until, auditor.id, now)
        if not (self.holds_certification or self.status == Status.EXPIRED):
            raise errors.RenewalNotPossible(f"the certification being renewed is {self.status}",
                                            current_status=str(self.status))
        renewal._certify(auditor, now, valid_until=policies.renewed_until(self.valid_until, now))
        before = self.status
        self.status, self.badge_active = Status.RENEWED, False
        self._log(auditor, now, "renewed", before, {"renewed_by": renewal.id})
        renewal.record(contract.CertificationRenewed(**renewal._facts(), renewal_of=self.id,
                                                     valid_until=renewal.valid_until))

    def open_rereview(self, profile: AccountSnapshot, calendar: WorkingCalendar, actor: Actor, now: datetime) -> bool:
        """CERT-2 decision: a changed username or avatar sends a certified enterprise back to review;
        the badge stays for at most 2 working days."""
        changed = policies.changed_profile_fields(self.profile_snapshot, profile)
        if self.certification_type != CertificationType.ENTERPRISE or not self.holds_certification or not changed:
            return False
        self.profile_snapshot = {**self.profile_snapshot, **policies.profile_snapshot(profile)}
        return self._rereview(changed, calendar, actor, now)

    def _rereview(self, changed: list[str], calendar: WorkingCalendar, actor: Actor, now: datetime) -> bool:
        if self.profile_changed and self.status in IN_AUDIT:  # under re-review: the snapshot is refreshed
            return False
        # A first change opens the re-review with 2 working days of badge grace; a change after a rejected
        # re-review (badge suspended) sends it back to review, the badge staying suspended until it passes.
        before, grace = self.status, not self.profile_changed
        self.profile_changed = True
        self._enter_audit(calendar, now)
        self.badge_grace_until = calendar.add_working_days(now, REVIEW_WORKING_DAYS) if grace else now
        self._log(actor, now, "rereview_opened", before, {"changed_fields": changed})
        self.record(contract.ReReviewOpened(**self._facts(), changed_fields=changed,
                                            badge_grace_until=self.badge_grace_until))
        return True

    def end_badge_grace(self, submission_number: int, actor: Actor, now: datetime) -> bool:
        """CERT-2: the re-review did not pass within 2 working days: the badge is suspended until it does."""
        if (not self.profile_changed or not self.badge_active or self.status not in IN_AUDIT
                or self.submission_number != submission_number):
            return False
        self.badge_active = False
        self._log(actor, now, "badge_suspended", self.status, {"reason": "rereview_overdue"})
        self.record(contract.BadgeSuspended(**self._facts(), reason="rereview_overdue"))
        return True

    def cancel(self, by: CancelledBy, actor: Actor, now: datetime, renewals: Iterable[Application] = ()) -> None:
        """CERT-10: enterprise and personal can be cancelled (no refund, data kept); real-name cannot.

        `renewals`: the open renewal applications of this certification (CERT-8); they are withdrawn
        with it, so no later approval can bring a cancelled certification back."""
        policies.check_cancel(self.certification_type, by)
        if self.status in TERMINAL:
            raise errors.WrongStatus(f"the application is already {self.status}", current_status=str(self.status))
        was_certified = self.holds_certification
        before = self.status
        self.status, self.badge_active, self.claimed_by, self.lease_until = Status.CANCELLED, False, None, None
        self._log(actor, now, "cancelled", before, {"by": str(by)})
        self.record(contract.CertificationCancelled(**self._facts(), cancelled_by=by, was_certified=was_certified))
        for renewal in renewals:
            if renewal.renewal_of == self.id and renewal.status not in TERMINAL:
                renewal.cancel(by, actor, now)

    @classmethod
    def sync_from_sister_app(cls, account_id: str, source: SisterCertification | None,
                             profile: AccountSnapshot | None, actor: Actor, now: datetime, *,
                             open_exists: bool) -> Application:
        """CERT-9: no new fee or review; the sister-app account is a login method of the account; both
        profiles consistent with the certification; lasts as long as the source (`follow_source`).
        `open_exists`: the account has an open enterprise application or certification (CERT-1)."""
        source = policies.associated(source)
        if open_exists:
            raise errors.OpenApplicationExists("an open enterprise application or certification exists already",
                                               rule="CERT-9")
        profile, result = policies.check_sister_certification(source, profile, now)
        fields = {"enterprise_name": source.enterprise_name, "display_name": source.display_name}
        app = cls(str(uuid.uuid4()), account_id, CertificationType.ENTERPRISE, Channel.SISTER_APP_SYNC, fields, now)
        app.profile_snapshot = {**policies.profile_snapshot(profile), "name_check": result,
                                "sister_app": policies.sister_profile(source)}
        app.source_reference = source.reference
        app.status, app.certified_at, app.badge_active = Status.CERTIFIED, now, True
        app.valid_until = source.valid_until  # CERT-9: as long as the source certification
        app._log(actor, now, "synced_from_sister_app", None, {"source": source.reference})
        app.record(contract.ApplicationStarted(**app._facts(), channel=app.channel))
        app.record(contract.ApplicationApproved(**app._facts(), certified_at=now, valid_until=source.valid_until,
                                                channel=app.channel))
        return app

    def follow_source(self, source: SisterCertification, calendar: WorkingCalendar, actor: Actor,
                      now: datetime) -> bool:
        """CERT-9 decision: a synced certification follows its source for its whole life: the source's renewal
        extends it, its cancellation or expiry ends it, a divergence of the two profiles sends it to re-review
        (as CERT-2). Returns whether anything changed (its deadlines are then rescheduled)."""
        if (self.channel != Channel.SISTER_APP_SYNC or self.source_reference != source.reference
                or not self.holds_certification):
            return False
        if not source.active:
            before = self.status
            self.status, self.badge_active, self.claimed_by, self.lease_until = Status.EXPIRED, False, None, None
            self._log(actor, now, "source_ended", before, {"source": source.reference, "source_status": source.status})
            self.record(contract.CertificationExpired(**self._facts(), expired_at=now,
                                                      ended_with_source=f"source_{source.status}"))
            return True
        changed = False
        if source.valid_until != self.valid_until:
            self.valid_until, changed = source.valid_until, True
            self._log(actor, now, "source_renewed", self.status, {"source": source.reference,
                                                                   "valid_until": source.valid_until.isoformat()})
            self.record(contract.CertificationRenewed(**self._facts(), renewal_of=self.id,
                                                      valid_until=source.valid_until))
        diverged = policies.changed_sister_profile(self.profile_snapshot.get("sister_app", {}), source)
        if diverged:
            self.profile_snapshot = {**self.profile_snapshot, "sister_app": policies.sister_profile(source)}
            changed = self._rereview(diverged, calendar, actor, now) or changed
        return changed

    # -- shared steps --------------------------------------------------------------------------------------

    def _enter_audit(self, calendar: WorkingCalendar, now: datetime) -> None:
        self.submission_number += 1
        self.status = Status.SUBMITTED
        self.review_due_at = calendar.add_working_days(now, REVIEW_WORKING_DAYS)  # CERT-5
        self.errors, self.correction_deadline, self.sla_breached = [], None, False
        self.claimed_by = self.lease_until = None

    def _due(self) -> datetime:
        """The review's due time (CERT-5), set whenever the application is in audit."""
        assert self.review_due_at is not None
        return self.review_due_at

    def _clear_corrected_profile(self, profile: AccountSnapshot | None) -> None:
        """CERT-2: a rejected avatar, signature or username is corrected on the platform's profile."""
        if profile is not None:
            named = [e["target"] for e in self.errors if e["target_kind"] == "field"]
            changed = policies.changed_profile_targets(self.profile_snapshot, profile, named)
            self.errors = [e for e in self.errors if not (e["target_kind"] == "field" and e["target"] in changed)]

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
