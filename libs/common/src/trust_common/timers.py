"""Durable timers (X-1): a row per deadline, fired once by a poller taking due rows with
FOR UPDATE SKIP LOCKED; firing dispatches a handler inside the unit of work that marks it fired."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
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
    """Fires due timers. Several replicas share the work through SKIP LOCKED."""

    def __init__(self, uow_factory: Callable[[], "UnitOfWork"], handlers: Mapping[str, TimerHandler], clock: Clock,
                 *, batch_size: int = 50, poll_seconds: float = 0.5, retry_backoff: timedelta = timedelta(seconds=30),
                 tracer_provider: trace.TracerProvider | None = None) -> None:
        self._uow_factory = uow_factory
        self._handlers = dict(handlers)
        self._clock = clock
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._retry_backoff = retry_backoff
        self._tracer = trace.get_tracer(__name__, tracer_provider=tracer_provider)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                fired = await self.fire_due()
            except Exception:  # the database may be briefly away; keep polling
                log.exception("timer poll failed")
                fired = 0
            if fired < self._batch_size:
                try:
                    await asyncio.wait_for(stop.wait(), self._poll_seconds)
                except TimeoutError:
                    pass

    async def fire_due(self) -> int:
        """Fire every timer due now (one batch); returns how many were taken."""
        if not self._handlers:
            return 0
        now = self._clock.now()
        async with self._uow_factory() as uow:
            # Only kinds this poller handles: during a rolling deploy an older worker must not
            # take (and fail) a timer that only newer code knows how to fire.
            rows = (await uow.session.execute(
                select(timers).where(timers.c.status == "pending", timers.c.due_at <= now,
                                     timers.c.kind.in_(self._handlers))
                .order_by(timers.c.due_at, timers.c.id).limit(self._batch_size)
                .with_for_update(skip_locked=True))).mappings().all()
            for row in rows:
                await self._fire(uow, row, now)
            await uow.commit()
        await self._refresh_pending_gauge()
        return len(rows)

    async def _fire(self, uow: "UnitOfWork", row: Mapping[str, Any], now: datetime) -> None:
        timer = Timer(id=row["id"], kind=row["kind"], key=row["key"], due_at=row["due_at"], payload=row["payload"])
        handler = self._handlers[timer.kind]
        parent = propagate.extract(row["headers"] or {})
        token = otel_context.attach(parent)
        try:
            with self._tracer.start_as_current_span(f"timer {timer.kind}", attributes={"timer.kind": timer.kind}):
                try:
                    async with uow.session.begin_nested():
                        await handler(timer, uow)
                        await uow.session.flush()
                    uow.keep_recorded_events()
                except Exception as error:  # one bad timer must not block the others
                    uow.discard_recorded_events()
                    log.exception("timer %s/%s failed", timer.kind, timer.id)
                    await uow.session.execute(
                        update(timers).where(timers.c.id == timer.id).values(
                            attempts=timers.c.attempts + 1, last_error=repr(error)[:2000],
                            due_at=now + self._retry_backoff * (2 ** min(row["attempts"], 8))))
                    return
        finally:
            otel_context.detach(token)
        await uow.session.execute(update(timers).where(timers.c.id == timer.id).values(status="fired", fired_at=now))
        metrics.TIMER_FIRE_LAG.labels(kind=timer.kind).observe(max((now - timer.due_at).total_seconds(), 0.0))
        metrics.TIMERS_FIRED.labels(kind=timer.kind).inc()

    async def _refresh_pending_gauge(self) -> None:
        async with self._uow_factory() as uow:
            pending = (await uow.session.execute(
                select(func.count()).select_from(timers).where(timers.c.status == "pending"))).scalar_one()
        metrics.TIMERS_PENDING.set(pending)
