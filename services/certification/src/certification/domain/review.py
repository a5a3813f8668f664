"""The audit of an application: claim with a lease, approve, reject with reasons, fail, reopen."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from trust_common.contracts.certification import (
    ApplicationApproved, ApplicationFailed, ApplicationRejected, ApplicationReopened, BadgeSuspended,
    CertificationType, FailureReason, ReasonCode, RejectionReason, ReopenWindowClosed, ReReviewPassed,
    ReviewSlaBreached, ReviewStarted,
)

from certification.domain import errors
from certification.domain.calendar import WorkingCalendar, one_year_after
from certification.domain.requirements import ALLOWED_FIELDS, allowed_documents
from certification.domain.states import (
    CORRECTION_PERIOD, FALSE_INFORMATION_FAILS_AT, IN_AUDIT, REOPEN_PERIOD, Actor, Status,
)

if TYPE_CHECKING:
    from certification.domain.model import Application


class ReviewRules:
    """Auditor decisions on an application (CERT-5, CERT-6, CERT-7)."""

    def claim(self: "Application", auditor: Actor, now: datetime, lease: timedelta) -> None:
        """Lease the review to one auditor; another may take it only when the lease has run out."""
        if self.status == Status.IN_REVIEW and self.claimed_by != auditor.id and self.lease_until \
                and self.lease_until > now:
            raise errors.ReviewLeasedElsewhere("another auditor is reviewing this application",
                                               lease_until=self.lease_until.isoformat())
        self._require(IN_AUDIT)
        before, renewed_lease = self.status, self.claimed_by == auditor.id and self.status == Status.IN_REVIEW
        self.status, self.claimed_by, self.lease_until = Status.IN_REVIEW, auditor.id, now + lease
        if renewed_lease:
            return
        self._log(auditor, now, "review_started", before, {"lease_until": self.lease_until.isoformat()})
        assert self.review_due_at is not None
        self.record(ReviewStarted(**self._facts(), auditor_id=auditor.id, review_due_at=self.review_due_at))

    def _require_reviewer(self: "Application", auditor: Actor, now: datetime) -> None:
        if self.status != Status.IN_REVIEW:
            raise errors.WrongStatus("claim the application before deciding", current_status=str(self.status))
        if self.claimed_by != auditor.id or (self.lease_until is not None and self.lease_until <= now):
            raise errors.ReviewLeasedElsewhere("your lease on this review is not held (or has run out)")

    def approve(self: "Application", auditor: Actor, now: datetime, *, valid_until: datetime | None = None) -> None:
        """Pass the audit: certify (CERT-8: enterprise for one year) or end a profile re-review (CERT-2)."""
        self._require_reviewer(auditor, now)
        before = self.status
        self.status, self.claimed_by, self.lease_until = Status.CERTIFIED, None, None
        self.badge_active, self.badge_grace_until = True, None
        if self.profile_changed:  # CERT-2: the re-review passed; validity is unchanged
            self.profile_changed = False
            self._log(auditor, now, "rereview_passed", before)
            self.record(ReReviewPassed(**self._facts(), valid_until=self.valid_until))
            return
        self.certified_at = now
        if self.certification_type == CertificationType.ENTERPRISE:
            self.valid_until = valid_until or one_year_after(now)
        self._log(auditor, now, "approved", before, {"valid_until": self.valid_until and self.valid_until.isoformat()})
        if self.renewal_of is None:
            self.record(ApplicationApproved(**self._facts(), certified_at=now, valid_until=self.valid_until,
                                            channel=self.channel))

    def reject(self: "Application", auditor: Actor, reasons: list[RejectionReason], now: datetime) -> None:
        """Reject with reasons per document or field (CERT-6); the third false information fails it (CERT-7)."""
        self._require_reviewer(auditor, now)
        if not reasons:
            raise errors.RejectionWithoutReasons("name at least one document or field and a reason code")
        self._check_targets(reasons)
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
        self.record(ApplicationRejected(**self._facts(), reasons=reasons, correction_deadline=self.correction_deadline,
                                        rejection_count=self.rejection_count,
                                        false_information_count=self.false_information_count))

    @property
    def is_rereview(self: "Application") -> bool:
        """CERT-2: the review of a held certification whose profile changed (not an application's audit)."""
        return self.profile_changed and self.certified_at is not None

    def _reject_rereview(self: "Application", auditor: Actor, reasons: list[RejectionReason], now: datetime) -> None:
        """CERT-2 decision: a re-review that does not pass suspends the badge until one passes. It is not the
        CERT-7 path (no correction deadline, no failure): the certification stays, and so does its expiry
        (CERT-8). A further profile change sends it back to review (`open_rereview`)."""
        before = self.status
        self.status, self.claimed_by, self.lease_until = Status.CERTIFIED, None, None
        self.errors = [r.model_dump(mode="json") for r in reasons]
        self.badge_active, self.badge_grace_until = False, None
        self._log(auditor, now, "rereview_rejected", before, {"reasons": self.errors})
        self.record(BadgeSuspended(**self._facts(), reason="rereview_rejected"))

    def _check_targets(self: "Application", reasons: list[RejectionReason]) -> None:
        """Each reason names something the applicant can correct: an asked-for document or a known field."""
        documents = {str(k) for k in allowed_documents(self.certification_type)}
        for r in reasons:
            known = documents if r.target_kind == "document" else ALLOWED_FIELDS
            if r.target not in known:
                raise errors.UnknownRejectionTarget(f"{r.target_kind} {r.target!r} is not part of this application")

    def miss_correction_deadline(self: "Application", rejection_number: int, actor: Actor, now: datetime) -> bool:
        """CERT-7: no accurate information within 10 days of that rejection fails the application."""
        if self.status != Status.REJECTED or self.rejection_count != rejection_number:
            return False
        self._fail(FailureReason.CORRECTION_DEADLINE_MISSED, actor, now)
        return True

    def _fail(self: "Application", reason: FailureReason, actor: Actor, now: datetime) -> None:
        before = self.status
        self.status, self.failure_reason = Status.FAILED, str(reason)
        self.correction_deadline, self.claimed_by, self.lease_until = None, None, None
        self.reopen_deadline = now + REOPEN_PERIOD  # CERT-7: reopen within 30 days
        self._log(actor, now, "failed", before, {"reason": str(reason)})
        self.record(ApplicationFailed(**self._facts(), reason=reason, reopen_deadline=self.reopen_deadline))

    def reopen(self: "Application", calendar: WorkingCalendar, actor: Actor, now: datetime) -> None:
        """CERT-7: a failed application goes back to audit within 30 days; not charged again (CERT-4)."""
        if self.status == Status.CLOSED or (
                self.status == Status.FAILED and self.reopen_deadline and now > self.reopen_deadline):
            raise errors.ReopenWindowClosed("the 30 days after the failure are over",
                                            reopen_deadline=self.reopen_deadline and self.reopen_deadline.isoformat())
        self._require({Status.FAILED})
        due = self.currently_due()
        if [d for d in due if not self._is_error_target(d)]:
            raise errors.RequirementsMissing("provide what is currently due first", currently_due=due)
        before = self.status
        # CERT-7 decision: the count of false information is the application's and survives reopening,
        # so fail → reopen → fail cannot go round for free (the next false information fails it again).
        self.failure_reason, self.reopen_deadline = None, None
        self._enter_audit(calendar, now)
        self._log(actor, now, "reopened", before, {"submission": self.submission_number})
        assert self.review_due_at is not None
        self.record(ApplicationReopened(**self._facts(), review_due_at=self.review_due_at))

    def _is_error_target(self: "Application", due: str) -> bool:
        return any(due.endswith("." + e["target"]) for e in self.errors)

    def close_reopen_window(self: "Application", actor: Actor, now: datetime) -> bool:
        """CERT-7: after 30 days only a new, newly charged application remains."""
        if self.status != Status.FAILED or self.reopen_deadline is None or now < self.reopen_deadline:
            return False
        before, self.status = self.status, Status.CLOSED
        self._log(actor, now, "reopen_window_closed", before)
        self.record(ReopenWindowClosed(**self._facts(), closed_at=now))
        return True

    def mark_sla_breached(self: "Application", submission_number: int, actor: Actor, now: datetime) -> bool:
        """CERT-5: still undecided when the 2 working days are over; counted once per submission."""
        if self.status not in IN_AUDIT or self.submission_number != submission_number or self.sla_breached:
            return False
        self.sla_breached = True
        assert self.review_due_at is not None
        self._log(actor, now, "review_sla_breached", self.status, {"review_due_at": self.review_due_at.isoformat()})
        self.record(ReviewSlaBreached(**self._facts(), submission_number=submission_number,
                                      review_due_at=self.review_due_at))
        return True
