"""A department of an enterprise (EMP-11): a node of its department tree."""
from __future__ import annotations

from datetime import datetime

from employee_accounts.domain.errors import DepartmentInvalid
from trust_common.contracts import employee_accounts as ev
from trust_common.domain import Aggregate


class Department(Aggregate):
    """EMP-11: a node of the enterprise's department tree."""

    def __init__(self, *, id: str, enterprise_id: str, name: str, parent: Department | None, now: datetime) -> None:
        self.id, self.enterprise_id, self.name = id, enterprise_id, name
        self.parent_id = self._checked_parent(parent)
        self.created_at = self.updated_at = now
        self._record_saved()

    def move(self, parent: Department | None, ancestors_of_parent: list[str], now: datetime) -> None:
        """EMP-11: re-parent without ever making a cycle."""
        if parent is not None and (parent.id == self.id or self.id in ancestors_of_parent):
            raise DepartmentInvalid("a department cannot be moved under itself or one of its sub-departments")
        self.parent_id, self.updated_at = self._checked_parent(parent), now
        self._record_saved()

    def _checked_parent(self, parent: Department | None) -> str | None:
        if parent is not None and parent.enterprise_id != self.enterprise_id:
            raise DepartmentInvalid("the parent department belongs to another enterprise")
        return parent.id if parent else None

    def _record_saved(self) -> None:
        self.record(ev.DepartmentSaved(department_id=self.id, enterprise_id=self.enterprise_id, name=self.name,
                                       parent_id=self.parent_id))
