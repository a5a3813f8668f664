"""CERT-11 and issue 15: the free enterprise account known here, and where the certification state came from.

`free_account_opened_at` (CERT-11) and `state_since`, `state_event_type`, `state_event_id` (which certification
event set the state, shown on `GET /v1/enterprises/{id}`). Stored enterprises did not keep their event: their
state is known since their last change (`updated_at`) and its event stays unknown (null) until the next one.

Revision ID: employee_accounts_0006
Revises: employee_accounts_0005
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "employee_accounts_0006"
down_revision = "employee_accounts_0005"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("enterprises", sa.Column("free_account_opened_at", TZ))
    op.add_column("enterprises", sa.Column("state_since", TZ))
    op.add_column("enterprises", sa.Column("state_event_type", sa.String(200)))
    op.add_column("enterprises", sa.Column("state_event_id", sa.String(64)))
    op.execute("UPDATE enterprises SET state_since = updated_at WHERE certification_id IS NOT NULL")


def downgrade() -> None:
    for column in ("state_event_id", "state_event_type", "state_since", "free_account_opened_at"):
        op.drop_column("enterprises", column)
