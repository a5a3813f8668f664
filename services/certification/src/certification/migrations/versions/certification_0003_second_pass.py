"""Domain, second pass: the fee and the reopenings on the application, synced certifications that follow
their source, the free enterprise account (CERT-4, CERT-7, CERT-9, CERT-11).

Data already stored keeps its meaning: the fee comes from the fee ledger (the one charge of an application),
the reopenings are counted from the audit trail, and a synced certification learns its source's reference
from the trail line that synced it (`reason.source`).

Revision ID: certification_0003
Revises: certification_0002
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "certification_0003"
down_revision = "certification_0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("applications", sa.Column("fee_charged_cny", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("applications", sa.Column("fee_charged_at", TZ))
    op.add_column("applications", sa.Column("reopen_count", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("applications", sa.Column("source_reference", sa.String(200)))
    op.create_index("applications_source", "applications", ["source_reference"],
                    postgresql_where=sa.text("source_reference IS NOT NULL"))
    # CERT-4: the fee an application was charged is its ledger line.
    op.execute("UPDATE applications a SET fee_charged_cny = f.amount_cny, fee_charged_at = f.charged_at "
               "FROM fee_ledger f WHERE f.application_id = a.id")
    # CERT-7: reopenings so far, so the limit of two holds for applications reopened before it existed.
    op.execute("UPDATE applications a SET reopen_count = h.n FROM (SELECT application_id, count(*) AS n "
               "FROM application_history WHERE action = 'reopened' GROUP BY application_id) h "
               "WHERE h.application_id = a.id")
    # CERT-9: the source a synced certification follows from now on.
    op.execute("UPDATE applications a SET source_reference = h.reason->>'source' FROM application_history h "
               "WHERE h.application_id = a.id AND h.action = 'synced_from_sister_app'")
    op.create_table(
        "enterprise_accounts",
        sa.Column("account_id", sa.String(100), primary_key=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("opened_by", sa.String(100), nullable=False),
        sa.Column("opened_at", TZ, nullable=False),
    )
    op.create_table(
        "sister_app_certifications",
        sa.Column("reference", sa.String(200), primary_key=True),
        sa.Column("sister_account_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("valid_until", TZ, nullable=False),
        sa.Column("enterprise_name", sa.String(200), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("profile", postgresql.JSONB(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sister_app_certifications")
    op.drop_table("enterprise_accounts")
    op.drop_index("applications_source", table_name="applications")
    for column in ("source_reference", "reopen_count", "fee_charged_at", "fee_charged_cny"):
        op.drop_column("applications", column)
