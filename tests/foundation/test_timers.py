"""X-1: a durable timer fires once, never early, also across a restart of the poller."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select, text

from trust_common.schema import timers
from trust_common.testing.services import eventually
from trust_common.timers import TimerPoller

FIRED = "CREATE TABLE IF NOT EXISTS probe_timer_fired (key text NOT NULL)"


async def _record(timer, uow) -> None:
    await uow.session.execute(text("INSERT INTO probe_timer_fired (key) VALUES (:k)"), {"k": timer.key})


async def _fired(service, key: str) -> int:
    async with service.runtime.sessions() as session:
        return (await session.execute(text("SELECT count(*) FROM probe_timer_fired WHERE key = :k"),
                                      {"k": key})).scalar_one()


def _poller(service) -> TimerPoller:
    """A fresh poller, as a restarted worker process would build."""
    return TimerPoller(service.runtime.uow, {"probe": _record}, service.clock)


async def test_a_timer_fires_once_never_early_and_survives_a_restart(shop_binding, clock):
    async with shop_binding.runtime.engine.begin() as connection:
        await connection.execute(text(FIRED))
    key = str(uuid.uuid4())
    async with shop_binding.runtime.uow() as uow:
        await uow.timers.schedule("probe", key, clock.now() + timedelta(hours=48), {"why": "window"})
        await uow.timers.schedule("probe", key, clock.now() + timedelta(hours=1))  # same dedupe key: ignored
        await uow.commit()

    clock.advance(hours=47, minutes=59)
    await _poller(shop_binding).fire_due()
    assert await _fired(shop_binding, key) == 0, "fired early"

    clock.advance(minutes=1)
    restarted = _poller(shop_binding)  # a new process: nothing in memory, only the table
    await restarted.fire_due()
    await restarted.fire_due()
    await _poller(shop_binding).fire_due()
    assert await _fired(shop_binding, key) == 1


async def test_a_cancelled_timer_never_fires(shop_binding, clock):
    async with shop_binding.runtime.engine.begin() as connection:
        await connection.execute(text(FIRED))
    key = str(uuid.uuid4())
    async with shop_binding.runtime.uow() as uow:
        await uow.timers.schedule("probe", key, clock.now() + timedelta(minutes=5))
        await uow.commit()
    async with shop_binding.runtime.uow() as uow:
        assert await uow.timers.cancel("probe", key)
        await uow.commit()
    clock.advance(minutes=10)
    await _poller(shop_binding).fire_due()
    assert await _fired(shop_binding, key) == 0


async def test_a_failing_timer_is_retried_later_without_blocking_others(shop_binding, clock):
    async with shop_binding.runtime.engine.begin() as connection:
        await connection.execute(text(FIRED))
    bad, good = str(uuid.uuid4()), str(uuid.uuid4())

    async def flaky(timer, uow):
        if timer.key == bad:
            raise RuntimeError("downstream unavailable")
        await _record(timer, uow)

    async with shop_binding.runtime.uow() as uow:
        await uow.timers.schedule("flaky", bad, clock.now())
        await uow.timers.schedule("flaky", good, clock.now())
        await uow.commit()
    await TimerPoller(shop_binding.runtime.uow, {"flaky": flaky}, clock).fire_due()
    assert await _fired(shop_binding, good) == 1
    async with shop_binding.runtime.sessions() as session:
        row = (await session.execute(select(timers).where(timers.c.key == bad))).mappings().one()
    assert row["status"] == "pending" and row["attempts"] == 1 and row["due_at"] > clock.now()


async def test_a_timer_that_keeps_failing_is_given_up_after_its_attempts_and_counted(shop_binding, clock):
    from prometheus_client import REGISTRY

    key = str(uuid.uuid4())

    async def broken(timer, uow):
        raise RuntimeError("never works")

    async with shop_binding.runtime.uow() as uow:
        await uow.timers.schedule("hopeless", key, clock.now())
        await uow.commit()
    poller = TimerPoller(shop_binding.runtime.uow, {"hopeless": broken}, clock, max_attempts=3,
                         retry_backoff=timedelta(minutes=1))
    before = REGISTRY.get_sample_value("timers_failed_total", {"kind": "hopeless"}) or 0
    for _ in range(3):
        await poller.fire_due()
        clock.advance(hours=1)
    async with shop_binding.runtime.sessions() as session:
        row = (await session.execute(select(timers).where(timers.c.key == key))).mappings().one()
    assert (row["status"], row["attempts"]) == ("failed", 3)
    assert REGISTRY.get_sample_value("timers_failed_total", {"kind": "hopeless"}) == before + 1


async def test_a_slow_timer_does_not_hold_up_the_others(shop_binding, clock):
    import asyncio

    async with shop_binding.runtime.engine.begin() as connection:
        await connection.execute(text(FIRED))
    slow_key, quick_key = str(uuid.uuid4()), str(uuid.uuid4())
    release = asyncio.Event()

    async def handler(timer, uow):
        if timer.key == slow_key:
            await release.wait()  # e.g. an SMTP server that answers slowly
        await _record(timer, uow)

    async with shop_binding.runtime.uow() as uow:
        await uow.timers.schedule("mixed-speed", slow_key, clock.now() - timedelta(seconds=2))
        await uow.timers.schedule("mixed-speed", quick_key, clock.now() - timedelta(seconds=1))
        await uow.commit()
    poller = TimerPoller(shop_binding.runtime.uow, {"mixed-speed": handler}, clock, concurrency=2,
                         poll_seconds=0.02)
    stop = asyncio.Event()
    running = asyncio.create_task(poller.run(stop))
    try:

        await eventually(lambda: _fired(shop_binding, quick_key), timeout=10)
        assert await _fired(shop_binding, slow_key) == 0  # still sending, yet the quick one went out
    finally:
        release.set()
        await eventually(lambda: _fired(shop_binding, slow_key), timeout=10)
        stop.set()
        await running
