"""The runtime of one service process: the shared resources bootstrap builds once."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from trust_common.auth import TokenVerifier
from trust_common.clock import Clock, SystemClock
from trust_common.db import create_engine, session_factory
from trust_common.settings import CommonSettings
from trust_common.telemetry import create_tracer_provider, instrument_engine
from trust_common.uow import UnitOfWork


@dataclass
class Runtime:
    settings: CommonSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    tracer_provider: TracerProvider
    verifier: TokenVerifier
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, settings: CommonSettings, *, clock: Clock | None = None) -> "Runtime":
        engine = create_engine(settings)
        provider = create_tracer_provider(settings)
        instrument_engine(engine, provider)
        return cls(settings=settings, engine=engine, sessions=session_factory(engine),
                   clock=clock or SystemClock(), tracer_provider=provider, verifier=TokenVerifier(settings))

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, source=self.settings.service_name, clock=self.clock,
                          topic_of=self.settings.topic)

    async def close(self) -> None:
        await self.engine.dispose()
        self.tracer_provider.shutdown()
