"""Running a service in-process against the real database and Kafka.

A service package follows one convention: `<pkg>.settings.Settings`,
`<pkg>.entrypoints.api.create_app(settings, runtime=...)`,
`<pkg>.entrypoints.worker.worker_spec(runtime)` and the migrations in `<pkg>/migrations`.
"""
from __future__ import annotations

import asyncio
import importlib
import inspect
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

import httpx

from trust_common import migrations
from trust_common.auth import Role, mint_token
from trust_common.clock import Clock
from trust_common.runtime import Runtime
from trust_common.testing.infrastructure import KAFKA_BOOTSTRAP, create_database, drop_database
from trust_common.worker import Worker


class ServiceUnderTest:
    """One service: its runtime, its HTTP app, and optionally its worker loops."""

    def __init__(self, package: str, namespace: str, clock: Clock, **overrides: Any) -> None:
        self.package = package
        self.namespace = namespace
        self.clock = clock
        self.overrides = overrides
        self.database = f"{package}_{namespace}"
        self._stop = asyncio.Event()
        self._worker_task: asyncio.Task[None] | None = None
        self.worker: Worker | None = None

    async def start(self, *, worker: bool = True) -> "ServiceUnderTest":
        settings_module = importlib.import_module(f"{self.package}.settings")
        url = await create_database(self.database)
        migrations_dir = Path(importlib.import_module(f"{self.package}.migrations").__file__).parent  # type: ignore[arg-type]
        await asyncio.to_thread(migrations.upgrade, migrations_dir, url)
        self.settings = settings_module.Settings(**{
            "environment": "test", "database_url": url, "kafka_bootstrap": KAFKA_BOOTSTRAP,
            "topic_prefix": f"{self.namespace}.", "otel_exporter": "memory", "log_json": False,
            "relay_poll_seconds": 0.5, "timer_poll_seconds": 0.05, "consumer_retry_backoff_seconds": 0.01,
            "database_pool_size": 5, **self.overrides})
        self.runtime = Runtime.build(self.settings, clock=self.clock)
        api = importlib.import_module(f"{self.package}.entrypoints.api")
        self.app = api.create_app(self.settings, runtime=self.runtime)
        if worker:
            await self.start_worker()
        return self

    async def start_worker(self, **worker_options: Any) -> Worker:
        """Start the relay, consumers and timer poller as background tasks."""
        spec = importlib.import_module(f"{self.package}.entrypoints.worker").worker_spec(self.runtime)
        self._stop = asyncio.Event()
        self.worker = Worker(self.runtime, spec, **worker_options)
        self._worker_task = asyncio.create_task(self.worker.run(self._stop))
        return self.worker

    async def stop_worker(self) -> None:
        """Stop the worker as SIGTERM would: finish what is in hand, leave the group."""
        if self._worker_task is not None:
            self._stop.set()
            with suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._worker_task, 30)
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
