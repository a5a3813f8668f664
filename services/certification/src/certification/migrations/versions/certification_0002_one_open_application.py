"""One open application per account, type and renewed certification, also under concurrent requests (CERT-1, CERT-4).

Revision ID: certification_0002
Revises: certification_0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "certification_0002"
down_revision = "certification_0001"
branch_labels = None
depends_on = None

# Open = neither over nor failed (a failed application may be reopened, but a new one may start meanwhile).
OPEN = "status NOT IN ('closed', 'expired', 'cancelled', 'renewed', 'failed')"


def upgrade() -> None:
    op.create_index("applications_one_open", "applications",
                    ["account_id", "certification_type", sa.text("coalesce(renewal_of, '')")],
                    unique=True, postgresql_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_index("applications_one_open", table_name="applications")
