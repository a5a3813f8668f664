"""A body-size limit on every route: small JSON by default, larger only where a route says so.

`BodyLimitMiddleware` refuses a request whose declared `Content-Length` is over the limit
before reading a byte of it, and stops a streamed (chunked) body as soon as it passes the
limit: the client gets a 413 problem either way and the body is never read in full. The
default is `TRUST_HTTP_MAX_BODY_BYTES`; a route that takes uploads declares its own with
`dependencies=[max_body(lambda settings: settings.document_max_bytes, DocumentTooLarge)]`,
read from the running service's settings.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.params import Depends as DependsParam
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trust_common.problems import PROBLEM_MEDIA_TYPE, Problem
from trust_common.settings import CommonSettings


class RequestTooLarge(Problem):
    status, slug, title = 413, "request-too-large", "The request body is too large"


LimitOf = Callable[[Any], int]  # the service's settings -> bytes


class BodyLimit:
    """The marker a route carries (as a dependency that does nothing at request time)."""

    def __init__(self, limit: int | LimitOf, problem: type[Problem] = RequestTooLarge) -> None:
        self._limit = limit
        self.problem = problem

    def bytes_for(self, settings: CommonSettings) -> int:
        return self._limit if isinstance(self._limit, int) else self._limit(settings)

    def __call__(self) -> None:
        return None


def max_body(limit: int | LimitOf, problem: type[Problem] = RequestTooLarge) -> Any:
    """Route dependency: this route accepts bodies up to `limit` bytes (an int or a function of the
    service's settings); over it, `problem(detail, max_bytes=limit)` answers with its status."""
    return Depends(BodyLimit(limit, problem))


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Around the whole app (outside the idempotency middleware, which buffers bodies)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        settings: CommonSettings = scope["app"].state.runtime.settings
        default = settings.http_max_body_bytes
        resolved: tuple[int, type[Problem]] | None = None

        def limit() -> tuple[int, type[Problem]]:
            # Routing is only repeated here for bodies above the default, the rare case.
            nonlocal resolved
            if resolved is None:
                resolved = _route_limit(scope, settings) or (default, RequestTooLarge)
            return resolved

        declared = _content_length(scope)
        if declared is not None and declared > default and declared > limit()[0]:
            return await _refuse(send, *limit())

        received = 0
        exceeded = False
        started = False

        async def limited() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > default and received > limit()[0]:
                    exceeded = True
                    raise _TooLarge()
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # whatever the app made of the interrupted body, the answer is the 413 below
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, guarded)
        except _TooLarge:
            pass
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await _refuse(send, *limit())


def index_routes(routers: Iterable[APIRouter]) -> list[tuple[BaseRoute, BodyLimit | None]]:
    """Every route of `routers` (in the order the app tries them) with the limit it declares; the
    middleware matches a request against these when it must decide before the app has routed it
    (a declared Content-Length, or the idempotency middleware buffering the body)."""
    return [(route, _declared(route)) for router in routers for route in router.routes]


def _declared(route: Any) -> BodyLimit | None:
    marks = [d.dependency for d in getattr(route, "dependencies", []) or []
             if isinstance(d, DependsParam) and isinstance(d.dependency, BodyLimit)]
    return marks[-1] if marks else None  # the route's own mark comes after its router's


def _route_limit(scope: Scope, settings: CommonSettings) -> tuple[int, type[Problem]] | None:
    if "route" in scope:  # the app has routed the request: its route says
        mark = _declared(scope["route"])
    else:
        routes = getattr(scope["app"].state, "body_limits", [])
        mark = next((mark for route, mark in routes if route.matches(scope)[0] is Match.FULL), None)
    return (mark.bytes_for(settings), mark.problem) if mark is not None else None


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name.lower() == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def _refuse(send: Send, limit: int, problem: type[Problem]) -> None:
    error = problem(f"The request body may be at most {limit} bytes.", max_bytes=limit)
    body = error.body()
    await send({"type": "http.response.start", "status": body["status"],
                "headers": [(b"content-type", PROBLEM_MEDIA_TYPE.encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})
