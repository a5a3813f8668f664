"""Secrets and personal data at rest (X-4): AES-256-GCM under rotatable key ids.

Several keys may open, only the active one seals, so a key is rotated by adding a new one,
making it active, re-sealing what is stored (`reseal`) and then retiring the old one. The
purpose of a value (`"national_id"`, `"webhook_secret"`) is bound as associated data, so a
ciphertext moved to another column does not open there.
"""
from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import SecretStr

NONCE_BYTES = 12
KEY_BYTES = 32


class SealingError(ValueError):
    """A sealed value could not be opened: unknown key id, wrong purpose or tampered bytes."""


@dataclass(frozen=True)
class Sealed:
    ciphertext: bytes  # nonce + AES-GCM output
    key_id: str

    def text(self) -> str:
        """One string (`<key id>:<base64>`) for a text column."""
        return f"{self.key_id}:{base64.b64encode(self.ciphertext).decode()}"

    @classmethod
    def parse(cls, text: str) -> Sealed:
        key_id, sep, body = text.partition(":")
        if not sep:
            raise SealingError("not a sealed value")
        try:
            return cls(ciphertext=base64.b64decode(body, validate=True), key_id=key_id)
        except binascii.Error as error:
            raise SealingError("not a sealed value") from error


class Sealer:
    """Seals with the active key; opens with whichever key a value names."""

    def __init__(self, keys: Mapping[str, bytes], active_key_id: str) -> None:
        if active_key_id not in keys:
            raise ValueError("the active key id names no configured key")
        if any(len(key) != KEY_BYTES for key in keys.values()):
            raise ValueError("sealing keys must be 32 bytes (AES-256)")
        self._keys = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.active_key_id = active_key_id

    @classmethod
    def from_settings(cls, keys: Mapping[str, SecretStr], active_key_id: str) -> Sealer:
        """Keys as settings hold them: key id → base64 of 32 random bytes."""
        return cls({key_id: base64.b64decode(value.get_secret_value()) for key_id, value in keys.items()},
                   active_key_id)

    def seal(self, purpose: str, value: str) -> Sealed:
        nonce = os.urandom(NONCE_BYTES)
        body = self._keys[self.active_key_id].encrypt(nonce, value.encode(), purpose.encode())
        return Sealed(ciphertext=nonce + body, key_id=self.active_key_id)

    def open(self, purpose: str, sealed: Sealed) -> str:
        key = self._keys.get(sealed.key_id)
        if key is None:
            raise SealingError(f"no key {sealed.key_id!r} is configured to open this value")
        nonce, body = sealed.ciphertext[:NONCE_BYTES], sealed.ciphertext[NONCE_BYTES:]
        try:
            return key.decrypt(nonce, body, purpose.encode()).decode()
        except InvalidTag as error:
            raise SealingError("the sealed value does not open: wrong purpose or tampered") from error

    def reseal(self, purpose: str, sealed: Sealed) -> Sealed:
        """The same value under the active key (key rotation); unchanged if already there."""
        if sealed.key_id == self.active_key_id:
            return sealed
        return self.seal(purpose, self.open(purpose, sealed))
