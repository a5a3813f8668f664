"""The notifier's ways out (NOTE-4): email over SMTP and webhooks over HTTP, each a Protocol
with its real client; plus the SMTP sink that stands in for a mail server in development and tests."""
from __future__ import annotations


class ChannelError(Exception):
    """The channel did not accept the message; the delivery is retried with back-off.

    `outcome` is the class a tenant may see (`connection_failed`, `timeout`, `http_4xx`, `http_5xx`,
    `refused_address`, `smtp_rejected`, `no_address`, `endpoint_disabled`); the message is for logs only."""

    def __init__(self, message: str, outcome: str = "failed") -> None:
        super().__init__(message)
        self.outcome = outcome
