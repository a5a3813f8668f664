"""Authorising a personal account (EMP-12): a 48-hour invitation the invitee answers once."""
from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from employee_accounts.domain.errors import InvitationClosed, InvitationRefused, ValidityRefused
from employee_accounts.domain.policies import require_validity_settable
from employee_accounts.domain.values import ClientInfo, Permissions
from trust_common.contracts import employee_accounts as ev
from trust_common.domain import Aggregate

ANSWER_WINDOW = timedelta(hours=48)


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"


class Invitation(Aggregate):
    """One invitation of one personal account by one enterprise."""

    def __init__(self, *, id: str, enterprise_id: str, personal_account_id: str, permissions: Permissions,
                 valid_until: datetime | None, now: datetime) -> None:
        self.id, self.enterprise_id, self.personal_account_id = id, enterprise_id, personal_account_id
        _, self.modules = permissions.as_lists()
        self.valid_until = valid_until
        self.status = InvitationStatus.PENDING
        self.expires_at = now + ANSWER_WINDOW
        self.employee_account_id: str | None = None
        self.created_at = self.updated_at = now
        self.record(ev.InvitationSent(**self._ids(), modules=list(self.modules), expires_at=self.expires_at,
                                      valid_until=valid_until))

    @classmethod
    def send(cls, *, id: str, enterprise_id: str, personal_account_id: str, permissions: Permissions,
             agreement_accepted: bool, valid_until: datetime | None, client: ClientInfo,
             now: datetime) -> Invitation:
        """EMP-12: modules chosen, agreement accepted; a validity period only from the PC back office."""
        if not agreement_accepted:
            raise InvitationRefused("accept the business authorisation agreement to invite")
        if not permissions.modules:
            raise InvitationRefused("choose at least one module to authorise")
        if permissions.tools:
            raise InvitationRefused("an invitation authorises back-office modules only")
        if valid_until is not None:
            require_validity_settable(valid_until, client, now)
        elif client.is_pc_back_office:
            # EMP-21: required from the PC back office (none from the mobile app).
            raise ValidityRefused("an authorisation made from the PC back office needs a validity period")
        if personal_account_id == enterprise_id:
            raise InvitationRefused("the main account cannot invite itself")
        return cls(id=id, enterprise_id=enterprise_id, personal_account_id=personal_account_id,
                   permissions=permissions, valid_until=valid_until, now=now)

    def accept(self, employee_account_id: str, now: datetime) -> None:
        """EMP-12: details submitted within 48 hours."""
        self._require_open(now)
        self.status, self.employee_account_id, self.updated_at = InvitationStatus.ACCEPTED, employee_account_id, now
        self.record(ev.InvitationAccepted(**self._ids(), employee_account_id=employee_account_id))

    def decline(self, now: datetime) -> None:
        self._require_open(now)
        self.status, self.updated_at = InvitationStatus.DECLINED, now
        self.record(ev.InvitationDeclined(**self._ids()))

    def withdraw(self, now: datetime) -> None:
        self._require_open(now)
        self.status, self.updated_at = InvitationStatus.WITHDRAWN, now
        self.record(ev.InvitationWithdrawn(**self._ids()))

    def lapse(self, now: datetime) -> bool:
        """EMP-12: the 48-hour timer fired; only a still-pending invitation lapses, and only once."""
        if self.status is not InvitationStatus.PENDING:
            return False
        self.status, self.updated_at = InvitationStatus.LAPSED, now
        self.record(ev.InvitationLapsed(**self._ids()))
        return True

    def _require_open(self, now: datetime) -> None:
        if self.status is InvitationStatus.PENDING and now >= self.expires_at:
            # The timer may not have fired yet; the deadline is still the deadline.
            self.lapse(now)
        if self.status is not InvitationStatus.PENDING:
            raise InvitationClosed(f"the invitation is {self.status}; the enterprise must send a new one",
                                   current_status=str(self.status))

    def _ids(self) -> dict[str, str]:
        return {"invitation_id": self.id, "enterprise_id": self.enterprise_id,
                "personal_account_id": self.personal_account_id}
