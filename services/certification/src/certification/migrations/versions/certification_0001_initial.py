"""Certification tables: applications, their documents and audit trail, the fee ledger.

Revision ID: certification_0001
Branch labels: certification
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "certification_0001"
down_revision = None
branch_labels = ("certification",)
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("account_id", sa.String(100), nullable=False),
        sa.Column("certification_type", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("fields", postgresql.JSONB(), nullable=False),
        sa.Column("profile_snapshot", postgresql.JSONB(), nullable=False),
        sa.Column("submission_number", sa.Integer(), nullable=False),
        sa.Column("rejection_count", sa.Integer(), nullable=False),
        sa.Column("false_information_count", sa.Integer(), nullable=False),
        sa.Column("errors", postgresql.JSONB(), nullable=False),
        sa.Column("review_due_at", TZ),
        sa.Column("correction_deadline", TZ),
        sa.Column("reopen_deadline", TZ),
        sa.Column("failure_reason", sa.String(40)),
        sa.Column("certified_at", TZ),
        sa.Column("valid_until", TZ),
        sa.Column("badge_active", sa.Boolean(), nullable=False),
        sa.Column("profile_changed", sa.Boolean(), nullable=False),
        sa.Column("sla_breached", sa.Boolean(), nullable=False),
        sa.Column("badge_grace_until", TZ),
        sa.Column("claimed_by", sa.String(100)),
        sa.Column("lease_until", TZ),
        sa.Column("renewal_of", sa.String(36)),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("applications_account", "applications", ["account_id", "created_at", "id"])
    op.create_index("applications_queue", "applications", ["review_due_at"],
                    postgresql_where=sa.text("status IN ('submitted', 'in_review')"))
    op.create_table(
        "documents",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("storage_key", sa.String(200), nullable=False),
        sa.Column("media_type", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("uploaded_at", TZ, nullable=False),
        sa.Column("superseded", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_documents_application_id", "documents", ["application_id"])
    op.create_table(
        "application_history",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor_id", sa.String(100), nullable=False),
        sa.Column("actor_role", sa.String(30), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("from_status", sa.String(20)),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("reason", postgresql.JSONB(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(), nullable=False, unique=True),
    )
    op.create_index("application_history_by_application", "application_history", ["application_id", "seq"])
    op.create_table(
        "fee_ledger",
        sa.Column("application_id", sa.String(36), primary_key=True),
        sa.Column("account_id", sa.String(100), nullable=False),
        sa.Column("amount_cny", sa.Integer(), nullable=False),
        sa.Column("payment_reference", sa.String(100)),
        sa.Column("charged_at", TZ, nullable=False),
    )


def downgrade() -> None:
    for table in ("fee_ledger", "application_history", "documents", "applications"):
        op.drop_table(table)
