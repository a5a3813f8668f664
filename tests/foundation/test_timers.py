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


async def test_a_timer_failing_more_than_ten_times_is_retried_with_capped_backoff_and_fires_once_it_recovers(
        shop_binding, clock):
    """X-1: a deadline is never given up (a 48-hour lapse that stops retrying never happens)."""
    from prometheus_client import REGISTRY

    async with shop_binding.runtime.engine.begin() as connection:
        await connection.execute(text(FIRED))
    key = str(uuid.uuid4())
    deadline = clock.now()
    seen: list = []
    broken = True

    async def handler(timer, uow):
        seen.append(timer.due_at)
        if broken:
            raise RuntimeError("downstream unavailable")
        await _record(timer, uow)

    async with shop_binding.runtime.uow() as uow:
        await uow.timers.schedule("stubborn", key, deadline)
        await uow.commit()
    poller = TimerPoller(shop_binding.runtime.uow, {"stubborn": handler}, clock,
                         retry_backoff=timedelta(seconds=30), max_backoff=timedelta(minutes=15))
    before = REGISTRY.get_sample_value("timers_failed_total", {"kind": "stubborn"}) or 0
    waits = []
    for _ in range(12):
        assert await poller.fire_due() == 1
        row = await _timer(shop_binding, key)
        waits.append(row["due_at"] - clock.now())
        clock.advance(row["due_at"] - clock.now())
    assert (row["status"], row["attempts"]) == ("pending", 12)
    assert row["first_due_at"] == deadline and "downstream unavailable" in row["last_error"]
    assert waits[:3] == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert max(waits) == waits[-1] == timedelta(minutes=15)  # doubling, capped
    assert REGISTRY.get_sample_value("timers_failed_total", {"kind": "stubborn"}) == before + 12

    broken = False
    assert await poller.fire_due() == 1
    await poller.fire_due()
    assert await _fired(shop_binding, key) == 1
    assert (await _timer(shop_binding, key))["status"] == "fired"
    assert set(seen) == {deadline}  # handlers see the deadline, not the retry time


async def _timer(service, key: str):
    async with service.runtime.sessions() as session:
        return (await session.execute(select(timers).where(timers.c.key == key))).mappings().one()


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


TX = "CREATE TABLE IF NOT EXISTS probe_timer_tx (key text NOT NULL, tx bigint NOT NULL)"


async def _record_tx(timer, uow) -> None:
    # txid_current() is the top-level transaction's id, also inside the timer's savepoint.
    await uow.session.execute(text("INSERT INTO probe_timer_tx (key, tx) VALUES (:k, txid_current())"),
                              {"k": timer.key})


async def _schedule_due(service, clock, kind: str, count: int) -> list[str]:
    keys = [f"{kind}-{uuid.uuid4()}" for _ in range(count)]
    async with service.runtime.uow() as uow:
        for key in keys:
            await uow.timers.schedule(kind, key, clock.now())
        await uow.commit()
    return keys


async def _transactions(service, keys: list[str]) -> tuple[int, int]:
    """(rows recorded, distinct transactions they were recorded in) for these keys."""
    async with service.runtime.sessions() as session:
        row = (await session.execute(text("SELECT count(*), count(DISTINCT tx) FROM probe_timer_tx "
                                          "WHERE key = ANY(:keys)"), {"keys": keys})).one()
    return row[0], row[1]


async def test_a_batch_where_one_timer_fails_fires_the_others_and_records_the_failure(
        shop_binding, clock):
    async with shop_binding.runtime.engine.begin() as connection:
        await connection.execute(text(TX))
    keys = await _schedule_due(shop_binding, clock, "batch-one-bad", 5)
    bad = keys[2]

    async def handler(timer, uow):
        await _record_tx(timer, uow)
        if timer.key == bad:
            raise RuntimeError("this one is broken")  # after its insert: the savepoint must undo it

    poller = TimerPoller(shop_binding.runtime.uow, {"batch-one-bad": handler}, clock, batch_seconds=600)
    batch = await poller.fire_batch(10)  # (a generous time budget: a slow machine must not cut the batch)
    assert (batch.claimed, batch.fired, batch.failed) == (5, 4, 1)
    assert await _transactions(shop_binding, keys) == (4, 1)  # the bad one's effect rolled back alone
    async with shop_binding.runtime.sessions() as session:
        rows = (await session.execute(text("SELECT key, status, attempts, last_error "
                                           "FROM timers WHERE key = ANY(:keys)"), {"keys": keys})).mappings().all()
    by_key = {r["key"]: r for r in rows}
    assert (by_key[bad]["status"], by_key[bad]["attempts"]) == ("pending", 1)
    assert "this one is broken" in by_key[bad]["last_error"]
    assert all(by_key[k]["status"] == "fired" for k in keys if k != bad)


async def test_many_due_timers_fire_with_few_transactions(shop_binding, clock):
    async with shop_binding.runtime.engine.begin() as connection:
        await connection.execute(text(TX))
    keys = await _schedule_due(shop_binding, clock, "batch-many", 40)
    poller = TimerPoller(shop_binding.runtime.uow, {"batch-many": _record_tx}, clock, batch_size=20,
                         batch_seconds=600)
    assert await poller.fire_due() == 20
    assert await poller.fire_due() == 20
    assert await poller.fire_due() == 0
    recorded, transactions = await _transactions(shop_binding, keys)
    assert recorded == 40 and transactions <= 4  # one transaction per timer before: 40


async def test_polling_loops_grow_their_batches_and_two_pollers_fire_each_timer_once(shop_binding, clock):
    import asyncio

    async with shop_binding.runtime.engine.begin() as connection:
        await connection.execute(text(TX))
    keys = await _schedule_due(shop_binding, clock, "batch-loops", 300)
    batches: list = []
    pollers = [TimerPoller(shop_binding.runtime.uow, {"batch-loops": _record_tx}, clock, batch_size=32,
                           batch_seconds=600, poll_seconds=0.02, concurrency=3, on_batch=batches.append)
               for _ in range(2)]  # two worker processes
    stop = asyncio.Event()
    running = [asyncio.create_task(p.run(stop)) for p in pollers]
    try:
        await eventually(lambda: _all_recorded(shop_binding, keys), timeout=60)
    finally:
        stop.set()
        await asyncio.gather(*running)
    recorded, transactions = await _transactions(shop_binding, keys)
    assert recorded == 300  # each exactly once, across 6 loops in two pollers
    assert transactions < 100, f"{transactions} transactions for 300 timers"
    assert max(b.claimed for b in batches) > 1


async def _all_recorded(service, keys: list[str]) -> bool:
    recorded, _ = await _transactions(service, keys)
    return recorded >= len(keys)


async def test_a_timer_meeting_a_lock_is_put_back_without_counting_an_attempt(shop_binding, clock):
    async with shop_binding.runtime.engine.begin() as connection:
        await connection.execute(text(FIRED))
        await connection.execute(text("CREATE TABLE IF NOT EXISTS probe_timer_lock (id int PRIMARY KEY)"))
        await connection.execute(text("INSERT INTO probe_timer_lock VALUES (1) ON CONFLICT DO NOTHING"))
    [key] = await _schedule_due(shop_binding, clock, "contended", 1)

    async def handler(timer, uow):
        await uow.session.execute(text("SELECT id FROM probe_timer_lock WHERE id = 1 FOR UPDATE"))
        await _record(timer, uow)

    poller = TimerPoller(shop_binding.runtime.uow, {"contended": handler}, clock, lock_timeout_ms=50)
    async with shop_binding.runtime.engine.connect() as holder:
        await holder.execute(text("SELECT id FROM probe_timer_lock WHERE id = 1 FOR UPDATE"))  # e.g. a command
        batch = await poller.fire_batch(5)
        await holder.rollback()
    assert (batch.claimed, batch.contended, batch.failed) == (1, 1, 0)
    row = await _timer(shop_binding, key)
    assert (row["status"], row["attempts"], row["due_at"]) == ("pending", 0, clock.now())
    assert await poller.fire_due() == 1
    assert await _fired(shop_binding, key) == 1


async def test_a_timer_cancelled_or_moved_by_an_earlier_timer_of_its_batch_is_not_fired_from_its_stale_row(
        shop_binding, clock):
    async with shop_binding.runtime.engine.begin() as connection:
        await connection.execute(text(FIRED))
    earlier, canceller, cancelled = (f"{name}-{uuid.uuid4()}" for name in ("earlier", "canceller", "cancelled"))
    async with shop_binding.runtime.uow() as uow:  # claimed in this order (due_at, id)
        await uow.timers.schedule("interplay", earlier, clock.now() - timedelta(seconds=2))
        await uow.timers.schedule("interplay", canceller, clock.now() - timedelta(seconds=1))
        await uow.timers.schedule("interplay", cancelled, clock.now())
        await uow.commit()

    async def handler(timer, uow):
        await _record(timer, uow)
        if timer.key == canceller:  # as one deadline's handler may end another's
            assert await uow.timers.cancel("interplay", cancelled)
            await uow.timers.schedule("interplay", earlier, clock.now() + timedelta(hours=1), replace=True)

    batch = await TimerPoller(shop_binding.runtime.uow, {"interplay": handler}, clock, batch_seconds=600).fire_batch(10)
    assert (batch.claimed, batch.fired, batch.changed) == (3, 2, 1)
    assert [await _fired(shop_binding, k) for k in (earlier, canceller, cancelled)] == [1, 1, 0]
    assert (await _timer(shop_binding, cancelled))["status"] == "cancelled"
    moved = await _timer(shop_binding, earlier)  # fired, then scheduled again: pending at its new time
    assert (moved["status"], moved["due_at"]) == ("pending", clock.now() + timedelta(hours=1))
