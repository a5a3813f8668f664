"""The face-check provider (EMP-8): a Protocol and the deterministic fake."""
from __future__ import annotations

import hashlib
import hmac
from typing import Protocol

from employee_accounts.domain.values import FaceResult


class FaceCheck(Protocol):
    """Verifies that a live face capture belongs to the holder of a national ID (EMP-8)."""

    async def verify(self, *, national_id: str, real_name: str, capture: str) -> FaceResult: ...


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
