"""A 48-hour confirmation window (EMP-12, SHOP-6) and the notices it causes (NOTE-1)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from notifier.domain.kinds import Kind
from notifier.domain.notification import Notification, Tenant
from trust_common.domain import Aggregate


class WindowSource(StrEnum):
    EMPLOYEE_INVITATION = "employee_invitation"  # EMP-12
    SHOP_INVITATION = "shop_invitation"  # SHOP-6


class WindowStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # accepted, declined, withdrawn, confirmed … before the deadline
    LAPSED = "lapsed"


@dataclass(frozen=True)
class Reminder:
    key: str  # timer key: one per window and offset
    due_at: datetime
    offset_seconds: int


@dataclass(eq=False)
class ConfirmationWindow(Aggregate):
    id: str
    source: WindowSource
    invitation_id: str
    invitee_account_id: str
    initiator_account_id: str | None
    tenant_kind: str
    tenant_id: str
    opened_at: datetime
    closes_at: datetime
    status: WindowStatus = WindowStatus.OPEN
    closed_reason: str | None = None
    closed_at: datetime | None = None

    @staticmethod
    def id_for(source: WindowSource, invitation_id: str) -> str:
        return f"{source}:{invitation_id}"

    @classmethod
    def open(cls, source: WindowSource, invitation_id: str, *, invitee_account_id: str,
             initiator_account_id: str | None, tenant: Tenant, closes_at: datetime, now: datetime
             ) -> ConfirmationWindow:
        return cls(id=cls.id_for(source, invitation_id), source=source, invitation_id=invitation_id,
                   invitee_account_id=invitee_account_id, initiator_account_id=initiator_account_id,
                   tenant_kind=tenant.kind, tenant_id=tenant.id, opened_at=now, closes_at=closes_at)

    @property
    def tenant(self) -> Tenant:
        return Tenant(self.tenant_kind, self.tenant_id)

    def reminders(self, offsets: list[timedelta], now: datetime) -> list[Reminder]:
        """NOTE-1: reminders at each offset before the close that is still in the future."""
        planned = []
        for offset in sorted(offsets, reverse=True):
            due_at = self.closes_at - offset
            if due_at > now:
                seconds = int(offset.total_seconds())
                planned.append(Reminder(f"{self.id}:{seconds}", due_at, seconds))
        return planned

    def prompt(self, now: datetime) -> Notification | None:
        """NOTE-1: the invitee is prompted when the window opens (not when we learn of it too late)."""
        if self.status != WindowStatus.OPEN or now >= self.closes_at:
            return None
        return Notification.compose(Kind.WINDOW_PROMPT, self.invitee_account_id, self._params(now),
                                    cause=f"window:{self.id}:prompt", now=now, tenant=self.tenant)

    def remind(self, offset_seconds: int, now: datetime) -> Notification | None:
        """NOTE-1: a reminder, unless the window closed meanwhile (then there is nothing to remind)."""
        if self.status != WindowStatus.OPEN or now >= self.closes_at:
            return None
        return Notification.compose(Kind.WINDOW_REMINDER, self.invitee_account_id, self._params(now),
                                    cause=f"window:{self.id}:reminder:{offset_seconds}", now=now,
                                    tenant=self.tenant)

    def close(self, reason: str, now: datetime) -> bool:
        """The invitee answered (or the initiator withdrew) early; False when already closed."""
        if self.status != WindowStatus.OPEN:
            return False
        self.status, self.closed_reason, self.closed_at = WindowStatus.CLOSED, reason, now
        return True

    def lapse(self, now: datetime) -> Notification | None:
        """NOTE-1: the window lapsed; the initiator is told (once)."""
        if self.status == WindowStatus.LAPSED:
            return None
        self.status, self.closed_reason, self.closed_at = WindowStatus.LAPSED, "lapsed", now
        if self.initiator_account_id is None:
            return None
        return Notification.compose(Kind.WINDOW_LAPSED, self.initiator_account_id, self._params(now),
                                    cause=f"window:{self.id}:lapsed", now=now, tenant=self.tenant)

    def _params(self, now: datetime) -> dict[str, object]:
        # Issue 15: to the nearest hour, so the 24-hour reminder, fired a moment after its due time, says 24 h
        # (whole hours floored said 23 h); a reminder always says at least 1 h while the window is open.
        hours_left = max(int((self.closes_at - now).total_seconds() + 1800) // 3600, 1)
        return {"source": str(self.source), "invitation_id": self.invitation_id,
                self.tenant_kind + "_id": self.tenant_id,
                "closes_at": self.closes_at.strftime("%Y-%m-%d %H:%M UTC"), "hours_left": hours_left}
