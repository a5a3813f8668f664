"""Infrastructure tables stay bounded (X-1, growth): the worker removes sent outbox rows, inbox
rows past the redelivery horizon, finished timers and expired idempotency keys — in batches —
and nothing that may still be needed."""
from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text

from shop_binding.bootstrap import SERVICE
from trust_common.retention import Retention
from trust_common.runtime import Runtime
from trust_common.testing.infrastructure import create_database, drop_database


async def _count(session, sql: str, **params) -> int:
    return (await session.execute(text(sql), params)).scalar_one()


@pytest.fixture
async def scratch(namespace: str, clock):
    """A service database of its own with no worker: rows planted here are never published."""
    database = f"retention_{namespace}_{uuid.uuid4().hex[:6]}"
    url = await create_database(database)
    await asyncio.to_thread(SERVICE.migrate, url)
    settings = SERVICE.settings(environment="test", database_url=url, retention_batch_size=2)
    runtime = Runtime.build(settings, clock=clock)
    yield runtime
    await runtime.close()
    await drop_database(database)


async def test_retention_removes_only_what_no_one_can_need_in_small_batches(scratch):
    runtime, tag = scratch, uuid.uuid4().hex
    now = runtime.clock.now()
    async with runtime.sessions() as session, session.begin():
        for age, sent in ([(timedelta(days=2), True)] * 3 + [(timedelta(hours=1), True), (timedelta(days=2), False)]):
            await session.execute(text(
                "INSERT INTO outbox (event_id, topic, message_key, event_type, shard, envelope, created_at, sent_at) "
                "VALUES (:id, :tag, 'k', 't', 0, '{}', now() - CAST(:age AS interval), "
                "CASE WHEN :sent THEN now() - CAST(:age AS interval) END)"),
                {"id": uuid.uuid4(), "tag": tag, "age": age, "sent": sent})
        for age in [timedelta(days=9), timedelta(days=9), timedelta(days=1)]:
            await session.execute(text(
                "INSERT INTO inbox (consumer, event_id, event_type, processed_at) "
                "VALUES (:tag, :id, 't', now() - CAST(:age AS interval))"),
                {"tag": tag, "id": uuid.uuid4(), "age": age})
        for i, (status, age) in enumerate([("fired", timedelta(days=31)), ("cancelled", timedelta(days=31)),
                                           ("pending", timedelta(days=31)), ("fired", timedelta(days=1))]):
            await session.execute(text(
                "INSERT INTO timers (kind, key, due_at, status, created_at) "
                "VALUES (:tag, :key, now(), :status, now() - CAST(:age AS interval))"),
                {"tag": tag, "key": str(i), "status": status, "age": age})
        for key, created in [("old", now - timedelta(hours=25)), ("fresh", now - timedelta(hours=1))]:
            await session.execute(text(
                "INSERT INTO idempotency_keys (scope, key, method, path, request_hash, created_at) "
                "VALUES (:tag, :key, 'POST', '/x', 'h', :created)"), {"tag": tag, "key": key, "created": created})

    deleted = await Retention(runtime.sessions, runtime.settings, runtime.clock).sweep()

    assert deleted == {"outbox": 3, "inbox": 2, "timers": 2, "idempotency_keys": 1}
    async with runtime.sessions() as session:
        assert await _count(session, "SELECT count(*) FROM outbox WHERE topic = :t", t=tag) == 2  # recent + unsent
        assert await _count(session, "SELECT count(*) FROM outbox WHERE topic = :t AND sent_at IS NULL", t=tag) == 1
        assert await _count(session, "SELECT count(*) FROM inbox WHERE consumer = :t", t=tag) == 1
        assert await _count(session, "SELECT count(*) FROM timers WHERE kind = :t", t=tag) == 2  # pending + recent
        assert await _count(session, "SELECT count(*) FROM timers WHERE kind = :t AND status = 'pending'", t=tag) == 1
        assert await _count(session, "SELECT count(*) FROM idempotency_keys WHERE scope = :t", t=tag) == 1
        assert await _count(session, "SELECT count(*) FROM idempotency_keys WHERE scope = :t AND key = 'fresh'",
                            t=tag) == 1
