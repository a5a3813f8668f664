"""A notification to one recipient, and the deliveries it fans out to (NOTE-4)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from notifier.domain.delivery import Delivery
from notifier.domain.errors import NotificationNotFound
from notifier.domain.kinds import Kind
from notifier.domain.preferences import Preferences
from trust_common.contracts.notifier import Channel
from trust_common.domain import Aggregate

# Ids derive from what caused them, so a repeated cause (a duplicate event, a replayed timer)
# yields the same ids and the unique keys of the database refuse the copy (NOTE-4).
ID_NAMESPACE = uuid.UUID("1c3f8a5e-64a8-4c4e-9a3b-6e0f5d1e2b7c")


def notification_id_for(cause: str, kind: Kind, recipient_account_id: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"{cause}|{kind}|{recipient_account_id}"))


def delivery_id_for(notification_id: str, channel: Channel, recipient: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"{notification_id}|{channel}|{recipient}"))


@dataclass(frozen=True)
class Tenant:
    """The enterprise or shop a notification concerns; its webhook endpoints get a copy."""

    kind: str  # "enterprise" | "shop"
    id: str


@dataclass(eq=False)
class Notification(Aggregate):
    id: str
    kind: Kind
    recipient_account_id: str
    cause: str
    params: dict[str, Any]
    created_at: datetime
    tenant_kind: str | None = None
    tenant_id: str | None = None
    in_inbox: bool = True
    read_at: datetime | None = None
    address_hint: str | None = None  # an email the producer gave, used when the projection has none

    @classmethod
    def compose(cls, kind: Kind, recipient_account_id: str, params: dict[str, Any], *, cause: str,
                now: datetime, tenant: Tenant | None = None, address_hint: str | None = None) -> Notification:
        return cls(address_hint=address_hint, id=notification_id_for(cause, kind, recipient_account_id), kind=kind,
                   recipient_account_id=recipient_account_id, cause=cause, params=dict(params), created_at=now,
                   tenant_kind=tenant.kind if tenant else None, tenant_id=tenant.id if tenant else None)

    @property
    def tenant(self) -> Tenant | None:
        """The enterprise or shop whose webhook endpoints get a copy, if any."""
        return Tenant(self.tenant_kind, self.tenant_id) if self.tenant_kind and self.tenant_id else None

    def fan_out(self, preferences: Preferences, endpoint_ids: list[str], now: datetime) -> list[Delivery]:
        """One delivery per channel and recipient: inbox and email to the person, webhook to
        each endpoint of the tenant; a muted channel is recorded as muted (NOTE-4)."""
        planned = [(Channel.INBOX, self.recipient_account_id), (Channel.EMAIL, self.recipient_account_id)]
        planned += [(Channel.WEBHOOK, endpoint_id) for endpoint_id in endpoint_ids]
        deliveries = [
            Delivery.create(delivery_id_for(self.id, channel, recipient), self.id, str(self.kind), channel, recipient,
                            now=now, muted=channel != Channel.WEBHOOK and preferences.is_muted(channel, self.kind))
            for channel, recipient in planned]
        inbox = deliveries[0]
        self.in_inbox = not inbox.is_final()
        if self.in_inbox:
            inbox.delivered_in_place(now)  # the inbox entry is this row, committed with it
        return deliveries

    def mark_read(self, reader: str, now: datetime) -> None:
        """Read in the recipient's inbox; to anyone else it does not exist (X-3)."""
        if reader != self.recipient_account_id or not self.in_inbox:
            raise NotificationNotFound(f"no notification {self.id} in your inbox")
        if self.read_at is None:
            self.read_at = now
