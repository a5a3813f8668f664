"""Pytest fixtures: the real stack, a namespace per session, topics, a manual clock."""
from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest

from trust_common.clock import ManualClock
from trust_common.kafka import ALL_TOPICS, delete_topics, ensure_topics
from trust_common.settings import CommonSettings
from trust_common.telemetry import memory_exporter
from trust_common.testing.infrastructure import KAFKA_BOOTSTRAP, ensure_infrastructure

# Settings have no default environment (they fail closed); every test process says it runs tests,
# whatever the shell exported. Tests of the missing environment remove it with monkeypatch.
os.environ["TRUST_ENVIRONMENT"] = "test"


@pytest.fixture(scope="session")
def namespace() -> str:
    """Isolates this session's databases, topics and consumer groups from any other run."""
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
async def kafka_topics(namespace: str) -> AsyncIterator[CommonSettings]:
    """Every topic of the system under this session's prefix; settings to reach them."""
    ensure_infrastructure()
    settings = CommonSettings(environment="test", kafka_bootstrap=KAFKA_BOOTSTRAP, topic_prefix=f"{namespace}.",
                              service_name="tests")
    topics = [settings.topic(t) for t in ALL_TOPICS]
    await ensure_topics(KAFKA_BOOTSTRAP, topics, partitions=3)
    yield settings
    await delete_topics(KAFKA_BOOTSTRAP, topics)


@pytest.fixture(scope="session")
def clock() -> ManualClock:
    """One manual clock for the session's services; tests only move it forward."""
    return ManualClock()


@pytest.fixture
def spans():
    """Finished spans exported during the test."""
    exporter = memory_exporter()
    exporter.clear()
    return exporter
