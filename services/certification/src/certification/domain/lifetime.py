"""A held certification: expiry and reminders, renewal, profile re-review, cancelling, sister-app sync."""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from trust_common.contracts.certification import (
    ApplicationApproved, ApplicationStarted, BadgeSuspended, CancelledBy, CertificationCancelled,
    CertificationExpired, CertificationRenewed, CertificationType, Channel, ExpiryReminderDue, ReReviewOpened,
)
from trust_common.contracts.platform import AccountSnapshot

from certification.domain import errors
from certification.domain.calendar import WorkingCalendar, one_year_after
from certification.domain.records import Document
from certification.domain.requirements import profile_consistent
from certification.domain.states import IN_AUDIT, REVIEW_WORKING_DAYS, TERMINAL, Actor, Status

if TYPE_CHECKING:
    from certification.domain.model import Application

WATCHED_PROFILE_FIELDS = ("username", "avatar_url")  # CERT-2 decision


@dataclass(frozen=True)
class SisterCertification:
    """An enterprise certification held in the sister app (Toutiao), as its directory reports it (CERT-9)."""

    reference: str
    enterprise_name: str
    display_name: str
    valid_until: datetime


class LifetimeRules:
    """What happens to a certification after approval (CERT-2, CERT-8, CERT-9, CERT-10)."""

    @property
    def holds_certification(self: "Application") -> bool:
        """Certified, possibly under a profile re-review; not failed, expired, cancelled or renewed."""
        return self.certified_at is not None and self.status not in TERMINAL | {Status.FAILED}

    def remind_expiry(self: "Application", days_left: int, valid_until: datetime, actor: Actor,
                      now: datetime) -> bool:
        """CERT-8: remind 30, 7 and 1 days before the one-year validity ends (unless renewed meanwhile)."""
        if not self.holds_certification or self.valid_until != valid_until:
            return False
        self._log(actor, now, "expiry_reminder_due", self.status, {"days_left": days_left})
        self.record(ExpiryReminderDue(**self._facts(), days_left=days_left, valid_until=valid_until))
        return True

    def expire(self: "Application", valid_until: datetime, actor: Actor, now: datetime) -> bool:
        """CERT-8: an unrenewed certification expires by itself and the badge goes."""
        if not self.holds_certification or self.valid_until != valid_until or now < valid_until:
            return False
        before = self.status
        self.status, self.badge_active, self.claimed_by, self.lease_until = Status.EXPIRED, False, None, None
        self._log(actor, now, "expired", before)
        self.record(CertificationExpired(**self._facts(), expired_at=now))
        return True

    def renew(self: "Application", renewal: "Application", auditor: Actor, now: datetime) -> None:
        """CERT-8: the approved renewal carries the certification one more year from the old end.

        Only a certification that still stands is renewed: a cancelled (CERT-10), already renewed or
        failed one is not brought back (EMP-18 would restore its grants). An expired one is, when its
        renewal (started before the expiry, CERT-8) passes: the new year starts then."""
        assert self.valid_until is not None and renewal.renewal_of == self.id
        renewal._require_reviewer(auditor, now)  # a withdrawn renewal is refused as such first
        if not (self.holds_certification or self.status == Status.EXPIRED):
            raise errors.RenewalNotPossible(f"the certification being renewed is {self.status}",
                                            current_status=str(self.status))
        renewal.approve(auditor, now, valid_until=one_year_after(max(self.valid_until, now)))
        before = self.status
        self.status, self.badge_active = Status.RENEWED, False
        self._log(auditor, now, "renewed", before, {"renewed_by": renewal.id})
        renewal.record(CertificationRenewed(**renewal._facts(), renewal_of=self.id, valid_until=renewal.valid_until))

    def start_renewal(self: "Application", channel: Channel, actor: Actor, now: datetime) -> "Application":
        """CERT-8: a renewal application carrying this one's details and current documents."""
        self.check_renewable(now)
        renewal = type(self).start(self.account_id, CertificationType.ENTERPRISE, channel, dict(self.fields), actor,
                                   now, renewal_of=self.id)
        renewal.profile_snapshot = dict(self.profile_snapshot)
        for doc in self.current_documents():
            renewal.documents.append(Document(str(uuid.uuid4()), renewal.id, doc.kind, doc.storage_key,
                                              doc.media_type, doc.size, doc.sha256, now))
        self._log(actor, now, "renewal_started", self.status, {"renewal": renewal.id})
        return renewal

    def check_renewable(self: "Application", now: datetime) -> None:
        """CERT-8: renewal is a new review before expiry, for enterprise certifications."""
        if (self.certification_type != CertificationType.ENTERPRISE or self.status != Status.CERTIFIED
                or self.channel == Channel.SISTER_APP_SYNC or self.valid_until is None or now >= self.valid_until):
            raise errors.RenewalNotPossible("only a current, reviewed enterprise certification can be renewed")

    def open_rereview(self: "Application", profile: AccountSnapshot, calendar: WorkingCalendar, actor: Actor,
                      now: datetime) -> bool:
        """CERT-2 decision: a changed username or avatar sends a certified enterprise back to review;
        the badge stays for at most 2 working days."""
        changed = [f for f in WATCHED_PROFILE_FIELDS if self.profile_snapshot.get(f) != getattr(profile, f)]
        if (self.certification_type != CertificationType.ENTERPRISE or not self.holds_certification
                or not changed):
            return False
        self.profile_snapshot = profile.model_dump(mode="json", include={"username", "avatar_url", "signature"})
        if self.profile_changed and self.status in IN_AUDIT:  # under re-review: the snapshot is refreshed
            return False
        # A first change opens the re-review with 2 working days of badge grace; a change after a rejected
        # re-review (badge suspended) sends it back to review, the badge staying suspended until it passes.
        before, grace = self.status, not self.profile_changed
        self.profile_changed = True
        self._enter_audit(calendar, now)
        self.badge_grace_until = calendar.add_working_days(now, REVIEW_WORKING_DAYS) if grace else now
        self._log(actor, now, "rereview_opened", before, {"changed_fields": changed})
        self.record(ReReviewOpened(**self._facts(), changed_fields=changed, badge_grace_until=self.badge_grace_until))
        return True

    def end_badge_grace(self: "Application", submission_number: int, actor: Actor, now: datetime) -> bool:
        """CERT-2: the re-review did not pass within 2 working days: the badge is suspended until it does."""
        if (not self.profile_changed or not self.badge_active or self.status not in IN_AUDIT
                or self.submission_number != submission_number):
            return False
        self.badge_active = False
        self._log(actor, now, "badge_suspended", self.status, {"reason": "rereview_overdue"})
        self.record(BadgeSuspended(**self._facts(), reason="rereview_overdue"))
        return True

    def cancel(self: "Application", by: CancelledBy, actor: Actor, now: datetime,
               renewals: Iterable["Application"] = ()) -> None:
        """CERT-10: enterprise and personal can be cancelled (no refund, data kept); real-name cannot.

        `renewals`: the open renewal applications of this certification (CERT-8); they are withdrawn
        with it, so no later approval can bring a cancelled certification back."""
        if self.certification_type == CertificationType.REAL_NAME and by != CancelledBy.ACCOUNT_DELETED:
            raise errors.CancelNotAllowed("a real-name certification ends only when the account is deleted")
        if self.status in TERMINAL:
            raise errors.WrongStatus(f"the application is already {self.status}", current_status=str(self.status))
        was_certified = self.holds_certification
        before = self.status
        self.status, self.badge_active, self.claimed_by, self.lease_until = Status.CANCELLED, False, None, None
        self._log(actor, now, "cancelled", before, {"by": str(by)})
        self.record(CertificationCancelled(**self._facts(), cancelled_by=by, was_certified=was_certified))
        for renewal in renewals:
            if renewal.renewal_of == self.id and renewal.status not in TERMINAL:
                renewal.cancel(by, actor, now)

    @classmethod
    def sync_from_sister_app(cls, account_id: str, source: SisterCertification, profile: AccountSnapshot | None,
                             actor: Actor, now: datetime) -> "Application":
        """CERT-9: no new fee or review; consistent profiles; lasts as long as the source certification."""
        if profile is None:
            raise errors.AccountUnknown("the platform has not told us about this account yet")
        if source.valid_until <= now:
            raise errors.SyncRefused("the sister-app certification has ended")
        if not profile_consistent(source.display_name, profile.username):
            raise errors.SyncRefused("the account's username must carry the certified display name",
                                     errors=[{"target": "display_name", "target_kind": "field",
                                              "code": "inconsistent_with_profile"}])
        fields = {"enterprise_name": source.enterprise_name, "display_name": source.display_name}
        app = cls(str(uuid.uuid4()), account_id, CertificationType.ENTERPRISE,  # type: ignore[call-arg]
                  Channel.SISTER_APP_SYNC, fields, now)
        app.profile_snapshot = profile.model_dump(mode="json", include={"username", "avatar_url", "signature"})
        app.status, app.certified_at, app.badge_active = Status.CERTIFIED, now, True
        app.valid_until = source.valid_until  # CERT-9: as long as the source certification
        app._log(actor, now, "synced_from_sister_app", None, {"source": source.reference})
        app.record(ApplicationStarted(**app._facts(), channel=app.channel))
        app.record(ApplicationApproved(**app._facts(), certified_at=now, valid_until=source.valid_until,
                                       channel=app.channel))
        return app
