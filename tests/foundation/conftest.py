from __future__ import annotations

import asyncio
from contextlib import suppress
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import text

from trust_common.consumer import ConsumerRunner
from trust_common.http import create_api
from trust_common.kafka import create_consumer, create_producer
from trust_common.testing.services import ServiceUnderTest

from tests.foundation.probe import EFFECTS_TABLE, ProbeRecorded, apply_probe, router


@dataclass
class Probe:
    producer_service: ServiceUnderTest
    consumer_service: ServiceUnderTest
    app: object

    def client(self, subject: str = "probe-user") -> httpx.AsyncClient:
        token = self.producer_service.token(subject, "account_holder", account_id=subject)
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://test",
                                 headers={"authorization": f"Bearer {token}"})

    async def effects(self, probe_id: str) -> int:
        async with self.consumer_service.runtime.sessions() as session:
            return (await session.execute(text("SELECT count(*) FROM probe_effects WHERE probe_id = :p"),
                                          {"p": probe_id})).scalar_one()


@pytest.fixture(scope="session")
async def probe(certification: ServiceUnderTest, notifier: ServiceUnderTest):
    """Probe events made over HTTP in certification's runtime and consumed in notifier's."""
    async with notifier.runtime.engine.begin() as connection:
        await connection.execute(text(EFFECTS_TABLE))
    settings = notifier.settings
    producer = create_producer(settings)
    await producer.start()
    runner = ConsumerRunner(
        name="probe-consumer", producer=producer, uow_factory=notifier.runtime.uow,
        consumer=create_consumer(settings, [settings.topic(ProbeRecorded.topic)],
                                 group_id=f"{settings.topic_prefix}probe-consumer"),
        handlers={ProbeRecorded: apply_probe}, dead_letter_topic=settings.dead_letter_topic,
        tracer_provider=notifier.runtime.tracer_provider, retry_backoff_seconds=0.01)
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    app = create_api(certification.runtime, title="probe", description="probe", routers=[router])
    yield Probe(certification, notifier, app)
    stop.set()
    with suppress(Exception):
        await asyncio.wait_for(task, 20)
    await producer.stop()
