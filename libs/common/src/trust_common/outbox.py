"""The transactional outbox, both halves.

`write_outbox` runs inside a unit of work's transaction: each event becomes a row with the
next sequence number of its aggregate, so the change and its events commit together (X-2).
The relay publishes committed rows to Kafka, keyed by aggregate id, and marks them sent. It is
safe with several replicas: rows are taken with FOR UPDATE SKIP LOCKED and a shard advisory
lock, so one relay at a time publishes a given key, in id order."""
from __future__ import annotations

import asyncio
import json
import logging
import time
import zlib
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from opentelemetry import propagate, trace
from opentelemetry.instrumentation.utils import suppress_instrumentation
from opentelemetry.trace import SpanKind
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trust_common import metrics
from trust_common.events import EventData, EventEnvelope
from trust_common.kafka import encode_headers
from trust_common.schema import aggregate_sequences, outbox
from trust_common.telemetry import continued_trace

log = logging.getLogger(__name__)

OUTBOX_SHARDS = 64
# Committing units of work NOTIFY this channel; relays LISTEN to it and wake at once.
OUTBOX_CHANNEL = "outbox"


def outbox_shard(key: str) -> int:
    return zlib.crc32(key.encode()) % OUTBOX_SHARDS


async def write_outbox(session: AsyncSession, events: Sequence[EventData], *, source: str, now: datetime,
                       topic_of: Callable[[str], str]) -> None:
    """Write events as outbox rows in the caller's transaction, and wake the relays on commit."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    rows: list[dict[str, Any]] = []
    for recorded in events:
        sequence = await _next_sequence(session, recorded.aggregate_type, recorded.aggregate_id)
        envelope = EventEnvelope.wrap(recorded, source=source, sequence=sequence, occurred_at=now, trace=carrier)
        rows.append({
            "event_id": envelope.event_id, "topic": topic_of(recorded.topic),
            "message_key": envelope.aggregate_id, "event_type": envelope.type,
            "shard": outbox_shard(envelope.aggregate_id),
            "envelope": envelope.model_dump(mode="json"), "headers": carrier,
        })
    await session.execute(insert(outbox), rows)
    await session.execute(text(f"NOTIFY {OUTBOX_CHANNEL}"))  # delivered when the transaction commits


async def _next_sequence(session: AsyncSession, aggregate_type: str, aggregate_id: str) -> int:
    # The upsert's row lock also serialises writers of one aggregate, so outbox ids of an
    # aggregate follow its sequence even when transactions race.
    insert_first = pg_insert(aggregate_sequences).values(
        aggregate_type=aggregate_type, aggregate_id=aggregate_id, last_sequence=1)
    stmt = insert_first.on_conflict_do_update(
        index_elements=[aggregate_sequences.c.aggregate_type, aggregate_sequences.c.aggregate_id],
        set_={"last_sequence": aggregate_sequences.c.last_sequence + 1},
    ).returning(aggregate_sequences.c.last_sequence)
    return int((await session.execute(stmt)).scalar_one())

# The backlog gauges cost a count over unsent rows: read from the database this often, on a
# schedule of their own, so they keep rising while Kafka is down and publishing stalls.
BACKLOG_OBSERVATION_SECONDS = 5.0

# Namespace of the shard advisory locks (first key of pg_try_advisory_xact_lock(int, int)).
SHARD_LOCK_NAMESPACE = 0x0B0C

TAKE_BATCH = text("""
    SELECT id, topic, message_key, envelope, headers FROM outbox
    WHERE sent_at IS NULL AND pg_try_advisory_xact_lock(:namespace, shard)
    ORDER BY id
    LIMIT :limit
    FOR UPDATE SKIP LOCKED
""")


class OutboxRelay:
    """Moves outbox rows to Kafka. `after_publish` is a seam for crash tests."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], producer: AIOKafkaProducer, *,
                 listen_dsn: str | None = None, batch_size: int = 200, poll_seconds: float = 1.0,
                 tracer_provider: trace.TracerProvider | None = None,
                 after_publish: Callable[[list[Any]], Awaitable[None]] | None = None) -> None:
        self._sessions = sessions
        self._producer = producer
        self._listen_dsn = listen_dsn
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._tracer = trace.get_tracer(__name__, tracer_provider=tracer_provider)
        self._after_publish = after_publish
        self._wake = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        """Relay until stopped; a NOTIFY from a committing unit of work wakes it at once."""
        listener = await self._listen()
        observer = asyncio.create_task(self.observe_backlog_until(stop))
        try:
            while not stop.is_set():
                self._wake.clear()
                try:
                    published = await self.relay_once()
                except Exception:  # Kafka or the database away: rows stay unsent, retry soon
                    log.exception("outbox relay batch failed")
                    published = 0
                    await asyncio.sleep(min(self._poll_seconds, 1.0))
                if published >= self._batch_size:
                    continue
                await self._wait(stop)
        finally:
            observer.cancel()
            if listener is not None:
                await listener.close()

    async def observe_backlog_until(self, stop: asyncio.Event,
                                    interval: float = BACKLOG_OBSERVATION_SECONDS) -> None:
        """Refresh the backlog gauges every `interval` until stopped, whatever the relay is doing."""
        while not stop.is_set():
            try:
                await self.observe_backlog()
            except Exception:  # the database is away: the gauges keep their last reading
                log.exception("reading the outbox backlog failed")
            try:
                await asyncio.wait_for(stop.wait(), interval)
            except TimeoutError:
                pass

    async def relay_once(self) -> int:
        """Publish one batch; returns the number of rows published."""
        async with self._sessions() as session, session.begin():
            with suppress_instrumentation():  # an empty poll is not worth a trace
                rows = (await session.execute(
                    TAKE_BATCH, {"namespace": SHARD_LOCK_NAMESPACE, "limit": self._batch_size})).mappings().all()
            if not rows:
                return 0
            started = time.perf_counter()
            deliveries = [await self._send(row) for row in rows]
            await asyncio.gather(*deliveries)
            metrics.OUTBOX_PUBLISH_LATENCY.observe(time.perf_counter() - started)
            if self._after_publish is not None:
                await self._after_publish(list(rows))
            await session.execute(
                update(outbox).where(outbox.c.id.in_([r["id"] for r in rows])).values(sent_at=func.now()))
        metrics.OUTBOX_PUBLISHED.inc(len(rows))
        return len(rows)

    async def _send(self, row: Any) -> asyncio.Future[Any]:
        with continued_trace(row["headers"]), self._tracer.start_as_current_span(
                f"publish {row['topic']}", kind=SpanKind.PRODUCER,
                attributes={"messaging.system": "kafka", "messaging.destination.name": row["topic"],
                            "messaging.message.id": str(row["envelope"]["event_id"]),
                            "messaging.operation.type": "publish"}):
            headers: dict[str, str] = {"event-type": row["envelope"]["type"]}
            propagate.inject(headers)
            return await self._producer.send(row["topic"], value=_json_bytes(row["envelope"]),
                                             key=row["message_key"].encode(), headers=encode_headers(headers))

    async def observe_backlog(self) -> None:
        """Set the backlog gauges: unsent rows and the age of the oldest (what SREs alert on)."""
        async with self._sessions() as session:
            with suppress_instrumentation():
                count, age = (await session.execute(select(
                    func.count(), func.coalesce(func.extract("epoch", func.now() - func.min(outbox.c.created_at)), 0))
                    .where(outbox.c.sent_at.is_(None)))).one()
        metrics.OUTBOX_BACKLOG.set(count)
        metrics.OUTBOX_OLDEST_AGE.set(float(age))

    async def _listen(self) -> asyncpg.Connection | None:
        if not self._listen_dsn:
            return None
        try:
            connection = await asyncpg.connect(self._listen_dsn)
            await connection.add_listener(OUTBOX_CHANNEL, lambda *_: self._wake.set())
            return connection
        except Exception:  # polling still works without the wake-up
            log.warning("outbox LISTEN unavailable; relying on polling", exc_info=True)
            return None

    async def _wait(self, stop: asyncio.Event) -> None:
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waiters, timeout=self._poll_seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()


def _json_bytes(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()
