"""The enterprise (projection of its certification, EMP-18), its positions and departments (EMP-11)."""
from __future__ import annotations

from datetime import datetime

from trust_common.contracts import employee_accounts as ev
from trust_common.domain import Aggregate

from employee_accounts.domain.catalogue import quota_for
from employee_accounts.domain.errors import DepartmentInvalid, EnterpriseNotCertified, QuotaExhausted
from employee_accounts.domain.values import Permissions


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

    def require_seat(self, growth_level: str | None, seats_used: int) -> None:
        """EMP-2: both kinds together, pending invitations included, never above the growth level's quota."""
        limit = quota_for(growth_level)
        if seats_used >= limit:
            raise QuotaExhausted(f"the quota of {limit} employee accounts for growth level {growth_level or 'none'} "
                                 f"is used up", limit=limit, used=seats_used)


class Position(Aggregate):
    """EMP-11: a name plus a set of permissions (EMP-3 tools, EMP-4 modules)."""

    def __init__(self, *, id: str, enterprise_id: str, name: str, permissions: Permissions, now: datetime) -> None:
        self.id, self.enterprise_id, self.name = id, enterprise_id, name
        self.tools, self.modules = permissions.as_lists()
        self.created_at = self.updated_at = now
        self._record_saved()

    @property
    def permissions(self) -> Permissions:
        return Permissions.parse(self.tools, self.modules)

    def change(self, name: str, permissions: Permissions, now: datetime) -> None:
        self.name = name
        self.tools, self.modules = permissions.as_lists()
        self.updated_at = now
        self._record_saved()

    def _record_saved(self) -> None:
        self.record(ev.PositionSaved(position_id=self.id, enterprise_id=self.enterprise_id, name=self.name,
                                     tools=list(self.tools), modules=list(self.modules)))


class Department(Aggregate):
    """EMP-11: a node of the enterprise's department tree."""

    def __init__(self, *, id: str, enterprise_id: str, name: str, parent: "Department | None", now: datetime) -> None:
        self.id, self.enterprise_id, self.name = id, enterprise_id, name
        self.parent_id = self._checked_parent(parent)
        self.created_at = self.updated_at = now
        self._record_saved()

    def move(self, parent: "Department | None", ancestors_of_parent: list[str], now: datetime) -> None:
        """EMP-11: re-parent without ever making a cycle."""
        if parent is not None and (parent.id == self.id or self.id in ancestors_of_parent):
            raise DepartmentInvalid("a department cannot be moved under itself or one of its sub-departments")
        self.parent_id, self.updated_at = self._checked_parent(parent), now
        self._record_saved()

    def _checked_parent(self, parent: "Department | None") -> str | None:
        if parent is not None and parent.enterprise_id != self.enterprise_id:
            raise DepartmentInvalid("the parent department belongs to another enterprise")
        return parent.id if parent else None

    def _record_saved(self) -> None:
        self.record(ev.DepartmentSaved(department_id=self.id, enterprise_id=self.enterprise_id, name=self.name,
                                       parent_id=self.parent_id))
