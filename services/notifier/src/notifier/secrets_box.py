"""Fernet sealing of webhook signing secrets at rest, keyed from the service settings."""
from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet

from notifier.settings import Settings


class FernetBox:
    """Implements `SecretBox`: authenticated encryption (AES-128-CBC + HMAC) of each secret."""

    def __init__(self, key_material: str) -> None:
        # Any configured string becomes a valid 32-byte Fernet key.
        key = base64.urlsafe_b64encode(hashlib.sha256(key_material.encode()).digest())
        self._fernet = Fernet(key)

    @classmethod
    def from_settings(cls, settings: Settings) -> "FernetBox":
        return cls(settings.webhook_secret_key.get_secret_value())

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        return self._fernet.decrypt(sealed.encode()).decode()
