"""`Idempotency-Key` for state-changing requests, as Stripe promises it: a retry gets the
stored response, a concurrent duplicate gets 409, the same key with a different body gets 422.

The key's claim, the command's effect and the stored response commit in ONE transaction:
the middleware opens it, takes a transaction-scoped advisory lock on the key, and makes it
the request's ambient session (`trust_common.uow.AMBIENT_SESSION`), so the unit of work
writes the change and its events there (inside a savepoint) instead of committing on its
own. The response is stored and committed before a byte of it is sent. So after any crash a
retry either replays the first answer or runs the command once, and a request whose process
died holds nothing: its transaction and its lock went with its connection.

Keys belong to authenticated callers (the token's subject) on routes that exist, and are kept
for 24 hours. A response marked `Cache-Control: no-store` (a secret shown once, a session
token) is not kept: its replay says the first request succeeded without repeating the body.
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trust_common.outages import RETRY_AFTER_SECONDS, is_outage
from trust_common.problems import Problem, problem_body, unavailable_body
from trust_common.schema import idempotency_keys
from trust_common.uow import AMBIENT_SESSION

HEADER = "idempotency-key"
REPLAYED_HEADER = "idempotent-replayed"
METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_KEY_LENGTH = 255
KEY_SHAPE = re.compile(rf"[\x21-\x7e]{{1,{MAX_KEY_LENGTH}}}")  # visible ASCII, as a UUID or ULID is
# Response headers worth replaying; hop-by-hop and per-response headers are not.
REPLAYED_HEADERS = frozenset({"content-type", "location"})


class IdempotencyMiddleware:
    """ASGI middleware around the whole app; uses the runtime's database and verifier."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in METHODS:
            return await self.app(scope, receive, send)
        # Header bytes are Latin-1 on the wire (RFC 9110); decoding as UTF-8 would fail on some of them.
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        key = headers.get(HEADER)
        if key is None:
            return await self.app(scope, receive, send)
        runtime = scope["app"].state.runtime
        if not KEY_SHAPE.fullmatch(key):
            return await _send_problem(send, problem_body(
                400, "invalid-idempotency-key", "Invalid Idempotency-Key",
                f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} visible ASCII characters"))
        caller = _caller(runtime, headers)
        if caller is None or not _known_route(scope):
            # Nothing is kept for a caller nobody vouched for or a path that does not exist: the
            # request runs (and is refused) as without a key.
            return await self.app(scope, receive, send)
        limit = runtime.settings.idempotency_max_body_bytes
        declared = headers.get("content-length", "")
        body = None if declared.isdigit() and int(declared) > limit else await _read_body(receive, limit)
        if body is None:
            return await _send_problem(send, problem_body(
                413, "request-too-large", "Request too large for an idempotent retry",
                f"A request sent with an Idempotency-Key may carry at most {limit} bytes."))
        request_hash = hashlib.sha256(
            b"\0".join([scope["method"].encode(), scope["path"].encode(), scope.get("query_string", b""), body])
        ).hexdigest()
        try:
            async with runtime.sessions() as session:
                await self._handle(runtime, session, scope, send, caller, key, request_hash, body)
        except Exception as error:
            if not is_outage(error):
                raise
            # The database went away before the answer was stored: nothing was committed.
            await _send_problem(send, unavailable_body(scope["path"]), retry_after=RETRY_AFTER_SECONDS)

    async def _handle(self, runtime: Any, session: AsyncSession, scope: Scope, send: Send, caller: str, key: str,
                      request_hash: str, body: bytes) -> None:
        where = (idempotency_keys.c.scope == caller, idempotency_keys.c.key == key)
        if not await session.scalar(select(func.pg_try_advisory_xact_lock(_lock_id(caller, key)))):
            # The first request with this key holds the lock in its open transaction, so it is running
            # right now (a dead process releases it with its connection).
            return await _send_problem(send, problem_body(
                409, "idempotency-request-in-flight", "The first request with this key is still in progress",
                "Retry in a moment: the original request with this Idempotency-Key has not finished."),
                retry_after=1)
        row = (await session.execute(select(idempotency_keys).where(*where))).mappings().first()
        kept_since = runtime.clock.now() - timedelta(hours=runtime.settings.idempotency_retention_hours)
        if row is not None and row["created_at"] >= kept_since:
            return await _answer_existing(send, dict(row), request_hash)
        if row is not None:
            await session.execute(delete(idempotency_keys).where(*where))

        response = _Response()
        token = AMBIENT_SESSION.set(session)
        try:
            await self.app(scope, _replay_body(body), response.capture)
        finally:
            AMBIENT_SESSION.reset(token)
        if response.status >= 500:
            await session.rollback()  # nothing was decided: the key stays free for a retry
            return await response.send_to(send)
        keep = "no-store" not in response.headers.get("cache-control", "")
        await session.execute(pg_insert(idempotency_keys).values(
            scope=caller, key=key, method=scope["method"], path=scope["path"][:500], request_hash=request_hash,
            response_status=response.status,
            response_headers={k: v for k, v in response.headers.items() if k in REPLAYED_HEADERS},
            response_body=bytes(response.body) if keep else None, created_at=runtime.clock.now()))
        await session.commit()  # the effect, its events and this answer, together
        await response.send_to(send)


class _Response:
    """The app's response, held until it is stored with the effect it reports."""

    def __init__(self) -> None:
        self.status = 500
        self.raw_headers: list[tuple[bytes, bytes]] = []
        self.body = bytearray()

    @property
    def headers(self) -> dict[str, str]:
        return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in self.raw_headers}

    async def capture(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.raw_headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.body.extend(message.get("body", b""))

    async def send_to(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.raw_headers})
        await send({"type": "http.response.body", "body": bytes(self.body)})


async def _answer_existing(send: Send, row: dict[str, Any], request_hash: str) -> None:
    if row["request_hash"] != request_hash:
        return await _send_problem(send, problem_body(
            422, "idempotency-key-reused", "Idempotency-Key reused with a different request",
            "This Idempotency-Key was first used with a different method, path or body; use a new key."))
    if row["response_body"] is None:
        return await _send_problem(send, problem_body(
            409, "idempotency-response-not-kept", "The first request with this key already succeeded",
            f"The first request succeeded with status {row['response_status']}; its response showed a "
            "secret once and is not kept. Read the resource instead of retrying."))
    headers = [(k.encode(), v.encode()) for k, v in (row["response_headers"] or {}).items()]
    headers.append((REPLAYED_HEADER.encode(), b"true"))
    await send({"type": "http.response.start", "status": row["response_status"], "headers": headers})
    await send({"type": "http.response.body", "body": bytes(row["response_body"] or b"")})


def _lock_id(caller: str, key: str) -> int:
    """A 64-bit advisory lock id for one caller's key."""
    digest = hashlib.sha256(f"idempotency\0{caller}\0{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _known_route(scope: Scope) -> bool:
    return any(route.matches(scope)[0] is Match.FULL for route in scope["app"].router.routes)


def _caller(runtime: Any, headers: dict[str, str]) -> str | None:
    """The verified subject of the request's bearer token, if it has a valid one."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token:
        try:
            return str(runtime.verifier.verify(token.strip()).subject)
        except Problem:
            return None
    return None


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body (it is hashed and replayed to the app), or None past `limit` bytes."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay_body(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _send_problem(send: Send, body: dict[str, Any], retry_after: int | None = None) -> None:
    headers = [(b"content-type", b"application/problem+json")]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": body["status"], "headers": headers})
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})
