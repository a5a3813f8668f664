"""Durable timers are claimed in batches and never given up.

- `timers_claim` on (due_at, id) for pending rows replaces `timers_due` (due_at only), so the
  claim's ORDER BY due_at, id reads the index in order instead of sorting every due row;
- `first_due_at` keeps a retried timer's deadline (due_at moves on with each retry);
- `timers_failing` indexes the pending timers that failed at least once (gauges, operator list);
- `timer_audit` records operators' retries and cancellations;
- timers given up before (status `failed`) are pending again, due now: their deadlines were
  never kept, and the poller now retries for as long as it takes.

Revision ID: common_0004
Revises: common_0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "common_0004"
down_revision = "common_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("timers", sa.Column("first_due_at", sa.DateTime(timezone=True)))
    op.create_index("timers_claim", "timers", ["due_at", "id"], postgresql_where=sa.text("status = 'pending'"))
    op.drop_index("timers_due", table_name="timers")
    op.execute("UPDATE timers SET status = 'pending', first_due_at = due_at, due_at = now() WHERE status = 'failed'")
    op.create_index("timers_failing", "timers", ["first_due_at"],
                    postgresql_where=sa.text("status = 'pending' AND attempts > 0"))
    op.create_table(
        "timer_audit",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("timer_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(100), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
    )
    op.create_index("ix_timer_audit_timer_id", "timer_audit", ["timer_id"])


def downgrade() -> None:
    op.drop_index("ix_timer_audit_timer_id", table_name="timer_audit")
    op.drop_table("timer_audit")
    op.drop_index("timers_failing", table_name="timers")
    op.create_index("timers_due", "timers", ["due_at"], postgresql_where=sa.text("status = 'pending'"))
    op.drop_index("timers_claim", table_name="timers")
    op.drop_column("timers", "first_due_at")
