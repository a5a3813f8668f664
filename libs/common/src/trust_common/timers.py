"""Durable timers (X-1): a row per deadline, fired once by a poller that claims due rows in
batches with FOR UPDATE SKIP LOCKED; each timer's handler runs in a savepoint of the batch's
unit of work, which marks it fired. A failing timer is retried with capped back-off for as long
as it takes: a deadline is never given up."""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.instrumentation.utils import suppress_instrumentation
from sqlalchemy import RowMapping, func, literal_column, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnClause

from trust_common import metrics
from trust_common.clock import Clock
from trust_common.schema import timers

if TYPE_CHECKING:
    from trust_common.settings import CommonSettings
    from trust_common.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Timer:
    id: int
    kind: str
    key: str
    due_at: datetime  # the deadline it was scheduled for, also when it is a retry
    payload: dict[str, Any]


TimerHandler = Callable[[Timer, "UnitOfWork"], Awaitable[None]]

# The row's version as the claim saw it: a timer cancelled or re-scheduled by an earlier handler
# of the same batch (same transaction, so no lock stops it) is not fired from its stale row.
ROW_VERSION: ColumnClause[str] = literal_column("timers.xmin::text")

MARK_FIRED = text("""
    UPDATE timers SET status = 'fired', fired_at = :now
    FROM unnest(CAST(:ids AS bigint[]), CAST(:versions AS text[])) AS claimed(id, version)
    WHERE timers.id = claimed.id AND timers.xmin::text = claimed.version""")

# Lock waits that say nothing about the timer: another transaction holds what its handler needs
# (lock_timeout), or two batches crossed (deadlock). The timer goes back, unchanged, for the next claim.
CONTENTION_STATES = frozenset({"55P03", "40P01", "40001"})


class TimerSchedule:
    """Schedules and cancels timers inside the caller's transaction."""

    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock
        # Calls that may change an existing timer (the poller then guards each fire by row version).
        self.changes = 0

    async def schedule(self, kind: str, key: str, due_at: datetime, payload: Mapping[str, Any] | None = None,
                       *, replace: bool = False) -> None:
        """Schedule once per (kind, key): a repeat is a no-op unless `replace` moves a pending timer."""
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        stmt = pg_insert(timers).values(kind=kind, key=key, due_at=due_at, payload=dict(payload or {}),
                                        headers=carrier, status="pending")
        if replace:
            self.changes += 1
            stmt = stmt.on_conflict_do_update(
                constraint="timers_dedupe",
                set_={"due_at": due_at, "payload": dict(payload or {}), "status": "pending", "attempts": 0,
                      "fired_at": None, "first_due_at": None, "last_error": None})
        else:
            stmt = stmt.on_conflict_do_nothing(constraint="timers_dedupe")
        await self._session.execute(stmt)

    async def cancel(self, kind: str, key: str) -> bool:
        """Cancel a pending timer; False if there was none pending."""
        self.changes += 1
        result = await self._session.execute(
            update(timers).where(timers.c.kind == kind, timers.c.key == key, timers.c.status == "pending")
            .values(status="cancelled").returning(timers.c.id))
        return result.first() is not None

    async def cancel_prefix(self, kind: str, key_prefix: str) -> int:
        """Cancel every pending timer of a kind whose key starts with a prefix (e.g. all reminders of one window)."""
        self.changes += 1
        result = await self._session.execute(
            update(timers).where(timers.c.kind == kind, timers.c.key.startswith(key_prefix, autoescape=True),
                                 timers.c.status == "pending")
            .values(status="cancelled").returning(timers.c.id))
        return len(result.all())


class Outcome(Enum):
    FIRED = "fired"
    FAILED = "failed"  # the handler raised: recorded, retried after back-off
    CONTENDED = "contended"  # a lock wait: back to the pool, unchanged, not an attempt
    CHANGED = "changed"  # an earlier timer of the batch cancelled or moved it: nothing to fire


@dataclass
class Batch:
    """What one claim did (also what tests and benchmarks probe: timers per transaction)."""

    claimed: int = 0
    fired: int = 0
    failed: int = 0
    contended: int = 0
    changed: int = 0
    released: int = 0  # claimed, but left for the next claim when the batch ran out of time
    seconds: float = 0.0

    @property
    def handled(self) -> int:
        return self.fired + self.failed


class TimerPoller:
    """Fires due timers from several loops at once; replicas and loops share the work through
    SKIP LOCKED. Each loop claims a batch in one transaction, fires each timer in a savepoint
    (a failing one rolls back alone, and its failure is recorded in the same transaction) and
    commits once. The claim grows from one timer to `batch_size` while batches finish within
    `batch_seconds`, and shrinks when they do not: a slow handler (an SMTP send, say) holds up
    few others, and a batch never holds its rows' locks long."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], handlers: Mapping[str, TimerHandler], clock: Clock,
                 *, batch_size: int = 100, batch_seconds: float = 0.2, poll_seconds: float = 0.5,
                 retry_backoff: timedelta = timedelta(seconds=30), max_backoff: timedelta = timedelta(minutes=15),
                 lock_timeout_ms: int = 200, concurrency: int = 4, gauge_seconds: float = 15.0,
                 tracer_provider: trace.TracerProvider | None = None,
                 on_batch: Callable[[Batch], None] | None = None) -> None:
        self._uow_factory = uow_factory
        self._handlers = dict(handlers)
        self._clock = clock
        self._batch_size = max(1, batch_size)
        self._batch_seconds = batch_seconds
        self._poll_seconds = poll_seconds
        self._retry_backoff = retry_backoff
        self._max_backoff = max_backoff
        self._lock_timeout_ms = int(lock_timeout_ms)
        self._concurrency = concurrency
        self._gauge_seconds = gauge_seconds
        self._tracer = trace.get_tracer(__name__, tracer_provider=tracer_provider)
        self._on_batch = on_batch

    @classmethod
    def from_settings(cls, uow_factory: Callable[[], UnitOfWork], handlers: Mapping[str, TimerHandler],
                      clock: Clock, settings: CommonSettings, **options: Any) -> TimerPoller:
        return cls(uow_factory, handlers, clock, batch_size=settings.timer_batch_size,
                   batch_seconds=settings.timer_batch_seconds, poll_seconds=settings.timer_poll_seconds,
                   retry_backoff=timedelta(seconds=settings.timer_retry_backoff_seconds),
                   max_backoff=timedelta(seconds=settings.timer_retry_max_backoff_seconds),
                   lock_timeout_ms=settings.timer_lock_timeout_ms, concurrency=settings.timer_concurrency,
                   gauge_seconds=settings.timer_gauge_seconds, **options)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until stopped; the gauges are counted by a loop of their own, not after batches."""
        if not self._handlers:
            return
        self._turn = asyncio.Condition()
        async with asyncio.TaskGroup() as loops:
            for _ in range(self._concurrency):
                loops.create_task(self._loop(stop))
            loops.create_task(self._ticker(stop))
            loops.create_task(self._gauge_loop(stop))

    async def _ticker(self, stop: asyncio.Event) -> None:
        # While idle, one loop polls every poll_seconds (whichever waits): the loops query as often
        # as one would, and a timer that falls due is fired at most poll_seconds late, however the
        # loops happened to line up after a burst.
        while not await _stopped(stop, self._poll_seconds):
            async with self._turn:
                self._turn.notify(1)
        async with self._turn:
            self._turn.notify_all()

    async def _loop(self, stop: asyncio.Event) -> None:
        while True:
            async with self._turn:
                if stop.is_set():  # checked under the lock: the ticker's last notify_all cannot be missed
                    return
                await self._turn.wait()
            size = 1  # after idling, the first timer found is fired alone, at once
            while not stop.is_set():  # keep going while there is work
                try:
                    batch = await self.fire_batch(size)
                except Exception:  # the database may be briefly away; keep polling
                    log.exception("timer poll failed")
                    break
                if batch.claimed == 0:
                    break
                if batch.claimed == size:  # more may be due: wake another loop to help
                    async with self._turn:
                        self._turn.notify(1)
                size = self._next_size(size, batch)

    def _next_size(self, size: int, batch: Batch) -> int:
        if batch.released or batch.seconds > self._batch_seconds:
            return max(1, size // 2)
        if batch.claimed == size:
            return min(self._batch_size, size * 2)
        return size

    async def fire_due(self) -> int:
        """Fire the timers due now, batch after batch, until none is left to claim or `batch_size`
        were handled; returns how many were handled (fired or failed)."""
        handled = 0
        while handled < self._batch_size:
            batch = await self.fire_batch(self._batch_size - handled)
            handled += batch.handled
            if batch.claimed == 0 or batch.handled == 0:
                break
        return handled

    async def fire_batch(self, size: int) -> Batch:
        """Claim up to `size` due timers and fire them in one transaction."""
        batch = Batch()
        if not self._handlers:
            return batch
        now = self._clock.now()
        async with self._uow_factory() as uow:
            # Only kinds this poller handles: during a rolling deploy an older worker must not
            # take (and fail) a timer that only newer code knows how to fire. An empty poll is not
            # traced (several loops poll every second); a timer found is, under its own span.
            with suppress_instrumentation():
                rows = (await uow.session.execute(
                    select(timers, ROW_VERSION.label("row_version"))
                    .where(timers.c.status == "pending", timers.c.due_at <= now, timers.c.kind.in_(self._handlers))
                    .order_by(timers.c.due_at, timers.c.id).limit(size)
                    .with_for_update(skip_locked=True))).mappings().all()
                if not rows:
                    return batch
                # A handler never waits long on a lock: another loop's batch may hold it.
                await uow.session.execute(text(f"SET LOCAL lock_timeout = {self._lock_timeout_ms}"))
            batch.claimed = len(rows)
            started = time.monotonic()
            fired: list[int] = []
            unmarked: list[RowMapping] = []
            for row in rows:
                if batch.handled and time.monotonic() - started > self._batch_seconds:
                    batch.released = batch.claimed - batch.handled - batch.contended - batch.changed
                    break
                # Until a handler of this batch changes a timer, the fired marks wait for one
                # statement at the end (a round trip less per timer); after that, each is marked
                # before its handler runs, only if its row is still as claimed.
                guarded = uow.timers.changes > 0
                outcome = await self._fire(uow, row, now, guarded=guarded)
                if outcome is Outcome.FIRED:
                    fired.append(row["id"])
                    batch.fired += 1
                    if not guarded:
                        unmarked.append(row)
                elif outcome is Outcome.FAILED:
                    batch.failed += 1
                elif outcome is Outcome.CONTENDED:
                    batch.contended += 1
                else:
                    batch.changed += 1
            with suppress_instrumentation():
                await uow.session.execute(text("SET LOCAL lock_timeout = DEFAULT"))  # the outbox write waits
                if unmarked:
                    # A row changed after it fired (a later handler moved or cancelled it) keeps its new state.
                    await uow.session.execute(MARK_FIRED, {"now": now, "ids": [r["id"] for r in unmarked],
                                                           "versions": [r["row_version"] for r in unmarked]})
            await uow.commit()  # the rows not handled (released, contended) are unlocked here
            batch.seconds = time.monotonic() - started
        for row in rows:
            if row["id"] in fired:
                deadline = row["first_due_at"] or row["due_at"]
                metrics.TIMER_FIRE_LAG.labels(kind=row["kind"]).observe(max((now - deadline).total_seconds(), 0.0))
                metrics.TIMERS_FIRED.labels(kind=row["kind"]).inc()
        if self._on_batch is not None:
            self._on_batch(batch)
        return batch

    async def _fire(self, uow: UnitOfWork, row: RowMapping, now: datetime, *, guarded: bool) -> Outcome:
        timer = Timer(id=row["id"], kind=row["kind"], key=row["key"], due_at=row["first_due_at"] or row["due_at"],
                      payload=row["payload"])
        handler = self._handlers[timer.kind]
        token = otel_context.attach(propagate.extract(row["headers"] or {}))
        try:
            with self._tracer.start_as_current_span(f"timer {timer.kind}", attributes={"timer.kind": timer.kind}):
                try:
                    async with uow.session.begin_nested():
                        if guarded:  # marked first: a handler re-scheduling its own (kind, key) keeps that
                            marked = await uow.session.execute(
                                update(timers).where(timers.c.id == timer.id, ROW_VERSION == row["row_version"])
                                .values(status="fired", fired_at=now))
                            if marked.rowcount == 0:  # type: ignore[attr-defined]
                                return Outcome.CHANGED
                        await handler(timer, uow)
                        await uow.session.flush()
                    uow.keep_recorded_events()
                except Exception as error:
                    uow.discard_recorded_events()
                    if _contended(error):
                        return Outcome.CONTENDED
                    await self._record_failure(uow, row, error, now)
                    return Outcome.FAILED
        finally:
            otel_context.detach(token)
        return Outcome.FIRED

    def backoff(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failure: doubling from `retry_backoff`, capped."""
        return min(self._retry_backoff * (2 ** min(attempts - 1, 30)), self._max_backoff)

    async def _record_failure(self, uow: UnitOfWork, row: RowMapping, error: Exception,
                              now: datetime) -> None:
        # Never given up: a 48-hour lapse or an expiry that stops retrying never happens.
        attempts = row["attempts"] + 1
        retry_at = now + self.backoff(attempts)
        log.warning("timer %s/%s failed (attempt %d); retrying at %s", row["kind"], row["id"], attempts,
                    retry_at.isoformat(), exc_info=error)
        metrics.TIMERS_FAILED.labels(kind=row["kind"]).inc()
        await uow.session.execute(
            update(timers).where(timers.c.id == row["id"])
            .values(attempts=attempts, last_error=repr(error)[:2000], due_at=retry_at,
                    first_due_at=row["first_due_at"] or row["due_at"]))

    async def _gauge_loop(self, stop: asyncio.Event) -> None:
        while True:
            try:
                await self.refresh_gauges()
            except Exception as error:  # the database may be away: the next round counts again
                log.warning("timer gauges not refreshed: %r", error)
            if await _stopped(stop, self._gauge_seconds):
                return

    async def refresh_gauges(self) -> None:
        """Pending timers, and per kind the failing ones and how far past its deadline the oldest is."""
        now = self._clock.now()
        async with self._uow_factory() as uow:
            with suppress_instrumentation():
                pending = (await uow.session.execute(
                    select(func.count()).select_from(timers).where(timers.c.status == "pending"))).scalar_one()
                failing = (await uow.session.execute(
                    select(timers.c.kind, func.count(), func.min(timers.c.first_due_at))
                    .where(timers.c.status == "pending", timers.c.attempts > 0)
                    .group_by(timers.c.kind))).all()
        metrics.TIMERS_PENDING.set(pending)
        by_kind = {kind: (count, oldest) for kind, count, oldest in failing}
        for kind in set(self._handlers) | set(by_kind):
            count, oldest = by_kind.get(kind, (0, None))
            metrics.TIMERS_FAILING.labels(kind=kind).set(count)
            metrics.TIMERS_FAILING_OLDEST_AGE.labels(kind=kind).set(
                max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0)


def _contended(error: BaseException) -> bool:
    if not isinstance(error, DBAPIError):
        return False
    for cause in (error.orig, getattr(error.orig, "__cause__", None)):
        if getattr(cause, "sqlstate", None) in CONTENTION_STATES or getattr(cause, "pgcode", None) in CONTENTION_STATES:
            return True
    return False


async def _stopped(stop: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return False
    return True
