"""While the database is away an API answers 503 with Retry-After, never a 500: the client
learns it may retry, SREs see an outage, not a bug (issue: outage hygiene)."""
from __future__ import annotations

import uuid

import httpx
from fastapi import APIRouter
from sqlalchemy import text

from trust_common.auth import CurrentPrincipal, mint_token
from trust_common.clock import ManualClock
from trust_common.dependencies import SessionDep
from trust_common.http import create_api
from trust_common.runtime import Runtime
from trust_common.settings import CommonSettings

router = APIRouter()


@router.get("/things")
async def read_things(session: SessionDep) -> int:
    return int((await session.execute(text("SELECT 1"))).scalar_one())


@router.post("/things", status_code=201)
async def make_thing(session: SessionDep, principal: CurrentPrincipal) -> int:
    return int((await session.execute(text("SELECT 1"))).scalar_one())


def _client_of_an_api_whose_database_is_away() -> tuple[httpx.AsyncClient, CommonSettings]:
    # Port 9 (discard) has no PostgreSQL: every connection attempt is refused, as in an outage.
    settings = CommonSettings(environment="test", service_name="outage-probe", log_json=False,
                              database_url="postgresql+asyncpg://trust:trust@127.0.0.1:9/nothing")
    app = create_api(Runtime.build(settings, clock=ManualClock()), title="t", description="d", routers=[router])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test"), settings


async def test_a_read_during_a_database_outage_is_503_with_retry_after():
    client, _ = _client_of_an_api_whose_database_is_away()
    async with client:
        response = await client.get("/things")
    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()
    assert response.json()["type"].endswith("/service-unavailable")


async def test_an_idempotent_write_during_a_database_outage_is_503_with_retry_after():
    client, settings = _client_of_an_api_whose_database_is_away()
    token = mint_token(settings, "someone", ["account_holder"], account_id="acc-1")
    async with client:
        response = await client.post("/things", headers={"authorization": f"Bearer {token}",
                                                         "Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()
    assert response.headers["content-type"] == "application/problem+json"
