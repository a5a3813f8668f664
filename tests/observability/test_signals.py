"""Signals that hold in the outages they exist for (docs/operations.md#signals-during-outages):
the outbox backlog keeps rising while Kafka is down, consumer lag comes from the broker and
follows partitions as they move, and pollers that find nothing emit no spans."""
from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable
from contextlib import suppress

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from prometheus_client import REGISTRY
from sqlalchemy import text

from trust_common.consumer import ConsumerRunner
from trust_common.events import EventData
from trust_common.outbox import OutboxRelay
from trust_common.testing.infrastructure import KAFKA_BOOTSTRAP
from trust_common.testing.services import eventually
from trust_common.timers import TimerPoller


class BacklogNoted(EventData):
    event_type = "tests.signals.backlog-noted"
    topic = "certification.events"
    aggregate_type = "signal"
    aggregate_field = "signal_id"

    signal_id: str


class WatchedRelay(OutboxRelay):
    """Notes each backlog reading the moment the gauge is set (other relays in this process
    write the same process-wide gauge, so it is read before anything else can run)."""

    readings: list[float]

    async def observe_backlog(self) -> None:
        await super().observe_backlog()
        self.readings.append(REGISTRY.get_sample_value("outbox_backlog") or 0.0)


async def test_the_outbox_backlog_is_read_from_the_database_while_kafka_is_down(certification):
    await certification.kill_worker()  # its relay would publish the row before we look
    try:
        async with certification.runtime.uow() as uow:
            uow.emit(BacklogNoted(signal_id=str(uuid.uuid4())))
            await uow.commit()
        # A producer that cannot reach any broker: every publish attempt fails.
        down = AIOKafkaProducer(bootstrap_servers="127.0.0.1:1")
        relay = WatchedRelay(certification.runtime.sessions, down, poll_seconds=0.05)
        relay.readings = []
        stop = asyncio.Event()
        task = asyncio.create_task(relay.run(stop))
        try:
            readings = await eventually(lambda: [r for r in relay.readings if r >= 1])
        finally:
            # The publish is stuck waiting for a broker, as in a real outage: cancel it.
            stop.set()
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        assert readings[0] >= 1
    finally:
        await certification.start_worker()


async def test_consumer_lag_is_the_broker_s_end_offset_minus_the_committed_offset_and_leaves_with_the_partition(
        kafka_topics):
    topic = kafka_topics.topic("platform.accounts")
    partition = TopicPartition(topic, 2)
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA_BOOTSTRAP)
    await producer.start()
    consumer = AIOKafkaConsumer(bootstrap_servers=KAFKA_BOOTSTRAP, group_id=f"lag-{uuid.uuid4().hex}",
                                enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    try:
        start = (await consumer.end_offsets([partition]))[partition]
        for n in range(5):
            await producer.send_and_wait(topic, b"{}", partition=2, key=f"k{n}".encode())
        consumer.assign([partition])
        runner = ConsumerRunner(name="lag-test", consumer=consumer, producer=producer, uow_factory=None,  # type: ignore[arg-type]
                                handlers={}, dead_letter_topic=kafka_topics.dead_letter_topic)

        def lag() -> float | None:
            return REGISTRY.get_sample_value("consumer_lag", {"topic": topic, "partition": "2"})

        await consumer.commit({partition: start})
        await runner.observe_lag()
        assert lag() == 5
        # Nothing was fetched by this process: the lag comes from the group's committed offset.
        await consumer.commit({partition: start + 3})
        await runner.observe_lag()
        assert lag() == 2
        # The partition moves to another member: its series goes with it instead of freezing.
        consumer.assign([TopicPartition(topic, 0)])
        await runner.observe_lag()
        assert lag() is None
    finally:
        await consumer.stop()
        await producer.stop()


async def test_pollers_that_find_nothing_emit_no_spans(certification, spans):
    async def never(timer, uow) -> None:
        raise AssertionError("nothing is due")

    poller = TimerPoller(certification.runtime.uow, {"tests.signals.never": never}, certification.runtime.clock,
                         tracer_provider=certification.runtime.tracer_provider)
    relay = OutboxRelay(certification.runtime.sessions, producer=None,
                        tracer_provider=certification.runtime.tracer_provider)

    async def unsent() -> int:
        async with certification.runtime.sessions() as session:
            return (await session.execute(text("SELECT count(*) FROM outbox WHERE sent_at IS NULL"))).scalar_one()

    await eventually(lambda: _is_zero(unsent()))  # the worker's relay has published everything
    await certification.kill_worker()  # so the outbox stays empty while we poll
    try:
        spans.clear()
        for _ in range(20):
            assert await poller.fire_due() == 0
            assert await relay.relay_once() == 0
        await relay.observe_backlog()

        def polls() -> list[str]:
            statements = [str(s.attributes.get("db.statement", "")) for s in spans.get_finished_spans()]
            return [st for st in statements if "SKIP LOCKED" in st or "count(*)" in st.lower()]

        assert polls() == []
        # The same kind of statement outside a poller is traced: the filter above can see them.
        async with certification.runtime.sessions() as session, session.begin():
            await session.execute(text("SELECT id FROM outbox WHERE sent_at IS NULL FOR UPDATE SKIP LOCKED"))
        assert len(polls()) == 1
    finally:
        await certification.start_worker()


async def _is_zero(count: Awaitable[int]) -> bool:
    return await count == 0
