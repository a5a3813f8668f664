"""Notifier tables: notifications (the inbox), deliveries, windows, preferences, webhook endpoints.

Revision ID: notifier_0001
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "notifier_0001"
down_revision = None
branch_labels = ("notifier",)
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("recipient_account_id", sa.String(100), nullable=False),
        sa.Column("cause", sa.String(300), nullable=False),
        sa.Column("params", JSONB, nullable=False),
        sa.Column("tenant_kind", sa.String(20)),
        sa.Column("tenant_id", sa.String(100)),
        sa.Column("in_inbox", sa.Boolean, nullable=False),
        sa.Column("read_at", TZ),
        sa.Column("address_hint", sa.String(320)),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("notifications_inbox", "notifications", ["recipient_account_id", "created_at", "id"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("notification_id", sa.String(36), sa.ForeignKey("notifications.id"), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("recipient", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("claimed_until", TZ),
        sa.Column("next_attempt_at", TZ),
        sa.Column("delivered_at", TZ),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("notification_id", "channel", "recipient", name="deliveries_once"),
    )
    op.create_index("deliveries_by_status", "deliveries", ["status", "updated_at", "id"])
    op.create_table(
        "confirmation_windows",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("invitation_id", sa.String(100), nullable=False),
        sa.Column("invitee_account_id", sa.String(100), nullable=False),
        sa.Column("initiator_account_id", sa.String(100)),
        sa.Column("tenant_kind", sa.String(20), nullable=False),
        sa.Column("tenant_id", sa.String(100), nullable=False),
        sa.Column("opened_at", TZ, nullable=False),
        sa.Column("closes_at", TZ, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("closed_reason", sa.String(40)),
        sa.Column("closed_at", TZ),
    )
    op.create_table(
        "preferences",
        sa.Column("account_id", sa.String(100), primary_key=True),
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("kind", sa.String(60), primary_key=True),
    )
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("tenant_kind", sa.String(20), nullable=False),
        sa.Column("tenant_id", sa.String(100), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("secrets", JSONB, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("webhook_endpoints_tenant", "webhook_endpoints", ["tenant_kind", "tenant_id", "created_at", "id"])


def downgrade() -> None:
    for table in ("webhook_endpoints", "preferences", "confirmation_windows", "deliveries", "notifications"):
        op.drop_table(table)
