"""A delivery's `last_error` is now an outcome class (issue 13): tenants and invitees read it, and raw
network errors there worked as a port scanner. Stored messages become their class.

Revision ID: notifier_0003
Revises: notifier_0002
"""
from __future__ import annotations

from alembic import op

revision = "notifier_0003"
down_revision = "notifier_0002"
branch_labels = None
depends_on = None

# The messages the transports and the delivery handler wrote before, by pattern, first match wins
# (spelled out: a migration keeps meaning what it meant when it was written).
CLASSIFY = """
    UPDATE deliveries SET last_error = CASE
        WHEN last_error ~ '^webhook: HTTP 4[0-9][0-9]' THEN 'http_4xx'
        WHEN last_error ~ '^webhook: HTTP 5[0-9][0-9]' THEN 'http_5xx'
        WHEN last_error ~ '^webhook: HTTP ' THEN 'http_other'
        WHEN last_error ~* 'timeout|timed out' THEN 'timeout'
        WHEN last_error ~ '^smtp: SMTP(Recipients|Sender)?Refused|^smtp: SMTP(Data|Response)Error' THEN 'smtp_rejected'
        WHEN last_error ~ '^(webhook|smtp): ' THEN 'connection_failed'
        WHEN last_error LIKE 'no email address known%' THEN 'no_address'
        WHEN last_error LIKE 'the webhook endpoint is gone or disabled%' THEN 'endpoint_disabled'
        ELSE 'failed'
    END
    WHERE last_error IS NOT NULL AND last_error NOT IN (
        'http_4xx', 'http_5xx', 'http_other', 'timeout', 'smtp_rejected', 'connection_failed', 'no_address',
        'endpoint_disabled', 'refused_address', 'failed')
"""


def upgrade() -> None:
    op.execute(CLASSIFY)


def downgrade() -> None:
    pass  # the raw messages are gone on purpose; the classes read fine to older code
