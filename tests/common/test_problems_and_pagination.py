"""Errors leave as RFC 9457 problem documents; cursors are opaque and checked."""
from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from trust_common.pagination import check_limit, decode_cursor, encode_cursor
from trust_common.problems import (
    PROBLEM_MEDIA_TYPE,
    Invalid,
    RuleViolation,
    document_problems,
    install_problem_handlers,
)


class SlotsFull(RuleViolation):
    slug, title, rule = "shop-slots-full", "The shop has no free slot", "SHOP-1"


class Body(BaseModel):
    count: int


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/rule")
    async def rule() -> None:
        raise SlotsFull("all 5 slots of shop s-1 are taken")

    @app.post("/validate")
    async def validate(body: Body) -> None:
        return None

    @app.get("/bug")
    async def bug() -> None:
        raise ZeroDivisionError

    return app


async def _call(method: str, path: str, **kwargs) -> httpx.Response:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.request(method, path, **kwargs)


async def test_a_domain_rule_becomes_a_problem_with_type_and_rule_id():
    response = await _call("POST", "/rule")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "https://problems.trust-platform.dev/shop-slots-full"
    assert body["rule"] == "SHOP-1"
    assert body["detail"] == "all 5 slots of shop s-1 are taken"
    assert body["instance"] == "/rule"


async def test_request_validation_names_the_field_in_problem_format():
    response = await _call("POST", "/validate", json={"count": "many"})
    assert response.status_code == 422
    body = response.json()
    assert body["type"].endswith("/validation-error")
    assert body["errors"][0]["pointer"] == "/count"


async def test_unknown_routes_and_bugs_are_problems_too():
    missing = await _call("GET", "/nowhere")
    assert missing.status_code == 404 and missing.json()["type"].endswith("/not-found")
    bug = await _call("GET", "/bug")
    assert bug.status_code == 500 and bug.json()["type"].endswith("/internal-error")
    assert "ZeroDivisionError" not in bug.text


def test_a_cursor_round_trips_and_a_forged_one_is_refused():
    moment = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert decode_cursor(encode_cursor((moment, "id-7"))) == (moment, "id-7")
    with pytest.raises(Invalid):
        decode_cursor("not-a-cursor!")


def test_limits_are_bounded():
    assert check_limit(None) == 50
    with pytest.raises(Invalid):
        check_limit(0)
    with pytest.raises(Invalid):
        check_limit(1000)


def test_the_openapi_document_says_errors_are_problem_documents():
    """What a client is told matches what it gets: 422 and every other error as application/problem+json."""
    app = _app()
    document_problems(app)
    responses = app.openapi()["paths"]["/validate"]["post"]["responses"]
    assert list(responses["422"]["content"]) == [PROBLEM_MEDIA_TYPE]
    assert list(responses["default"]["content"]) == [PROBLEM_MEDIA_TYPE]
    assert list(responses["200"]["content"]) == ["application/json"]
    assert "HTTPValidationError" not in app.openapi()["components"]["schemas"]
