"""What an API shows of itself (issue 13, item 7): security headers on every response, no-store
on what an authenticated caller reads, and in production no docs, schema or metrics on the
public port (they are on the internal one)."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import re
import socket
import subprocess
import sys
import textwrap

import httpx
import pytest
from fastapi import APIRouter, Response

from trust_common.auth import Role
from trust_common.http import create_api
from trust_common.runtime import Runtime
from trust_common.settings import CommonSettings
from trust_common.surface import ByPort, internal_app

SECURITY_HEADERS = {"strict-transport-security", "x-content-type-options", "x-frame-options", "referrer-policy",
                    "content-security-policy"}
PRODUCTION = {"environment": "production", "jwt_secret": "k" * 64, "service_name": "surface-probe",
              "database_url": "postgresql+asyncpg://svc:a-real-long-database-password@127.0.0.1:1/svc"}
INTERNAL_ONLY = ["/docs", "/redoc", "/openapi.json", "/metrics"]


def assert_secure(response: httpx.Response) -> None:
    assert SECURITY_HEADERS <= set(response.headers), response.headers
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_every_response_of_a_running_service_carries_the_security_headers(shop_binding):
    async with shop_binding.client() as anonymous, shop_binding.client("support-h", Role.SUPPORT) as support:
        answers = [await anonymous.get("/healthz"), await anonymous.get("/v1/support/cases"),  # 200, 401
                   await support.get("/v1/support/cases"), await support.get("/v1/no-such-route"),  # 200, 404
                   await support.post("/v1/support/cases", content=b"{", headers={"content-type": "application/json"}),
                   await anonymous.post("/v1/support/cases", content=b"x" * (2 * 1024 * 1024))]  # 413
    assert [a.status_code for a in answers[:4]] == [200, 401, 200, 404]
    assert answers[5].status_code == 413
    for answer in answers:
        assert_secure(answer)
        assert answer.headers["content-security-policy"].startswith("default-src 'none'")


async def test_responses_to_authenticated_requests_are_no_store(shop_binding):
    async with shop_binding.client("support-h", Role.SUPPORT) as support, shop_binding.client() as anonymous:
        listing = await support.get("/v1/support/cases")
        refused = await support.get("/v1/me/bindings")  # 403: still an answer about this caller
        health = await anonymous.get("/healthz")
    assert listing.headers["cache-control"] == "no-store"
    assert refused.headers["cache-control"] == "no-store"
    assert "cache-control" not in health.headers


@pytest.fixture
def bare_app():
    """An API on libs/common alone, with a route that sets its own caching."""
    router = APIRouter()

    @router.get("/public-facts")
    async def facts(response: Response) -> dict[str, str]:
        response.headers["cache-control"] = "public, max-age=60"
        return {"fact": "shared"}

    def build(**settings):
        runtime = Runtime.build(CommonSettings(**{"environment": "test", "service_name": "surface-probe",
                                                  **settings}))
        return runtime, create_api(runtime, title="Surface probe", description="", routers=[router])

    return build


async def test_a_route_that_sets_its_own_cache_control_keeps_it(bare_app):
    runtime, app = bare_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test",
                                 headers={"authorization": "Bearer whatever"}) as client:
        answer = await client.get("/public-facts")
    await runtime.close()
    assert answer.headers["cache-control"] == "public, max-age=60"


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_the_docs_pages_have_a_csp_that_admits_exactly_their_own_inline_script(bare_app, page):
    runtime, app = bare_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        html = await client.get(page)
        schema = await client.get("/openapi.json")
    await runtime.close()
    assert html.status_code == 200 and schema.status_code == 200
    assert_secure(html)
    csp = html.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "'unsafe-eval'" not in csp
    for script in re.findall(r"<script>(.*?)</script>", html.text, re.DOTALL):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    for source in re.findall(r'(?:src|href)="(https://[^/"]+)', html.text):
        assert source in csp, source  # every asset the page loads is allowed by the policy
    assert "connect-src 'self'" in csp and "frame-ancestors 'none'" in csp


async def test_in_production_the_public_app_serves_no_docs_schema_or_metrics(bare_app):
    runtime, app = bare_app(**PRODUCTION)
    public = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    internal = httpx.AsyncClient(transport=httpx.ASGITransport(app=internal_app(app)), base_url="http://test")
    async with public, internal:
        hidden = {path: (await public.get(path)).status_code for path in INTERNAL_ONLY}
        shown = {path: (await internal.get(path)).status_code for path in INTERNAL_ONLY}
        health = await public.get("/healthz")
        schema = (await internal.get("/openapi.json")).json()
    await runtime.close()
    assert hidden == dict.fromkeys(INTERNAL_ONLY, 404)
    assert shown == dict.fromkeys(INTERNAL_ONLY, 200)
    assert health.status_code == 200
    assert "/public-facts" in schema["paths"]  # the internal port documents the public app


async def test_in_development_one_port_serves_everything(bare_app):
    runtime, app = bare_app(environment="development")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        codes = {path: (await client.get(path)).status_code for path in INTERNAL_ONLY}
    await runtime.close()
    assert codes == dict.fromkeys(INTERNAL_ONLY, 200)


async def test_connections_go_to_the_app_of_the_port_they_arrived_on(bare_app):
    runtime, app = bare_app(**PRODUCTION)
    both = ByPort(app, internal_app(app), internal_port=9000)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=both), base_url="http://test:8000") as public, \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=both), base_url="http://test:9000") as internal:
        assert (await public.get("/metrics")).status_code == 404
        assert (await internal.get("/metrics")).status_code == 200
        assert (await public.get("/public-facts")).status_code == 200
        assert (await internal.get("/public-facts")).status_code == 404
    await runtime.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVER = textwrap.dedent("""
    from trust_common.http import create_api, serve_api
    from trust_common.runtime import Runtime
    from trust_common.settings import load_settings, CommonSettings
    settings = load_settings(CommonSettings)
    serve_api(create_api(Runtime.build(settings), title="probe", description="", routers=[]), settings)
""")


async def test_a_production_api_process_listens_on_the_public_and_the_internal_port():
    public_port, internal_port = _free_port(), _free_port()
    env = {**os.environ, "TRUST_ENVIRONMENT": "production", "TRUST_JWT_SECRET": "k" * 64,
           "TRUST_DATABASE_URL": PRODUCTION["database_url"], "TRUST_HTTP_PORT": str(public_port),
           "TRUST_INTERNAL_PORT": str(internal_port), "TRUST_LOG_JSON": "false"}
    process = subprocess.Popen([sys.executable, "-c", SERVER], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            deadline = asyncio.get_running_loop().time() + 60  # a loaded machine imports slowly
            while True:
                try:
                    await client.get(f"http://127.0.0.1:{public_port}/healthz")
                    break
                except httpx.TransportError:
                    assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
                    assert asyncio.get_running_loop().time() < deadline, "the API did not start within 60 s"
                    await asyncio.sleep(0.1)
            public = {p: (await client.get(f"http://127.0.0.1:{public_port}{p}")).status_code
                      for p in ["/healthz", *INTERNAL_ONLY]}
            internal = {p: (await client.get(f"http://127.0.0.1:{internal_port}{p}")).status_code
                        for p in INTERNAL_ONLY}
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert public == {"/healthz": 200, **dict.fromkeys(INTERNAL_ONLY, 404)}
    assert internal == dict.fromkeys(INTERNAL_ONLY, 200)
