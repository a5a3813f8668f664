"""RFC 9457 problem details: typed domain errors mapped once to application/problem+json."""
from __future__ import annotations

import logging
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trust_common.outages import RETRY_AFTER_SECONDS, is_outage

log = logging.getLogger(__name__)

PROBLEM_TYPE_BASE = "https://problems.trust-platform.dev/"
PROBLEM_MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    """Base of every error a client may see. Subclasses set status, slug, title and the rule id."""

    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"
    rule: ClassVar[str | None] = None

    def __init__(self, detail: str | None = None, *, rule: str | None = None, **extensions: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.rule_id = rule or self.rule
        self.extensions = extensions

    def body(self, instance: str | None = None) -> dict[str, Any]:
        return problem_body(self.status, self.slug, self.title, self.detail, rule=self.rule_id,
                            instance=instance, **self.extensions)


class Invalid(Problem):
    status, slug, title = 400, "invalid-request", "The request is not valid"


class Unauthorized(Problem):
    status, slug, title = 401, "unauthorized", "Authentication required"


class Forbidden(Problem):
    status, slug, title = 403, "forbidden", "Not allowed"


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(Problem):
    status, slug, title = 409, "conflict", "Conflicts with the current state"


class RuleViolation(Problem):
    """A business rule refuses the command; subclasses name the rule."""

    status, slug, title = 422, "rule-violation", "A business rule refuses this"


class NotSupported(Problem):
    status, slug, title = 422, "not-supported", "Not supported"


def problem_body(status: int, slug: str, title: str, detail: str, *, rule: str | None = None,
                 instance: str | None = None, **extensions: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"type": PROBLEM_TYPE_BASE + slug, "title": title, "status": status, "detail": detail}
    if rule:
        body["rule"] = rule
    if instance:
        body["instance"] = instance
    body.update(extensions)
    return body


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=body["status"], media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    """Every error leaves as a problem document: domain errors, validation, routing, bugs."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, error: Problem) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
        return problem_response(error.body(instance=request.url.path), headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [{"pointer": "/" + "/".join(str(p) for p in e.get("loc", ()) if p != "body"),
                   "location": str(e.get("loc", ("body",))[0]), "detail": e.get("msg", "invalid")}
                  for e in error.errors()]
        detail = "; ".join(f"{e['pointer']}: {e['detail']}" for e in errors) or "The request is not valid"
        return problem_response(problem_body(422, "validation-error", "The request is not valid", detail,
                                             instance=request.url.path, errors=errors))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        slug = {404: "not-found", 405: "method-not-allowed", 401: "unauthorized", 403: "forbidden"}.get(
            error.status_code, "http-error")
        return problem_response(problem_body(error.status_code, slug, str(error.detail), str(error.detail),
                                             instance=request.url.path), dict(error.headers or {}))

    @app.exception_handler(Exception)
    async def _bug(request: Request, error: Exception) -> JSONResponse:
        if is_outage(error):
            log.warning("database unavailable on %s %s: %s", request.method, request.url.path, type(error).__name__)
            return unavailable_response(request.url.path)
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(problem_body(500, "internal-error", "Internal error",
                                             "Something went wrong on our side; it has been logged.",
                                             instance=request.url.path))


def unavailable_body(instance: str | None = None) -> dict[str, Any]:
    return problem_body(503, "service-unavailable", "Service unavailable",
                        "A system this service depends on is not reachable right now; nothing was changed. "
                        "Retry after the time in the Retry-After header.", instance=instance)


def unavailable_response(instance: str | None = None) -> JSONResponse:
    """503 with Retry-After: an outage, not a bug and not the client's fault."""
    return problem_response(unavailable_body(instance), {"Retry-After": str(RETRY_AFTER_SECONDS)})


class OutageMiddleware:
    """Turns an outage that reaches the top of a request into 503 + Retry-After (an exception
    handler could not: Starlette re-raises what its catch-all handler answered)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as error:
            if started or not is_outage(error):
                raise
            log.warning("unavailable on %s %s: %s", scope["method"], scope["path"], type(error).__name__)
            await unavailable_response(scope["path"])(scope, receive, send)


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object", "title": "Problem", "description": "An RFC 9457 problem document.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"}, "title": {"type": "string"},
        "status": {"type": "integer"}, "detail": {"type": "string"}, "instance": {"type": "string"},
        "rule": {"type": "string", "description": "the business rule that refused the request"},
        "errors": {"type": "array", "items": {"type": "object"},
                   "description": "per invalid input: its JSON pointer, location and detail"},
    },
    "additionalProperties": True,
}


def document_problems(app: FastAPI) -> None:
    """Say in the OpenAPI document what the handlers above send: every error is application/problem+json
    (FastAPI would otherwise document its own application/json validation error)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        problem = {"content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                if "422" in responses:
                    responses["422"] = {"description": "The request is not valid", **problem}
                responses.setdefault("default", {"description": "A problem", **problem})
        schema.get("components", {}).get("schemas", {}).pop("HTTPValidationError", None)
        schema.get("components", {}).get("schemas", {}).pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
