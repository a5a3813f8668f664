"""A real local HTTP server standing in for an enterprise's or shop's webhook receiver: it
records each request and checks its signature the way a receiver would."""
from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from notifier.domain.webhooks import verify_signature


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    now: Callable[[], datetime]
    secrets: dict[str, str] = field(default_factory=dict)  # path → the secret its owner holds
    failing: set[str] = field(default_factory=set)  # paths answering 500
    received: list[Received] = field(default_factory=list)
    port: int = 0

    async def start(self) -> WebhookReceiver:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        self._server.close()
        await self._server.wait_closed()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def at(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            _, path, _ = head[0].split(" ", 2)
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            secret = self.secrets.get(path)
            verified = bool(secret) and verify_signature(headers.get("trust-signature", ""), body, secret, self.now())
            self.received.append(Received(path, headers, body, verified))
            status = "500 Internal Server Error" if path in self.failing else "204 No Content"
            writer.write(f"HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".encode())
            await writer.drain()
        finally:
            writer.close()
