"""The worker process of a service: outbox relay, Kafka consumers and timer poller, plus a
small HTTP server for /healthz, /readyz and /metrics. Stops gracefully on SIGTERM."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI

from trust_common.consumer import ConsumerRunner, EventHandler
from trust_common.db import asyncpg_dsn
from trust_common.events import EventData
from trust_common.health import WORKER_CHECKS, operations_router
from trust_common.kafka import create_consumer, create_producer
from trust_common.outbox import OutboxRelay
from trust_common.runtime import Runtime
from trust_common.timers import TimerHandler, TimerPoller

log = logging.getLogger(__name__)


@dataclass
class WorkerSpec:
    """What a service's worker does: event handlers by contract, timer handlers by kind."""

    handlers: Mapping[type[EventData], EventHandler] = field(default_factory=dict)
    timers: Mapping[str, TimerHandler] = field(default_factory=dict)


class Worker:
    """Owns the Kafka clients and the loops of one worker process."""

    def __init__(self, runtime: Runtime[Any], spec: WorkerSpec, *,
                 relay_after_publish: Callable[[list[Any]], Awaitable[None]] | None = None) -> None:
        settings = runtime.settings
        self.runtime = runtime
        self.producer = create_producer(settings)
        self.relay = OutboxRelay(runtime.sessions, self.producer, listen_dsn=asyncpg_dsn(settings),
                                 batch_size=settings.relay_batch_size, poll_seconds=settings.relay_poll_seconds,
                                 tracer_provider=runtime.tracer_provider, after_publish=relay_after_publish)
        self.timers = TimerPoller(runtime.uow, spec.timers, runtime.clock, batch_size=settings.timer_batch_size,
                                  poll_seconds=settings.timer_poll_seconds, concurrency=settings.timer_concurrency,
                                  max_attempts=settings.timer_max_attempts, tracer_provider=runtime.tracer_provider)
        topics = sorted({settings.topic(contract.topic) for contract in spec.handlers})
        self.consumer = ConsumerRunner(
            name=settings.service_name,
            consumer=create_consumer(settings, topics, group_id=settings.consumer_group),
            producer=self.producer, uow_factory=runtime.uow, handlers=spec.handlers,
            dead_letter_topic=settings.dead_letter_topic, max_attempts=settings.consumer_max_attempts,
            retry_backoff_seconds=settings.consumer_retry_backoff_seconds, tracer_provider=runtime.tracer_provider,
        ) if topics else None

    async def run(self, stop: asyncio.Event) -> None:
        """Run every loop until `stop`; a loop that crashes stops the others (the process restarts)."""
        await self.producer.start()
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._guard(self.relay.run(stop), stop))
                group.create_task(self._guard(self.timers.run(stop), stop))
                if self.consumer is not None:
                    group.create_task(self._guard(self.consumer.run(stop), stop))
        finally:
            await self.producer.stop()

    @staticmethod
    async def _guard(loop: Awaitable[None], stop: asyncio.Event) -> None:
        try:
            await loop
        finally:
            stop.set()


def health_app(runtime: Runtime[Any]) -> FastAPI:
    app = FastAPI(title=f"{runtime.settings.service_name} worker", docs_url=None, redoc_url=None)
    app.state.runtime = runtime
    app.include_router(operations_router(WORKER_CHECKS))  # readiness: database and Kafka
    return app


class _HealthServer(uvicorn.Server):
    """The worker owns SIGTERM (it stops every loop, then this server): uvicorn must not take it."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(runtime: Runtime[Any], spec: WorkerSpec) -> None:
    """Run the worker and its health server until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    settings = runtime.settings
    server = _HealthServer(uvicorn.Config(health_app(runtime), host=settings.http_host, port=settings.http_port,
                                         log_config=None, access_log=False))
    worker = Worker(runtime, spec)
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(worker.run(stop))
            http = group.create_task(server.serve())
            await stop.wait()
            server.should_exit = True
            await http
    finally:
        await runtime.close()
        log.info("worker stopped")
