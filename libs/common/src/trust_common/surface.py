"""What an API shows of itself: security headers on every response, `no-store` on what an
authenticated caller reads, and where the docs, the schema and the metrics are served.

In development and tests the API serves everything on its one port. In production the
public app has no /docs, /redoc, /openapi.json or /metrics: `internal_app` serves them on
`TRUST_INTERNAL_PORT`, which only the cluster reaches, and `ByPort` sends each connection
to the app of the port it arrived on (one uvicorn server, two sockets).
"""
from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Sent on every response. HSTS is honoured by browsers over HTTPS only (the ingress terminates TLS).
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
# The API only ever answers JSON: nothing may load, run or frame it.
API_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# The docs pages load Swagger UI and ReDoc from jsDelivr, run one inline bootstrap script
# (allowed by its hash, see docs_response), style themselves inline, fetch the schema from
# this origin, and ReDoc searches in a worker built from a blob: URL.
DOCS_CSP = ("default-src 'none'; script-src https://cdn.jsdelivr.net {hashes}; "
            "style-src https://cdn.jsdelivr.net https://fonts.googleapis.com 'unsafe-inline'; "
            "font-src https://fonts.gstatic.com data:; "
            "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
            "connect-src 'self'; worker-src blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
DOCS_PATHS = ("/docs", "/redoc")
INTERNAL_PATHS = frozenset({*DOCS_PATHS, "/openapi.json", "/metrics"})
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


class SecurityHeadersMiddleware:
    """Adds the security headers to every response, and `Cache-Control: no-store` to every
    response to a request carrying credentials (it may hold personal data or a secret), unless
    the route set its own header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        authenticated = any(name.lower() == b"authorization" for name, _ in scope["headers"])

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [*SECURITY_HEADERS, (b"content-security-policy", API_CSP)]
                if authenticated:
                    extra.append((b"cache-control", b"no-store"))
                headers.extend((name, value) for name, value in extra if name not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def docs_response(html: HTMLResponse) -> HTMLResponse:
    """A docs page with a CSP that admits exactly its own inline script (by hash)."""
    body = bytes(html.body)
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
                      for script in _INLINE_SCRIPT.findall(body.decode()))
    return HTMLResponse(body, headers={"content-security-policy": DOCS_CSP.format(hashes=hashes).strip(),
                                       "cache-control": "no-cache"})


def docs_router(app: FastAPI, *, openapi_url: str = "/openapi.json") -> APIRouter:
    """/openapi.json, /docs and /redoc of `app`, with the docs pages' own CSP."""
    router = APIRouter(include_in_schema=False)

    @router.get(openapi_url)
    async def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @router.get("/docs")
    async def swagger(request: Request) -> HTMLResponse:
        url = request.scope.get("root_path", "") + openapi_url
        return docs_response(get_swagger_ui_html(openapi_url=url, title=f"{app.title} - Swagger UI"))

    @router.get("/redoc")
    async def redoc(request: Request) -> HTMLResponse:
        url = request.scope.get("root_path", "") + openapi_url
        return docs_response(get_redoc_html(openapi_url=url, title=f"{app.title} - ReDoc"))

    return router


def internal_app(app: FastAPI) -> FastAPI:
    """What production serves on the internal port only: the public app's docs and schema, and
    the process's metrics."""
    from trust_common.health import metrics_router

    internal = FastAPI(title=f"{app.title} (internal)", docs_url=None, redoc_url=None, openapi_url=None)
    internal.include_router(docs_router(app))
    internal.include_router(metrics_router())
    internal.add_middleware(SecurityHeadersMiddleware)
    return internal


class ByPort:
    """Sends each connection to the app of the local port it arrived on; lifespan events go to
    the public app (it owns the runtime)."""

    def __init__(self, public: ASGIApp, internal: ASGIApp, internal_port: int) -> None:
        self.public, self.internal, self.internal_port = public, internal, internal_port

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        server: Any = scope.get("server") or (None, None)
        app = self.internal if scope["type"] != "lifespan" and server[1] == self.internal_port else self.public
        await app(scope, receive, send)
