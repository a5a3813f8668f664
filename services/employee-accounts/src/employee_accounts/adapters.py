"""External providers behind Protocols, each with the deterministic fake shipped for development and tests."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Protocol

from employee_accounts.domain.account import FaceResult


class FaceCheck(Protocol):
    """Verifies that a live face capture belongs to the holder of a national ID (EMP-8)."""

    async def verify(self, *, national_id: str, real_name: str, capture: str) -> FaceResult: ...


class Payments(Protocol):
    """Collects the showcase goods deposit (EMP-15)."""

    async def collect_deposit(self, *, account_id: str, amount_cny: int, reference: str) -> str: ...


class IdentityDirectory(Protocol):
    """The platform's real-name service: the identity_ref it gives accounts of one person (EMP-7)."""

    def identity_ref_of(self, national_id: str) -> str: ...


class FakeFaceCheck:
    """Deterministic: a capture matches only the national ID it was made for (`capture_for`)."""

    MATCH_SCORE, MISMATCH_SCORE = 0.9731, 0.1287  # distinctive, so a test can look for them anywhere

    @staticmethod
    def capture_for(national_id: str) -> str:
        return "face-" + hashlib.sha256(f"face:{national_id}".encode()).hexdigest()[:24]

    async def verify(self, *, national_id: str, real_name: str, capture: str) -> FaceResult:
        if hmac.compare_digest(capture, self.capture_for(national_id)):
            return FaceResult(matched=True, score=self.MATCH_SCORE)
        return FaceResult(matched=False, score=self.MISMATCH_SCORE)


@dataclass
class FakePayments:
    """Deterministic: succeeds with a receipt derived from the reference; remembers what it collected."""

    collected: dict[str, int] = field(default_factory=dict)

    async def collect_deposit(self, *, account_id: str, amount_cny: int, reference: str) -> str:
        self.collected[reference] = amount_cny
        return "rcpt-" + hashlib.sha256(reference.encode()).hexdigest()[:16]


class FakeIdentityDirectory:
    """Deterministic stand-in for the platform's keyed identity reference."""

    KEY = b"fake-platform-identity-directory"

    def identity_ref_of(self, national_id: str) -> str:
        normalised = "".join(national_id.split()).upper()
        return "idref-" + hmac.new(self.KEY, normalised.encode(), hashlib.sha256).hexdigest()[:32]
