"""Issue 13: migration notifier_0003 turns the raw network errors stored in `last_error` (which tenants and
invitees read) into outcome classes; it leaves classes alone and can run again."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import create_async_engine

from notifier.orm import deliveries, notifications

from tests.notifier.test_sealed_secrets import migrate

STORED = {
    "webhook: HTTP 503": "http_5xx",
    "webhook: HTTP 404": "http_4xx",
    "webhook: HTTP 302": "http_other",
    "webhook: ConnectTimeout: timed out": "timeout",
    "webhook: ConnectError: [Errno 111] Connection refused": "connection_failed",
    "smtp: SMTPRecipientsRefused: {'a@b': (550, b'no')}": "smtp_rejected",
    "smtp: ConnectionRefusedError: [Errno 111] Connection refused": "connection_failed",
    "no email address known for the recipient": "no_address",
    "the webhook endpoint is gone or disabled": "endpoint_disabled",
    "http_5xx": "http_5xx",
    "something else entirely": "failed",
}


async def test_stored_raw_errors_become_outcome_classes(stack):
    url = stack.service.settings.database_url.get_secret_value()
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    notification_id = str(uuid.uuid4())
    ids = {message: str(uuid.uuid4()) for message in STORED}
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(insert(notifications).values(
                id=notification_id, kind="window.prompt", recipient_account_id="acc-m", cause=notification_id,
                params={}, in_inbox=True, created_at=now))
            await connection.execute(insert(deliveries), [dict(
                id=ids[message], notification_id=notification_id, kind="window.prompt", channel="webhook",
                recipient=f"ep-{n}", status="dead_lettered", attempts=6, generation=0, last_error=message,
                created_at=now, updated_at=now) for n, message in enumerate(STORED)])
        for _ in range(2):  # and again: classes stay what they are
            await migrate(url, rerun_from="notifier_0002")
            async with engine.connect() as connection:
                stored = dict((await connection.execute(select(deliveries.c.id, deliveries.c.last_error).where(
                    deliveries.c.notification_id == notification_id))).all())
            assert {message: stored[ids[message]] for message in STORED} == STORED
    finally:
        await engine.dispose()
