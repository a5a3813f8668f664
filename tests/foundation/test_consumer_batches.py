"""Consumers take records in batches and survive rebalances (issues: throughput, reliability).

A partition's batch is one unit of work; if one record in it fails, nothing of the batch is
kept and the records are taken one by one, so a poison record is parked alone. A member that
gives partitions up finishes the batch in hand first, and one added under backlog never makes
another crash: every event's effect still happens exactly once.
"""
from __future__ import annotations

import asyncio
import uuid
from contextlib import suppress
from datetime import UTC, datetime

from aiokafka import ConsumerRecord
from sqlalchemy import text

from trust_common.consumer import ConsumerRunner
from trust_common.events import EventEnvelope
from trust_common.kafka import create_consumer, create_producer
from trust_common.testing.services import eventually
from trust_common.uow import UnitOfWork

from tests.foundation.probe import EFFECTS_TABLE, ProbeRecorded, apply_probe, broken_notes


def _record(topic: str, offset: int, event: ProbeRecorded) -> ConsumerRecord:
    envelope = EventEnvelope.wrap(event, source="certification", sequence=offset + 1,
                                  occurred_at=datetime.now(UTC))
    return ConsumerRecord(topic=topic, partition=0, offset=offset, timestamp=0, timestamp_type=0,
                          key=event.probe_id.encode(), value=envelope.model_dump_json().encode(), checksum=None,
                          serialized_key_size=0, serialized_value_size=0, headers=[])


async def _effects(service, probe_ids: list[str]) -> dict[str, int]:
    async with service.runtime.sessions() as session:
        rows = (await session.execute(text(
            "SELECT probe_id, count(*) FROM probe_effects WHERE probe_id = ANY(:ids) GROUP BY probe_id"),
            {"ids": probe_ids})).all()
    return {probe_id: count for probe_id, count in rows}


def _runner(service, name: str, handlers, **options) -> ConsumerRunner:
    settings = service.settings
    producer = create_producer(settings)
    return ConsumerRunner(name=name, consumer=create_consumer(settings, (), group_id=f"{settings.topic_prefix}{name}"),
                          producer=producer, uow_factory=service.runtime.uow, handlers=handlers,
                          dead_letter_topic=settings.dead_letter_topic, topics=[settings.topic(ProbeRecorded.topic)],
                          retry_backoff_seconds=0.01, tracer_provider=service.runtime.tracer_provider, **options)


async def test_a_poison_record_in_a_batch_is_parked_alone_and_the_batch_leaves_no_partial_effect(probe):
    service = probe.consumer_service
    topic = service.settings.topic(ProbeRecorded.topic)
    events = [ProbeRecorded(probe_id=str(uuid.uuid4()), note=f"batch-{i}-{uuid.uuid4().hex[:6]}") for i in range(3)]
    broken_notes.add(events[1].note)
    seen_from_outside: list[int] = []

    async def observing(event: ProbeRecorded, envelope: EventEnvelope, uow: UnitOfWork) -> None:
        if event.probe_id == events[1].probe_id:
            # While the batch runs, the first record's effect is not visible outside its transaction.
            seen_from_outside.append(sum((await _effects(service, [events[0].probe_id])).values()))
        await apply_probe(event, envelope, uow)

    runner = _runner(service, f"batch-{uuid.uuid4().hex[:6]}", {ProbeRecorded: observing})
    await runner._producer.start()
    try:
        outcomes = await runner.process_batch([_record(topic, i, e) for i, e in enumerate(events)])
    finally:
        await runner._producer.stop()
        broken_notes.discard(events[1].note)

    assert outcomes == ["processed", "dead_lettered", "processed"]
    assert seen_from_outside[0] == 0  # the failed batch had kept nothing of record 0
    assert await _effects(service, [e.probe_id for e in events]) == {events[0].probe_id: 1, events[2].probe_id: 1}


async def test_a_member_added_under_backlog_takes_partitions_and_no_member_crashes(probe, kafka_topics):
    service = probe.consumer_service
    name = f"rebalance-{uuid.uuid4().hex[:6]}"
    async with service.runtime.engine.begin() as connection:
        await connection.execute(text(EFFECTS_TABLE))

    async def slow(event: ProbeRecorded, envelope: EventEnvelope, uow: UnitOfWork) -> None:
        await asyncio.sleep(0.02)  # a backlog builds up while the second member joins
        # Marked with this group's name: the probe's own consumer records the same events too.
        await uow.session.execute(text("INSERT INTO probe_effects (probe_id, event_id) VALUES (:p, :e)"),
                                  {"p": f"{name}:{event.probe_id}", "e": envelope.event_id})

    first, second = (_runner(service, name, {ProbeRecorded: slow}, batch_size=20) for _ in range(2))
    stop = asyncio.Event()
    for runner in (first, second):
        await runner._producer.start()
    probe_ids = [str(uuid.uuid4()) for _ in range(300)]
    producer = create_producer(kafka_topics)
    await producer.start()
    first_task = asyncio.create_task(first.run(stop))
    second_task: asyncio.Task[None] | None = None
    try:
        for probe_id in probe_ids:
            envelope = EventEnvelope.wrap(ProbeRecorded(probe_id=probe_id, note="rebalance"), source="certification",
                                          sequence=1, occurred_at=datetime.now(UTC))
            await producer.send(kafka_topics.topic(ProbeRecorded.topic), key=probe_id.encode(),
                                value=envelope.model_dump_json().encode())
        await producer.flush()
        marked = [f"{name}:{probe_id}" for probe_id in probe_ids]
        await eventually(lambda: _effects(service, marked[:1]), timeout=30)
        second_task = asyncio.create_task(second.run(stop))  # joins while the first is busy
        effects = await eventually(lambda: _all_once(service, marked), timeout=90, interval=0.5)
        assert effects
        assert not first_task.done() and not second_task.done()  # neither member died on the rebalance
        assert first._consumer.assignment() and second._consumer.assignment()
    finally:
        stop.set()
        for task in (first_task, second_task):
            if task is not None:
                with suppress(asyncio.CancelledError):
                    await asyncio.wait_for(task, 30)
        await producer.stop()
        for runner in (first, second):
            await runner._producer.stop()


async def _all_once(service, probe_ids: list[str]) -> bool:
    effects = await _effects(service, probe_ids)
    assert all(count == 1 for count in effects.values()), "an event took effect twice"
    return len(effects) == len(probe_ids)
