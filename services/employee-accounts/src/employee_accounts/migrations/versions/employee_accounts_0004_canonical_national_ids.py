"""Issue 13: national IDs in one canonical form (NFKC, ASCII digits, upper case, no whitespace) before they are
hashed or compared, so an ID written in full-width digits is the same identity (EMP-7, EMP-17).

Stored rows were sealed and hashed as typed. Re-hashing needs the plaintext: each sealed national ID is opened
with the service's own vault keys (`TRUST_PII_KEYS`, `TRUST_PII_ACTIVE_KEY_ID`, `TRUST_PII_HASH_KEY`, read only
when there is a row), put in canonical form, re-sealed when the form changed, and its lookup hash and mask
recomputed. Idempotent (a canonical value maps to itself) and a no-op on an empty database.

A person who already holds two live enterprise employee accounts of one enterprise under two spellings of one ID
would now collide on `employee_accounts_identity_per_enterprise` (EMP-17). The migration does not pick one for
the enterprise: the later account keeps its old hash, and its id is printed for an operator (the enterprise
must mark one as departed).

Revision ID: employee_accounts_0004
Revises: employee_accounts_0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "employee_accounts_0004"
down_revision = "employee_accounts_0003"
branch_labels = None
depends_on = None

HOLDING = "kind = 'enterprise' AND status NOT IN ('vacant', 'departure_pending')"  # the EMP-17 index's rows


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        f"SELECT id, enterprise_id, national_id_ciphertext, national_id_key_id, national_id_hash, ({HOLDING}) AS "
        "holding FROM employee_accounts ORDER BY created_at, id")).all()
    if not rows:
        return
    from employee_accounts.adapters.vault import NATIONAL_ID, PersonalDataVault
    from employee_accounts.domain.values import canonical_national_id, mask
    from employee_accounts.settings import Settings

    vault = PersonalDataVault.from_settings(Settings())
    planned = []
    for row in rows:
        plain = vault.open(NATIONAL_ID, row.national_id_ciphertext, row.national_id_key_id)
        canonical = canonical_national_id(plain)
        planned.append((row, plain, canonical, vault.lookup_hash(NATIONAL_ID, canonical)))
    # EMP-17: per enterprise and identity one holding row gets the canonical hash: the one already holding it,
    # else the oldest. The others keep their old hash (distinct, or the index would have refused them before).
    keeper: dict[tuple[str, str], str] = {}
    for row, _, _, new_hash in sorted(planned, key=lambda p: p[0].national_id_hash != p[3]):
        if row.holding:
            keeper.setdefault((row.enterprise_id, new_hash), row.id)
    for row, plain, canonical, new_hash in planned:
        if row.holding and keeper[(row.enterprise_id, new_hash)] != row.id:
            print(f"employee_accounts_0004: {row.id} duplicates an identity of enterprise {row.enterprise_id} "
                  "(EMP-17); left under its old lookup hash for an operator to resolve")
            continue
        if new_hash == row.national_id_hash and canonical == plain:
            continue
        values: dict[str, object] = {"i": row.id, "h": new_hash, "m": mask(canonical)}
        sql = "UPDATE employee_accounts SET national_id_hash = :h, national_id_masked = :m"
        if canonical != plain:
            sealed = vault.seal(NATIONAL_ID, canonical)
            sql += ", national_id_ciphertext = :c, national_id_key_id = :k"
            values.update(c=sealed.ciphertext, k=sealed.key_id)
        bind.execute(sa.text(sql + " WHERE id = :i"), values)


def downgrade() -> None:
    """Nothing to undo: the canonical form is a valid form of the same ID, and the old code reads it."""
