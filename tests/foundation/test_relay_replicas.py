"""Several relay replicas publish every outbox row once and keep each aggregate's order."""
from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict

from aiokafka import AIOKafkaConsumer

from trust_common.events import EventEnvelope
from trust_common.kafka import create_producer
from trust_common.outbox import OutboxRelay
from trust_common.testing.services import eventually

from tests.foundation.probe import ProbeRecorded

AGGREGATES, EVENTS_EACH = 12, 15


async def test_three_relays_publish_each_row_once_in_per_aggregate_order(certification, kafka_topics):
    await certification.kill_worker()  # rows pile up first, then the replicas race for them
    aggregates = [str(uuid.uuid4()) for _ in range(AGGREGATES)]
    for round_ in range(EVENTS_EACH):
        async with certification.runtime.uow() as uow:
            for aggregate in aggregates:
                uow.emit(ProbeRecorded(probe_id=aggregate, note=str(round_)))
            await uow.commit()

    reader = AIOKafkaConsumer(kafka_topics.topic(ProbeRecorded.topic), bootstrap_servers=kafka_topics.kafka_bootstrap,
                              auto_offset_reset="earliest", enable_auto_commit=False)
    await reader.start()
    producers = [create_producer(certification.settings) for _ in range(3)]
    stop = asyncio.Event()
    try:
        for producer in producers:
            await producer.start()
        relays = [OutboxRelay(certification.runtime.sessions, producer, batch_size=7, poll_seconds=0.05)
                  for producer in producers]
        tasks = [asyncio.create_task(relay.run(stop)) for relay in relays]
        seen: dict[str, list[int]] = defaultdict(list)
        wanted = set(aggregates)

        async def all_arrived() -> bool:
            for records in (await reader.getmany(timeout_ms=300)).values():
                for record in records:
                    if record.key is None or record.key.decode(errors="replace") not in wanted:
                        continue  # other tests' messages on the shared topic, poison included
                    envelope = EventEnvelope.model_validate_json(record.value)
                    if envelope.aggregate_id in wanted:
                        seen[envelope.aggregate_id].append(envelope.sequence)
            return sum(map(len, seen.values())) >= AGGREGATES * EVENTS_EACH

        await eventually(all_arrived, timeout=60)
        stop.set()
        await asyncio.gather(*tasks)
    finally:
        stop.set()
        for producer in producers:
            await producer.stop()
        await reader.stop()
        await certification.start_worker()

    for aggregate in aggregates:
        assert seen[aggregate] == list(range(1, EVENTS_EACH + 1)), f"{aggregate}: {seen[aggregate]}"
