"""Request dependencies every service's routes share: the bus, a read session, the clock."""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from trust_common.clock import Clock
from trust_common.messagebus import MessageBus
from trust_common.uow import AMBIENT_SESSION


def get_bus(request: Request) -> MessageBus:
    return request.app.state.bus


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session for reads; writes go through the bus and its unit of work. Inside an idempotent
    request it is that request's transaction, so a route reads what its command just wrote."""
    ambient = AMBIENT_SESSION.get()
    if ambient is not None:
        yield ambient
        return
    async with request.app.state.runtime.sessions() as session:
        yield session


def get_clock(request: Request) -> Clock:
    return request.app.state.runtime.clock


def get_now(request: Request) -> datetime:
    return request.app.state.runtime.clock.now()


BusDep = Annotated[MessageBus, Depends(get_bus)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
ClockDep = Annotated[Clock, Depends(get_clock)]
NowDep = Annotated[datetime, Depends(get_now)]
