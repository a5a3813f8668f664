"""NOTE-1 under parallel timer pollers: a reminder firing while its window closes must not deadlock."""
from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import select, text

from notifier.domain.window import ConfirmationWindow, WindowSource
from notifier.handlers.windows import REMINDER_TIMER, close_window
from trust_common.schema import timers
from trust_common.testing.services import eventually

from tests.notifier.builders import invitation_sent, shop_invitation


async def test_a_window_closing_while_its_reminder_fires_takes_the_locks_in_the_pollers_order(stack):
    """NOTE-1: a reminder timer locks its timer row, then its window; closing the window (a consumer) cancels
    the reminders before it locks the window, so the two wait for each other in one order and never deadlock
    (a deadlock could abort the close and leave reminders running after the invitation was answered)."""
    creator, merchant = await stack.account(), await stack.account()
    fields = shop_invitation(stack, creator, merchant, f"shop-{uuid.uuid4().hex[:8]}")
    await stack.publish(invitation_sent(stack, fields))
    window_id = ConfirmationWindow.id_for(WindowSource.SHOP_INVITATION, fields["invitation_id"])
    await eventually(lambda: stack.pending_timers(REMINDER_TIMER, f"{window_id}:"))
    runtime = stack.service.runtime
    async with runtime.uow() as poller:  # what a poller loop holds while the reminder's handler runs
        await poller.session.execute(select(timers.c.id).where(
            timers.c.kind == REMINDER_TIMER, timers.c.key.startswith(f"{window_id}:"), timers.c.status == "pending")
            .with_for_update())

        async def consumer_closes() -> None:
            async with runtime.uow() as uow:
                await close_window(WindowSource.SHOP_INVITATION, fields["invitation_id"], "confirmed", uow)
                await uow.commit()
        closing = asyncio.create_task(consumer_closes())
        await eventually(lambda: _someone_waits_for_a_lock(stack))
        window = await poller.windows.get(window_id)  # the handler locks the window
        assert window is not None and window.status == "open"  # the close waits behind the reminder
        await poller.commit()
    await asyncio.wait_for(closing, 10)
    async with runtime.uow() as uow:
        closed = await uow.windows.get(window_id, for_update=False)
        assert closed is not None and closed.status == "closed"
    assert await stack.pending_timers(REMINDER_TIMER, f"{window_id}:") == []


async def _someone_waits_for_a_lock(stack) -> bool:
    async with stack.service.runtime.sessions() as session:
        return bool((await session.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ))).scalar_one())
