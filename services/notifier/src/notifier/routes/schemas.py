"""Request and response bodies of the HTTP API (`…Create` in, `…Public` out)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from notifier.domain.kinds import Kind
from notifier.domain.templates import render
from trust_common.contracts.notifier import Channel
from trust_common.validation import SINGLE_LINE, Id


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
    def of(cls, row: Any, locale: str | None) -> InboxItem:
        text = render(Kind(row.kind), locale, row.params)
        return cls(id=row.id, kind=row.kind, title=text.title, body=text.body, locale=text.locale, data=row.params,
                   created_at=row.created_at, read_at=row.read_at)


class UnreadCount(BaseModel):
    unread: int


class Marked(BaseModel):
    marked: int


class DeliveryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

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
    def _one_tenant(self) -> EndpointCreate:
        if (self.enterprise_id is None) == (self.shop_id is None):
            raise ValueError("give exactly one of enterprise_id or shop_id")
        return self

    @property
    def tenant(self) -> tuple[str, str]:
        return ("enterprise", self.enterprise_id) if self.enterprise_id else ("shop", self.shop_id or "")


class EndpointPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    tenant_kind: str
    tenant_id: str
    url: str
    active: bool
    created_at: datetime


class EndpointWithSecret(EndpointPublic):
    secret: str = Field(description="the signing secret; shown only in this response")

    @classmethod
    def shown_once(cls, endpoint: Any, secret: str) -> EndpointWithSecret:
        return cls(**EndpointPublic.model_validate(endpoint).model_dump(), secret=secret)


MAX_REPLAY_SELECTION = 500


class DeadLetterReplay(BaseModel):
    """A bulk replay (NOTE-4): a selection of dead-lettered deliveries by id, or all of one endpoint's."""

    delivery_ids: list[Id] | None = Field(default=None, min_length=1, max_length=MAX_REPLAY_SELECTION)
    endpoint_id: Id | None = None

    @model_validator(mode="after")
    def _one_selection(self) -> DeadLetterReplay:
        if (self.delivery_ids is None) == (self.endpoint_id is None):
            raise ValueError("give exactly one of delivery_ids or endpoint_id")
        return self


class SkippedReplay(BaseModel):
    id: str
    reason: str  # "not_found" | "not_dead_lettered"


class DeadLetterReplayResult(BaseModel):
    replayed: list[str]  # re-queued with a fresh retry budget, each under its own delivery id
    skipped: list[SkippedReplay]
    remaining: int  # dead letters of the endpoint left for another call (a call replays at most 500)
