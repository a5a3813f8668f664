"""Session fixtures: each service runs in-process against the real PostgreSQL and Kafka,
in a database and topic namespace of its own for this test session."""
from __future__ import annotations

import importlib
from collections.abc import AsyncIterator

import pytest

from trust_common.clock import ManualClock
from trust_common.settings import CommonSettings
from trust_common.testing.services import ServiceUnderTest


async def _service(package: str, namespace: str, clock: ManualClock) -> AsyncIterator[ServiceUnderTest]:
    definition = importlib.import_module(f"{package}.bootstrap").SERVICE
    service = await ServiceUnderTest(definition, namespace, clock).start()
    try:
        yield service
    finally:
        await service.close()


@pytest.fixture(scope="session")
async def certification(kafka_topics: CommonSettings, namespace: str, clock: ManualClock):
    async for service in _service("certification", namespace, clock):
        yield service


@pytest.fixture(scope="session")
async def employee_accounts(kafka_topics: CommonSettings, namespace: str, clock: ManualClock):
    async for service in _service("employee_accounts", namespace, clock):
        yield service


@pytest.fixture(scope="session")
async def shop_binding(kafka_topics: CommonSettings, namespace: str, clock: ManualClock):
    async for service in _service("shop_binding", namespace, clock):
        yield service


@pytest.fixture(scope="session")
async def notifier(kafka_topics: CommonSettings, namespace: str, clock: ManualClock):
    async for service in _service("notifier", namespace, clock):
        yield service
