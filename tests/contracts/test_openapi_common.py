"""What every service's OpenAPI document shares (issue 15 item 3): it is valid OpenAPI 3.1, says
which operations need the bearer token, declares Idempotency-Key on every write, declares the
problem responses with one Problem schema, and every problem `type` it can send resolves in the
catalogue each service serves at /problems/{slug}."""
from __future__ import annotations

import importlib
from typing import Any

import httpx
import pytest
from fastapi import Depends, FastAPI, Request
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from trust_common.auth import current_principal
from trust_common.openapi import _dependency_calls, api_routes, catalogue, complete, documents_headers
from trust_common.problems import PROBLEM_TYPE_BASE, Problem

from tests.contracts.published import PACKAGES


def _app(package: str) -> FastAPI:
    service = importlib.import_module(f"{package}.bootstrap").SERVICE
    return service.create_app(service.settings(environment="test"))


def _client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, operation) for path, item in document["paths"].items()
            for method, operation in item.items() if method in {"get", "post", "put", "patch", "delete"}]


@pytest.mark.parametrize("package", PACKAGES)
def test_the_document_is_valid_openapi_3_1(package: str) -> None:
    document = _app(package).openapi()
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on any violation of the OpenAPI 3.1 schema


def test_the_validator_rejects_an_invalid_document() -> None:
    # The check above can fail: a document whose operation lacks its required `responses`.
    broken = {"openapi": "3.1.0", "info": {"title": "x", "version": "1"},
              "paths": {"/x": {"get": {"responses": "none"}}}}
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


@pytest.mark.parametrize("package", PACKAGES)
def test_operations_declare_the_token_idempotency_key_and_problems(package: str) -> None:
    app = _app(package)
    document = app.openapi()
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": document["components"]["securitySchemes"]["bearer"]["description"]}
    needs_token = {(path, method.lower()) for path, methods, dependant in api_routes(app)
                   if current_principal in set(_dependency_calls(dependant)) for method in methods}
    assert needs_token, "every service has authenticated operations"
    writes = 0
    for path, method, operation in _operations(document):
        responses = operation["responses"]
        if (path, method) in needs_token:
            assert operation["security"] == [{"bearer": []}], (path, method)
            assert {"401", "403"} <= set(responses), (path, method)
        else:
            assert "security" not in operation, (path, method)
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        if method in {"post", "put", "patch", "delete"}:
            writes += 1
            assert "Idempotency-Key" in headers, (path, method)
            assert "409" in responses
        else:
            assert "Idempotency-Key" not in headers, (path, method)
        for status in ("422", "503"):
            content = responses[status]["content"]["application/problem+json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Problem"}
            for example in content["examples"].values():
                assert example["value"]["status"] == int(status)
    assert writes > 0


def test_headers_read_as_header_parameters_are_declared() -> None:
    document = _app("employee_accounts").openapi()
    declared = {p["name"].lower() for _, _, operation in _operations(document)
                for p in operation.get("parameters", []) if p["in"] == "header"}
    assert {"x-client-platform", "x-client-version"} <= declared


def test_every_problem_class_is_in_the_catalogue_with_its_rule() -> None:
    entries = catalogue()
    classes = [Problem]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        entry = entries[cls.slug]
        assert entry["type"] == PROBLEM_TYPE_BASE + cls.slug
        assert cls.status in entry["statuses"]
        if cls.rule:
            assert cls.rule in entry["rules"]
        assert entry["meaning"] and entry["fix"]
    assert {"validation-error", "unauthorized", "service-unavailable", "idempotency-key-reused",
            "invalid-idempotency-key", "idempotency-request-in-flight"} <= set(entries)


@pytest.mark.parametrize("package", PACKAGES)
async def test_every_problem_type_resolves_on_every_service(package: str) -> None:
    app = _app(package)
    async with _client(app) as client:
        listed = (await client.get("/problems")).json()["items"]
        assert {entry["slug"] for entry in listed} == set(catalogue())
        for entry in listed:
            answer = await client.get(f"/problems/{entry['slug']}")
            assert answer.status_code == 200, entry["slug"]
            assert answer.json()["type"] == PROBLEM_TYPE_BASE + entry["slug"]
        unknown = await client.get("/problems/no-such-thing")
        assert unknown.status_code == 404
        assert unknown.json()["type"] == PROBLEM_TYPE_BASE + "unknown-problem-type"
        # a problem the service actually sends names a type that resolves
        sent = await client.get("/v1/definitely-not-a-route")
        slug = sent.json()["type"].removeprefix(PROBLEM_TYPE_BASE)
        assert (await client.get(f"/problems/{slug}")).status_code == 200
    # every type the document's examples name resolves too
    document = app.openapi()
    for _, _, operation in _operations(document):
        for response in operation["responses"].values():
            for example in response.get("content", {}).get("application/problem+json", {}).get("examples", {}).values():
                assert example["value"]["type"].removeprefix(PROBLEM_TYPE_BASE) in catalogue()


def test_a_dependency_marked_with_documents_headers_declares_them() -> None:
    # For dependencies that read a header from the request (as shop-binding's network country does).
    @documents_headers("X-Client-Country")
    def country(request: Request) -> str | None:
        return request.headers.get("x-client-country")

    app = FastAPI()

    @app.get("/where")
    async def where(value: str | None = Depends(country)) -> dict[str, str | None]:
        return {"country": value}

    @app.get("/elsewhere")
    async def elsewhere() -> dict[str, str]:
        return {}

    document = app.openapi()
    complete(app, document)
    parameters = document["paths"]["/where"]["get"]["parameters"]
    assert [p["name"] for p in parameters if p["in"] == "header"] == ["X-Client-Country"]
    assert "parameters" not in document["paths"]["/elsewhere"]["get"]
    with pytest.raises(ValueError):
        documents_headers("X-Not-A-Client-Header")
