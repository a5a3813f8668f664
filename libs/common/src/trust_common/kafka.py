"""Kafka wiring, once: producer and consumer settings, topic creation, header codecs."""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from trust_common.settings import CommonSettings

log = logging.getLogger(__name__)

# Logical topics of the system; a settings prefix maps them to physical names.
SERVICE_TOPICS = ("certification.events", "employee-accounts.events", "shop-binding.events", "notifier.events")
PLATFORM_TOPICS = ("platform.accounts", "platform.shops")
DEAD_LETTER_TOPICS = ("certification.dlt", "employee-accounts.dlt", "shop-binding.dlt", "notifier.dlt")
ALL_TOPICS = SERVICE_TOPICS + PLATFORM_TOPICS + DEAD_LETTER_TOPICS


def create_producer(settings: CommonSettings) -> AIOKafkaProducer:
    """An idempotent producer that waits for every in-sync replica."""
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap,
        client_id=f"{settings.service_name}-producer",
        enable_idempotence=True,
        acks="all",
        linger_ms=2,
        request_timeout_ms=15000,
    )


def create_consumer(settings: CommonSettings, topics: Iterable[str], *, group_id: str) -> AIOKafkaConsumer:
    """A group member that commits offsets only when told to (after the database commit).
    Pass no topics to subscribe later with a rebalance listener (the consumer runner does)."""
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=group_id,
        client_id=f"{settings.service_name}-consumer",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        max_poll_records=200,
    )


def encode_headers(headers: Mapping[str, str]) -> list[tuple[str, bytes]]:
    return [(k, v.encode()) for k, v in headers.items()]


def decode_headers(headers: Iterable[tuple[str, bytes]] | None) -> dict[str, str]:
    return {k: v.decode(errors="replace") for k, v in (headers or ())}


async def ensure_topics(bootstrap: str, topics: Iterable[str], *, partitions: int = 3,
                        replication_factor: int = 1) -> list[str]:
    """Create the topics that do not exist yet; returns the ones created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="trust-topics")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if missing:
            try:
                await admin.create_topics(
                    [NewTopic(name=t, num_partitions=partitions, replication_factor=replication_factor)
                     for t in missing])
            except TopicAlreadyExistsError:  # a concurrent creator won; that is fine
                pass
        return missing
    finally:
        await admin.close()


async def delete_topics(bootstrap: str, topics: Iterable[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="trust-topics")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        doomed = [t for t in topics if t in existing]
        if doomed:
            await admin.delete_topics(doomed)
    finally:
        await admin.close()
