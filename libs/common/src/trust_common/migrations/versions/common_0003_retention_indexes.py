"""Indexes the worker's retention sweeps walk: inbox rows by age, finished timers.

Revision ID: common_0003
Revises: common_0002
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "common_0003"
down_revision = "common_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_inbox_processed_at", "inbox", ["processed_at"])
    op.create_index("timers_finished", "timers", ["id"], postgresql_where=sa.text("status <> 'pending'"))


def downgrade() -> None:
    op.drop_index("timers_finished", table_name="timers")
    op.drop_index("ix_inbox_processed_at", table_name="inbox")
