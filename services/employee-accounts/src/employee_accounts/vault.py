"""Personal data at rest (X-4): AES-256-GCM with rotatable key ids, a keyed HMAC for lookups,
and Argon2id password hashes (EMP-5)."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from employee_accounts.domain.account import SealedRecord, SealedValue
from employee_accounts.domain.values import mask
from employee_accounts.settings import Settings

NONCE_BYTES = 12


class PersonalDataVault:
    """Seals and opens personal data; several keys may decrypt, only the active one encrypts."""

    def __init__(self, keys: dict[str, bytes], active_key_id: str, hash_key: bytes) -> None:
        if active_key_id not in keys:
            raise ValueError("the active personal-data key id names no configured key")
        if any(len(k) != 32 for k in keys.values()):
            raise ValueError("personal-data keys must be 32 bytes (AES-256)")
        self._keys = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self._active = active_key_id
        self._hash_key = hash_key

    @classmethod
    def from_settings(cls, settings: Settings) -> "PersonalDataVault":
        keys = {k: base64.b64decode(v.get_secret_value()) for k, v in settings.pii_keys.items()}
        return cls(keys, settings.pii_active_key_id, settings.pii_hash_key.get_secret_value().encode())

    def lookup_hash(self, kind: str, value: str) -> str:
        """Keyed hash of a normalised value; `kind` keeps IDs and phones in separate spaces."""
        normalised = "".join(value.split()).upper()
        return hmac.new(self._hash_key, f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()

    def seal(self, kind: str, value: str) -> SealedValue:
        """Encrypt with the active key; the kind is bound as associated data."""
        record = self.seal_record(kind, value)
        return SealedValue(ciphertext=record.ciphertext, key_id=record.key_id,
                           lookup_hash=self.lookup_hash(kind, value), masked=mask("".join(value.split())))

    def seal_record(self, kind: str, value: str) -> SealedRecord:
        """Encrypt only: no lookup hash, no masked form (e.g. a face-check result, X-4, whose few possible
        values a hash or a mask would give away)."""
        nonce = os.urandom(NONCE_BYTES)
        ciphertext = nonce + self._keys[self._active].encrypt(nonce, value.encode(), kind.encode())
        return SealedRecord(ciphertext=ciphertext, key_id=self._active)

    def open(self, kind: str, ciphertext: bytes, key_id: str) -> str:
        """Decrypt with the key the value was sealed with (rotation keeps old keys readable)."""
        nonce, body = ciphertext[:NONCE_BYTES], ciphertext[NONCE_BYTES:]
        return self._keys[key_id].decrypt(nonce, body, kind.encode()).decode()

    def reseal(self, kind: str, ciphertext: bytes, key_id: str) -> SealedValue:
        """Re-encrypt under the active key (key rotation)."""
        return self.seal(kind, self.open(kind, ciphertext, key_id))


class Passwords:
    """Argon2id hashing off the event loop (hashing is deliberately slow)."""

    def __init__(self, settings: Settings) -> None:
        self._hasher = PasswordHasher(time_cost=settings.argon2_time_cost,
                                      memory_cost=settings.argon2_memory_cost_kib,
                                      parallelism=settings.argon2_parallelism)
        self._dummy: str | None = None

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        """True when the password matches; an absent hash costs as much as a wrong one (no account probing)."""
        if not stored_hash:
            if self._dummy is None:
                self._dummy = await self.hash(secrets.token_hex(16))
            stored_hash, password = self._dummy, password + "\0never"
        try:
            return await asyncio.to_thread(self._hasher.verify, stored_hash, password) and stored_hash != self._dummy
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
