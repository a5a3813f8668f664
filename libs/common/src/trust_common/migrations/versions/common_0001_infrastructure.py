"""Infrastructure tables: outbox, aggregate sequences, inbox, timers, idempotency keys,
platform account and shop projections.

Revision ID: common_0001
Branch labels: common
"""
from __future__ import annotations

from alembic import op

from trust_common.schema import infra_metadata

revision = "common_0001"
down_revision = None
branch_labels = ("common",)
depends_on = None


def upgrade() -> None:
    # The first revision creates the tables as schema.py declares them; later changes to
    # those tables get their own revisions on this branch.
    infra_metadata.create_all(bind=op.get_bind())


def downgrade() -> None:
    infra_metadata.drop_all(bind=op.get_bind())
