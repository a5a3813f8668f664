"""The four services with the sandbox clock on, in a namespace of their own (the session's services
run without it), over one ManualClock of their own: each service's SandboxClock wraps it."""
from __future__ import annotations

import importlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from trust_common.clock import ManualClock
from trust_common.kafka import ALL_TOPICS, delete_topics, ensure_topics
from trust_common.platform import PlatformPublisher
from trust_common.settings import CommonSettings
from trust_common.testing.infrastructure import KAFKA_BOOTSTRAP, ensure_infrastructure
from trust_common.testing.services import ServiceUnderTest

PACKAGES = ("certification", "employee_accounts", "shop_binding", "notifier")


@dataclass
class Sandbox:
    services: dict[str, ServiceUnderTest]
    settings: CommonSettings
    publisher: PlatformPublisher
    base: ManualClock


@pytest.fixture(scope="module")
async def sandbox() -> AsyncIterator[Sandbox]:
    ensure_infrastructure()
    namespace = f"s{uuid.uuid4().hex[:10]}"
    settings = CommonSettings(environment="test", kafka_bootstrap=KAFKA_BOOTSTRAP, topic_prefix=f"{namespace}.",
                              service_name="tests", sandbox_clock=True)
    topics = [settings.topic(t) for t in ALL_TOPICS]
    await ensure_topics(KAFKA_BOOTSTRAP, topics, partitions=3)
    base = ManualClock()
    services: dict[str, ServiceUnderTest] = {}
    try:
        for package in PACKAGES:
            definition = importlib.import_module(f"{package}.bootstrap").SERVICE
            services[package] = await ServiceUnderTest(definition, namespace, base, sandbox_clock=True).start()
        async with PlatformPublisher(settings) as publisher:
            yield Sandbox(services, settings, publisher, base)
    finally:
        for service in services.values():
            await service.close()
        await delete_topics(KAFKA_BOOTSTRAP, topics)
