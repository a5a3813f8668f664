"""Adapters to the outside: an SMTP client and an HTTP client for webhooks (NOTE-4).

Each raises `ChannelError` for a failure worth retrying. Both carry the delivery id
(Message-ID, Idempotency-Key) so a receiver can recognise a re-send after a crash.
"""
from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

import httpx

from notifier.settings import Settings


class ChannelError(Exception):
    """The channel did not accept the message; the delivery is retried with back-off."""


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    message_id: str
    delivery_id: str


class EmailTransport(Protocol):
    async def send(self, email: Email) -> None: ...


class WebhookTransport(Protocol):
    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> None: ...


class SmtpTransport:
    """smtplib in a worker thread: a real SMTP conversation, without another dependency."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def send(self, email: Email) -> None:
        await asyncio.to_thread(self._send, email)

    def _send(self, email: Email) -> None:
        settings = self._settings
        message = EmailMessage()
        message["From"] = settings.email_from
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Message-ID"] = email.message_id
        message["X-Trust-Delivery-Id"] = email.delivery_id
        message.set_content(email.body)
        try:
            with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds) as smtp:
                if settings.smtp_starttls:
                    smtp.starttls()
                if settings.smtp_username and settings.smtp_password:
                    smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise ChannelError(f"smtp: {type(error).__name__}: {error}") from error


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
