"""The enterprise: its certification as certification reports it (EMP-18) and its seats (EMP-2)."""
from __future__ import annotations

from datetime import datetime

from employee_accounts.domain.catalogue import quota_for
from employee_accounts.domain.errors import EnterpriseNotCertified, QuotaExhausted
from trust_common.contracts import employee_accounts as ev
from trust_common.domain import Aggregate


class Enterprise(Aggregate):
    """An enterprise is its main platform account; certification status comes from certification events."""

    def __init__(self, id: str, now: datetime) -> None:
        self.id = id
        self.certified = False
        self.certification_id: str | None = None
        self.valid_until: datetime | None = None
        self.grants_suspended = False
        self.created_at = self.updated_at = now

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
        """EMP-18: a lapsed (or never certified) enterprise grants nothing new."""
        if not self.certified:
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
