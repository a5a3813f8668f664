"""Running a service in-process against the real database and Kafka, from its one
definition (`bootstrap.SERVICE`)."""
from __future__ import annotations

import asyncio
import dataclasses
import inspect
import logging
from collections.abc import Callable
from contextlib import suppress
from typing import Any

import httpx

from trust_common.auth import Role, mint_token
from trust_common.clock import Clock
from trust_common.service import Service
from trust_common.testing.infrastructure import KAFKA_BOOTSTRAP, create_database, drop_database
from trust_common.worker import Worker

log = logging.getLogger(__name__)


class ServiceUnderTest:
    """One service: its runtime, its HTTP app, and optionally its worker loops."""

    def __init__(self, service: Service[Any], namespace: str, clock: Clock, **overrides: Any) -> None:
        self.service = service
        self.package = service.name.replace("-", "_")
        self.namespace = namespace
        self.clock = clock
        self.overrides = overrides
        self.database = f"{self.package}_{namespace}"
        self._stop = asyncio.Event()
        self._worker_task: asyncio.Task[None] | None = None
        self.worker: Worker | None = None

    async def start(self, *, worker: bool = True) -> ServiceUnderTest:
        url = await create_database(self.database)
        await asyncio.to_thread(self.service.migrate, url)
        self.settings = self.service.settings(**{
            "environment": "test", "database_url": url, "kafka_bootstrap": KAFKA_BOOTSTRAP,
            "topic_prefix": f"{self.namespace}.", "otel_exporter": "memory", "log_json": False,
            "relay_poll_seconds": 0.5, "timer_poll_seconds": 0.05, "consumer_retry_backoff_seconds": 0.01,
            # A timer loop may hold two connections (its batch, and a handler's own unit of work, as
            # the notifier's delivery claims): 4 loops plus a test's fire_due() must not drain the pool.
            "database_pool_size": 12,
            # Tests sweep retention themselves (a background sweep would race their assertions).
            "retention_interval_seconds": 3600.0, **self.overrides})
        self.runtime = self.service.runtime(self.settings, clock=self.clock)
        self.app = self.service.create_app(runtime=self.runtime)
        if worker:
            await self.start_worker()
        return self

    @property
    def adapters(self) -> Any:
        """The service's adapters (its fakes, in tests)."""
        return self.runtime.adapters

    def replace_adapters(self, **adapters: Any) -> None:
        """Swap adapters; the API's bus and the next worker started use the new ones."""
        self.runtime.adapters = dataclasses.replace(self.runtime.adapters, **adapters)
        self.app.state.bus = self.service.bus(self.runtime)

    async def start_worker(self, **worker_options: Any) -> Worker:
        """Start the relay, consumers and timer poller as background tasks."""
        self._stop = asyncio.Event()
        self.worker = Worker(self.runtime, self.service.worker_spec(self.runtime), **worker_options)
        self._worker_task = asyncio.create_task(self.worker.run(self._stop))
        return self.worker

    async def stop_worker(self) -> None:
        """Stop the worker as SIGTERM would: finish what is in hand, leave the group."""
        if self._worker_task is not None:
            self._stop.set()
            try:
                await asyncio.wait_for(self._worker_task, 30)
            except asyncio.CancelledError:
                pass
            except Exception:  # it had already died (a test gave it an unreachable broker): nothing to stop
                log.warning("the %s worker had already stopped with an error", self.service.name, exc_info=True)
            self._worker_task = None

    async def kill_worker(self) -> None:
        """Stop the worker abruptly, as a crash would (no graceful finish)."""
        if self._worker_task is not None:
            self._worker_task.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await self._worker_task
            self._worker_task = None
            if self.worker is not None:
                with suppress(Exception):
                    await self.worker.producer.stop()

    def token(self, subject: str, *roles: Role | str, **claims: Any) -> str:
        return mint_token(self.settings, subject, list(roles), **claims)

    def client(self, subject: str | None = None, *roles: Role | str, **claims: Any) -> httpx.AsyncClient:
        """An HTTP client on the app; with a subject, it sends a bearer token for that principal."""
        headers = {"authorization": f"Bearer {self.token(subject, *roles, **claims)}"} if subject else {}
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://test",
                                 headers=headers)

    async def close(self, *, drop: bool = True) -> None:
        await self.stop_worker()
        await self.runtime.close()
        if drop:
            await drop_database(self.database)


async def eventually(check: Callable[[], Any], *, timeout: float = 45.0, interval: float = 0.05) -> Any:
    """Poll a check (sync or async) until it returns something truthy; fail with its last answer."""
    deadline = asyncio.get_running_loop().time() + timeout
    last: Any = None
    while True:
        last = check()
        if inspect.isawaitable(last):
            last = await last
        if last:
            return last
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {last!r})")
        await asyncio.sleep(interval)
