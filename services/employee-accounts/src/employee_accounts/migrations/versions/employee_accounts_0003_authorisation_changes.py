"""EMP-19/20/21: tools of authorised personal accounts, the audit trail of authorisation changes, and validity
periods that end.

- `employee_accounts.tools` (JSONB, default `[]`): EMP-20 tools granted to an authorised personal account.
- `authorisation_changes`: EMP-19's audit trail (who, when, before and after).
- Authorisations stored with a `valid_until` held their seat and their one-enterprise lock forever (nothing ended
  them). Each live one now gets the durable timers the service schedules for a new one (EMP-21): its end at
  `valid_until` and its reminders 7 days and 1 day before, when still ahead. An end already past is due at once,
  so the worker ends those authorisations on its next poll through the same path as any other (status `ended`,
  seat and lock freed, `authorisation.validity_ended` and entitlements published, the notices sent), instead of
  a silent UPDATE without its events (X-2). Idempotent (the timers' (kind, key) is unique); nothing to do on an
  empty database.

Revision ID: employee_accounts_0003
Revises: employee_accounts_0002
"""
from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "employee_accounts_0003"
down_revision = "employee_accounts_0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
REMINDER_TIMER = "employee_accounts.validity_reminder"  # as handlers/entitlements.py names them
END_TIMER = "employee_accounts.validity_end"


def upgrade() -> None:
    op.add_column("employee_accounts", sa.Column("tools", JSONB, nullable=False,
                                                 server_default=sa.text("'[]'::jsonb")))
    op.create_table(
        "authorisation_changes",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("employee_account_id", sa.String(64), nullable=False, index=True),
        sa.Column("enterprise_id", sa.String(100), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("before", JSONB, nullable=False),
        sa.Column("after", JSONB, nullable=False),
        sa.Column("at", TZ, nullable=False),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, valid_until, now() AS now FROM employee_accounts "
        "WHERE kind = 'authorised_personal' AND status <> 'ended' AND valid_until IS NOT NULL")).all()
    if not rows:
        return
    if bind.execute(sa.text("SELECT to_regclass('timers')")).scalar() is None:
        raise RuntimeError("employee_accounts_0003 needs the common branch's timers table: upgrade `heads`")
    insert = sa.text("INSERT INTO timers (kind, key, due_at, payload, status) "
                     "VALUES (:kind, :key, :due_at, CAST(:payload AS jsonb), 'pending') "
                     "ON CONFLICT ON CONSTRAINT timers_dedupe DO NOTHING")
    for row in rows:
        payload = {"employee_account_id": row.id, "valid_until": row.valid_until.isoformat()}
        for days in (7, 1):
            due = row.valid_until - timedelta(days=days)
            if due > row.now:
                bind.execute(insert, {"kind": REMINDER_TIMER, "key": f"{row.id}:{days}", "due_at": due,
                                      "payload": json.dumps({**payload, "days_left": days})})
        bind.execute(insert, {"kind": END_TIMER, "key": row.id, "due_at": row.valid_until,
                              "payload": json.dumps(payload)})


def downgrade() -> None:
    op.execute(f"DELETE FROM timers WHERE kind IN ('{REMINDER_TIMER}', '{END_TIMER}') AND status = 'pending'")
    op.drop_table("authorisation_changes")
    op.drop_column("employee_accounts", "tools")
