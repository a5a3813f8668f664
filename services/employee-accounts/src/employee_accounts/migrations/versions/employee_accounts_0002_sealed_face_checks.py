"""X-4: face-check results (outcome and score) sealed at rest; only the verified step's time stays plain.

Replaces the plain `face_matched`, `face_score` and `face_checked_at` with `face_result_ciphertext`,
`face_result_key_id` (AES-256-GCM under the active personal-data key, kind `face_check`) and
`face_verified_at`. Rows with a recorded check are sealed here with the service's own keys
(`TRUST_PII_KEYS`, `TRUST_PII_ACTIVE_KEY_ID`, read only when there is such a row); the plain columns go.

Revision ID: employee_accounts_0002
Revises: employee_accounts_0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "employee_accounts_0002"
down_revision = "employee_accounts_0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("employee_accounts", sa.Column("face_result_ciphertext", sa.LargeBinary))
    op.add_column("employee_accounts", sa.Column("face_result_key_id", sa.String(50)))
    op.add_column("employee_accounts", sa.Column("face_verified_at", TZ))
    op.execute("UPDATE employee_accounts SET face_verified_at = face_checked_at WHERE face_matched")
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, face_matched, face_score FROM employee_accounts "
                                "WHERE face_checked_at IS NOT NULL AND face_score IS NOT NULL")).all()
    if rows:
        from employee_accounts.adapters.vault import FACE_CHECK, PersonalDataVault
        from employee_accounts.domain.values import FaceResult
        from employee_accounts.settings import Settings

        vault = PersonalDataVault.from_settings(Settings())
        for row in rows:
            sealed = vault.seal_record(FACE_CHECK, FaceResult(bool(row.face_matched), row.face_score).to_sealable())
            bind.execute(sa.text("UPDATE employee_accounts SET face_result_ciphertext = :c, face_result_key_id = :k "
                                 "WHERE id = :i"), {"c": sealed.ciphertext, "k": sealed.key_id, "i": row.id})
    op.drop_column("employee_accounts", "face_matched")
    op.drop_column("employee_accounts", "face_score")
    op.drop_column("employee_accounts", "face_checked_at")


def downgrade() -> None:
    """Back to the 0001 columns without opening the sealed results: only whether the step was done returns
    (the score stays empty; X-4 forbids writing it in plain again)."""
    op.add_column("employee_accounts", sa.Column("face_matched", sa.Boolean, nullable=False,
                                                 server_default=sa.false()))
    op.add_column("employee_accounts", sa.Column("face_score", sa.Float))
    op.add_column("employee_accounts", sa.Column("face_checked_at", TZ))
    op.execute("UPDATE employee_accounts SET face_matched = (face_verified_at IS NOT NULL), "
               "face_checked_at = face_verified_at")
    op.alter_column("employee_accounts", "face_matched", server_default=None)
    op.drop_column("employee_accounts", "face_result_ciphertext")
    op.drop_column("employee_accounts", "face_result_key_id")
    op.drop_column("employee_accounts", "face_verified_at")
