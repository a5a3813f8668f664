"""Each service's projection of the platform's accounts and shops, fed by its consumer.

Events carry full snapshots, so applying one is an upsert guarded by the sequence
number: a late, older event never overwrites a newer fact.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from trust_common.contracts.platform import (
    AccountChanged,
    AccountDeleted,
    AccountRegistered,
    AccountSnapshot,
    ShopChanged,
    ShopRegistered,
    ShopSnapshot,
)
from trust_common.events import EventData, EventEnvelope
from trust_common.schema import platform_accounts, platform_shops
from trust_common.uow import UnitOfWork


async def project_account(event: AccountRegistered | AccountChanged | AccountDeleted, envelope: EventEnvelope,
                          uow: UnitOfWork) -> None:
    deleted = isinstance(event, AccountDeleted)
    snapshot: dict[str, Any] = {} if deleted else event.account.model_dump(mode="json")  # type: ignore[union-attr]
    values = {"account_id": event.account_id, "snapshot": snapshot, "deleted": deleted,
              "sequence": envelope.sequence, "updated_at": envelope.occurred_at}
    update = {k: v for k, v in values.items() if k != "account_id" and not (deleted and k == "snapshot")}
    stmt = pg_insert(platform_accounts).values(**values)
    await uow.session.execute(stmt.on_conflict_do_update(
        index_elements=[platform_accounts.c.account_id], set_=update,
        where=platform_accounts.c.sequence < stmt.excluded.sequence))


async def project_shop(event: ShopRegistered | ShopChanged, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    values = {"shop_id": event.shop_id, "snapshot": event.shop.model_dump(mode="json"),
              "sequence": envelope.sequence, "updated_at": envelope.occurred_at}
    stmt = pg_insert(platform_shops).values(**values)
    await uow.session.execute(stmt.on_conflict_do_update(
        index_elements=[platform_shops.c.shop_id], set_={k: v for k, v in values.items() if k != "shop_id"},
        where=platform_shops.c.sequence < stmt.excluded.sequence))


# Handlers of each projection by contract, for a service's `events` (trust_common.service.handlers).
Projection = dict[type[EventData], Callable[..., Awaitable[None]]]
ACCOUNT_PROJECTION: Projection = {
    AccountRegistered: project_account, AccountChanged: project_account, AccountDeleted: project_account}
SHOP_PROJECTION: Projection = {ShopRegistered: project_shop, ShopChanged: project_shop}


async def load_account(session: AsyncSession, account_id: str) -> AccountSnapshot | None:
    """The projected account, or None when unknown or deleted."""
    row = (await session.execute(select(platform_accounts).where(
        platform_accounts.c.account_id == account_id))).mappings().first()
    if row is None or row["deleted"]:
        return None
    return AccountSnapshot.model_validate(row["snapshot"])


async def load_shop(session: AsyncSession, shop_id: str) -> ShopSnapshot | None:
    row = (await session.execute(select(platform_shops).where(platform_shops.c.shop_id == shop_id))).mappings().first()
    return ShopSnapshot.model_validate(row["snapshot"]) if row else None
