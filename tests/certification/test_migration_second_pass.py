"""Migration certification_0003 keeps stored data right: an application's fee comes from its fee-ledger line
(CERT-4), its reopenings so far are counted from the audit trail (CERT-7: at most two, including those made
before the limit existed), and a synced certification learns the sister-app source it follows (CERT-9)."""
from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from certification.bootstrap import SERVICE
from trust_common.migrations import alembic_config
from trust_common.testing.infrastructure import create_database, drop_database

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


async def execute(url: str, *statements: tuple[str, dict[str, Any]]) -> list[Any]:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            return [(await connection.execute(text(sql), params)).all() if sql.lstrip().upper().startswith("SELECT")
                    else await connection.execute(text(sql), params) for sql, params in statements]
    finally:
        await engine.dispose()


def application(id: str, channel: str = "pc", status: str = "submitted") -> tuple[str, dict[str, Any]]:
    return ("INSERT INTO applications (id, account_id, certification_type, channel, status, fields, profile_snapshot,"
            " submission_number, rejection_count, false_information_count, errors, badge_active, profile_changed,"
            " sla_breached, created_at, updated_at, version) VALUES (:id, :id, 'enterprise', :channel, :status,"
            " '{}', '{}', 1, 0, 0, '[]', false, false, false, :at, :at, 1)",
            {"id": id, "channel": channel, "status": status, "at": T0})


def history(application_id: str, action: str, seq: int, reason: dict[str, Any] | None = None
            ) -> tuple[str, dict[str, Any]]:
    return ("INSERT INTO application_history (id, application_id, at, actor_id, actor_role, action, from_status,"
            " to_status, reason) VALUES (:id, :a, :at, 'x', 'holder', :action, NULL, 'submitted', CAST(:r AS jsonb))",
            {"id": f"{application_id}-{seq}", "a": application_id, "at": T0, "action": action,
             "r": json.dumps(reason or {})})


async def test_fee_reopenings_and_sync_sources_are_carried_over(namespace):
    name = f"certification_second_pass_{namespace}"
    url = await create_database(name)
    config = alembic_config(SERVICE.migrations, url)
    try:
        await asyncio.to_thread(command.upgrade, config, "certification_0002")
        await asyncio.to_thread(command.upgrade, config, "common@head")
        await execute(
            url,
            application("charged"), application("free"), application("reopened-twice"),
            application("synced", channel="sister_app_sync", status="certified"),
            ("INSERT INTO fee_ledger (application_id, account_id, amount_cny, payment_reference, charged_at)"
             " VALUES ('charged', 'charged', 300, 'pay-1', :at)", {"at": T0}),
            history("reopened-twice", "reopened", 1), history("reopened-twice", "reopened", 2),
            history("reopened-twice", "submitted", 3),
            history("synced", "synced_from_sister_app", 1, {"source": "toutiao-9"}),
        )
        await asyncio.to_thread(command.upgrade, config, "heads")
        [rows] = await execute(url, ("SELECT id, fee_charged_cny, fee_charged_at, reopen_count, source_reference"
                                     " FROM applications ORDER BY id", {}))
        by_id = {r.id: r for r in rows}
        assert (by_id["charged"].fee_charged_cny, by_id["charged"].fee_charged_at) == (300, T0)  # CERT-4
        assert (by_id["free"].fee_charged_cny, by_id["free"].fee_charged_at) == (0, None)
        assert by_id["reopened-twice"].reopen_count == 2 and by_id["charged"].reopen_count == 0  # CERT-7
        assert by_id["synced"].source_reference == "toutiao-9" and by_id["charged"].source_reference is None
        await asyncio.to_thread(command.downgrade, config, "certification_0002")  # and back
        await asyncio.to_thread(command.upgrade, config, "heads")
    finally:
        await drop_database(name)
