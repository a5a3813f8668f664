"""The enterprise: its certification as certification reports it (EMP-18) and its seats (EMP-2)."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from employee_accounts.domain.catalogue import quota_for
from employee_accounts.domain.errors import EnterpriseNotCertified, EnterpriseUncertified, QuotaExhausted
from trust_common.contracts import employee_accounts as ev
from trust_common.domain import Aggregate


class CertificationState(StrEnum):
    """Issue 15: the enterprise's certification as this service sees it."""

    CERTIFIED = "certified"
    SUSPENDED = "suspended"  # was certified; expired or cancelled, grants suspended (EMP-18)
    UNCERTIFIED = "uncertified"  # never certified: a free enterprise account (CERT-11), or nothing known yet


class Enterprise(Aggregate):
    """An enterprise is its main platform account; certification status comes from certification events."""

    def __init__(self, id: str, now: datetime) -> None:
        self.id = id
        self.certified = False
        self.certification_id: str | None = None
        self.valid_until: datetime | None = None
        self.grants_suspended = False
        self.free_account_opened_at: datetime | None = None  # CERT-11
        # Issue 15: since when the state holds, and the certification event that set it.
        self.state_since: datetime | None = None
        self.state_event_type: str | None = None
        self.state_event_id: str | None = None
        self.created_at = self.updated_at = now

    @property
    def certification_state(self) -> CertificationState:
        if self.certified:
            return CertificationState.CERTIFIED
        if self.certification_id is not None:
            return CertificationState.SUSPENDED
        return CertificationState.UNCERTIFIED

    def caused_by(self, event_type: str, event_id: str, at: datetime) -> None:
        """Issue 15: remember the event behind a change of the state (a repeat of the same state keeps its
        origin)."""
        self.state_since, self.state_event_type, self.state_event_id = at, event_type, event_id

    def open_free_account(self, opened_at: datetime, now: datetime) -> bool:
        """CERT-11: the free ("0-yuan") enterprise account; it stays uncertified until a certification upgrades
        it. Changes nothing once certified."""
        if self.free_account_opened_at is not None or self.certification_id is not None:
            return False
        self.free_account_opened_at, self.updated_at = opened_at, now
        return True

    def certify(self, application_id: str, valid_until: datetime | None, now: datetime,
                employee_account_ids: list[str]) -> None:
        """Certified or renewed: suspended grants apply again (EMP-18)."""
        self.certified, self.certification_id, self.valid_until = True, application_id, valid_until
        self.updated_at = now
        if self.grants_suspended:
            self.grants_suspended = False
            self.record(ev.EnterpriseGrantsRestored(enterprise_id=self.id, employee_account_ids=employee_account_ids))

    def lapse(self, application_id: str, reason: str, now: datetime, employee_account_ids: list[str]) -> bool:
        """EMP-18: expired or cancelled: grants are suspended, not deleted. Other applications are ignored."""
        if not self.certified or application_id != self.certification_id:
            return False
        self.certified, self.updated_at = False, now
        if not self.grants_suspended:
            self.grants_suspended = True
            self.record(ev.EnterpriseGrantsSuspended(enterprise_id=self.id, employee_account_ids=employee_account_ids,
                                                     reason=reason))
        return True

    def require_certified(self) -> None:
        """CERT-11: an uncertified enterprise (the free account, or never certified) has no employee accounts;
        EMP-18: a lapsed one grants nothing new."""
        if self.certified:
            return
        if self.certification_id is None:
            raise EnterpriseUncertified("employee accounts need an enterprise certification; the enterprise account "
                                        "is uncertified")
        raise EnterpriseNotCertified("the enterprise certification is not in force; renew it to grant again")

    def require_new_seat(self, growth_level: str | None, seats_used: int) -> None:
        """EMP-18 then EMP-2: a certified enterprise with a seat left grants a new account or invitation."""
        self.require_certified()
        self.require_seat(growth_level, seats_used)

    def require_seat(self, growth_level: str | None, seats_used: int) -> None:
        """EMP-2: both kinds together, pending invitations included, never above the growth level's quota."""
        limit = quota_for(growth_level)
        if seats_used >= limit:
            raise QuotaExhausted(f"the quota of {limit} employee accounts for growth level {growth_level or 'none'} "
                                 f"is used up", limit=limit, used=seats_used)
