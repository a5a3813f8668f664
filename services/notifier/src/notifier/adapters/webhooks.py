"""Webhooks over HTTP (NOTE-4): the transport the worker posts signed bodies through, and its
real client. A failure worth retrying raises `ChannelError` with an outcome class a tenant may see;
the body carries the delivery id (Idempotency-Key), so a receiver can recognise a re-send.

Every post is checked by the egress guard first (issue 13) and goes to the address that was
checked, with the endpoint's name as `Host` and TLS server name, and never follows a redirect."""
from __future__ import annotations

from typing import Protocol

import httpx
from opentelemetry import propagate, trace

from notifier.adapters import ChannelError
from notifier.adapters.egress import EgressGuard, EgressRefused, redact


class WebhookTransport(Protocol):
    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> None: ...


class HttpWebhookTransport:
    """POSTs the signed body; anything but a 2xx is a failure."""

    def __init__(self, guard: EgressGuard, timeout_seconds: float,
                 tracer_provider: trace.TracerProvider | None = None) -> None:
        self._guard = guard
        self._timeout = timeout_seconds
        self._tracer = trace.get_tracer(__name__, tracer_provider=tracer_provider)

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        with self._tracer.start_as_current_span("webhook POST", kind=trace.SpanKind.CLIENT,
                                          attributes={"http.request.method": "POST", "url.full": redact(url)}) as span:
            try:
                target = await self._guard.check(url)  # again at every delivery: DNS may have changed
            except EgressRefused as refused:
                span.set_attribute("error.type", "refused_address")
                raise ChannelError(f"webhook {redact(url)}: {refused.reason}", "refused_address") from refused
            outgoing = {**headers, "Host": target.host_header}
            propagate.inject(outgoing)  # traceparent: the receiver can join the trace
            extensions = {"sni_hostname": target.host} if target.url.scheme == "https" else {}
            try:
                async with httpx.AsyncClient(timeout=self._timeout, follow_redirects=False, trust_env=False) as client:
                    response = await client.post(target.connect_url(), content=body, headers=outgoing,
                                                 extensions=extensions)
            except httpx.TimeoutException as error:
                span.set_attribute("error.type", "timeout")
                raise ChannelError(f"webhook {redact(url)}: {type(error).__name__}", "timeout") from error
            except httpx.HTTPError as error:
                span.set_attribute("error.type", "connection_failed")
                raise ChannelError(f"webhook {redact(url)}: {type(error).__name__}", "connection_failed") from error
            span.set_attribute("http.response.status_code", response.status_code)
            if not 200 <= response.status_code < 300:
                outcome = "http_4xx" if 400 <= response.status_code < 500 else (
                    "http_5xx" if response.status_code >= 500 else "http_other")  # a 3xx is not followed
                span.set_attribute("error.type", outcome)
                raise ChannelError(f"webhook {redact(url)}: HTTP {response.status_code}", outcome)
