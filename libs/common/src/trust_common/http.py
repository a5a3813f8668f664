"""The API process: one factory builds every service's FastAPI app the same way."""
from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trust_common import metrics
from trust_common.health import OPERATIONS_PATHS
from trust_common.health import router as health_router
from trust_common.idempotency import IdempotencyMiddleware
from trust_common.logs import configure_logging
from trust_common.messagebus import MessageBus
from trust_common.problems import OutageMiddleware, document_problems, install_problem_handlers
from trust_common.runtime import Runtime

UNTRACED_PATHS = "healthz,readyz,metrics"


def create_api(runtime: Runtime[Any], *, title: str, description: str, routers: Iterable[APIRouter],
               bus: MessageBus | None = None, version: str = "1.0.0") -> FastAPI:
    """Build an API app on a runtime; the bus (in app.state.bus) carries its commands."""
    settings = runtime.settings
    configure_logging(settings.service_name, settings.log_level, settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await runtime.close()

    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan)
    app.state.runtime = runtime
    app.state.bus = bus
    install_problem_handlers(app)
    app.include_router(health_router)
    for router in routers:
        app.include_router(router)
    document_problems(app)
    app.add_middleware(OutageMiddleware)
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(RequestMetricsMiddleware)
    FastAPIInstrumentor.instrument_app(app, tracer_provider=runtime.tracer_provider, excluded_urls=UNTRACED_PATHS)
    return app


class RequestMetricsMiddleware:
    """Request rate, errors and latency per route template (bounded labels). Probes and scrapes
    are not traffic: a failing readiness probe must not burn the API's error budget."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPERATIONS_PATHS:
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = {"code": 500}

        async def observe(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            metrics.HTTP_REQUESTS.labels(method=scope["method"], route=template, status=str(status["code"])).inc()
            metrics.HTTP_LATENCY.labels(method=scope["method"], route=template).observe(
                time.perf_counter() - started)
