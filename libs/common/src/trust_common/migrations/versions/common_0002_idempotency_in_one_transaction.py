"""Idempotency keys are written once, with the response, in the request's own transaction:
no in-flight state or lease any more (a running request holds an advisory lock instead).
Keys in flight when this runs belonged to requests that never answered: they are dropped.

Revision ID: common_0002
Revises: common_0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "common_0002"
down_revision = "common_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM idempotency_keys WHERE state = 'in_flight'")
    op.drop_column("idempotency_keys", "state")
    op.drop_column("idempotency_keys", "locked_until")
    # The worker removes expired keys oldest first.
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_idempotency_keys_created_at", table_name="idempotency_keys")
    op.add_column("idempotency_keys", sa.Column("locked_until", sa.DateTime(timezone=True),
                                                server_default=sa.text("now()"), nullable=False))
    op.add_column("idempotency_keys", sa.Column("state", sa.String(20), server_default="completed", nullable=False))
