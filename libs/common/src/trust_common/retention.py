"""Retention: every infrastructure table stays bounded, so a write costs the same in a year.

The worker removes, in small batches (one short transaction each, rows other workers are
deleting skipped), what no one can need any more:
- outbox rows sent more than `outbox_retention_hours` ago (kept a while for inspection);
- inbox rows older than the redelivery horizon (`inbox_retention_days`, longer than the
  topics keep messages: an event older than that can never be delivered again);
- timers that fired or were cancelled more than `timer_retention_days` ago (a repeat of the
  same kind and key is a no-op only within that time);
- idempotency keys past their 24 hours (by the service clock, as they were written).
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trust_common import metrics
from trust_common.clock import Clock
from trust_common.outages import is_outage
from trust_common.settings import CommonSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sweep:
    table: str
    # Selects at most :batch ids of rows past :cut (SKIP LOCKED: two workers never wait on each other).
    candidates: str
    cut: Callable[[CommonSettings, Clock], datetime | timedelta]


SWEEPS = (
    Sweep("outbox", "SELECT id FROM outbox WHERE sent_at < now() - CAST(:cut AS interval) ORDER BY id LIMIT :batch "
                    "FOR UPDATE SKIP LOCKED",
          lambda s, _: timedelta(hours=s.outbox_retention_hours)),
    Sweep("inbox", "SELECT consumer, event_id FROM inbox WHERE processed_at < now() - CAST(:cut AS interval) "
                   "ORDER BY processed_at LIMIT :batch FOR UPDATE SKIP LOCKED",
          lambda s, _: timedelta(days=s.inbox_retention_days)),
    Sweep("timers", "SELECT id FROM timers WHERE status IN ('fired', 'cancelled') "
                    "AND created_at < now() - CAST(:cut AS interval) ORDER BY id LIMIT :batch FOR UPDATE SKIP LOCKED",
          lambda s, _: timedelta(days=s.timer_retention_days)),
    Sweep("idempotency_keys", "SELECT scope, key FROM idempotency_keys WHERE created_at < :cut "
                              "ORDER BY created_at LIMIT :batch FOR UPDATE SKIP LOCKED",
          lambda s, clock: clock.now() - timedelta(hours=s.idempotency_retention_hours)),
)

_KEYS = {"outbox": "(id)", "inbox": "(consumer, event_id)", "timers": "(id)", "idempotency_keys": "(scope, key)"}


class Retention:
    """Removes expired infrastructure rows, a batch per transaction, every `interval` seconds."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: CommonSettings, clock: Clock) -> None:
        self._sessions = sessions
        self._settings = settings
        self._clock = clock

    async def run(self, stop: asyncio.Event) -> None:
        while not await _stopped(stop, self._settings.retention_interval_seconds):
            try:
                await self.sweep(stop)
            except Exception as error:
                if not is_outage(error):
                    raise
                log.warning("retention skipped a round: %s", type(error).__name__)

    async def sweep(self, stop: asyncio.Event | None = None) -> dict[str, int]:
        """One round over every table; returns how many rows each lost."""
        deleted = {}
        for sweep in SWEEPS:
            deleted[sweep.table] = 0
            while stop is None or not stop.is_set():
                count = await self._delete_batch(sweep)
                deleted[sweep.table] += count
                if count < self._settings.retention_batch_size:
                    break
        return deleted

    async def _delete_batch(self, sweep: Sweep) -> int:
        keys = _KEYS[sweep.table]
        params: dict[str, Any] = {"cut": sweep.cut(self._settings, self._clock),
                                  "batch": self._settings.retention_batch_size}
        async with self._sessions() as session, session.begin():
            result = await session.execute(text(
                f"DELETE FROM {sweep.table} WHERE {keys} IN ({sweep.candidates})"), params)
        count = int(result.rowcount or 0)  # type: ignore[attr-defined]
        if count:
            metrics.RETENTION_DELETED.labels(table=sweep.table).inc(count)
        return count


async def _stopped(stop: asyncio.Event, seconds: float) -> bool:
    """Wait `seconds` or until `stop`; True when stopping."""
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return False
    return True
