"""Request and response bodies of the HTTP API."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, model_validator

from trust_common.contracts.notifier import Channel
from trust_common.validation import SINGLE_LINE, Id

from notifier.domain.kinds import Kind
from notifier.domain.templates import render


class InboxItem(BaseModel):
    id: str
    kind: str
    title: str
    body: str
    locale: str
    data: dict[str, Any]
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def of(cls, row: Any, locale: str | None) -> "InboxItem":
        text = render(Kind(row.kind), locale, row.params)
        return cls(id=row.id, kind=row.kind, title=text.title, body=text.body, locale=text.locale, data=row.params,
                   created_at=row.created_at, read_at=row.read_at)


class UnreadCount(BaseModel):
    unread: int


class Marked(BaseModel):
    marked: int


class DeliveryPublic(BaseModel):
    id: str
    notification_id: str
    kind: str
    channel: Channel
    recipient: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    last_error: str | None
    updated_at: datetime

    @classmethod
    def of(cls, row: Any) -> "DeliveryPublic":
        return cls(id=row.id, notification_id=row.notification_id, kind=row.kind, channel=row.channel,
                   recipient=row.recipient, status=row.status, attempts=row.attempts,
                   next_attempt_at=row.next_attempt_at, delivered_at=row.delivered_at, last_error=row.last_error,
                   updated_at=row.updated_at)


class MuteIn(BaseModel):
    channel: Channel
    kind: Kind | None = Field(default=None, description="one kind, or none for every non-critical kind")
    muted: bool = True


class MuteEntry(BaseModel):
    channel: Channel
    kind: str


class PreferencesPublic(BaseModel):
    muted: list[MuteEntry]


class EndpointCreate(BaseModel):
    url: str = Field(max_length=2000, pattern=SINGLE_LINE)
    enterprise_id: Id | None = None
    shop_id: Id | None = None

    @model_validator(mode="after")
    def _one_tenant(self) -> "EndpointCreate":
        if (self.enterprise_id is None) == (self.shop_id is None):
            raise ValueError("give exactly one of enterprise_id or shop_id")
        return self

    @property
    def tenant(self) -> tuple[str, str]:
        return ("enterprise", self.enterprise_id) if self.enterprise_id else ("shop", self.shop_id or "")


class EndpointPublic(BaseModel):
    id: str
    tenant_kind: str
    tenant_id: str
    url: str
    active: bool
    created_at: datetime

    @classmethod
    def of(cls, row: Any) -> "EndpointPublic":
        return cls(id=row.id, tenant_kind=row.tenant_kind, tenant_id=row.tenant_id, url=row.url, active=row.active,
                   created_at=row.created_at)


class EndpointWithSecret(EndpointPublic):
    secret: str = Field(description="the signing secret; shown only in this response")
