"""Migrations employee_accounts_0003 and 0004 keep stored data right: authorisations stored with a validity period
get their durable timers (the ones already over end on the next poll, EMP-21), and national IDs are re-hashed in
their canonical form (issue 13), so a full-width ID is the same identity (EMP-7, EMP-17)."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from employee_accounts.adapters.vault import NATIONAL_ID, PersonalDataVault
from employee_accounts.bootstrap import SERVICE
from employee_accounts.settings import Settings
from trust_common.migrations import alembic_config
from trust_common.testing.infrastructure import create_database, drop_database

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
FULL_WIDTH = "１１０１０１１９９００３０７１２３ｘ"  # the same person as ASCII_ID
ASCII_ID = "11010119900307123X"


async def execute(url: str, *statements: tuple[str, Any]) -> list[Any]:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            return [(await connection.execute(text(sql), params)).all() if sql.lstrip().upper().startswith("SELECT")
                    else await connection.execute(text(sql), params) for sql, params in statements]
    finally:
        await engine.dispose()


def account(vault: PersonalDataVault, id: str, enterprise: str, national_id: str, *, kind: str = "enterprise",
            status: str = "active", valid_until: datetime | None = None, old_hash: str | None = None,
            created: int = 0) -> tuple[str, dict[str, Any]]:
    sealed = vault.seal(NATIONAL_ID, national_id)
    return ("INSERT INTO employee_accounts (id, enterprise_id, kind, account_id, status, real_name, identity_ref,"
            " national_id_ciphertext, national_id_key_id, national_id_hash, national_id_masked, proof_kind,"
            " proof_document_ref, modules, valid_until, holder_generation, submission_count, password_changed,"
            " merchant_page_modules, showcase_deposit_paid, created_at, updated_at) VALUES (:id, :e, :kind, :id,"
            " :status, 'Li Wei', 'idref-x', :c, :k, :h, 'masked', 'company_seal', 'doc', '[]', :vu, 1, 1, false,"
            " '{}', false, :at, :at)",
            {"id": id, "e": enterprise, "kind": kind, "status": status, "c": sealed.ciphertext, "k": sealed.key_id,
             "h": old_hash or f"old-{id}", "vu": valid_until, "at": T0 + timedelta(minutes=created)})


async def test_validity_timers_are_scheduled_and_national_ids_rehashed_in_canonical_form(namespace):
    name = f"employee_accounts_second_pass_{namespace}"
    url = await create_database(name)
    config = alembic_config(SERVICE.migrations, url)
    vault = PersonalDataVault.from_settings(Settings())
    canonical_hash = vault.lookup_hash(NATIONAL_ID, ASCII_ID)
    try:
        await asyncio.to_thread(command.upgrade, config, "employee_accounts_0002")
        await asyncio.to_thread(command.upgrade, config, "common@head")
        now = datetime.now(UTC)
        await execute(
            url,
            account(vault, "full-e1", "e1", FULL_WIDTH),
            account(vault, "ascii-e2", "e2", ASCII_ID),
            # EMP-17 collision inside e3: the row already under the canonical hash keeps it.
            account(vault, "full-e3", "e3", FULL_WIDTH, created=1),
            account(vault, "ascii-e3", "e3", ASCII_ID, old_hash=canonical_hash, created=2),
            account(vault, "over", "e1", "A1234567", kind="authorised_personal", valid_until=now - timedelta(days=2)),
            account(vault, "ahead", "e1", "B1234567", kind="authorised_personal", valid_until=now + timedelta(days=20)),
            account(vault, "soon", "e1", "C1234567", kind="authorised_personal", valid_until=now + timedelta(hours=5)),
            account(vault, "gone", "e1", "D1234567", kind="authorised_personal", status="ended",
                    valid_until=now - timedelta(days=9)),
        )
        await asyncio.to_thread(command.upgrade, config, "heads")
        await asyncio.to_thread(command.upgrade, config, "heads")  # idempotent
        rows, timers = await execute(
            url, ("SELECT id, national_id_hash, national_id_ciphertext, national_id_key_id, national_id_masked "
                  "FROM employee_accounts ORDER BY id", {}),
            ("SELECT kind, key, due_at FROM timers WHERE status = 'pending' ORDER BY kind, key", {}))
        by_id = {r.id: r for r in rows}
        assert by_id["full-e1"].national_id_hash == by_id["ascii-e2"].national_id_hash == canonical_hash
        assert vault.open(NATIONAL_ID, by_id["full-e1"].national_id_ciphertext,
                          by_id["full-e1"].national_id_key_id) == ASCII_ID
        assert by_id["full-e1"].national_id_masked.endswith("123X")
        assert by_id["ascii-e3"].national_id_hash == canonical_hash
        assert by_id["full-e3"].national_id_hash == "old-full-e3"  # left for an operator, not a failed migration
        assert [(t.kind, t.key) for t in timers] == [
            ("employee_accounts.validity_end", "ahead"), ("employee_accounts.validity_end", "over"),
            ("employee_accounts.validity_end", "soon"),
            ("employee_accounts.validity_reminder", "ahead:1"), ("employee_accounts.validity_reminder", "ahead:7")]
        over = next(t for t in timers if t.key == "over")
        assert over.due_at <= datetime.now(UTC)  # due at once: the worker ends it with its events
        await asyncio.to_thread(command.downgrade, config, "employee_accounts_0002")
        [left] = await execute(url, ("SELECT count(*) FROM timers WHERE status = 'pending'", {}))
        assert left == [(0,)]
    finally:
        await drop_database(name)
