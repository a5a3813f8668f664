"""Sandbox test clocks (issue 15): the offset this service's clock runs ahead of real time.

One row; only ever moved forward (GREATEST), so a replayed or late advance never turns time back.
Production never writes it (the sandbox clock is refused there).

Revision ID: common_0005
Revises: common_0004
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "common_0005"
down_revision = "common_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sandbox_clock",
        sa.Column("id", sa.SmallInteger(), primary_key=True),
        sa.Column("offset_seconds", sa.Float(), nullable=False),
        sa.Column("advance_id", sa.UUID(), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("id = 1", name="sandbox_clock_one_row"),
        sa.CheckConstraint("offset_seconds >= 0", name="sandbox_clock_forward_only"),
    )


def downgrade() -> None:
    op.drop_table("sandbox_clock")
