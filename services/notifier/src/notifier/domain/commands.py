"""Commands the HTTP API sends to the bus (imperative names)."""
from __future__ import annotations

from dataclasses import dataclass

from notifier.domain.kinds import Kind
from trust_common.contracts.notifier import Channel

TenantRef = tuple[str, str]  # ("enterprise" | "shop", id)


@dataclass(frozen=True)
class MarkRead:
    account_id: str
    notification_id: str


@dataclass(frozen=True)
class MarkAllRead:
    account_id: str


@dataclass(frozen=True)
class SetMute:
    account_id: str
    channel: Channel
    kind: Kind | None
    muted: bool


@dataclass(frozen=True)
class RegisterEndpoint:
    tenant: TenantRef
    owned: frozenset[TenantRef]  # what the caller may act for
    url: str
    created_by: str


@dataclass(frozen=True)
class RotateEndpointSecret:
    endpoint_id: str
    owned: frozenset[TenantRef]


@dataclass(frozen=True)
class DisableEndpoint:
    endpoint_id: str
    owned: frozenset[TenantRef]


@dataclass(frozen=True)
class ReplayDelivery:
    delivery_id: str


@dataclass(frozen=True)
class ReplayDeliveries:
    """NOTE-4: replay a selection of dead letters by id, or up to `limit` of one endpoint's."""

    delivery_ids: tuple[str, ...] = ()
    endpoint_id: str | None = None
    limit: int = 500
