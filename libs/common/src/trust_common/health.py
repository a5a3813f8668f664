"""Liveness, readiness and metrics endpoints, the same on API and worker processes."""
from __future__ import annotations

import asyncio

from aiokafka.admin import AIOKafkaAdminClient
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The database and Kafka are reachable")
async def readyz(request: Request) -> JSONResponse:
    runtime = request.app.state.runtime
    checks = {"database": await _database_ok(runtime), "kafka": await _kafka_ok(runtime)}
    ready = all(checks.values())
    return JSONResponse({"status": "ready" if ready else "not ready",
                         "checks": {k: "ok" if v else "failing" for k, v in checks.items()}},
                        status_code=200 if ready else 503)


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def _database_ok(runtime) -> bool:  # type: ignore[no-untyped-def]
    try:
        async with asyncio.timeout(2):
            async with runtime.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


async def _kafka_ok(runtime) -> bool:  # type: ignore[no-untyped-def]
    admin = AIOKafkaAdminClient(bootstrap_servers=runtime.settings.kafka_bootstrap,
                                client_id=f"{runtime.settings.service_name}-readiness", request_timeout_ms=2000)
    try:
        async with asyncio.timeout(3):
            await admin.start()
            await admin.list_topics()
        return True
    except Exception:
        return False
    finally:
        await admin.close()
