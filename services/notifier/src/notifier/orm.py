"""The notifier's tables, mapped imperatively onto the domain classes."""
from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import registry

from notifier.domain.delivery import Delivery
from notifier.domain.notification import Notification
from notifier.domain.webhooks import WebhookEndpoint
from notifier.domain.window import ConfirmationWindow

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

notifications = Table(
    "notifications", metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(60), nullable=False),
    Column("recipient_account_id", String(100), nullable=False),
    Column("cause", String(300), nullable=False),
    Column("params", JSONB, nullable=False),
    Column("tenant_kind", String(20)),
    Column("tenant_id", String(100)),
    Column("in_inbox", Boolean, nullable=False),
    Column("read_at", DateTime(timezone=True)),
    Column("address_hint", String(320)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("notifications_inbox", "recipient_account_id", "created_at", "id"),
)

deliveries = Table(
    "deliveries", metadata,
    Column("id", String(36), primary_key=True),
    Column("notification_id", String(36), ForeignKey("notifications.id"), nullable=False),
    Column("kind", String(60), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("recipient", String(100), nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("generation", Integer, nullable=False),
    Column("claimed_until", DateTime(timezone=True)),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("delivered_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # NOTE-4: one delivery per notification, channel and recipient, whatever repeats upstream.
    UniqueConstraint("notification_id", "channel", "recipient", name="deliveries_once"),
    Index("deliveries_by_status", "status", "updated_at", "id"),
)

windows = Table(
    "confirmation_windows", metadata,
    Column("id", String(200), primary_key=True),
    Column("source", String(40), nullable=False),
    Column("invitation_id", String(100), nullable=False),
    Column("invitee_account_id", String(100), nullable=False),
    Column("initiator_account_id", String(100)),
    Column("tenant_kind", String(20), nullable=False),
    Column("tenant_id", String(100), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("closes_at", DateTime(timezone=True), nullable=False),
    Column("status", String(20), nullable=False),
    Column("closed_reason", String(40)),
    Column("closed_at", DateTime(timezone=True)),
)

preferences = Table(
    "preferences", metadata,
    Column("account_id", String(100), primary_key=True),
    Column("channel", String(20), primary_key=True),
    Column("kind", String(60), primary_key=True),  # a kind, or "*" for every non-critical kind
)

webhook_endpoints = Table(
    "webhook_endpoints", metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_kind", String(20), nullable=False),
    Column("tenant_id", String(100), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("secrets", JSONB, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("webhook_endpoints_tenant", "tenant_kind", "tenant_id", "created_at", "id"),
)


def start_mappers() -> None:
    """Map the domain classes onto the tables (the Service runs this once per process)."""
    mapper_registry.map_imperatively(Notification, notifications)
    mapper_registry.map_imperatively(Delivery, deliveries)
    mapper_registry.map_imperatively(ConfirmationWindow, windows)
    mapper_registry.map_imperatively(WebhookEndpoint, webhook_endpoints)
