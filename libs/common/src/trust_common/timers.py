"""Durable timers (X-1): a row per deadline, fired once by a poller taking due rows with
FOR UPDATE SKIP LOCKED; firing dispatches a handler inside the unit of work that marks it fired."""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.instrumentation.utils import suppress_instrumentation
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from trust_common import metrics
from trust_common.clock import Clock
from trust_common.schema import timers

if TYPE_CHECKING:
    from trust_common.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Timer:
    id: int
    kind: str
    key: str
    due_at: datetime
    payload: dict[str, Any]


# The pending-timers gauge costs a count: refreshed at most this often when idle.
PENDING_GAUGE_SECONDS = 5.0

TimerHandler = Callable[[Timer, "UnitOfWork"], Awaitable[None]]


class TimerSchedule:
    """Schedules and cancels timers inside the caller's transaction."""

    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def schedule(self, kind: str, key: str, due_at: datetime, payload: Mapping[str, Any] | None = None,
                       *, replace: bool = False) -> None:
        """Schedule once per (kind, key): a repeat is a no-op unless `replace` moves a pending timer."""
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        stmt = pg_insert(timers).values(kind=kind, key=key, due_at=due_at, payload=dict(payload or {}),
                                        headers=carrier, status="pending")
        if replace:
            stmt = stmt.on_conflict_do_update(
                constraint="timers_dedupe",
                set_={"due_at": due_at, "payload": dict(payload or {}), "status": "pending", "attempts": 0,
                      "fired_at": None})
        else:
            stmt = stmt.on_conflict_do_nothing(constraint="timers_dedupe")
        await self._session.execute(stmt)

    async def cancel(self, kind: str, key: str) -> bool:
        """Cancel a pending timer; False if there was none pending."""
        result = await self._session.execute(
            update(timers).where(timers.c.kind == kind, timers.c.key == key, timers.c.status == "pending")
            .values(status="cancelled").returning(timers.c.id))
        return result.first() is not None

    async def cancel_prefix(self, kind: str, key_prefix: str) -> int:
        """Cancel every pending timer of a kind whose key starts with a prefix (e.g. all reminders of one window)."""
        result = await self._session.execute(
            update(timers).where(timers.c.kind == kind, timers.c.key.startswith(key_prefix, autoescape=True),
                                 timers.c.status == "pending")
            .values(status="cancelled").returning(timers.c.id))
        return len(result.all())


class TimerPoller:
    """Fires due timers, each in a transaction of its own, from several loops at once; replicas
    and loops share the work through SKIP LOCKED. A timer that keeps failing is retried with
    back-off and given up (status `failed`, counted and alerted on) after `max_attempts`."""

    def __init__(self, uow_factory: Callable[[], "UnitOfWork"], handlers: Mapping[str, TimerHandler], clock: Clock,
                 *, batch_size: int = 50, poll_seconds: float = 0.5, retry_backoff: timedelta = timedelta(seconds=30),
                 max_attempts: int = 10, concurrency: int = 4,
                 tracer_provider: trace.TracerProvider | None = None) -> None:
        self._uow_factory = uow_factory
        self._handlers = dict(handlers)
        self._clock = clock
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._retry_backoff = retry_backoff
        self._max_attempts = max_attempts
        self._concurrency = concurrency
        self._gauge_refreshed_at = 0.0
        self._tracer = trace.get_tracer(__name__, tracer_provider=tracer_provider)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until stopped; a slow handler (an SMTP send, say) holds up only its own loop."""
        async with asyncio.TaskGroup() as loops:
            for index in range(self._concurrency):
                loops.create_task(self._loop(stop, index))

    async def _loop(self, stop: asyncio.Event, index: int) -> None:
        # Idle loops poll in turn (staggered, each every poll_seconds × concurrency), so together
        # they query as often as one loop would; a loop that finds work keeps going at once.
        idle = self._poll_seconds * self._concurrency
        if await self._stopped(stop, self._poll_seconds * index):
            return
        while not stop.is_set():
            try:
                fired = await self.fire_due()
            except Exception:  # the database may be briefly away; keep polling
                log.exception("timer poll failed")
                fired = 0
            if fired == 0 and await self._stopped(stop, idle):
                return

    @staticmethod
    async def _stopped(stop: asyncio.Event, seconds: float) -> bool:
        try:
            await asyncio.wait_for(stop.wait(), seconds)
        except TimeoutError:
            return False
        return True

    async def fire_due(self) -> int:
        """Fire timers due now, one transaction each, up to a batch; returns how many were taken."""
        if not self._handlers:
            return 0
        taken = 0
        while taken < self._batch_size and await self._fire_next():
            taken += 1
        if taken or time.monotonic() - self._gauge_refreshed_at >= PENDING_GAUGE_SECONDS:
            await self._refresh_pending_gauge()
        return taken

    async def _fire_next(self) -> bool:
        now = self._clock.now()
        async with self._uow_factory() as uow:
            # Only kinds this poller handles: during a rolling deploy an older worker must not
            # take (and fail) a timer that only newer code knows how to fire. An empty poll is not
            # traced (several loops poll every second); a timer found is, under its own span.
            with suppress_instrumentation():
                row = (await uow.session.execute(
                    select(timers).where(timers.c.status == "pending", timers.c.due_at <= now,
                                         timers.c.kind.in_(self._handlers))
                    .order_by(timers.c.due_at, timers.c.id).limit(1)
                    .with_for_update(skip_locked=True))).mappings().first()
            if row is None:
                return False
            await self._fire(uow, dict(row), now)
            await uow.commit()
        return True

    async def _fire(self, uow: "UnitOfWork", row: Mapping[str, Any], now: datetime) -> None:
        timer = Timer(id=row["id"], kind=row["kind"], key=row["key"], due_at=row["due_at"], payload=row["payload"])
        handler = self._handlers[timer.kind]
        token = otel_context.attach(propagate.extract(row["headers"] or {}))
        try:
            with self._tracer.start_as_current_span(f"timer {timer.kind}", attributes={"timer.kind": timer.kind}):
                try:
                    async with uow.session.begin_nested():
                        await handler(timer, uow)
                        await uow.session.flush()
                    uow.keep_recorded_events()
                except Exception as error:
                    uow.discard_recorded_events()
                    await self._record_failure(uow, row, error, now)
                    return
        finally:
            otel_context.detach(token)
        await uow.session.execute(update(timers).where(timers.c.id == timer.id).values(status="fired", fired_at=now))
        metrics.TIMER_FIRE_LAG.labels(kind=timer.kind).observe(max((now - timer.due_at).total_seconds(), 0.0))
        metrics.TIMERS_FIRED.labels(kind=timer.kind).inc()

    async def _record_failure(self, uow: "UnitOfWork", row: Mapping[str, Any], error: Exception,
                              now: datetime) -> None:
        attempts = row["attempts"] + 1
        values: dict[str, Any] = {"attempts": attempts, "last_error": repr(error)[:2000]}
        if attempts >= self._max_attempts:
            log.error("timer %s/%s failed %d times; giving up", row["kind"], row["id"], attempts, exc_info=error)
            values["status"] = "failed"
            metrics.TIMERS_FAILED.labels(kind=row["kind"]).inc()
        else:
            log.warning("timer %s/%s failed (attempt %d); retrying later", row["kind"], row["id"], attempts,
                        exc_info=error)
            values["due_at"] = now + self._retry_backoff * (2 ** min(row["attempts"], 8))
        await uow.session.execute(update(timers).where(timers.c.id == row["id"]).values(**values))

    async def _refresh_pending_gauge(self) -> None:
        self._gauge_refreshed_at = time.monotonic()
        async with self._uow_factory() as uow:
            with suppress_instrumentation():
                pending = (await uow.session.execute(
                    select(func.count()).select_from(timers).where(timers.c.status == "pending"))).scalar_one()
        metrics.TIMERS_PENDING.set(pending)
