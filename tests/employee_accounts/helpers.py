"""Reading what the service wrote: outbox events and rows (for assertions only)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select, text

from trust_common.schema import outbox
from trust_common.testing.services import ServiceUnderTest


async def events_of(service: ServiceUnderTest, aggregate_id: str) -> list[dict[str, Any]]:
    """Every outbox envelope of one aggregate, in order."""
    async with service.runtime.sessions() as session:
        rows = (await session.execute(select(outbox.c.envelope).where(outbox.c.message_key == aggregate_id)
                                      .order_by(outbox.c.id))).scalars().all()
    return list(rows)


async def event_types(service: ServiceUnderTest, aggregate_id: str) -> list[str]:
    return [e["type"] for e in await events_of(service, aggregate_id)]


async def scalar(service: ServiceUnderTest, sql: str, **params: Any) -> Any:
    async with service.runtime.sessions() as session:
        return (await session.execute(text(sql), params)).scalar()
