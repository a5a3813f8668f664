"""Fixtures of the employee-accounts tests: the running service and its platform (flows in `flows.py`, builders
in `builders.py`)."""
from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from trust_common.platform import PlatformPublisher
from trust_common.testing.services import ServiceUnderTest

from tests.employee_accounts.flows import World

# Argon2 stays Argon2id, at a test cost: production keeps the strong defaults of Settings.
os.environ.setdefault("TRUST_ARGON2_TIME_COST", "1")
os.environ.setdefault("TRUST_ARGON2_MEMORY_COST_KIB", "8192")


@pytest.fixture(scope="session")
async def platform(kafka_topics) -> AsyncIterator[PlatformPublisher]:
    async with PlatformPublisher(kafka_topics) as publisher:
        yield publisher


@pytest.fixture(scope="session")
async def world(employee_accounts: ServiceUnderTest, platform: PlatformPublisher) -> World:
    return World(employee_accounts, platform)
