"""Passwords at rest (EMP-5): Argon2id hashes, computed off the event loop."""
from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from employee_accounts.settings import Settings


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
