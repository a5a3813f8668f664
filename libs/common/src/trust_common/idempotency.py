"""`Idempotency-Key` for state-changing requests: a retry gets the stored response, a
concurrent duplicate gets 409, the same key with a different body gets 422.

Keys are scoped to the caller (the token's subject). A key whose first request died
mid-flight is released after a lease, so a crashed request can be retried. A response
marked `Cache-Control: no-store` (one that shows a secret once) is not kept: its replay
says the first request succeeded without repeating the body.
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trust_common.problems import Problem, problem_body
from trust_common.schema import idempotency_keys

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
        limit = runtime.settings.idempotency_max_body_bytes
        declared = headers.get("content-length", "")
        body = None if declared.isdigit() and int(declared) > limit else await _read_body(receive, limit)
        if body is None:
            return await _send_problem(send, problem_body(
                413, "request-too-large", "Request too large for an idempotent retry",
                f"A request sent with an Idempotency-Key may carry at most {limit} bytes."))
        scope_id = _caller_scope(runtime, headers)
        request_hash = hashlib.sha256(
            b"\0".join([scope["method"].encode(), scope["path"].encode(), scope.get("query_string", b""), body])
        ).hexdigest()

        claimed = await self._claim(runtime, scope_id, key, scope, request_hash)
        if claimed is not True:
            return await self._answer_existing(send, claimed, request_hash)

        captured: dict[str, Any] = {"status": 500, "headers": [], "body": bytearray()}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = message.get("headers", [])
            elif message["type"] == "http.response.body":
                captured["body"].extend(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, _replay_body(body), capture)
        finally:
            await self._store(runtime, scope_id, key, captured)

    async def _claim(self, runtime: Any, scope_id: str, key: str, scope: Scope, request_hash: str) -> Any:
        now = runtime.clock.now()
        lease = timedelta(seconds=runtime.settings.idempotency_lease_seconds)
        async with runtime.sessions() as session, session.begin():
            inserted = (await session.execute(
                pg_insert(idempotency_keys).values(
                    scope=scope_id, key=key, method=scope["method"], path=scope["path"][:500],
                    request_hash=request_hash, state="in_flight", locked_until=now + lease)
                .on_conflict_do_nothing().returning(idempotency_keys.c.key))).first()
            if inserted:
                return True
            row = (await session.execute(
                select(idempotency_keys).where(idempotency_keys.c.scope == scope_id, idempotency_keys.c.key == key)
                .with_for_update())).mappings().first()
            if row is None:  # released between our insert and select: claim it now
                return await self._claim(runtime, scope_id, key, scope, request_hash)
            if row["state"] == "in_flight" and row["locked_until"] < now and row["request_hash"] == request_hash:
                await session.execute(update(idempotency_keys).where(
                    idempotency_keys.c.scope == scope_id, idempotency_keys.c.key == key).values(
                    locked_until=now + lease))
                return True
            return dict(row)

    async def _answer_existing(self, send: Send, row: dict[str, Any], request_hash: str) -> None:
        if row["request_hash"] != request_hash:
            return await _send_problem(send, problem_body(
                422, "idempotency-key-reused", "Idempotency-Key reused with a different request",
                "This Idempotency-Key was first used with a different method, path or body; use a new key."))
        if row["state"] == "in_flight":
            return await _send_problem(send, problem_body(
                409, "idempotency-request-in-flight", "The first request with this key is still in progress",
                "Retry later: the original request with this Idempotency-Key has not finished."), retry_after=1)
        if row["response_body"] is None:
            return await _send_problem(send, problem_body(
                409, "idempotency-response-not-kept", "The first request with this key already succeeded",
                f"The first request succeeded with status {row['response_status']}; its response showed a "
                "secret once and is not kept. Read the resource instead of retrying."))
        headers = [(k.encode(), v.encode()) for k, v in (row["response_headers"] or {}).items()]
        headers.append((REPLAYED_HEADER.encode(), b"true"))
        await send({"type": "http.response.start", "status": row["response_status"], "headers": headers})
        await send({"type": "http.response.body", "body": bytes(row["response_body"] or b"")})

    async def _store(self, runtime: Any, scope_id: str, key: str, captured: dict[str, Any]) -> None:
        where = (idempotency_keys.c.scope == scope_id, idempotency_keys.c.key == key)
        async with runtime.sessions() as session, session.begin():
            if captured["status"] >= 500:
                # Nothing was decided: free the key so a retry runs again.
                await session.execute(delete(idempotency_keys).where(*where))
                return
            all_headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in captured["headers"]}
            keep = "no-store" not in all_headers.get("cache-control", "")
            await session.execute(update(idempotency_keys).where(*where).values(
                state="completed", response_status=captured["status"],
                response_headers={k: v for k, v in all_headers.items() if k in REPLAYED_HEADERS},
                response_body=bytes(captured["body"]) if keep else None))


def _caller_scope(runtime: Any, headers: dict[str, str]) -> str:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token:
        try:
            return runtime.verifier.verify(token.strip()).subject
        except Problem:
            pass
    return "anonymous"


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
