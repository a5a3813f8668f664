"""Contracts of the events published on `notifier.events`.

One aggregate: a delivery, i.e. one notification to one recipient on one channel (NOTE-4).
Events carry ids and kinds only, never addresses or rendered text (X-4).
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from trust_common.events import EventData

TOPIC = "notifier.events"


class Channel(StrEnum):
    INBOX = "inbox"
    EMAIL = "email"
    WEBHOOK = "webhook"


class _DeliveryEvent(EventData):
    topic = TOPIC
    aggregate_type = "delivery"
    aggregate_field = "delivery_id"

    delivery_id: str
    notification_id: str
    kind: str  # e.g. "window.prompt", "certification.outcome"
    channel: Channel
    recipient: str  # platform account id (inbox, email) or webhook endpoint id
    attempt: int


class NotificationDelivered(_DeliveryEvent):
    """The channel accepted the notification (inbox stored, SMTP accepted, webhook 2xx)."""

    event_type = "notifier.delivery.delivered"

    delivered_at: datetime


class NotificationFailed(_DeliveryEvent):
    """One attempt failed; another is scheduled at `next_attempt_at` (back-off)."""

    event_type = "notifier.delivery.failed"

    error: str
    next_attempt_at: datetime


class NotificationDeadLettered(_DeliveryEvent):
    """The last attempt failed; the delivery waits in the dead-letter list for an operator."""

    event_type = "notifier.delivery.dead_lettered"

    error: str


class NotificationReplayed(_DeliveryEvent):
    """An operator replayed a dead-lettered delivery; its attempts start again."""

    event_type = "notifier.delivery.replayed"


class _EndpointEvent(EventData):
    topic = TOPIC
    aggregate_type = "webhook_endpoint"
    aggregate_field = "endpoint_id"

    endpoint_id: str
    tenant_kind: str  # "enterprise" | "shop"
    tenant_id: str


class WebhookEndpointRegistered(_EndpointEvent):
    """An enterprise or shop registered an endpoint (the URL and secret stay in the notifier)."""

    event_type = "notifier.webhook_endpoint.registered"


class WebhookSecretRotated(_EndpointEvent):
    """A new signing secret; the previous ones stay valid until `previous_valid_until`."""

    event_type = "notifier.webhook_endpoint.secret_rotated"

    previous_valid_until: datetime


class WebhookEndpointDisabled(_EndpointEvent):
    event_type = "notifier.webhook_endpoint.disabled"
