"""The worker process of a service: outbox relay, Kafka consumers and timer poller, plus a
small HTTP server for /healthz, /readyz and /metrics. Stops gracefully on SIGTERM."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI

from trust_common import metrics
from trust_common.consumer import ConsumerRunner, EventHandler
from trust_common.db import asyncpg_dsn
from trust_common.events import EventData
from trust_common.health import WORKER_CHECKS, operations_router
from trust_common.kafka import create_consumer, create_producer
from trust_common.outbox import OutboxRelay
from trust_common.retention import Retention
from trust_common.runtime import Runtime
from trust_common.timers import TimerHandler, TimerPoller

log = logging.getLogger(__name__)


@dataclass
class WorkerSpec:
    """What a service's worker does: event handlers by contract, timer handlers by kind."""

    handlers: Mapping[type[EventData], EventHandler] = field(default_factory=dict)
    timers: Mapping[str, TimerHandler] = field(default_factory=dict)


class Worker:
    """Owns the Kafka clients and the loops of one worker process.

    Each loop (relay, timers, retention, consumer) is supervised: one that dies for a reason
    other than stopping is restarted with back-off; only repeated failure (`worker_loop_max_failures`
    within `worker_loop_failure_window_seconds`) gives up, and then readiness fails first and the
    process exits non-zero, so its supervisor (or Kubernetes) starts a fresh one.
    """

    def __init__(self, runtime: Runtime[Any], spec: WorkerSpec, *,
                 relay_after_publish: Callable[[list[Any]], Awaitable[None]] | None = None) -> None:
        settings = runtime.settings
        self.runtime = runtime
        self.spec = spec
        self.producer = create_producer(settings)
        self.relay = OutboxRelay(runtime.sessions, self.producer, listen_dsn=asyncpg_dsn(settings),
                                 batch_size=settings.relay_batch_size, poll_seconds=settings.relay_poll_seconds,
                                 tracer_provider=runtime.tracer_provider, after_publish=relay_after_publish)
        self.timers = TimerPoller.from_settings(runtime.uow, spec.timers, runtime.clock, settings,
                                                tracer_provider=runtime.tracer_provider)
        self.retention = Retention(runtime.sessions, settings, runtime.clock)
        self._topics = sorted({settings.topic(contract.topic) for contract in spec.handlers})
        self.consumer = self._new_consumer() if self._topics else None
        self._consumer_started = False
        self.restarting: set[str] = set()
        self.failed_loop: str | None = None

    def _new_consumer(self) -> ConsumerRunner:
        # A stopped Kafka consumer cannot start again: a restarted loop gets a new one.
        settings = self.runtime.settings
        return ConsumerRunner(
            name=settings.service_name, topics=self._topics,
            consumer=create_consumer(settings, (), group_id=settings.consumer_group),
            producer=self.producer, uow_factory=self.runtime.uow, handlers=self.spec.handlers,
            dead_letter_topic=settings.dead_letter_topic, max_attempts=settings.consumer_max_attempts,
            retry_backoff_seconds=settings.consumer_retry_backoff_seconds, batch_size=settings.consumer_batch_size,
            tracer_provider=self.runtime.tracer_provider)

    def ready(self) -> bool:
        """Every loop is running (none waiting to restart, none given up)."""
        return self.failed_loop is None and not self.restarting

    async def run(self, stop: asyncio.Event) -> None:
        """Run every loop until `stop`."""
        await self.producer.start()
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._supervise("relay", self.relay.run, stop))
                group.create_task(self._supervise("timers", self.timers.run, stop))
                group.create_task(self._supervise("retention", self.retention.run, stop))
                if self.consumer is not None:
                    group.create_task(self._supervise("consumer", self._run_consumer, stop))
        finally:
            await self.producer.stop()

    async def _run_consumer(self, stop: asyncio.Event) -> None:
        if self._consumer_started:
            self.consumer = self._new_consumer()
        self._consumer_started = True
        assert self.consumer is not None
        await self.consumer.run(stop)

    async def _supervise(self, name: str, loop: Callable[[asyncio.Event], Awaitable[None]],
                         stop: asyncio.Event) -> None:
        settings = self.runtime.settings
        failures: deque[float] = deque()
        while not stop.is_set():
            try:
                await loop(stop)
                continue  # a loop returns when stopping; if it returned early, it runs again
            except Exception:
                log.exception("the %s loop failed", name)
            metrics.WORKER_LOOP_RESTARTS.labels(loop=name).inc()
            now = time.monotonic()
            failures.append(now)
            while failures and now - failures[0] > settings.worker_loop_failure_window_seconds:
                failures.popleft()
            if len(failures) >= settings.worker_loop_max_failures:
                # Readiness fails first, then the process exits for a fresh start.
                self.failed_loop = name
                log.critical("the %s loop failed %d times in %ds; the worker stops", name, len(failures),
                             settings.worker_loop_failure_window_seconds)
                await _pause(stop, settings.worker_exit_grace_seconds)
                stop.set()
                return
            self.restarting.add(name)
            backoff = min(2.0 ** (len(failures) - 1), 30.0)
            await _pause(stop, backoff)
            self.restarting.discard(name)


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass


def health_app(runtime: Runtime[Any], worker: Worker | None = None) -> FastAPI:
    app = FastAPI(title=f"{runtime.settings.service_name} worker", docs_url=None, redoc_url=None)
    app.state.runtime = runtime
    if worker is not None:
        app.state.loops_ready = worker.ready
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
    worker = Worker(runtime, spec)
    server = _HealthServer(uvicorn.Config(health_app(runtime, worker), host=settings.http_host,
                                         port=settings.http_port, log_config=None, access_log=False))
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
    if worker.failed_loop is not None:
        raise SystemExit(f"the {worker.failed_loop} loop kept failing")
