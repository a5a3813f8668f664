"""Outbox pick-up latency: commit → message on Kafka, with the NOTIFY wake-up versus the
polling-only ceiling measured in the same run.

    .venv/bin/python bench/outbox_latency.py [--events 200]

Prints p50/p95/p99 for both modes and the ratio of the NOTIFY figures to the polling
ceiling (lower is better; the relay should pick rows up in milliseconds, not a poll interval).
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from pathlib import Path

from aiokafka import AIOKafkaConsumer

from trust_common import migrations
from trust_common.clock import SystemClock
from trust_common.db import asyncpg_dsn
from trust_common.events import EventData
from trust_common.kafka import create_producer, delete_topics, ensure_topics
from trust_common.outbox import OutboxRelay
from trust_common.runtime import Runtime
from trust_common.settings import CommonSettings
from trust_common.testing.infrastructure import KAFKA_BOOTSTRAP, create_database, drop_database, ensure_infrastructure

MIGRATIONS = Path(__file__).resolve().parent.parent / "services/certification/src/certification/migrations"
POLL_SECONDS = 0.5


class BenchTicked(EventData):
    event_type = "bench.ticked"
    topic = "bench.events"
    aggregate_type = "bench"
    aggregate_field = "tick_id"

    tick_id: str


async def measure(runtime: Runtime, *, listen: bool, events: int) -> list[float]:
    settings = runtime.settings
    producer = create_producer(settings)
    reader = AIOKafkaConsumer(settings.topic(BenchTicked.topic), bootstrap_servers=settings.kafka_bootstrap,
                              auto_offset_reset="latest", enable_auto_commit=False)
    await producer.start()
    await reader.start()
    await reader.getmany(timeout_ms=500)  # join and settle at the end of the topic
    relay = OutboxRelay(runtime.sessions, producer, listen_dsn=asyncpg_dsn(settings) if listen else None,
                        poll_seconds=POLL_SECONDS)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    await asyncio.sleep(0.3)
    latencies = []
    try:
        for _ in range(events):
            tick = str(uuid.uuid4())
            async with runtime.uow() as uow:
                uow.emit(BenchTicked(tick_id=tick))
                await uow.commit()
            committed = time.perf_counter()
            while True:
                batches = await reader.getmany(timeout_ms=2000)
                if any(r.key == tick.encode() for records in batches.values() for r in records):
                    latencies.append((time.perf_counter() - committed) * 1000)
                    break
            await asyncio.sleep(0.005)
    finally:
        stop.set()
        await task
        await reader.stop()
        await producer.stop()
    return latencies


def quantiles(values: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(values, n=100)
    return cuts[49], cuts[94], cuts[98]


async def main(events: int) -> None:
    ensure_infrastructure()
    name = f"bench_{uuid.uuid4().hex[:8]}"
    url = await create_database(name)
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
    settings = CommonSettings(environment="test", service_name="bench", database_url=url,
                              kafka_bootstrap=KAFKA_BOOTSTRAP, topic_prefix=f"{name}.")
    await ensure_topics(KAFKA_BOOTSTRAP, [settings.topic(BenchTicked.topic)], partitions=3)
    runtime = Runtime.build(settings, clock=SystemClock())
    try:
        ceiling = quantiles(await measure(runtime, listen=False, events=max(events // 4, 20)))
        notify = quantiles(await measure(runtime, listen=True, events=events))
    finally:
        await runtime.close()
        await delete_topics(KAFKA_BOOTSTRAP, [settings.topic(BenchTicked.topic)])
        await drop_database(name)
    print(f"outbox commit→Kafka latency, polling every {POLL_SECONDS * 1000:.0f} ms as the ceiling")
    for label, (ours, top) in zip(("p50", "p95", "p99"), zip(notify, ceiling, strict=True), strict=True):
        print(f"  {label}: notify {ours:7.1f} ms   polling ceiling {top:7.1f} ms   ratio {ours / top:.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200)
    asyncio.run(main(parser.parse_args().events))
