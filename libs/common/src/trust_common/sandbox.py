"""Sandbox test clocks (issue 15): outside production, time moves forward for every service at once.

Each service's clock is a `SandboxClock`: its base clock (the wall clock, or a test's ManualClock)
plus an offset kept in the service's own database (`sandbox_clock`, one row, forward only).
Services coordinate only through Kafka, on the `sandbox.clock` topic (one partition):

1. the operation (HTTP or `trust-clock`) publishes `ClockAdvanced(advance_id, round, offset)`;
2. every worker replica applies the offset (database, then memory) and answers
   `ClockApplied(advance_id, round, service, offset, now, busy, fingerprint)`: `busy` when it still
   has due timers, unsent outbox rows or unconsumed messages; `fingerprint` counts the work it
   has done (messages handled, rows sent, timers fired);
3. the operation moves to the target in steps: to the next time any service has a timer due (so
   each timer fires at its own time, in order), settling at each; at most `max_steps` stops, then
   straight to the target. At each stop it repeats rounds until one in which every service answered,
   none is busy and no fingerprint moved since the round before: every due timer fired and
   everything it caused was handled — or it gives up after a timeout, naming who was missing or busy.

API processes read the offset from their database before each request, so a read that follows
the operation sees the new time. The clock never moves backward.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Receive, Scope, Send

from trust_common.auth import Role, requires
from trust_common.clock import Clock
from trust_common.problems import Invalid, Problem
from trust_common.settings import CommonSettings

log = logging.getLogger(__name__)

SANDBOX_TOPIC = "sandbox.clock"
SERVICES = ("certification", "employee-accounts", "shop-binding", "notifier")
# Ten years: far beyond every window of DOMAIN.md; a typo like "49000d" is refused, not applied.
MAX_ADVANCE = timedelta(days=3650)
# Stops at a timer's due time land a millisecond after it (offsets travel as float seconds).
STEP_MARGIN = timedelta(milliseconds=1)
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
_DURATION = re.compile(r"(\d+)([dhms])")


def parse_duration(value: str) -> timedelta:
    """`49h`, `10d`, `1d12h`, `90m`, `30s`: a positive duration up to ten years."""
    compact = value.strip().lower().replace(" ", "")
    parts = _DURATION.findall(compact)
    if not compact or "".join(n + u for n, u in parts) != compact:
        raise ValueError(f"{value!r} is not a duration like 49h, 10d, 1d12h, 90m or 30s")
    delta = timedelta(0)
    for number, unit in parts:
        delta += timedelta(**{_UNITS[unit]: int(number)})
    if delta <= timedelta(0) or delta > MAX_ADVANCE:
        raise ValueError(f"{value!r}: advance by more than nothing and at most {MAX_ADVANCE.days} days")
    return delta


class SandboxClock:
    """A base clock plus an offset that only grows; composes with a test's ManualClock."""

    def __init__(self, base: Clock) -> None:
        self.base = base
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return self.base.now() + self.offset

    def move_to(self, offset: timedelta) -> None:
        if offset > self.offset:  # never backward: a late or replayed advance changes nothing
            self.offset = offset

    async def load(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        """Take the offset this service has applied durably (API processes, before each request)."""
        async with sessions() as session:
            seconds = (await session.execute(text("SELECT offset_seconds FROM sandbox_clock"))).scalar()
        if seconds is not None:
            self.move_to(timedelta(seconds=seconds))

    async def apply(self, sessions: async_sessionmaker[AsyncSession], offset: timedelta,
                    advance_id: str) -> None:
        """Store the offset (forward only), then obey it."""
        async with sessions() as session, session.begin():
            await session.execute(text(
                "INSERT INTO sandbox_clock (id, offset_seconds, advance_id) VALUES (1, :s, :a) "
                "ON CONFLICT (id) DO UPDATE SET offset_seconds = GREATEST(sandbox_clock.offset_seconds, "
                "EXCLUDED.offset_seconds), advance_id = EXCLUDED.advance_id, applied_at = now()"),
                {"s": offset.total_seconds(), "a": advance_id})
        await self.load(sessions)


def sandbox_clock_of(runtime: Any) -> SandboxClock | None:
    clock = runtime.clock
    return clock if isinstance(clock, SandboxClock) else None


# --- the worker side -------------------------------------------------------------------------

class ClockResponder:
    """A worker loop: applies each `ClockAdvanced` and answers with this replica's state.

    Every replica reads the topic from its end without a group (each must obey the new time); a
    replica started later takes the offset from its database first."""

    def __init__(self, worker: Any) -> None:
        self.worker = worker
        self.runtime = worker.runtime
        self.settings: CommonSettings = worker.runtime.settings
        self.clock = sandbox_clock_of(worker.runtime)

    async def run(self, stop: asyncio.Event) -> None:
        assert self.clock is not None
        await self.clock.load(self.runtime.sessions)
        settings = self.settings
        partition = TopicPartition(settings.topic(SANDBOX_TOPIC), 0)
        consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, enable_auto_commit=False,
                                    client_id=f"{settings.service_name}-sandbox-clock")
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap,
                                    client_id=f"{settings.service_name}-sandbox-clock")
        await consumer.start()
        await admin.start()
        try:
            consumer.assign([partition])
            await consumer.seek_to_end(partition)
            while not stop.is_set():
                batches = await consumer.getmany(partition, timeout_ms=200)
                for record in batches.get(partition, []):
                    message = _decode(record.value)
                    if message.get("type") == "ClockAdvanced":
                        await self._answer(message, consumer, admin)
        finally:
            await consumer.stop()
            await admin.close()

    async def _answer(self, message: dict[str, Any], consumer: AIOKafkaConsumer, admin: AIOKafkaAdminClient) -> None:
        assert self.clock is not None
        if message.get("offset_seconds") is not None:
            await self.clock.apply(self.runtime.sessions, timedelta(seconds=float(message["offset_seconds"])),
                                   str(message["advance_id"]))
        state = await self._state(consumer, admin)
        answer = {"type": "ClockApplied", "advance_id": message["advance_id"], "round": message["round"],
                  "service": self.settings.service_name, "offset_seconds": self.clock.offset.total_seconds(),
                  "now": self.clock.now().isoformat(), **state}
        await self.worker.producer.send_and_wait(self.settings.topic(SANDBOX_TOPIC), json.dumps(answer).encode(),
                                                 key=b"clock", partition=0)

    async def _state(self, consumer: AIOKafkaConsumer, admin: AIOKafkaAdminClient) -> dict[str, Any]:
        """Is anything left to do now, and how much work has been done (to see if it moved)?"""
        assert self.clock is not None
        kinds = list(self.worker.spec.timers) or [""]
        async with self.runtime.sessions() as session:
            row = (await session.execute(text(
                "SELECT (SELECT count(*) FROM timers WHERE status = 'pending' AND due_at <= :now "
                "        AND kind = ANY(:kinds)) AS due,"
                "       (SELECT count(*) FROM outbox WHERE sent_at IS NULL) AS unsent,"
                "       (SELECT count(*) FROM outbox) AS written,"
                "       (SELECT count(*) FROM inbox) AS handled,"
                "       (SELECT count(*) + coalesce(sum(attempts), 0) FROM timers WHERE status <> 'pending'"
                "        OR attempts > 0) AS fired,"
                "       (SELECT min(due_at) FROM timers WHERE status = 'pending' AND due_at > :now"
                "        AND kind = ANY(:kinds)) AS next_due"),
                {"now": self.clock.now(), "kinds": kinds})).one()
        lag, consumed = await self._lag(consumer, admin)
        return {"busy": bool(row.due or row.unsent or lag),
                "due_timers": row.due, "unsent_outbox": row.unsent, "lag": lag,
                "next_due": row.next_due.isoformat() if row.next_due else None,
                "fingerprint": [row.written, row.handled, row.fired, consumed]}

    async def _lag(self, consumer: AIOKafkaConsumer, admin: AIOKafkaAdminClient) -> tuple[int, int]:
        """Messages on this service's topics its consumer group has not committed yet, and how many it has."""
        topics = getattr(self.worker, "_topics", [])
        if not topics:
            return 0, 0
        described = await admin.describe_topics(topics)
        partitions = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]
        ends = await consumer.end_offsets(partitions)
        committed = await admin.list_consumer_group_offsets(self.settings.consumer_group)
        done = {tp: meta.offset for tp, meta in committed.items() if meta.offset >= 0}
        lag = sum(max(end - done.get(tp, 0), 0) for tp, end in ends.items())
        return lag, sum(done.values())


# --- the operation: publish, wait for every service, settle ----------------------------------

class ClockNotSettled(Problem):
    status, slug, title = 504, "sandbox-clock-not-settled", "The services did not settle in time"


@dataclass
class AdvanceResult:
    advance_id: str
    offset: timedelta
    rounds: int
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    steps: int = 0

    def body(self) -> dict[str, Any]:
        return {"advance_id": self.advance_id, "offset_seconds": self.offset.total_seconds(),
                "rounds": self.rounds, "steps": self.steps,
                "services": [{"service": name, "now": answer["now"], "offset_seconds": answer["offset_seconds"]}
                             for name, answer in sorted(self.services.items())]}


async def advance(settings: CommonSettings, by: timedelta | None, *, services: Sequence[str] = SERVICES,
                  timeout: float = 120.0, max_steps: int = 50) -> AdvanceResult:
    """Move every service's clock forward by `by` (None: only ask them), wait until each applied
    it, the timers then due fired and their consequences settled. Raises ClockNotSettled."""
    advance_id = str(uuid.uuid4())
    partition = TopicPartition(settings.topic(SANDBOX_TOPIC), 0)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all",
                                client_id=f"{settings.service_name}-sandbox-clock")
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, enable_auto_commit=False,
                                client_id=f"{settings.service_name}-sandbox-clock")
    await producer.start()
    await consumer.start()
    deadline = asyncio.get_running_loop().time() + timeout
    try:
        consumer.assign([partition])
        await consumer.seek_to_end(partition)
        await consumer.position(partition)  # fix the start before publishing: no answer is missed

        async def round_(number: int, offset: timedelta | None) -> dict[str, list[dict[str, Any]]]:
            ask = {"type": "ClockAdvanced", "advance_id": advance_id, "round": number,
                   "offset_seconds": None if offset is None else offset.total_seconds()}
            await producer.send_and_wait(partition.topic, json.dumps(ask).encode(), key=b"clock", partition=0)
            answers: dict[str, list[dict[str, Any]]] = {}
            while set(services) - set(answers):
                left = deadline - asyncio.get_running_loop().time()
                if left <= 0:
                    missing = sorted(set(services) - set(answers))
                    raise ClockNotSettled(f"no answer from {', '.join(missing)} (is its worker running?)",
                                          missing=missing)
                batches = await consumer.getmany(partition, timeout_ms=int(min(left, 0.5) * 1000))
                for record in batches.get(partition, []):
                    answer = _decode(record.value)
                    if (answer.get("type") == "ClockApplied" and answer.get("advance_id") == advance_id
                            and answer.get("round") == number):
                        answers.setdefault(answer["service"], []).append(answer)
            return answers

        first = await round_(0, None)
        current = max(timedelta(seconds=a["offset_seconds"]) for group in first.values() for a in group)
        if by is None:
            return AdvanceResult(advance_id, current, 1, {s: group[-1] for s, group in first.items()})
        target, answers, number, steps = current + by, first, 1, 0
        while True:
            # Stop at the next timer any service has due before the target, as Stripe's test clocks do:
            # each timer fires at its own time, in order, and what it caused settles before the next
            # (a reminder 24 h before a window closes is sent while the window is still open).
            stop = target
            if steps < max_steps:
                for group in answers.values():
                    for a in group:
                        if a.get("next_due"):
                            ahead = datetime.fromisoformat(a["next_due"]) - datetime.fromisoformat(a["now"])
                            needed = timedelta(seconds=a["offset_seconds"]) + ahead + STEP_MARGIN
                            stop = max(min(stop, needed), current)
            steps += 1
            previous: dict[str, list[dict[str, Any]]] | None = None
            while True:  # settle at `stop`
                answers = await round_(number, stop)
                number += 1
                busy = sorted(s for s, group in answers.items() if any(a["busy"] for a in group))
                moved = previous is None or any(
                    [a["fingerprint"] for a in group] != [a["fingerprint"] for a in previous.get(s, [])]
                    for s, group in answers.items())
                if not busy and not moved:
                    break
                if asyncio.get_running_loop().time() > deadline:
                    raise ClockNotSettled(f"still busy: {', '.join(busy) or 'work still moving'}", busy=busy)
                previous = answers
                await asyncio.sleep(0.05 if not busy else 0.2)
            current = stop
            if stop >= target:
                return AdvanceResult(advance_id, target, number - 1,
                                     {s: group[-1] for s, group in answers.items()}, steps)
    finally:
        await consumer.stop()
        await producer.stop()


def _decode(value: bytes | None) -> dict[str, Any]:
    with contextlib.suppress(ValueError, TypeError):
        decoded = json.loads(value or b"")
        if isinstance(decoded, dict):
            return decoded
    return {}


# --- HTTP ------------------------------------------------------------------------------------

class AdvanceRequest(BaseModel):
    by: str = Field(description="How far to move time forward: 49h, 10d, 1d12h, 90m, 30s (at most 3650d)",
                    examples=["49h"], max_length=40)


router = APIRouter(prefix="/v1/sandbox/clock", tags=["sandbox"])


@router.get("", dependencies=[requires(Role.SANDBOX_ADMIN)])
async def show_clock(request: Request) -> dict[str, Any]:
    """This service's sandbox time (outside production only)."""
    runtime = request.app.state.runtime
    clock = sandbox_clock_of(runtime)
    assert clock is not None
    await clock.load(runtime.sessions)
    return {"service": runtime.settings.service_name, "now": clock.now().isoformat(),
            "offset_seconds": clock.offset.total_seconds()}


@router.post("/advance", dependencies=[requires(Role.SANDBOX_ADMIN)])
async def advance_clock(body: AdvanceRequest, request: Request) -> dict[str, Any]:
    """Move every service's clock forward; answers once every service applied it, the timers then
    due fired and what they caused settled (504 problem if not within the timeout)."""
    try:
        by = parse_duration(body.by)
    except ValueError as error:
        raise Invalid(str(error), rule="SANDBOX-1") from None
    settings: CommonSettings = request.app.state.runtime.settings
    result = await advance(settings, by, services=settings.sandbox_clock_services,
                           timeout=settings.sandbox_clock_timeout_seconds, max_steps=settings.sandbox_clock_max_steps)
    return result.body()


class SandboxClockMiddleware:
    """Before each request, take the offset the worker applied (API processes run apart from it)."""

    def __init__(self, app: ASGIApp, runtime: Any) -> None:
        self.app, self.clock, self.sessions = app, sandbox_clock_of(runtime), runtime.sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.clock is not None:
            with contextlib.suppress(Exception):  # a database outage answers as usual, further in
                await self.clock.load(self.sessions)
        await self.app(scope, receive, send)
