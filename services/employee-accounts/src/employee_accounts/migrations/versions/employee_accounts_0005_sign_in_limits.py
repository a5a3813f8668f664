"""Issue 13: sign-in attempt counters (per login email and per client address, in PostgreSQL so they hold
across replicas) and the count of face checks of the current activation. New state only: nothing stored changes
meaning.

Revision ID: employee_accounts_0005
Revises: employee_accounts_0004
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "employee_accounts_0005"
down_revision = "employee_accounts_0004"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sign_in_attempts",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_at", TZ, nullable=False),
        sa.Column("blocked_until", TZ),
    )
    op.add_column("employee_accounts", sa.Column("face_checks", sa.Integer, nullable=False,
                                                 server_default=sa.text("0")))
    op.add_column("employee_accounts", sa.Column("face_checks_since", TZ))


def downgrade() -> None:
    op.drop_column("employee_accounts", "face_checks_since")
    op.drop_column("employee_accounts", "face_checks")
    op.drop_table("sign_in_attempts")
