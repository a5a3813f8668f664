"""Dependencies shared by the routes: the bus, a session for reads, the caller's tenants."""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from trust_common.auth import Principal, Role
from trust_common.messagebus import MessageBus


def get_bus(request: Request) -> MessageBus:
    return request.app.state.bus


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.runtime.sessions() as session:
        yield session


BusDep = Annotated[MessageBus, Depends(get_bus)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]


def owned_tenants(principal: Principal) -> frozenset[tuple[str, str]]:
    """The enterprises and shops a caller acts for (X-3); requires an admin or merchant role."""
    principal.require(Role.ENTERPRISE_ADMIN, Role.MERCHANT)
    owned = set()
    if principal.has(Role.ENTERPRISE_ADMIN):
        owned |= {("enterprise", e) for e in principal.enterprise_ids}
    if principal.has(Role.MERCHANT):
        owned |= {("shop", s) for s in principal.shop_ids}
    return frozenset(owned)
