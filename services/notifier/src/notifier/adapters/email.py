"""Email over SMTP (NOTE-4): the transport the worker sends through, and its real client.

A failure worth retrying raises `ChannelError`. Each mail carries the delivery id as its
Message-ID, so a receiver can recognise a re-send after a crash.
"""
from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from opentelemetry import trace

from notifier.adapters import ChannelError
from notifier.settings import Settings


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    message_id: str
    delivery_id: str


class EmailTransport(Protocol):
    async def send(self, email: Email) -> None: ...


class SmtpTransport:
    """smtplib in a worker thread: a real SMTP conversation, without another dependency."""

    def __init__(self, settings: Settings, tracer_provider: trace.TracerProvider | None = None) -> None:
        self._settings = settings
        self._tracer = trace.get_tracer(__name__, tracer_provider=tracer_provider)

    async def send(self, email: Email) -> None:
        # The thread runs in a copy of this context, so its client span joins the delivery's trace.
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
        with self._tracer.start_as_current_span("smtp send", kind=trace.SpanKind.CLIENT, attributes={
                "server.address": settings.smtp_host, "server.port": settings.smtp_port}) as span:
            try:
                with smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                                  timeout=settings.smtp_timeout_seconds) as smtp:
                    if settings.smtp_starttls:
                        smtp.starttls()
                    if settings.smtp_username and settings.smtp_password:
                        smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
                    smtp.send_message(message)
            except (OSError, smtplib.SMTPException) as error:
                rejected = isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)
                outcome = ("timeout" if isinstance(error, TimeoutError) else
                           "smtp_rejected" if rejected else "connection_failed")
                span.set_attribute("error.type", outcome)
                raise ChannelError(f"smtp: {type(error).__name__}: {error}", outcome) from error
