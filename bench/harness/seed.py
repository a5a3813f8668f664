"""Data the benchmarks act on: shops, their owners and creators in every service's platform
projection (written as the projection consumer writes them: one upsert per snapshot), tokens,
and history rows for the flat-with-age arm."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import asyncpg

from trust_common.auth import Role, mint_token
from trust_common.contracts.platform import AccountSnapshot, ShopSnapshot
from trust_common.settings import CommonSettings

COUNTRY = "SG"


@dataclass
class World:
    """`shops` × `creators` invitation pairs, each handed out once (a repeat would be a 409)."""

    shops: list[str]
    creators: list[str]
    merchant_tokens: dict[str, str]
    creator_tokens: dict[str, str]
    others: list[str] = field(default_factory=list)  # creators outside the invitation grid
    used: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, shops: int, creators: int, *, others: Sequence[str] = ()) -> World:
        settings = CommonSettings()
        shop_ids = [f"bench-shop-{i}" for i in range(shops)]
        creator_ids = [f"bench-creator-{i}" for i in range(creators)]
        merchant = {s: mint_token(settings, f"merchant-{s}", [Role.MERCHANT], account_id=owner_of(s), shop_ids=[s],
                                  ttl=_DAY) for s in shop_ids}
        creator = {c: mint_token(settings, c, [Role.CREATOR], account_id=c, ttl=_DAY)
                   for c in creator_ids + list(others)}
        return cls(shop_ids, creator_ids, merchant, creator, list(others))

    def invitations(self, count: int, *, space: str = "service", path_prefix: str = "") -> list[tuple[str, str, str]]:
        """`count` fresh (path, token, body) invitation requests, spread over every shop."""
        start = self.used.get(space, 0)
        self.used[space] = start + count
        out = []
        for k in range(start, start + count):
            shop = self.shops[k % len(self.shops)]
            creator = self.creators[(k // len(self.shops)) % len(self.creators)]
            body = json.dumps({"creator_account_id": creator, "role": "channel"})
            out.append((f"{path_prefix}/v1/shops/{shop}/invitations", self.merchant_tokens[shop], body))
        return out


_DAY = timedelta(days=1)


def owner_of(shop_id: str) -> str:
    return f"{shop_id}-owner"


async def seed_projections(database: str, world: World) -> None:
    ids = world.creators + world.others + [owner_of(s) for s in world.shops]
    accounts = [AccountSnapshot(account_id=a, username=a.replace("-", "_"), country=COUNTRY, registered_country=COUNTRY,
                                date_of_birth=date(1990, 1, 1)) for a in ids]
    shops = [ShopSnapshot(shop_id=s, name=s, owner_account_id=owner_of(s), country=COUNTRY, onboarding="invited",
                          status="normal") for s in world.shops]
    connection = await asyncpg.connect(database)
    try:
        await connection.execute("""
            INSERT INTO platform_accounts (account_id, snapshot, deleted, sequence, updated_at)
            SELECT a, s, false, 1, now() FROM unnest($1::text[], $2::jsonb[]) AS t(a, s)
            ON CONFLICT DO NOTHING""", [a.account_id for a in accounts], [a.model_dump_json() for a in accounts])
        await connection.execute("""
            INSERT INTO platform_shops (shop_id, snapshot, sequence, updated_at)
            SELECT a, s, 1, now() FROM unnest($1::text[], $2::jsonb[]) AS t(a, s)
            ON CONFLICT DO NOTHING""", [s.shop_id for s in shops], [s.model_dump_json() for s in shops])
    finally:
        await connection.close()


async def seed_ceiling_shops(connection: asyncpg.Connection, world: World) -> None:
    await connection.execute("INSERT INTO bench_ceiling.shops (shop_id) SELECT unnest($1::text[])", world.shops)


async def add_history(database: str, rows: int, *, batch: int = 250_000) -> None:
    """`rows` old rows in each of outbox (sent), inbox, timers (fired) and idempotency keys (expired)."""
    connection = await asyncpg.connect(database)
    envelope = json.dumps({"event_id": "00000000-0000-0000-0000-000000000000", "type": "shop_binding.invitation.sent",
                           "data": {"invitation_id": "x" * 36, "shop_id": "bench-shop-0", "role": "channel"},
                           "trace": {"traceparent": "00-" + "0" * 32 + "-" + "0" * 16 + "-01"}})
    try:
        for start in range(0, rows, batch):
            n = min(batch, rows - start)
            await connection.execute("""
                INSERT INTO outbox (event_id, topic, message_key, event_type, shard, envelope, headers, created_at,
                                    sent_at)
                SELECT gen_random_uuid(), 'bench.history', 'h-' || g, 'shop_binding.invitation.sent', g % 64,
                       $1::jsonb, '{}', now() - interval '30 days', now() - interval '30 days'
                FROM generate_series($2::bigint, $3::bigint) g""", envelope, start, start + n - 1)
            await connection.execute("""
                INSERT INTO inbox (consumer, event_id, event_type, processed_at)
                SELECT 'shop-binding', gen_random_uuid(), 'platform.account.registered', now() - interval '30 days'
                FROM generate_series(1, $1) g""", n)
            await connection.execute("""
                INSERT INTO timers (kind, key, due_at, payload, headers, status, fired_at, created_at)
                SELECT 'shop_binding.invitation_expiry', 'history-' || g, now() - interval '30 days', '{}', '{}',
                       'fired', now() - interval '30 days', now() - interval '32 days'
                FROM generate_series($1::bigint, $2::bigint) g""", start, start + n - 1)
            await connection.execute(_history_keys(await _columns(connection, "idempotency_keys")), start,
                                     start + n - 1)
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


async def _columns(connection: asyncpg.Connection, table: str) -> set[str]:
    rows = await connection.fetch("SELECT column_name FROM information_schema.columns WHERE table_name = $1", table)
    return {r["column_name"] for r in rows}


def _history_keys(columns: set[str]) -> str:
    """Expired idempotency keys with a stored answer, in whichever columns the table has today."""
    values = {"scope": "'merchant-history'", "key": "'key-' || g", "method": "'POST'",
              "path": "'/v1/shops/x/invitations'", "request_hash": "repeat('0', 64)", "state": "'completed'",
              "locked_until": "now() - interval '30 days'", "response_status": "201", "response_headers": "'{}'",
              "response_body": "convert_to(repeat('x', 400), 'UTF8')", "created_at": "now() - interval '30 days'"}
    chosen = [c for c in values if c in columns]
    return (f"INSERT INTO idempotency_keys ({', '.join(chosen)}) "
            f"SELECT {', '.join(values[c] for c in chosen)} FROM generate_series($1::bigint, $2::bigint) g")
