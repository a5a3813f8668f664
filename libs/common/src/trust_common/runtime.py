"""The runtime of one service process: the shared resources built once, typed by the
service's settings class."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from trust_common.auth import TokenVerifier
from trust_common.clock import Clock, SystemClock
from trust_common.db import create_engine, session_factory
from trust_common.settings import CommonSettings
from trust_common.telemetry import create_tracer_provider, instrument_engine
from trust_common.uow import UnitOfWork

S = TypeVar("S", bound=CommonSettings)


@dataclass
class Runtime(Generic[S]):
    settings: S
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    tracer_provider: TracerProvider
    verifier: TokenVerifier
    unit_of_work: type[UnitOfWork] = UnitOfWork
    # The service's adapters (providers, stores, transports), built once by its Service.
    adapters: Any = None

    @classmethod
    def build(cls, settings: S, *, clock: Clock | None = None,
              unit_of_work: type[UnitOfWork] = UnitOfWork) -> Runtime[S]:
        engine = create_engine(settings)
        provider = create_tracer_provider(settings)
        instrument_engine(engine, provider)
        return cls(settings=settings, engine=engine, sessions=session_factory(engine),
                   clock=clock or SystemClock(), tracer_provider=provider, verifier=TokenVerifier(settings),
                   unit_of_work=unit_of_work)

    def uow(self) -> UnitOfWork:
        return self.unit_of_work(self.sessions, source=self.settings.service_name, clock=self.clock,
                                 topic_of=self.settings.topic)

    async def close(self) -> None:
        await self.engine.dispose()
        self.tracer_provider.shutdown()
