"""Reading and replaying a service's dead-letter topic.

Replay re-publishes each parked message to its original topic with its original key, value
and trace headers; the consumers' inbox makes a replay of an already-applied event a no-op.
A consumer group of its own remembers what was replayed, so a second run replays only newer
dead letters.
"""
from __future__ import annotations

from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from trust_common.kafka import create_producer, decode_headers, encode_headers
from trust_common.settings import CommonSettings


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    key: str | None
    original_topic: str
    consumer: str
    attempts: str
    error: str


def _letter(record: ConsumerRecord) -> DeadLetter:
    headers = decode_headers(record.headers)
    return DeadLetter(partition=record.partition, offset=record.offset,
                      key=record.key.decode(errors="replace") if record.key else None,
                      original_topic=headers.get("dlt-original-topic", "?"), consumer=headers.get("dlt-consumer", "?"),
                      attempts=headers.get("dlt-attempts", "?"), error=headers.get("dlt-error", ""))


def _consumer(settings: CommonSettings, topic: str, group_id: str | None) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(topic, bootstrap_servers=settings.kafka_bootstrap, group_id=group_id,
                            enable_auto_commit=False, auto_offset_reset="earliest")


async def peek(settings: CommonSettings, *, limit: int = 100) -> list[DeadLetter]:
    """The dead letters currently on this service's dead-letter topic (oldest first)."""
    consumer = _consumer(settings, settings.dead_letter_topic, None)
    await consumer.start()
    try:
        found: list[DeadLetter] = []
        while len(found) < limit:
            batches = await consumer.getmany(timeout_ms=1000, max_records=limit)
            if not batches:
                break
            for records in batches.values():
                found.extend(_letter(record) for record in records)
        return found[:limit]
    finally:
        await consumer.stop()


async def replay(settings: CommonSettings, *, limit: int = 1000) -> list[DeadLetter]:
    """Re-publish dead letters not replayed before to their original topics; returns them."""
    consumer = _consumer(settings, settings.dead_letter_topic, f"{settings.consumer_group}.dlt-replay")
    producer = create_producer(settings)
    await consumer.start()
    await producer.start()
    replayed: list[DeadLetter] = []
    try:
        while len(replayed) < limit:
            batches = await consumer.getmany(timeout_ms=1500, max_records=min(200, limit - len(replayed)))
            if not batches:
                break
            for partition, records in batches.items():
                for record in records:
                    letter = _letter(record)
                    headers = decode_headers(record.headers)
                    original = headers.get("dlt-original-topic")
                    if not original:
                        continue
                    kept = {k: v for k, v in headers.items() if not k.startswith("dlt-")}
                    kept["dlt-replayed-from"] = f"{record.topic}/{record.partition}/{record.offset}"
                    await producer.send_and_wait(original, value=record.value, key=record.key,
                                                 headers=encode_headers(kept))
                    replayed.append(letter)
                await consumer.commit({TopicPartition(partition.topic, partition.partition): records[-1].offset + 1})
        return replayed
    finally:
        await producer.stop()
        await consumer.stop()
