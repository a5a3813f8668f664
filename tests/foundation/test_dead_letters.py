"""Poison messages are retried, then parked on the dead-letter topic; the partition moves on."""
from __future__ import annotations

import uuid

from aiokafka import AIOKafkaConsumer

from trust_common.kafka import create_producer, decode_headers
from trust_common.testing.services import eventually

from tests.foundation.probe import ProbeRecorded


async def test_an_unparseable_message_is_dead_lettered_and_the_next_one_is_still_processed(probe, kafka_topics):
    topic = kafka_topics.topic(ProbeRecorded.topic)
    key = str(uuid.uuid4()).encode()  # one key: poison and the next event share a partition
    producer = create_producer(kafka_topics)
    await producer.start()
    try:
        await producer.send_and_wait(topic, key=key, value=b"{not json")
    finally:
        await producer.stop()
    async with probe.client() as client:
        probe_id = (await client.post("/probes", json={"note": "after poison"})).json()["probe_id"]
    await eventually(lambda: probe.effects(probe_id))

    dead_letters = AIOKafkaConsumer(probe.consumer_service.settings.dead_letter_topic,
                                    bootstrap_servers=kafka_topics.kafka_bootstrap, auto_offset_reset="earliest",
                                    enable_auto_commit=False)
    await dead_letters.start()
    try:
        async def parked():
            batches = await dead_letters.getmany(timeout_ms=500)
            return [r for records in batches.values() for r in records if r.key == key]

        record = (await eventually(parked))[0]
    finally:
        await dead_letters.stop()
    headers = decode_headers(record.headers)
    assert record.value == b"{not json"
    assert headers["dlt-original-topic"] == topic
    assert headers["dlt-consumer"] == "probe-consumer"
    assert "ValidationError" in headers["dlt-error"]
