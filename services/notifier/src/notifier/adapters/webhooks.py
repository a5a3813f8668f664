"""Webhooks over HTTP (NOTE-4): the transport the worker posts signed bodies through, and its
real client. A failure worth retrying raises `ChannelError`; the body carries the delivery id
(Idempotency-Key), so a receiver can recognise a re-send after a crash."""
from __future__ import annotations

from typing import Protocol

import httpx

from notifier.adapters import ChannelError
from notifier.settings import Settings


class WebhookTransport(Protocol):
    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> None: ...


class HttpWebhookTransport:
    """POSTs the signed body; anything but a 2xx is a failure."""

    def __init__(self, settings: Settings) -> None:
        self._timeout = settings.webhook_timeout_seconds

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        try:
            async with httpx.AsyncClient(timeout=self._timeout, follow_redirects=False) as client:
                response = await client.post(url, content=body, headers=headers)
        except httpx.HTTPError as error:
            raise ChannelError(f"webhook: {type(error).__name__}: {error}") from error
        if not 200 <= response.status_code < 300:
            raise ChannelError(f"webhook: HTTP {response.status_code}")
