"""The notifier's ways out (NOTE-4): email over SMTP and webhooks over HTTP, each a Protocol
with its real client; plus the SMTP sink that stands in for a mail server in development and tests."""
from __future__ import annotations


class ChannelError(Exception):
    """The channel did not accept the message; the delivery is retried with back-off."""
