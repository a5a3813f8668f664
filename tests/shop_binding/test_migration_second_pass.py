"""Migration shop_binding_0002 keeps stored data right under issue 14's readings: SHOP-7's counter recomputed
from history (agreed official unlinks count), whether support can resolve a stuck binding (SHOP-12), and a
removed link's authorisation revoked when it was removed (LINK-2)."""
from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shop_binding.bootstrap import SERVICE
from trust_common.migrations import alembic_config
from trust_common.testing.infrastructure import create_database, drop_database

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def binding(binding_id: str, creator: str, role: str, status: str, *, end_reason: str | None = None,
            pending_reason: str | None = None) -> dict[str, Any]:
    return {"binding_id": binding_id, "shop_id": "shop-1", "shop_owner_account_id": "owner-1",
            "creator_account_id": creator, "role": role, "status": status, "pending_reason": pending_reason,
            "created_at": T0, "end_reason": end_reason}


async def execute(url: str, *statements: tuple[str, Any]) -> list[Any]:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            return [(await connection.execute(text(sql), params)).all() if sql.lstrip().upper().startswith("SELECT")
                    else await connection.execute(text(sql), params) for sql, params in statements]
    finally:
        await engine.dispose()


async def test_the_second_pass_recounts_official_unbinds_and_fills_what_support_can_resolve(namespace):
    """SHOP-7 (Decision): a shop that agreed to two official unlinks and unbound once has used 3 (the old
    counter said 1); channel ends and support's rejection do not count. SHOP-12: a stuck binding of a
    US-registered account cannot go to support, others can. A downgrade restores the old count."""
    name = f"shop_binding_second_pass_{namespace}"
    url = await create_database(name)
    config = alembic_config(SERVICE.migrations, url)
    try:
        await asyncio.to_thread(command.upgrade, config, "shop_binding_0001")
        await asyncio.to_thread(command.upgrade, config, "common@head")
        rows = [
            binding("b1", "c1", "official", "ended", end_reason="unbound_by_shop"),
            binding("b2", "c2", "official", "ended", end_reason="unlink_agreed"),
            binding("b3", "c3", "official", "ended", end_reason="unlink_agreed"),
            binding("b4", "c4", "channel", "ended", end_reason="unlink_agreed"),
            binding("b5", "c5", "official", "ended", end_reason="rejected_by_support"),
            binding("p-us", "c-us", "channel", "binding", pending_reason="registered_outside_operating_country"),
            binding("p-fr", "c-fr", "channel", "binding", pending_reason="registered_outside_operating_country"),
            binding("p-perm", "c-perm", "official", "binding", pending_reason="ecommerce_permission_revoked"),
        ]
        await execute(url, ("INSERT INTO shops (shop_id, official_unbinds_used) VALUES ('shop-1', 1)", {}), *[(
            "INSERT INTO bindings (binding_id, shop_id, shop_owner_account_id, creator_account_id, role, status,"
            " pending_reason, created_at, end_reason) VALUES (:binding_id, :shop_id, :shop_owner_account_id,"
            " :creator_account_id, :role, :status, :pending_reason, :created_at, :end_reason)", row) for row in rows],
            *[("INSERT INTO platform_accounts (account_id, snapshot, sequence, updated_at)"
               " VALUES (:id, CAST(:snapshot AS jsonb), 1, :at)",
               {"id": account_id, "at": T0, "snapshot": json.dumps(
                   {"account_id": account_id, "username": account_id, "country": "GB", "registered_country": where})})
              for account_id, where in (("c-us", "US"), ("c-fr", "FR"))],
            ("INSERT INTO business_centre_links (link_id, platform_account_id, business_centre_account_id,"
             " entry_point, market, status, created_at, removed_at) VALUES"
             " ('l1', 'acc-1', 'bc-1', 'login', 'SG', 'removed', :at, :at), "
             " ('l2', 'acc-2', 'bc-2', 'login', 'SG', 'linked', :at, NULL)", {"at": T0}))

        await asyncio.to_thread(command.upgrade, config, "heads")
        used, flags, links = await execute(
            url, ("SELECT official_unbinds_used FROM shops WHERE shop_id = 'shop-1'", {}),
            ("SELECT binding_id, pending_support_can_resolve FROM bindings ORDER BY binding_id", {}),
            ("SELECT link_id, authorisation_revoked_at, terms_version FROM business_centre_links ORDER BY link_id",
             {}))
        assert used == [(3,)]
        assert dict(flags) == {"b1": None, "b2": None, "b3": None, "b4": None, "b5": None,
                               "p-fr": True, "p-perm": True, "p-us": False}
        assert links == [("l1", T0, None), ("l2", None, None)]  # consent before LINK-2 is unknown, not invented

        await asyncio.to_thread(command.downgrade, config, "shop_binding_0001")
        [used] = await execute(url, ("SELECT official_unbinds_used FROM shops WHERE shop_id = 'shop-1'", {}))
        assert used == [(1,)]
    finally:
        await drop_database(name)
