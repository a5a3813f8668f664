"""Poison messages are retried, then parked on the dead-letter topic; the partition moves on."""
from __future__ import annotations

import uuid

from aiokafka import AIOKafkaConsumer

from trust_common.deadletters import peek, replay
from trust_common.events import EventEnvelope
from trust_common.kafka import create_producer, decode_headers
from trust_common.testing.services import eventually

from tests.foundation.probe import ProbeRecorded, broken_notes, outages


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
            return [r for records in batches.values() for r in records
                    if r.key == key and decode_headers(r.headers).get("dlt-consumer") == "probe-consumer"]

        record = (await eventually(parked))[0]
    finally:
        await dead_letters.stop()
    headers = decode_headers(record.headers)
    assert record.value == b"{not json"
    assert headers["dlt-original-topic"] == topic
    assert headers["dlt-consumer"] == "probe-consumer"
    assert "ValidationError" in headers["dlt-error"]


async def test_a_message_that_kept_failing_is_replayed_from_the_dead_letters_once_fixed(probe):
    note = f"flaky-{uuid.uuid4().hex[:6]}"
    broken_notes.add(note)
    async with probe.client() as client:
        probe_id = (await client.post("/probes", json={"note": note})).json()["probe_id"]
    settings = probe.consumer_service.settings

    async def parked():
        return [letter for letter in await peek(settings, limit=5000)
                if letter.key == probe_id and letter.consumer == "probe-consumer"]

    letter = (await eventually(parked))[0]
    assert letter.attempts == "3" and "downstream refuses" in letter.error
    assert await probe.effects(probe_id) == 0

    broken_notes.discard(note)  # the operator fixed the cause
    assert probe_id in [letter.key for letter in await replay(settings)]
    await eventually(lambda: probe.effects(probe_id))
    assert probe_id not in [letter.key for letter in await replay(settings)]  # replayed once only
    assert await probe.effects(probe_id) == 1


async def test_a_database_outage_is_waited_out_and_never_parks_the_message(probe):
    note = f"outage-{uuid.uuid4().hex[:6]}"
    outages[note] = 6  # twice the attempts a message's own failure gets before it is parked
    async with probe.client() as client:
        probe_id = (await client.post("/probes", json={"note": note})).json()["probe_id"]
    await eventually(lambda: probe.effects(probe_id), timeout=30)
    assert outages[note] == 0
    assert probe_id not in [letter.key for letter in await peek(probe.consumer_service.settings, limit=5000)
                            if letter.consumer == "probe-consumer"]
    assert await probe.effects(probe_id) == 1


async def test_a_version_the_consumer_does_not_know_yet_is_parked_not_ignored(probe, kafka_topics):
    probe_id = str(uuid.uuid4())
    envelope = EventEnvelope(type=ProbeRecorded.event_type, version=2, source="tests", aggregate_type="probe",
                             aggregate_id=probe_id, sequence=1, occurred_at=probe.producer_service.clock.now(),
                             data={"probe_id": probe_id, "note": "from the future", "colour": "blue"})
    producer = create_producer(kafka_topics)
    await producer.start()
    try:
        await producer.send_and_wait(kafka_topics.topic(ProbeRecorded.topic), key=probe_id.encode(),
                                     value=envelope.model_dump_json().encode())
    finally:
        await producer.stop()

    async def parked():
        return [letter for letter in await peek(probe.consumer_service.settings, limit=5000)
                if letter.key == probe_id and letter.consumer == "probe-consumer"]

    letter = (await eventually(parked))[0]
    assert "version 2" in letter.error
