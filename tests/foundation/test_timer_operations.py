"""X-1 for operators: failing timers are visible (age, attempts, last error) with `trust-timers`,
and an operator's retry or cancel changes the timer and writes its audit record together."""
from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from trust_common.cli.timers import main
from trust_common.schema import timer_audit, timers
from trust_common.timers import TimerPoller

FIRED = "CREATE TABLE IF NOT EXISTS probe_timer_fired (key text NOT NULL)"


@pytest.fixture
def cli(shop_binding, monkeypatch, capsys, clock):
    """Runs `trust-timers --service shop-binding ...` against the test database; returns (exit code, out, err)."""
    monkeypatch.setenv("TRUST_DATABASE_URL", shop_binding.settings.database_url.get_secret_value())

    async def run(*argv: str) -> tuple[int, str, str]:
        try:
            await asyncio.to_thread(main, ["--service", "shop-binding", *argv], clock=clock)
            code = 0
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return code, out, err
    return run


async def _failing_timer(service, clock, kind: str) -> tuple[int, TimerPoller, dict]:
    """A timer whose handler fails until `state["broken"]` is cleared; it has failed 3 times."""
    async with service.runtime.engine.begin() as connection:
        await connection.execute(text(FIRED))
    key = str(uuid.uuid4())
    state = {"broken": True}

    async def handler(timer, uow):
        if state["broken"]:
            raise RuntimeError("certificate store unreachable")
        await uow.session.execute(text("INSERT INTO probe_timer_fired (key) VALUES (:k)"), {"k": timer.key})

    async with service.runtime.uow() as uow:
        await uow.timers.schedule(kind, key, clock.now())
        await uow.commit()
    poller = TimerPoller(service.runtime.uow, {kind: handler}, clock, retry_backoff=timedelta(hours=1),
                         max_backoff=timedelta(hours=6))
    for attempt in range(3):
        assert await poller.fire_due() == 1
        async with service.runtime.sessions() as session:
            timer_id, retry_at = (await session.execute(
                select(timers.c.id, timers.c.due_at).where(timers.c.key == key))).one()
        assert await poller.fire_due() == 0  # backing off
        if attempt < 2:
            clock.advance(retry_at - clock.now())  # 1 h, then 2 h: 3 h past its deadline at the third failure
    return timer_id, poller, state


async def _audit(service, timer_id: int) -> list[dict]:
    async with service.runtime.sessions() as session:
        return [dict(r) for r in (await session.execute(
            select(timer_audit).where(timer_audit.c.timer_id == timer_id).order_by(timer_audit.c.id))).mappings()]


async def _status(service, timer_id: int) -> str:
    async with service.runtime.sessions() as session:
        return (await session.execute(select(timers.c.status).where(timers.c.id == timer_id))).scalar_one()


async def test_failing_timers_are_listed_with_age_attempts_and_last_error(shop_binding, clock, cli):
    timer_id, _, _ = await _failing_timer(shop_binding, clock, "ops-list")
    code, out, _ = await cli("list", "--kind", "ops-list")
    assert code == 0
    line, error = out.splitlines()[1:3]
    assert line.split()[:4] == [str(timer_id), "ops-list", "3h0m", "3"]  # age past its deadline, attempts
    assert "certificate store unreachable" in error

    code, out, _ = await cli("show", str(timer_id))
    assert code == 0 and "attempts:     3" in out and "certificate store unreachable" in out


async def test_an_operator_retry_fires_the_timer_at_the_next_poll_and_is_audited(shop_binding, clock, cli):
    timer_id, poller, state = await _failing_timer(shop_binding, clock, "ops-retry")
    state["broken"] = False  # the downstream was fixed; the timer's back-off has hours to run
    assert await poller.fire_due() == 0
    code, out, _ = await cli("retry", str(timer_id), "--reason", "store back", "--actor", "oncall-ana")
    assert code == 0 and "due now" in out
    [audit] = await _audit(shop_binding, timer_id)
    assert (audit["action"], audit["actor"], audit["reason"], audit["attempts"]) == (
        "retry", "oncall-ana", "store back", 3)
    assert "certificate store unreachable" in audit["last_error"]
    assert await poller.fire_due() == 1
    assert await _status(shop_binding, timer_id) == "fired"

    code, _, err = await cli("retry", str(timer_id))  # fired: nothing to retry, nothing audited
    assert code == 1 and "fired" in err
    assert len(await _audit(shop_binding, timer_id)) == 1


async def test_an_operator_cancel_needs_a_reason_stops_the_timer_and_is_audited(shop_binding, clock, cli):
    timer_id, poller, state = await _failing_timer(shop_binding, clock, "ops-cancel")
    with pytest.raises(SystemExit):
        await asyncio.to_thread(main, ["cancel", str(timer_id)])  # --reason is required
    code, _, _ = await cli("cancel", str(timer_id), "--reason", "shop closed; ticket 12", "--actor", "oncall-ben")
    assert code == 0
    assert await _status(shop_binding, timer_id) == "cancelled"
    [audit] = await _audit(shop_binding, timer_id)
    assert (audit["action"], audit["actor"], audit["reason"]) == ("cancel", "oncall-ben", "shop closed; ticket 12")
    state["broken"] = False
    clock.advance(days=1)
    assert await poller.fire_due() == 0


async def test_a_retry_never_fires_a_timer_before_its_deadline(shop_binding, clock, cli):
    key = str(uuid.uuid4())
    async with shop_binding.runtime.uow() as uow:
        await uow.timers.schedule("ops-future", key, clock.now() + timedelta(hours=48))
        await uow.commit()
    async with shop_binding.runtime.sessions() as session:
        timer_id = (await session.execute(select(timers.c.id).where(timers.c.key == key))).scalar_one()
    code, _, err = await cli("retry", str(timer_id))
    assert code == 1 and "not due until" in err
    assert await _audit(shop_binding, timer_id) == []
