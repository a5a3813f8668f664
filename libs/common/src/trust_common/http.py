"""The API process: one factory builds every service's FastAPI app the same way."""
from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trust_common import metrics
from trust_common.health import API_CHECKS, OPERATIONS_PATHS, operations_router
from trust_common.idempotency import IdempotencyMiddleware
from trust_common.limits import BodyLimitMiddleware, index_routes
from trust_common.logs import configure_logging
from trust_common.messagebus import MessageBus
from trust_common.problems import OutageMiddleware, document_problems, install_problem_handlers
from trust_common.runtime import Runtime
from trust_common.settings import CommonSettings
from trust_common.surface import ByPort, SecurityHeadersMiddleware, docs_router, internal_app

UNTRACED_PATHS = "healthz,readyz,metrics"


def create_api(runtime: Runtime[Any], *, title: str, description: str, routers: Iterable[APIRouter],
               bus: MessageBus | None = None, version: str = "1.0.0") -> FastAPI:
    """Build an API app on a runtime; the bus (in app.state.bus) carries its commands. In
    production it serves no docs, schema or metrics (trust_common.surface.internal_app does)."""
    settings = runtime.settings
    public_operations = settings.environment != "production"
    configure_logging(settings.service_name, settings.log_level, settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await runtime.close()

    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url=None)
    app.state.runtime = runtime
    app.state.bus = bus
    install_problem_handlers(app)
    app.include_router(operations_router(API_CHECKS, metrics=public_operations))
    if public_operations:
        app.include_router(docs_router(app))
    routers = list(routers)
    for router in routers:
        app.include_router(router)
    app.state.body_limits = index_routes(routers)
    document_problems(app)
    # Outermost last: headers on every answer, metrics of every answer, the body limit before
    # anything (the idempotency middleware included) reads a body.
    app.add_middleware(OutageMiddleware)
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(RequestMetricsMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    FastAPIInstrumentor.instrument_app(app, tracer_provider=runtime.tracer_provider, excluded_urls=UNTRACED_PATHS)
    return app


def serve_api(app: FastAPI, settings: CommonSettings) -> None:
    """Serve `app` until SIGTERM: on the public port, and where there is an operations port (always
    in production) one server listens on both sockets, the second serving docs, schema and metrics."""
    import uvicorn

    config = uvicorn.Config(app, log_config=None)
    internal = settings.operations_port
    if internal is None:
        config.host, config.port = settings.http_host, settings.http_port
        uvicorn.Server(config).run()
        return
    config.app = ByPort(app, internal_app(app), internal)
    uvicorn.Server(config).run(sockets=[_listen(settings.http_host, port) for port in (settings.http_port, internal)])


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family, backlog=2048)
    sock.set_inheritable(True)
    return sock


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
