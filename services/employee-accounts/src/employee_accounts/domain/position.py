"""A position of an enterprise (EMP-11): a name plus permissions (EMP-3 tools, EMP-4 modules)."""
from __future__ import annotations

from datetime import datetime

from employee_accounts.domain.values import Permissions
from trust_common.contracts import employee_accounts as ev
from trust_common.domain import Aggregate


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
