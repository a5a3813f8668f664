"""The ceilings served over HTTP, under the same server settings as a service API (one uvicorn
process, the same logging): C3 a bare FastAPI endpoint; C2r the creator's invitation list and
C2w an invitation's writes, each as the same SQL through raw asyncpg in one round trip, with the
same bearer-token check a service does.

    python -m bench.harness.ceiling_app <port> <database>
"""
from __future__ import annotations

import json
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import uvicorn
from fastapi import FastAPI, Request, Response

from trust_common.auth import TokenVerifier
from trust_common.logs import configure_logging
from trust_common.settings import CommonSettings

LIST = """
    SELECT invitation_id, shop_id, shop_owner_account_id, creator_account_id, role, status, created_at,
           expires_at, answered_at, binding_id
    FROM invitations WHERE creator_account_id = $1
    ORDER BY created_at DESC, invitation_id DESC LIMIT 51
"""

# Shop lock, invitation, its expiry timer, the aggregate's sequence, the outbox row and the
# relay's wake-up, in one statement (one round trip, one transaction).
INVITE = """
    WITH shop AS (SELECT shop_id FROM bench_ceiling.shops WHERE shop_id = $1 FOR UPDATE),
    inv AS (
        INSERT INTO bench_ceiling.invitations (invitation_id, shop_id, shop_owner_account_id, creator_account_id,
                                              role, status, created_at, expires_at)
        SELECT $2, shop_id, $3, $4, $5, 'pending', now(), now() + interval '48 hours' FROM shop
        RETURNING invitation_id, created_at, expires_at),
    timer AS (
        INSERT INTO bench_ceiling.timers (kind, key, due_at, payload, headers, status)
        SELECT 'shop_binding.invitation_expiry', invitation_id, expires_at,
               jsonb_build_object('shop_id', $1::text, 'invitation_id', invitation_id), '{}', 'pending' FROM inv),
    seq AS (
        INSERT INTO bench_ceiling.aggregate_sequences AS s (aggregate_type, aggregate_id, last_sequence)
        SELECT 'shop', $1, 1 FROM inv
        ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE SET last_sequence = s.last_sequence + 1
        RETURNING last_sequence),
    out AS (
        INSERT INTO bench_ceiling.outbox (event_id, topic, message_key, event_type, shard, envelope, headers)
        SELECT $6::uuid, 'bench.ceiling', $1, 'shop_binding.invitation.sent', $7,
               $8::jsonb || jsonb_build_object('sequence', last_sequence), '{}' FROM seq)
    SELECT inv.invitation_id, inv.created_at, inv.expires_at, pg_notify('bench_ceiling', '') FROM inv
"""


def create_app(database_url: str) -> FastAPI:
    settings = CommonSettings(service_name="ceiling", log_level="WARNING")
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    verifier = TokenVerifier(settings)
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        state["pool"] = await asyncpg.create_pool(database_url, min_size=2, max_size=settings.database_pool_size)
        yield
        await state["pool"].close()

    app = FastAPI(lifespan=lifespan)

    def principal(request: Request) -> Any:
        return verifier.verify(request.headers["authorization"].partition(" ")[2])

    @app.get("/c3")
    async def bare() -> Response:
        return Response(b'{"ok":true}', media_type="application/json")

    @app.get("/readyz")
    async def readyz() -> Response:
        return Response(b'{"status":"ready"}', media_type="application/json")

    @app.get("/v1/me/invitations")
    async def c2r(request: Request) -> Response:
        account_id = principal(request).account_id
        rows = await state["pool"].fetch(LIST, account_id)
        items = [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in rows[:50]]
        return Response(json.dumps({"items": items, "next_cursor": None}), media_type="application/json")

    @app.post("/v1/shops/{shop_id}/invitations", status_code=201)
    async def c2w(shop_id: str, request: Request) -> Response:
        who = principal(request)
        if shop_id not in who.shop_ids:
            return Response(status_code=404)
        body = json.loads(await request.body())
        invitation_id, event_id = str(uuid.uuid4()), str(uuid.uuid4())
        envelope = {"event_id": event_id, "type": "shop_binding.invitation.sent", "version": 1,
                    "source": "shop-binding", "aggregate_type": "shop", "aggregate_id": shop_id,
                    "trace": {}, "data": {"invitation_id": invitation_id, "shop_id": shop_id,
                                          "shop_owner_account_id": who.account_id,
                                          "creator_account_id": body["creator_account_id"], "role": body["role"]}}
        row = await state["pool"].fetchrow(INVITE, shop_id, invitation_id, who.account_id, body["creator_account_id"],
                                           body["role"], event_id, hash(shop_id) % 64, json.dumps(envelope))
        if row is None:
            return Response(status_code=404)
        return Response(json.dumps({"invitation_id": invitation_id, "shop_id": shop_id, "status": "pending",
                                    "created_at": row["created_at"].isoformat(),
                                    "expires_at": row["expires_at"].isoformat()}),
                        status_code=201, media_type="application/json")

    return app


def main() -> None:
    port, database_url = int(sys.argv[1]), sys.argv[2]
    uvicorn.run(create_app(database_url), host="127.0.0.1", port=port, log_config=None)


if __name__ == "__main__":
    main()
