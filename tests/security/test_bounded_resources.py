"""Bounded resources (issue 13, item 5): a body limit on every route, refused with 413 before the
body is read; uploads as their route declares; cursors that fail to decode are a 400 whatever
their shape."""
from __future__ import annotations

import base64
import json

import httpx
import pytest
from fastapi import APIRouter, Request

from trust_common.auth import Role
from trust_common.http import create_api
from trust_common.limits import max_body
from trust_common.runtime import Runtime
from trust_common.settings import CommonSettings

MiB = 1024 * 1024
CHUNK = 64 * 1024


class Streamed:
    """A chunked request body that counts how much of it the server pulled."""

    def __init__(self, total: int) -> None:
        self.total, self.pulled = total, 0

    async def __aiter__(self):
        while self.pulled < self.total:
            self.pulled += CHUNK
            yield b"[" + b" " * (CHUNK - 2) + b"]"


@pytest.fixture(scope="module")
async def limited_app():
    """A bare API on libs/common with a route that declares a larger limit."""
    router = APIRouter()

    @router.post("/small")
    async def small(request: Request) -> dict[str, int]:
        return {"read": len(await request.body())}

    @router.post("/large", dependencies=[max_body(3 * MiB)])
    async def large(request: Request) -> dict[str, int]:
        return {"read": len(await request.body())}

    @router.post("/from-settings", dependencies=[max_body(lambda settings: settings.http_max_body_bytes * 2)])
    async def from_settings(request: Request) -> dict[str, int]:
        return {"read": len(await request.body())}

    runtime = Runtime.build(CommonSettings(environment="test", service_name="limits-probe"))
    app = create_api(runtime, title="limits", description="", routers=[router])
    yield httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    await runtime.close()


async def test_a_body_over_the_default_limit_is_refused_before_it_is_read(limited_app):
    declared = Streamed(30 * MiB)
    answer = await limited_app.post("/small", content=declared, headers={"content-length": str(30 * MiB)})
    assert answer.status_code == 413
    assert answer.json()["type"].endswith("/request-too-large") and answer.json()["max_bytes"] == MiB
    assert declared.pulled == 0  # refused on its Content-Length alone


async def test_a_chunked_body_is_cut_off_as_soon_as_it_passes_the_limit(limited_app):
    streamed = Streamed(30 * MiB)  # no Content-Length: only counting can stop it
    answer = await limited_app.post("/small", content=streamed)
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/problem+json"
    assert streamed.pulled <= MiB + 2 * CHUNK


async def test_a_route_declares_its_own_larger_limit_in_bytes_or_from_settings(limited_app):
    assert (await limited_app.post("/small", content=b"x" * MiB)).json() == {"read": MiB}
    assert (await limited_app.post("/large", content=b"x" * 2 * MiB)).json() == {"read": 2 * MiB}
    assert (await limited_app.post("/from-settings", content=b"x" * 2 * MiB)).json() == {"read": 2 * MiB}
    assert (await limited_app.post("/large", content=b"x" * (3 * MiB + 1))).status_code == 413
    streamed = Streamed(30 * MiB)
    assert (await limited_app.post("/large", content=streamed)).status_code == 413
    assert streamed.pulled <= 3 * MiB + 2 * CHUNK


async def test_the_limit_holds_for_a_request_sent_with_an_idempotency_key(certification):
    """The idempotency store buffers bodies (up to 11 MiB) for replays: the route limit comes first."""
    async with certification.client("holder-limits", Role.ACCOUNT_HOLDER, account_id="acc-limits") as client:
        answer = await client.post("/v1/applications", content=b'{"x":"' + b"a" * 2 * MiB + b'"}',
                                   headers={"content-type": "application/json", "idempotency-key": "big-1"})
    assert answer.status_code == 413
    assert answer.json()["type"].endswith("/request-too-large")


async def test_oversized_json_to_a_running_service_is_a_413_problem(certification, shop_binding):
    body = json.dumps({"padding": "a" * 2 * MiB})
    async with shop_binding.client() as anonymous:
        sign_in_like = await anonymous.post("/v1/support/cases", content=body,
                                            headers={"content-type": "application/json"})
    async with certification.client("holder-limits", Role.ACCOUNT_HOLDER, account_id="acc-limits") as client:
        start = await client.post("/v1/applications", content=body, headers={"content-type": "application/json"})
    assert (sign_in_like.status_code, start.status_code) == (413, 413)


async def test_a_document_upload_takes_its_own_configured_limit(certification):
    """CERT-3: the upload route declares `document_max_bytes`; everything else keeps the 1 MiB default."""
    limit = certification.settings.document_max_bytes
    assert limit > 2 * MiB
    url = "/v1/applications/no-such-application/documents/business_licence"
    async with certification.client("holder-limits", Role.ACCOUNT_HOLDER, account_id="acc-limits") as client:
        # Over the default but within the document limit: it reaches the route (which finds no application).
        within = await client.put(url, content=b"%PDF-" + b"0" * 2 * MiB)
        declared_over = Streamed(limit + MiB)
        over = await client.put(url, content=declared_over, headers={"content-length": str(limit + MiB)})
    assert within.status_code == 404
    assert (over.status_code, over.json()["rule"], over.json()["max_bytes"]) == (413, "CERT-3", limit)
    assert declared_over.pulled == 0


def _cursor(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


CURSORS = {
    "5,000 nested brackets": _cursor(b"[" * 5000 + b"]" * 5000),
    "700 nested brackets cut to the length limit": _cursor(b"[" * 700 + b"]" * 700)[:1024],
    "not base64": "%%%###",
    "an object": _cursor(b'{"a": 1}'),
    "a number": _cursor(b"1e999999"),
    "a huge integer": _cursor(b"[" + b"9" * 5000 + b"]"),
    "a nested object": _cursor(b'[{"dt": {"dt": 1}}]'),
    "a bad date": _cursor(b'[{"dt": "yesterday"}]'),
    "the wrong key count": _cursor(b'["a", "b", "c", "d", "e"]'),
    "the wrong types": _cursor(b"[[1], [2]]"),
    "a NUL": _cursor(b'["\\u0000", "x"]'),
    "very long": "A" * 20_000,
}


@pytest.mark.parametrize("name", list(CURSORS))
async def test_a_cursor_that_fails_to_decode_is_a_400_problem_on_a_real_list(shop_binding, name):
    async with shop_binding.client("support-cursor", Role.SUPPORT) as client:
        answer = await client.get("/v1/support/cases", params={"cursor": CURSORS[name]})
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["parameter"] == "cursor"
