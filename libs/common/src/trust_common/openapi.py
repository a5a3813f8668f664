"""What every service's OpenAPI document says in common (issue 15 item 3), and the problem-type
catalogue that each problem `type` URI points into.

Derived from the code, so it follows whatever routes exist: an operation whose dependencies
include `current_principal` (`CurrentPrincipal`, `requires(...)`) declares the bearer scheme and
the 401/403 problems; every POST/PUT/PATCH/DELETE declares `Idempotency-Key`; a dependency
marked with `documents_headers` declares its headers. The catalogue lists every `Problem`
subclass of the installed services plus the problems the shared plumbing sends by slug;
`GET /problems` and `GET /problems/{slug}` serve it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, iter_route_contexts

from trust_common.problems import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_BASE, NotFound, Problem, problem_response

BEARER = "bearer"
WRITE_METHODS = ("post", "put", "patch", "delete")
CATALOGUE_PATH = "/problems"

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": ("Makes a retry safe: send a fresh unique value (a UUID) with the first attempt and the SAME "
                    "value with every retry. A retry gets the first response again (header "
                    "`Idempotent-Replayed: true`); the same key while the first request still runs gets 409 "
                    "`idempotency-request-in-flight`; the same key with a different request gets 422 "
                    "`idempotency-key-reused`. Keys belong to the token's subject and are kept 24 hours. "
                    "Visible ASCII, at most 255 characters."),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
    "example": "6f1c2a0e-8a52-4bd8-9b0e-0c1b7a8f4d21",
}

# The X-Client-* headers the edge gateway and the apps send; a dependency that reads one from the
# request (rather than as a FastAPI Header parameter) is marked with `documents_headers(...)`.
CLIENT_HEADERS: dict[str, dict[str, Any]] = {
    "X-Client-Country": {"description": "ISO 3166-1 alpha-2 country of the caller's network location, set by "
                                        "the edge gateway", "schema": {"type": "string", "pattern": "^[A-Z]{2}$"},
                         "example": "CN"},
    "X-Client-Platform": {"description": "the calling app's platform", "schema": {"type": "string"},
                          "example": "ios"},
    "X-Client-Version": {"description": "the calling app's version", "schema": {"type": "string"},
                         "example": "32.1.0"},
}
_DOCUMENTED_HEADERS: dict[Callable[..., Any], tuple[str, ...]] = {}


def documents_headers(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a dependency that reads `names` (keys of CLIENT_HEADERS) from the request, so every
    operation using it declares them."""
    unknown = set(names) - set(CLIENT_HEADERS)
    if unknown:
        raise ValueError(f"undocumented headers: {sorted(unknown)}")

    def mark(dependency: Callable[..., Any]) -> Callable[..., Any]:
        _DOCUMENTED_HEADERS[dependency] = names
        return dependency
    return mark


# -- the catalogue ------------------------------------------------------------------------

# What each status means for the caller and what to do about it.
_FIX_BY_STATUS = {
    400: "Correct the request as `detail` says; sending it unchanged will fail again.",
    401: "Send a valid, unexpired bearer token in the Authorization header.",
    403: "The token is valid but its subject or roles may not do this; `detail` and `rule` say why.",
    404: "Check the id in the path; it does not exist or is not visible to this caller.",
    405: "Use one of the methods listed in the Allow header.",
    409: "The resource changed or another request is in progress: read it again, then retry if still wanted.",
    410: "It existed but is gone for good; do not retry.",
    413: "Send a smaller body (the limit is per route).",
    415: "Send the body with a supported Content-Type.",
    422: "The request is well-formed but refused: fix the fields in `errors`, or meet the rule in `rule`.",
    429: "Too many attempts: wait the Retry-After header's seconds before trying again.",
    500: "A defect on our side, logged with the trace; retrying may not help. Report the `instance` and time.",
    503: "Retry after the Retry-After header's seconds; nothing was changed.",
    504: "Retry later; nothing is known to have changed.",
}

# Problems the shared plumbing sends by slug (no class of their own).
_PLUMBING: tuple[tuple[str, int, str, str], ...] = (
    ("validation-error", 422, "The request is not valid",
     "A parameter or body field is missing, has the wrong type or is out of range; `errors` lists each one "
     "with its JSON pointer."),
    ("method-not-allowed", 405, "Method not allowed", "The path exists, the method does not."),
    ("http-error", 400, "HTTP error", "The HTTP layer refused the request (status and detail say how)."),
    ("internal-error", 500, "Internal error", "Something went wrong on our side; it has been logged."),
    ("service-unavailable", 503, "Service unavailable",
     "A system this service depends on (its database, Kafka) is not reachable right now; nothing was changed."),
    ("invalid-idempotency-key", 400, "Invalid Idempotency-Key",
     "The Idempotency-Key header is empty, too long (over 255) or not visible ASCII."),
    ("idempotency-request-in-flight", 409, "The first request with this key is still in progress",
     "Another request with the same Idempotency-Key has not finished; retry in a moment to get its answer."),
    ("idempotency-key-reused", 422, "Idempotency-Key reused with a different request",
     "The key was first used with a different method, path or body; use a new key for a new request."),
    ("idempotency-response-not-kept", 409, "The first request with this key already succeeded",
     "Its response held a secret shown once and was not kept; read the resource instead of retrying."),
)


def _subclasses(cls: type[Problem]) -> Iterator[type[Problem]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def catalogue() -> dict[str, dict[str, Any]]:
    """Every problem type the system sends, by slug: what it means, how to fix it, its rules."""
    from trust_common.asyncapi import installed_services

    installed_services()  # imports every service, so their Problem subclasses exist
    entries: dict[str, dict[str, Any]] = {}

    def add(slug: str, status: int, title: str, meaning: str, rule: str | None) -> None:
        entry = entries.setdefault(slug, {"type": PROBLEM_TYPE_BASE + slug, "slug": slug, "title": title,
                                          "statuses": [], "rules": [], "meaning": meaning, "fix": ""})
        if status not in entry["statuses"]:
            entry["statuses"] = sorted([*entry["statuses"], status])
        if rule and rule not in entry["rules"]:
            entry["rules"] = sorted([*entry["rules"], rule])
        entry["fix"] = " ".join(_FIX_BY_STATUS.get(s, "Read `detail`; it says what to change.")
                                for s in entry["statuses"])

    for slug, status, title, meaning in _PLUMBING:
        add(slug, status, title, meaning, None)
    classes: list[type[Problem]] = [Problem, *_subclasses(Problem)]
    for cls in classes:
        doc = cls.__dict__.get("__doc__") or ""
        meaning = " ".join(doc.split()) if doc and cls.__module__ != "trust_common.problems" else cls.title
        add(cls.slug, cls.status, cls.title, meaning or cls.title, cls.rule)
    return dict(sorted(entries.items()))


class UnknownProblemType(NotFound):
    slug, title = "unknown-problem-type", "No such problem type"


def catalogue_router() -> APIRouter:
    router = APIRouter(prefix=CATALOGUE_PATH, tags=["problem types"])
    cached: list[dict[str, dict[str, Any]]] = []

    def entries() -> dict[str, dict[str, Any]]:
        if not cached:
            cached.append(catalogue())
        return cached[0]

    @router.get("", summary="Every problem type this system sends")
    async def list_problem_types() -> JSONResponse:
        return JSONResponse({"items": list(entries().values())})

    @router.get("/{slug}", summary="One problem type: what it means, how to fix it, its rule ids")
    async def problem_type(slug: str) -> JSONResponse:
        entry = entries().get(slug)
        if entry is None:
            return problem_response(UnknownProblemType(f"no problem type {slug!r}").body(CATALOGUE_PATH + "/" + slug))
        return JSONResponse(entry)

    return router


# -- the document ------------------------------------------------------------------------


def api_routes(app: FastAPI) -> Iterator[tuple[str, set[str], Dependant]]:
    """Each documented operation's full path, methods and dependencies (FastAPI keeps included
    routers as such; their routes' effective paths carry the prefixes)."""
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or not getattr(context, "include_in_schema", route.include_in_schema):
            continue
        dependant = getattr(context, "dependant", None) or route.dependant
        yield context.path_format or route.path_format, set(context.methods or route.methods or ()), dependant


def _dependency_calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _dependency_calls(sub)


def _example(slug: str, status: int, title: str, detail: str, path: str) -> dict[str, Any]:
    return {"summary": title, "value": {"type": PROBLEM_TYPE_BASE + slug, "title": title, "status": status,
                                        "detail": detail, "instance": path}}


def _problem(description: str, examples: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_MEDIA_TYPE: {
        "schema": {"$ref": "#/components/schemas/Problem"}, "examples": examples}}}


def complete(app: FastAPI, schema: dict[str, Any]) -> None:
    """Add to `schema` (the app's generated document) what its routes' dependencies imply."""
    from trust_common.auth import current_principal

    components = schema.setdefault("components", {})
    components.setdefault("securitySchemes", {})[BEARER] = {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": "A JWT from the platform's identity service (in development: `trust-token`)."}
    for path, methods, dependant in api_routes(app):
        calls = set(_dependency_calls(dependant))
        authenticated = current_principal in calls
        headers = [name for call in calls for name in _DOCUMENTED_HEADERS.get(call, ())]
        path_item = schema.get("paths", {}).get(path, {})
        for method in methods:
            operation = path_item.get(method.lower())
            if operation is None:
                continue
            _complete_operation(operation, method.lower(), path, authenticated, headers)


def _complete_operation(operation: dict[str, Any], method: str, path: str, authenticated: bool,
                        headers: list[str]) -> None:
    parameters = operation.setdefault("parameters", [])
    declared = {(p.get("in"), p.get("name", "").lower()) for p in parameters}
    if method in WRITE_METHODS and ("header", "idempotency-key") not in declared:
        parameters.append(dict(IDEMPOTENCY_KEY))
    for name in sorted(set(headers)):
        if ("header", name.lower()) not in declared:
            parameters.append({"name": name, "in": "header", "required": False, **CLIENT_HEADERS[name]})
    if not parameters:
        del operation["parameters"]
    responses = operation.setdefault("responses", {})
    if authenticated:
        operation["security"] = [{BEARER: []}]
        responses.setdefault("401", _problem("No valid bearer token", {"unauthorized": _example(
            "unauthorized", 401, "Authentication required", "send a bearer token in the Authorization header",
            path)}))
        responses.setdefault("403", _problem("The caller may not do this", {"forbidden": _example(
            "forbidden", 403, "Not allowed", "this operation needs one of the roles: admin", path)}))
    if "{" in path:
        responses.setdefault("404", _problem("No such resource (or not visible to this caller)", {
            "not-found": _example("not-found", 404, "Not found", "no such resource", path)}))
    if method in WRITE_METHODS:
        responses.setdefault("409", _problem("Conflicts with the current state, or a retry races its first "
                                             "attempt", {"idempotency-request-in-flight": _example(
                                                 "idempotency-request-in-flight", 409,
                                                 "The first request with this key is still in progress",
                                                 "retry in a moment", path)}))
    if "422" in responses and "examples" not in responses["422"].get("content", {}).get(PROBLEM_MEDIA_TYPE, {}):
        del responses["422"]  # the bare one document_problems declared: replaced with its example
    responses.setdefault("422", _problem("The request is not valid, or a business rule refuses it", {
        "validation-error": _example("validation-error", 422, "The request is not valid",
                                     "/query/limit: Input should be less than or equal to 100", path)}))
    responses.setdefault("503", _problem("A dependency is unavailable; retry after Retry-After", {
        "service-unavailable": _example("service-unavailable", 503, "Service unavailable",
                                        "A system this service depends on is not reachable right now; nothing "
                                        "was changed. Retry after the time in the Retry-After header.", path)}))
