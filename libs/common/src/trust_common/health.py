"""Liveness, readiness and metrics endpoints of API and worker processes.

Liveness (/healthz) is the process loop answering: it depends on nothing outside the
process, so an outage of a dependency never restarts pods. Readiness (/readyz) checks only
what the process needs to do its work: an API needs its database (it never talks to Kafka:
writes go to the outbox); a worker needs its database and Kafka. Each check runs at most once
per CHECK_TTL_SECONDS however many probes arrive, is bounded by CHECK_TIMEOUT_SECONDS (well
inside the probes' 2 s timeout), and the worker reuses one Kafka admin client for all of them.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal

from aiokafka.admin import AIOKafkaAdminClient
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from opentelemetry.instrumentation.utils import suppress_instrumentation
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

# A dependency's answer is reused this long: probes of every replica cost one query per TTL.
CHECK_TTL_SECONDS = 5.0
# Below the probes' timeoutSeconds (2) so a slow dependency reads as "failing", not as a hung probe.
CHECK_TIMEOUT_SECONDS = 1.0

# Paths kept out of the request metrics and traces: probes and scrapes are not traffic.
OPERATIONS_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

Check = Literal["database", "kafka"]
API_CHECKS: tuple[Check, ...] = ("database",)
WORKER_CHECKS: tuple[Check, ...] = ("database", "kafka")


class CachedCheck:
    """One dependency check: the last answer is served while fresh; concurrent callers share one run."""

    def __init__(self, probe: Callable[[], Awaitable[None]], *, ttl: float = CHECK_TTL_SECONDS,
                 timeout: float = CHECK_TIMEOUT_SECONDS) -> None:
        self._probe = probe
        self._ttl = ttl
        self._timeout = timeout
        self._lock = asyncio.Lock()
        self._checked_at = -float("inf")
        self._ok = False
        self.runs = 0

    async def ok(self) -> bool:
        async with self._lock:
            if time.monotonic() - self._checked_at >= self._ttl:
                self.runs += 1
                try:
                    async with asyncio.timeout(self._timeout):
                        await self._probe()
                    self._ok = True
                except Exception:
                    self._ok = False
                self._checked_at = time.monotonic()
            return self._ok


class KafkaCheck:
    """Asks the cluster for its metadata over one long-lived admin client (not one per probe)."""

    def __init__(self, bootstrap: str, client_id: str) -> None:
        self._bootstrap = bootstrap
        self._client_id = client_id
        self._admin: AIOKafkaAdminClient | None = None

    async def __call__(self) -> None:
        if self._admin is None:
            admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap, client_id=self._client_id,
                                        request_timeout_ms=int(CHECK_TIMEOUT_SECONDS * 1000))
            try:
                await admin.start()
            except BaseException:
                await admin.close()
                raise
            self._admin = admin
        try:
            await self._admin.describe_cluster()
        except BaseException:
            # A broken connection is rebuilt on the next check rather than reused.
            admin, self._admin = self._admin, None
            await admin.close()
            raise

    async def close(self) -> None:
        if self._admin is not None:
            await self._admin.close()
            self._admin = None


def _checks(request: Request, names: Sequence[Check]) -> dict[str, CachedCheck]:
    state = request.app.state
    checks: dict[str, CachedCheck] | None = getattr(state, "readiness_checks", None)
    if checks is None:
        runtime = state.runtime
        checks = {}
        for name in names:
            if name == "database":
                checks[name] = CachedCheck(lambda: _database(runtime))
            else:
                kafka = KafkaCheck(runtime.settings.kafka_bootstrap, f"{runtime.settings.service_name}-readiness")
                state.kafka_check = kafka
                checks[name] = CachedCheck(kafka)
        state.readiness_checks = checks
    return checks


async def _database(runtime: Any) -> None:
    # Not traced: a probe's query every few seconds would be an orphan root span each time.
    with suppress_instrumentation():
        async with runtime.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))


def operations_router(checks: Sequence[Check] = API_CHECKS, *, metrics: bool = True) -> APIRouter:
    """/healthz, /readyz (checking `checks`) and, unless served elsewhere, /metrics."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="The process is alive (its event loop answers)")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary=f"Ready to work: {' and '.join(checks)} reachable")
    async def readyz(request: Request) -> JSONResponse:
        cached = _checks(request, checks)
        results = dict(zip(cached, await asyncio.gather(*(c.ok() for c in cached.values())), strict=True))
        loops_ready = getattr(request.app.state, "loops_ready", None)
        if loops_ready is not None:  # a worker: every loop running, none restarting or given up
            results["loops"] = loops_ready()
        ready = all(results.values())
        return JSONResponse({"status": "ready" if ready else "not ready",
                             "checks": {k: "ok" if v else "failing" for k, v in results.items()}},
                            status_code=200 if ready else 503)

    if metrics:
        router.include_router(metrics_router())
    return router


def metrics_router() -> APIRouter:
    """/metrics (Prometheus text format); on the internal port of a production API."""
    router = APIRouter(tags=["operations"])

    @router.get("/metrics", include_in_schema=False)
    async def prometheus_metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


# The API's endpoints (readiness = its database); workers use operations_router(WORKER_CHECKS).
router = operations_router(API_CHECKS)
