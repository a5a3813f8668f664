"""Employee accounts: enterprises, positions, departments, employee accounts, invitations, sessions.

Revision ID: employee_accounts_0001
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "employee_accounts_0001"
down_revision = None
branch_labels = ("employee_accounts",)
depends_on = None

TZ = sa.DateTime(timezone=True)


def _stamps() -> list[sa.Column]:
    return [sa.Column("created_at", TZ, nullable=False), sa.Column("updated_at", TZ, nullable=False)]


def upgrade() -> None:
    op.create_table(
        "enterprises",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("certified", sa.Boolean, nullable=False),
        sa.Column("certification_id", sa.String(100)),
        sa.Column("valid_until", TZ),
        sa.Column("grants_suspended", sa.Boolean, nullable=False),
        *_stamps(),
    )
    op.create_table(
        "positions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("enterprise_id", sa.String(100), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("tools", JSONB, nullable=False),
        sa.Column("modules", JSONB, nullable=False),
        *_stamps(),
    )
    op.create_table(
        "departments",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("enterprise_id", sa.String(100), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("parent_id", sa.String(64)),
        *_stamps(),
    )
    op.create_table(
        "employee_accounts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("enterprise_id", sa.String(100), nullable=False, index=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("account_id", sa.String(100), nullable=False, index=True),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("login_email", sa.String(320)),
        sa.Column("password_hash", sa.Text),
        sa.Column("real_name", sa.String(200), nullable=False),
        sa.Column("identity_ref", sa.String(200), nullable=False),
        sa.Column("national_id_ciphertext", sa.LargeBinary, nullable=False),
        sa.Column("national_id_key_id", sa.String(50), nullable=False),
        sa.Column("national_id_hash", sa.String(64), nullable=False),
        sa.Column("national_id_masked", sa.String(64), nullable=False),
        sa.Column("proof_kind", sa.String(40), nullable=False),
        sa.Column("proof_document_ref", sa.String(300), nullable=False),
        sa.Column("proof_explanation", sa.Text),
        sa.Column("position_id", sa.String(64)),
        sa.Column("department_id", sa.String(64)),
        sa.Column("modules", JSONB, nullable=False),
        sa.Column("valid_until", TZ),
        sa.Column("invitation_id", sa.String(64)),
        sa.Column("review_reason", sa.Text),
        sa.Column("holder_generation", sa.Integer, nullable=False),
        sa.Column("submission_count", sa.Integer, nullable=False),
        sa.Column("face_matched", sa.Boolean, nullable=False),
        sa.Column("face_score", sa.Float),
        sa.Column("face_checked_at", TZ),
        sa.Column("phone_ciphertext", sa.LargeBinary),
        sa.Column("phone_key_id", sa.String(50)),
        sa.Column("phone_hash", sa.String(64)),
        sa.Column("phone_masked", sa.String(64)),
        sa.Column("password_changed", sa.Boolean, nullable=False),
        sa.Column("activated_at", TZ),
        sa.Column("departed_at", TZ),
        sa.Column("merchant_page_modules", JSONB, nullable=False),
        sa.Column("showcase_deposit_paid", sa.Boolean, nullable=False),
        sa.Column("showcase_opened_at", TZ),
        *_stamps(),
    )
    op.create_index("employee_accounts_login_email", "employee_accounts", [sa.text("lower(login_email)")],
                    unique=True, postgresql_where=sa.text("login_email IS NOT NULL"))
    op.create_index("employee_accounts_one_enterprise", "employee_accounts", ["account_id"], unique=True,
                    postgresql_where=sa.text("kind = 'authorised_personal' AND status <> 'ended'"))
    op.create_index("employee_accounts_identity_per_enterprise", "employee_accounts",
                    ["enterprise_id", "national_id_hash"], unique=True,
                    postgresql_where=sa.text("kind = 'enterprise' AND status NOT IN ('vacant', 'departure_pending')"))
    op.create_table(
        "invitations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("enterprise_id", sa.String(100), nullable=False, index=True),
        sa.Column("personal_account_id", sa.String(100), nullable=False, index=True),
        sa.Column("modules", JSONB, nullable=False),
        sa.Column("valid_until", TZ),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("employee_account_id", sa.String(64)),
        *_stamps(),
    )
    op.create_index("invitations_one_pending", "invitations", ["personal_account_id"], unique=True,
                    postgresql_where=sa.text("status = 'pending'"))
    op.create_table(
        "employee_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("employee_account_id", sa.String(64), nullable=False, index=True),
        sa.Column("holder_generation", sa.Integer, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
    )


def downgrade() -> None:
    for table in ("employee_sessions", "invitations", "employee_accounts", "departments", "positions", "enterprises"):
        op.drop_table(table)
