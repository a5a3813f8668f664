"""Unit of work: one PostgreSQL transaction commits a change, its events (as outbox rows)
and its timers together (X-2). Nothing is published here; the relay does that."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from types import TracebackType
from typing import Any, Self

from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction, async_sessionmaker

from trust_common.clock import Clock
from trust_common.events import EventData, EventEnvelope
from trust_common.outbox import write_outbox
from trust_common.schema import inbox
from trust_common.timers import TimerSchedule

# Set by the idempotency middleware for one request: the transaction that will also store the
# request's response. A unit of work inside it works in a savepoint of it and leaves the commit
# to the middleware, so effect, events and stored answer commit together.
AMBIENT_SESSION: ContextVar[AsyncSession | None] = ContextVar("ambient_session", default=None)


class UnitOfWork:
    """`async with uow:` opens a transaction; `commit()` writes events and commits; leaving
    without commit rolls back."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, source: str, clock: Clock,
                 topic_of: Callable[[str], str]) -> None:
        self._sessions = sessions
        self.source = source
        self.clock = clock
        self._topic_of = topic_of
        self._emitted: list[EventData] = []

    async def __aenter__(self) -> Self:
        ambient = AMBIENT_SESSION.get()
        self._savepoint: AsyncSessionTransaction | None = None
        if ambient is None:
            self.session = self._sessions()
        else:
            self.session = ambient
            self._savepoint = await ambient.begin_nested()
        self.timers = TimerSchedule(self.session, self.clock)
        self._emitted = []
        # The identity map holds clean objects weakly: an aggregate that recorded events and was
        # flushed could be collected before commit (e.g. once a timer handler returns). Hold them.
        self._held: list[Any] = []
        event.listen(self.session.sync_session, "loaded_as_persistent", self._hold)
        event.listen(self.session.sync_session, "transient_to_pending", self._hold)
        self.open_repositories()
        return self

    def open_repositories(self) -> None:
        """A service's unit of work makes its repositories here (`self.shops = ...`) on the new session."""

    def _hold(self, _session: Any, obj: Any) -> None:
        if hasattr(obj, "pull_events"):
            self._held.append(obj)

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        event.remove(self.session.sync_session, "loaded_as_persistent", self._hold)
        event.remove(self.session.sync_session, "transient_to_pending", self._hold)
        if self._savepoint is not None:
            if self._savepoint.is_active:
                await self._savepoint.rollback()
            return
        try:
            await self.session.rollback()
        finally:
            await self.session.close()

    def emit(self, event: EventData) -> None:
        """Publish an event that no loaded aggregate recorded (e.g. a projection's)."""
        self._emitted.append(event)

    async def claim_inbox(self, consumer: str, envelope: EventEnvelope) -> bool:
        """Record that `consumer` handles this event; False when it already has (a duplicate)."""
        result = await self.session.execute(
            pg_insert(inbox).values(consumer=consumer, event_id=envelope.event_id, event_type=envelope.type)
            .on_conflict_do_nothing().returning(inbox.c.event_id))
        return result.first() is not None

    async def claim_inbox_many(self, consumer: str, envelopes: Sequence[EventEnvelope]) -> set[uuid.UUID]:
        """Claim a batch of events in one statement; returns the ids not handled before."""
        if not envelopes:
            return set()
        result = await self.session.execute(
            pg_insert(inbox).values([{"consumer": consumer, "event_id": e.event_id, "event_type": e.type}
                                     for e in envelopes])
            .on_conflict_do_nothing().returning(inbox.c.event_id))
        return set(result.scalars())

    async def commit(self) -> None:
        await self.session.flush()
        events = self._collect()
        if events:
            await write_outbox(self.session, events, source=self.source, now=self.clock.now(),
                               topic_of=self._topic_of)
        if self._savepoint is not None:
            await self._savepoint.commit()  # the ambient transaction commits it, with the stored response
        else:
            await self.session.commit()

    def keep_recorded_events(self) -> None:
        """Move events recorded so far into this unit of work (before a savepoint ends)."""
        self._emitted.extend(self._pull_recorded())

    def discard_recorded_events(self) -> None:
        """Drop events recorded by work that was rolled back to a savepoint."""
        self._pull_recorded()

    def _pull_recorded(self) -> list[EventData]:
        events: list[EventData] = []
        # pull_events empties an aggregate's list, so an object seen twice yields its events once.
        for obj in [*self.session.identity_map.values(), *self._held]:
            pull = getattr(obj, "pull_events", None)
            if pull is not None:
                events.extend(pull())
        return events

    def _collect(self) -> list[EventData]:
        events = self._emitted + self._pull_recorded()
        self._emitted = []
        return events


UnitOfWorkFactory = Callable[[], UnitOfWork]
