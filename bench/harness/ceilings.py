"""Ceilings measured in the harness process with the raw parts: C4 a raw idempotent acks=all
aiokafka producer, L1 one commit, L2 a Kafka produce→consume round trip; and the statements of
C5 (a raw SKIP LOCKED claim loop) and of the timer poller's claim, timed in `benchmarks.timers`."""
from __future__ import annotations

import asyncio
import statistics
import time
import uuid

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from bench.harness.stack import KAFKA

CLONED = ("shops", "invitations", "timers", "aggregate_sequences", "outbox")

# The timer poller's claim as the service issues it today (libs/common timers.TimerPoller.fire_batch,
# a batch of `timer_batch_size` = 100): mirrored here so its cost can be timed alone; update it
# when the poller's claim changes.
SERVICE_CLAIM = """
    SELECT *, xmin::text AS row_version FROM bench_ceiling.timers
    WHERE status = 'pending' AND due_at <= now() AND kind = ANY($1::text[])
    ORDER BY due_at, id LIMIT 100 FOR UPDATE SKIP LOCKED
"""
RAW_CLAIM = """
    UPDATE bench_ceiling.timers SET status = 'fired', fired_at = now()
    WHERE id IN (SELECT id FROM bench_ceiling.timers WHERE status = 'pending' AND due_at <= now()
                 ORDER BY due_at, id LIMIT 500 FOR UPDATE SKIP LOCKED)
"""
TIMER_KIND = "shop_binding.invitation_expiry"


async def clone_schema(connection: asyncpg.Connection) -> None:
    """`bench_ceiling.<table>`: the service's own tables, indexes and defaults, minus its relay and poller."""
    await connection.execute("DROP SCHEMA IF EXISTS bench_ceiling CASCADE; CREATE SCHEMA bench_ceiling")
    for table in CLONED:
        await connection.execute(f"CREATE TABLE bench_ceiling.{table} (LIKE public.{table} INCLUDING ALL)")
    await connection.execute("CREATE TABLE bench_ceiling.l1 (id bigserial PRIMARY KEY, v text NOT NULL)")


async def c4_producer(topic: str, value: bytes, key: bytes, messages: int) -> float:
    """Messages per second a raw idempotent acks=all producer gets acknowledged (same linger as the service)."""
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, enable_idempotence=True, acks="all", linger_ms=2)
    await producer.start()
    try:
        await (await producer.send(topic, value=value, key=key))  # connect and fetch metadata first
        started = time.perf_counter()
        pending = [await producer.send(topic, value=value, key=b"%s-%d" % (key, i % 64)) for i in range(messages)]
        await asyncio.gather(*pending)
        return messages / (time.perf_counter() - started)
    finally:
        await producer.stop()


async def fill_timers(connection: asyncpg.Connection, table: str, *, pending: int, due: int, payload: str,
                      key_prefix: str, due_in_seconds: float = 0.0) -> tuple[int, int]:
    """Insert `pending` far-future and `due` due timers; returns the id range of the due ones."""
    if pending:
        await connection.execute(f"""
            INSERT INTO {table} (kind, key, due_at, payload, headers, status)
            SELECT $1, $2 || '-p-' || g, now() + interval '30 days' + g * interval '1 second', $3::jsonb, '{{}}',
                   'pending'
            FROM generate_series(1, $4) g""", TIMER_KIND, key_prefix, payload, pending)
    row = await connection.fetchrow(f"""
        WITH ins AS (
            INSERT INTO {table} (kind, key, due_at, payload, headers, status)
            SELECT $1, $2 || '-d-' || g, now() + make_interval(secs => $5), $3::jsonb, '{{}}', 'pending'
            FROM generate_series(1, $4) g RETURNING id)
        SELECT min(id) AS lo, max(id) AS hi FROM ins""", TIMER_KIND, key_prefix, payload, due, due_in_seconds)
    return row["lo"], row["hi"]


async def l1_commit_ms(database: str, commits: int = 200) -> float:
    """Median milliseconds of one single-row insert committed (one round trip and the WAL flush)."""
    connection = await asyncpg.connect(database)
    try:
        samples = []
        for i in range(commits):
            started = time.perf_counter()
            await connection.execute("INSERT INTO bench_ceiling.l1 (v) VALUES ($1)", str(i))
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples)
    finally:
        await connection.close()


async def l2_round_trip_ms(topic: str, trips: int = 100) -> float:
    """Median milliseconds from a produce (idempotent, acks=all) until a consumer holds the record."""
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, enable_idempotence=True, acks="all", linger_ms=2)
    consumer = AIOKafkaConsumer(bootstrap_servers=KAFKA, enable_auto_commit=False)
    await producer.start()
    await consumer.start()
    try:
        partition = TopicPartition(topic, 0)
        consumer.assign([partition])
        await consumer.seek_to_end(partition)
        samples = []
        for _ in range(trips):
            marker = uuid.uuid4().hex.encode()
            started = time.perf_counter()
            await producer.send(topic, value=marker, partition=0)
            found = False
            while not found:
                batch = await consumer.getmany(partition, timeout_ms=1000)
                found = any(r.value == marker for records in batch.values() for r in records)
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples)
    finally:
        await consumer.stop()
        await producer.stop()
